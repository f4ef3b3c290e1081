// The API resources a simulated cluster serves: the built-in kinds the harness touches, plus whatever CRDs define.
import type { KubeObject } from '../types.ts';

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, as RBAC rules and error messages name it. */
  plural: string;
  namespaced: boolean;
  /** Objects of this kind are kept in columnar storage (FlyteWorkflow: up to millions per cluster). */
  compact?: boolean;
}

export const BUILTIN_TYPES: readonly ResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true },
  { group: '', version: 'v1', kind: 'LimitRange', plural: 'limitranges', namespaced: true },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
  { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false },
  // What the flyte-core chart renders besides the kinds above.
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', namespaced: true },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', namespaced: true },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true },
];

/** Kinds whose objects can be numerous enough to deserve columnar storage. */
const COMPACT_KINDS = new Set(['flyte.lyft.com/FlyteWorkflow']);

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `secrets` or `flyteworkflows.flyte.lyft.com`, as the API server names a resource in messages. */
export function qualifiedResource(t: { group: string; plural: string }): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

/** The resource types a CRD object defines (one per served version); [] when the CRD is malformed. */
export function typesFromCrd(crd: KubeObject): ResourceType[] {
  const spec = crd.spec as
    | { group?: string; scope?: string; names?: { kind?: string; plural?: string }; versions?: { name?: string; served?: boolean }[] }
    | undefined;
  const group = spec?.group;
  const kind = spec?.names?.kind;
  const plural = spec?.names?.plural;
  if (!group || !kind || !plural) return [];
  const namespaced = spec?.scope !== 'Cluster';
  return (spec?.versions ?? [])
    .filter((v) => v.name && v.served !== false)
    .map((v) => ({ group, version: v.name as string, kind, plural, namespaced, compact: COMPACT_KINDS.has(`${group}/${kind}`) }));
}
