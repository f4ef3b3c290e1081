// Names and paths that Flyte's chart and the guide fix, in one place.
/** The namespace both releases install into (the guide's `-n flyte`). */
export const FLYTE_NAMESPACE = 'flyte';
/** The Secret syncresources mounts, hard-coded (charts/flyte-core/templates/clusterresourcesync/deployment.yaml:86-90). */
export const CREDENTIALS_SECRET = 'cluster-credentials';
/** Where syncresources mounts it, also hard-coded; tokenPath/certPath must lie directly under it. */
export const CREDENTIALS_MOUNT_PATH = '/var/run/credentials';
/** The clusters config FlyteAdmin reads (charts/flyte-core/templates/admin/configmap.yaml:1-13). */
export const ADMIN_CLUSTERS_CONFIGMAP = 'flyte-admin-clusters-config';
