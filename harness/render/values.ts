// Helm values for the flyte-core chart: one file per data plane, and the control plane's two overlays.
import { roleArn } from '../iam/policies.ts';
import type { DataPlane, Topology } from '../topology/index.ts';
import { CREDENTIALS_MOUNT, CREDENTIALS_SECRET, caKey, dataPlaneEndpoint, tokenKey } from './names.ts';

const ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

function roleAnnotation(t: Topology, roleName: string): Record<string, unknown> {
  return t.controlPlane.cloud === 'eks' ? { serviceAccount: { annotations: { [ROLE_ANNOTATION]: roleArn(t, roleName) } } } : {};
}

/**
 * The chart's values-dataplane.yaml overlay plus the guide's additions, as one file:
 * propeller reports to the control plane's ingress and reads datacatalog through its internal address.
 * Correction: the chart's overlay leaves `common.ingress` on, which points at services a data plane does not have.
 */
export function dataPlaneValues(t: Topology, dp: DataPlane): Record<string, unknown> {
  const propeller: Record<string, unknown> = { ...roleAnnotation(t, t.aws.dataPlaneRoleName) };
  const configmap: Record<string, unknown> = {
    admin: { admin: { endpoint: t.controlPlane.ingressEndpoint, insecure: false } },
    catalog: { 'catalog-cache': { endpoint: t.controlPlane.datacatalogEndpoint, type: 'datacatalog', insecure: true } },
  };
  if (dp.propellerClusterId !== undefined) configmap.core = { propeller: { 'cluster-id': dp.propellerClusterId } };
  return {
    flyteadmin: { enabled: false, serviceAccount: { alwaysCreate: true } },
    cluster_resource_manager: { enabled: false },
    workflow_scheduler: { enabled: false },
    datacatalog: { enabled: false },
    flyteconsole: { enabled: false },
    flyteconnector: { enabled: false },
    ...(Object.keys(propeller).length > 0 ? { flytepropeller: propeller } : {}),
    common: { ingress: { enabled: false } },
    configmap,
  };
}

/** The chart's values-controlplane.yaml, with propeller kept on when the control plane runs workflows. */
export function controlPlaneValues(t: Topology): Record<string, unknown> {
  return {
    flytepropeller: { enabled: t.controlPlane.runsWorkflows },
    flyteconnector: { enabled: false },
  };
}

/** The `configmap.clusters` section FlyteAdmin reads (clusters.yaml); data planes first, then the inCluster entry. */
export function clustersSection(t: Topology, endpoints: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  const labelClusterMap: Record<string, unknown> = {};
  for (const [label, entries] of Object.entries(t.labels)) {
    labelClusterMap[label] = entries.map((e) => ({ id: e.cluster, weight: e.weight }));
  }
  const clusterConfigs: Record<string, unknown>[] = t.dataPlanes.map((dp) => ({
    name: dp.name,
    endpoint: dataPlaneEndpoint(t, dp.name, endpoints),
    enabled: dp.enabled,
    auth: {
      tokenPath: `${CREDENTIALS_MOUNT}/${tokenKey(dp.name)}`,
      certPath: `${CREDENTIALS_MOUNT}/${caKey(dp.name)}`,
    },
  }));
  if (t.controlPlane.runsWorkflows) clusterConfigs.push({ name: t.controlPlane.name, enabled: true, inCluster: true });
  return {
    labelClusterMap,
    ...(t.defaultExecutionLabel !== undefined ? { defaultExecutionLabel: t.defaultExecutionLabel } : {}),
    clusterConfigs,
  };
}

/**
 * values-override.yaml: the credentials Secret mounted where the chart expects it, and the clusters config.
 * Corrections: no dead `initContainerClusterSyncAdditionalVolumeMounts` (the sync init container reuses
 * additionalVolumeMounts), no ignored `auth.type`, `enabled` always explicit.
 */
export function overrideValues(t: Topology, endpoints: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  const admin: Record<string, unknown> = {
    ...roleAnnotation(t, t.aws.controlPlaneRoleName),
    additionalVolumes: [{ name: CREDENTIALS_SECRET, secret: { secretName: CREDENTIALS_SECRET } }],
    additionalVolumeMounts: [{ name: CREDENTIALS_SECRET, mountPath: CREDENTIALS_MOUNT }],
  };
  const datacatalog = roleAnnotation(t, t.aws.controlPlaneRoleName);
  return {
    flyteadmin: admin,
    ...(Object.keys(datacatalog).length > 0 ? { datacatalog } : {}),
    configmap: { clusters: clustersSection(t, endpoints) },
  };
}
