// Our own manifests for the data-plane side of the multi-cluster guide (docs/flyte-behaviour.md#data-plane-rbac, docs/flyte-behaviour.md#credentials-secret, docs/flyte-behaviour.md#cluster-resource-sync), as pure data.
// Written from what FlyteAdmin does remotely, not copied from the chart: the ClusterRole grants exactly the verbs
// admin uses in a data plane (FlyteWorkflow create/get/delete/list/watch/patch/update in any namespace; namespaces and
// resourcequotas create/get/list/patch/update for cluster resource sync) and nothing else.
import type { KubeObject } from './types.ts';
import {
  CREDENTIALS_MOUNT,
  CREDENTIALS_SECRET,
  FLYTE_NAMESPACE,
  FLYTEADMIN_SERVICE_ACCOUNT,
  FLYTEWORKFLOW_API_VERSION,
  FLYTEWORKFLOW_GROUP,
  FLYTEWORKFLOW_VERSION,
} from '../constants.ts';

export { FLYTE_NAMESPACE };
export const FLYTEADMIN_SA = FLYTEADMIN_SERVICE_ACCOUNT;
/** The long-lived token Secret the guide has the user apply. */
export const FLYTEADMIN_TOKEN_SECRET = 'flyteadmin-token';
export const CLUSTER_CREDENTIALS_SECRET = CREDENTIALS_SECRET;
export const CREDENTIALS_MOUNT_PATH = CREDENTIALS_MOUNT;

export { FLYTEWORKFLOW_API_VERSION, FLYTEWORKFLOW_GROUP, FLYTEWORKFLOW_VERSION };
export const FLYTEWORKFLOW_CRD_NAME = `flyteworkflows.${FLYTEWORKFLOW_GROUP}`;

export interface DataPlaneManifestOptions {
  /** Namespace holding the flyteadmin service account; default `flyte`. */
  namespace?: string;
  /** Name of the long-lived token Secret; default `flyteadmin-token` (see tokenSecretNameFor for the guide's per-cluster name). */
  tokenSecretName?: string;
}

/** The guide's per-cluster token Secret name, as the renderer names it: `dataplane_1` → `dataplane-1-token`. */
export function tokenSecretNameFor(cluster: string): string {
  const dns = cluster.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'cluster';
  return `${dns}-token`;
}

const labels = { 'app.kubernetes.io/managed-by': 'flyte-mc' };

export function flyteNamespace(opts: DataPlaneManifestOptions = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: opts.namespace ?? FLYTE_NAMESPACE, labels } };
}

export function flyteadminServiceAccount(opts: DataPlaneManifestOptions = {}): KubeObject {
  const namespace = opts.namespace ?? FLYTE_NAMESPACE;
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: FLYTEADMIN_SA, namespace, labels } };
}

/** Cluster-scoped, named after the namespace like the chart's `<ns>-flyteadmin` so two installs never collide. */
export function flyteadminClusterRoleName(opts: DataPlaneManifestOptions = {}): string {
  return `${opts.namespace ?? FLYTE_NAMESPACE}-flyteadmin`;
}

/** What FlyteAdmin needs in a data plane, and nothing more. */
export function flyteadminClusterRole(opts: DataPlaneManifestOptions = {}): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: flyteadminClusterRoleName(opts), labels },
    rules: [
      {
        // Executions: admin creates the FlyteWorkflow in <project>-<domain>, reads, aborts (deletes) it.
        apiGroups: [FLYTEWORKFLOW_GROUP],
        resources: ['flyteworkflows'],
        verbs: ['create', 'get', 'delete', 'list', 'watch', 'patch', 'update'],
      },
      {
        // Cluster resource sync: project-domain namespaces and their quotas (create, then get + merge + patch).
        apiGroups: [''],
        resources: ['namespaces', 'resourcequotas'],
        verbs: ['create', 'get', 'list', 'patch', 'update'],
      },
    ],
  };
}

export function flyteadminClusterRoleBinding(opts: DataPlaneManifestOptions = {}): KubeObject {
  const namespace = opts.namespace ?? FLYTE_NAMESPACE;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${flyteadminClusterRoleName(opts)}-binding`, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: flyteadminClusterRoleName(opts) },
    subjects: [{ kind: 'ServiceAccount', name: FLYTEADMIN_SA, namespace }],
  };
}

/** FlyteWorkflow CRD: namespaced, v1alpha1 served and stored, schema keeps unknown fields. */
export function flyteWorkflowCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: FLYTEWORKFLOW_CRD_NAME, labels },
    spec: {
      group: FLYTEWORKFLOW_GROUP,
      names: { kind: 'FlyteWorkflow', listKind: 'FlyteWorkflowList', plural: 'flyteworkflows', singular: 'flyteworkflow', shortNames: ['fly'] },
      scope: 'Namespaced',
      versions: [
        {
          name: FLYTEWORKFLOW_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}

/** The long-lived token Secret; the cluster's token controller fills data.token, data['ca.crt'], data.namespace. */
export function flyteadminTokenSecret(opts: DataPlaneManifestOptions = {}): KubeObject {
  const namespace = opts.namespace ?? FLYTE_NAMESPACE;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: {
      name: opts.tokenSecretName ?? FLYTEADMIN_TOKEN_SECRET,
      namespace,
      labels,
      annotations: { 'kubernetes.io/service-account.name': FLYTEADMIN_SA },
    },
  };
}

/** Everything one data plane needs, in apply order (the CRD before anything that could use it, SA before its token). */
export function dataPlaneManifests(opts: DataPlaneManifestOptions = {}): KubeObject[] {
  return [
    flyteNamespace(opts),
    flyteWorkflowCrd(),
    flyteadminServiceAccount(opts),
    flyteadminClusterRole(opts),
    flyteadminClusterRoleBinding(opts),
    flyteadminTokenSecret(opts),
  ];
}

/** One cluster's entry in cluster-credentials: the raw token and the raw PEM CA, as the token Secret holds them. */
export interface ClusterCredential {
  /** clusterConfigs name, e.g. dataplane_1. */
  name: string;
  token: string;
  caCert: string;
}

export function credentialKeys(name: string): { token: string; cacert: string } {
  return { token: `${name}_token`, cacert: `${name}_cacert` };
}

/**
 * The control plane's `cluster-credentials` Secret (docs/flyte-behaviour.md#credentials-secret): `<name>_token` and `<name>_cacert` under `data`,
 * each the base64 of the raw value, exactly what `.data.token` and `.data['ca.crt']` of the token Secret are.
 */
export function clusterCredentialsSecret(creds: readonly ClusterCredential[], opts: DataPlaneManifestOptions = {}): KubeObject {
  const data: Record<string, string> = {};
  for (const c of creds) {
    const k = credentialKeys(c.name);
    if (k.token in data) throw new Error(`duplicate cluster name in cluster-credentials: ${c.name}`);
    data[k.token] = Buffer.from(c.token, 'utf8').toString('base64');
    data[k.cacert] = Buffer.from(c.caCert, 'utf8').toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: CLUSTER_CREDENTIALS_SECRET, namespace: opts.namespace ?? FLYTE_NAMESPACE, labels },
    data,
  };
}

/** Paths FlyteAdmin's clusterConfigs[].auth point at: /var/run/credentials/<name>_token and <name>_cacert. */
export function credentialPaths(name: string, mountPath = CREDENTIALS_MOUNT_PATH): { tokenPath: string; certPath: string } {
  const k = credentialKeys(name);
  return { tokenPath: `${mountPath}/${k.token}`, certPath: `${mountPath}/${k.cacert}` };
}

/** A minimal FlyteWorkflow as admin would create for an execution (the CRD keeps unknown fields). */
export function flyteWorkflow(name: string, namespace: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: FLYTEWORKFLOW_API_VERSION,
    kind: 'FlyteWorkflow',
    metadata: { name, namespace, labels },
    spec: { id: `${namespace}:${name}`, nodes: {} },
    inputs: {},
    executionId: { name },
    ...extra,
  };
}

/** The project-domain namespace cluster resource sync creates in every enabled data plane. */
export function projectDomainNamespace(project: string, domain: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${project}-${domain}`, labels } };
}
