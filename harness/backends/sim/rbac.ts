// RBAC as the API server's authorizer evaluates it: the stored ClusterRoleBindings and RoleBindings whose subjects
// match the user, their ClusterRoles/Roles' rules, matched on verb, API group, resource and resourceNames.
import type { KubeObject } from '../types.ts';

export interface UserInfo {
  /** `system:serviceaccount:<ns>:<name>` for service-account tokens. */
  name: string;
  groups: readonly string[];
}

export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  /** '' for cluster-scoped requests. */
  namespace: string;
  name?: string;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

interface RoleRef {
  kind?: string;
  name?: string;
}

/** The RBAC objects the authorizer reads (the server's stores). */
export interface RbacSource {
  clusterRole(name: string): KubeObject | undefined;
  role(namespace: string, name: string): KubeObject | undefined;
  clusterRoleBindings(): Iterable<KubeObject>;
  roleBindings(): Iterable<KubeObject>;
}

export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'ServiceAccount':
      return user.name === `system:serviceaccount:${s.namespace ?? bindingNamespace}:${s.name}`;
    case 'User':
      return user.name === s.name;
    case 'Group':
      return s.name !== undefined && user.groups.includes(s.name);
    default:
      return false;
  }
}

function has(list: string[] | undefined, v: string): boolean {
  return list !== undefined && (list.includes('*') || list.includes(v));
}

function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.group)) return false;
  if (!has(rule.resources, a.resource)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) {
    return a.name !== undefined && rule.resourceNames.includes(a.name);
  }
  return true;
}

function rulesOf(obj: KubeObject | undefined): PolicyRule[] {
  return (obj?.rules as PolicyRule[] | undefined) ?? [];
}

/**
 * Evaluates the stored RBAC objects. Rules applicable to a user are collected once per RBAC generation (any change
 * to a role or binding bumps it), so a million FlyteWorkflow creates cost a scan of a handful of rules each.
 */
export class Authorizer {
  private readonly source: RbacSource;
  private generation = 0;
  private readonly cache = new Map<string, { gen: number; cluster: PolicyRule[]; byNs: Map<string, PolicyRule[]> }>();

  constructor(source: RbacSource) {
    this.source = source;
  }

  /** Call when any Role, ClusterRole or binding changes. */
  invalidate(): void {
    this.generation++;
  }

  allows(user: UserInfo, a: RequestAttributes): boolean {
    const rules = this.rulesFor(user);
    for (const r of rules.cluster) if (ruleAllows(r, a)) return true;
    if (a.namespace) for (const r of rules.byNs.get(a.namespace) ?? []) if (ruleAllows(r, a)) return true;
    return false;
  }

  private rulesFor(user: UserInfo): { cluster: PolicyRule[]; byNs: Map<string, PolicyRule[]> } {
    const hit = this.cache.get(user.name);
    if (hit && hit.gen === this.generation) return hit;
    const cluster: PolicyRule[] = [];
    const byNs = new Map<string, PolicyRule[]>();
    for (const b of this.source.clusterRoleBindings()) {
      const ref = b.roleRef as RoleRef | undefined;
      if (ref?.kind !== 'ClusterRole' || !ref.name) continue;
      if (!((b.subjects as Subject[] | undefined) ?? []).some((s) => subjectMatches(s, user, ''))) continue;
      cluster.push(...rulesOf(this.source.clusterRole(ref.name)));
    }
    for (const b of this.source.roleBindings()) {
      const ns = b.metadata.namespace ?? '';
      const ref = b.roleRef as RoleRef | undefined;
      if (!ref?.name) continue;
      if (!((b.subjects as Subject[] | undefined) ?? []).some((s) => subjectMatches(s, user, ns))) continue;
      const role = ref.kind === 'ClusterRole' ? this.source.clusterRole(ref.name) : ref.kind === 'Role' ? this.source.role(ns, ref.name) : undefined;
      const list = byNs.get(ns) ?? [];
      list.push(...rulesOf(role));
      byNs.set(ns, list);
    }
    const entry = { gen: this.generation, cluster, byNs };
    this.cache.set(user.name, entry);
    return entry;
  }
}

/** `User "system:serviceaccount:flyte:flyteadmin" cannot create resource "flyteworkflows" in API group "flyte.lyft.com" in the namespace "x"`. */
export function forbiddenMessage(user: UserInfo, a: RequestAttributes, qualified: string): string {
  const target = a.name ? `${qualified} "${a.name}"` : qualified;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${target} is forbidden: User "${user.name}" cannot ${a.verb} resource "${a.resource}" in API group "${a.group}" ${scope}`;
}
