// Topology → FlyteAdmin's decoded `clusters` section: the rendered values-override.yaml, decoded the way FlyteAdmin
// decodes it, so place/distribution/diff, lint and run all see the same config (viper lowercases map-form label
// keys, weights become float32, omitted fields their zero values).
import { clustersConfigFromValuesYaml } from '../admin/config.ts';
import { clustersAsRendered } from '../flyte/chart-model.ts';
import { overrideValues } from '../render/values.ts';
import { toYaml } from '../render/yaml.ts';
import type { Topology } from '../topology/index.ts';
import type { ClustersConfig } from './config.ts';
import type { ExecutionClusterLabelRow } from './resolver.ts';

/** decode(chart(render(t))): the `clusters` config FlyteAdmin holds when it runs with the topology's values-override.yaml. */
export function clustersConfigFromTopology(t: Topology, endpoints: Readonly<Record<string, string>> = {}): ClustersConfig {
  // As the chart writes it (clusters.yaml is toYaml: keys sorted), so labels that collide by case meet FlyteAdmin's
  // decoder in the order the model sees them too.
  return clustersConfigFromValuesYaml(toYaml(clustersAsRendered(overrideValues(t, endpoints) as Record<string, unknown>)), 'controlplane/values-override.yaml (rendered from the topology)');
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
