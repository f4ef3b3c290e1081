// Topology → FlyteAdmin's decoded `clusters` section, without going through a rendered values file.
import type { Topology } from '../topology/index.ts';
import type { ClusterConfig, ClustersConfig, LabelEntryConfig } from './config.ts';
import type { ExecutionClusterLabelRow } from './resolver.ts';

const CREDENTIALS = '/var/run/credentials';

/**
 * The `clusters` config a topology stands for: data planes in order (enabled as given), the control plane first as
 * an enabled inCluster entry when it runs workflows, label keys as written, weights rounded to float32.
 */
export function clustersConfigFromTopology(t: Topology): ClustersConfig {
  const clusterConfigs: ClusterConfig[] = [];
  if (t.controlPlane.runsWorkflows) {
    clusterConfigs.push({
      name: t.controlPlane.name,
      endpoint: '',
      enabled: true,
      inCluster: true,
      auth: { tokenPath: '', certPath: '' },
    });
  }
  for (const dp of t.dataPlanes) {
    clusterConfigs.push({
      name: dp.name,
      endpoint: dp.endpoint,
      enabled: dp.enabled,
      inCluster: false,
      auth: { tokenPath: `${CREDENTIALS}/${dp.name}_token`, certPath: `${CREDENTIALS}/${dp.name}_cacert` },
    });
  }
  const labelClusterMap = new Map<string, LabelEntryConfig[]>();
  for (const [label, entries] of Object.entries(t.labels)) {
    labelClusterMap.set(
      label,
      entries.map((e) => ({ id: e.cluster, weight: Math.fround(e.weight) })),
    );
  }
  return { clusterConfigs, labelClusterMap, defaultExecutionLabel: t.defaultExecutionLabel ?? '' };
}

/** The topology's executionClusterLabels as attribute rows for inMemoryLabelResolver. */
export function labelRowsFromTopology(t: Topology): ExecutionClusterLabelRow[] {
  return t.executionClusterLabels.map((r) => ({
    project: r.project,
    domain: r.domain,
    ...(r.workflow !== undefined ? { workflow: r.workflow } : {}),
    value: r.value,
  }));
}
