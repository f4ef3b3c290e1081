// Names and paths that Flyte's chart, the multi-cluster guide and Kubernetes fix, in one place
// (docs/flyte-behaviour.md#chart-credentials, #credentials-secret, #data-plane-rbac), and the one shape of a data
// plane's credentials.

/** The namespace the guide installs Flyte into (the topology's controlPlane.namespace defaults to it). */
export const FLYTE_NAMESPACE = 'flyte';

/** The Secret syncresources mounts, hard-coded by the chart (charts/flyte-core/templates/clusterresourcesync/deployment.yaml:86-90). */
export const CREDENTIALS_SECRET = 'cluster-credentials';

/** Where the chart mounts it (same file, :68-71); every tokenPath/certPath must be a file directly under it. */
export const CREDENTIALS_MOUNT = '/var/run/credentials';

/** The FlyteWorkflow CRD (charts/flyte-core/templates/propeller/crds/flyteworkflow.yaml): group, served version. */
export const FLYTEWORKFLOW_GROUP = 'flyte.lyft.com';
export const FLYTEWORKFLOW_VERSION = 'v1alpha1';
export const FLYTEWORKFLOW_API_VERSION = `${FLYTEWORKFLOW_GROUP}/${FLYTEWORKFLOW_VERSION}`;

/** The service account the data-plane chart creates for FlyteAdmin (charts/flyte-core/templates/admin/rbac.yaml:32-79). */
export const FLYTEADMIN_SERVICE_ACCOUNT = 'flyteadmin';

/** A long-lived service-account token Secret, and the annotations the token controller reads and writes. */
export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

/** Keys of one cluster in `cluster-credentials` (the guide's `dataplane_1_token`, `dataplane_1_cacert`). */
export function tokenKey(cluster: string): string {
  return `${cluster}_token`;
}

export function caKey(cluster: string): string {
  return `${cluster}_cacert`;
}

/** A file FlyteAdmin reads: `/var/run/credentials/<key>`. */
export function credentialsPath(key: string): string {
  return `${CREDENTIALS_MOUNT}/${key}`;
}

/** What FlyteAdmin's runtime config puts into every FlyteWorkflow it builds (flyteadmin/pkg/runtime): event version 2, max parallelism 25. */
export const FLYTEADMIN_EXECUTION_DEFAULTS = { eventVersion: 2, maxParallelism: 25 } as const;

/** One data plane's credentials as its filled token Secret holds them (decoded: the raw token and the PEM CA). */
export interface ClusterCredentials {
  token: string;
  caCert: string;
}
