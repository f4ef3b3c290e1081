// What each Flyte component will run with once the chart rendered a release: FlyteAdmin's clusters config as it
// decodes it, every Secret mount per FlyteAdmin process, the init containers, whether it starts (and why not), and
// propeller's endpoints and cluster id. `flyte-mc inspect` prints it; chart-upgrade compares it across charts. Pure.
import type { AdminClustersConfig } from '../admin/config.ts';
import { ClusterSelector } from '../placement/index.ts';
import type { AdminContainerView, AdminPodResult } from './admin-pod.ts';
import type { PropellerResult } from './propeller.ts';

export interface AdminInspection {
  starts: boolean;
  reason?: string;
  clustersSource?: string;
  clusters?: {
    clusterConfigs: { name: string; endpoint: string; enabled: boolean; inCluster: boolean; tokenPath: string; certPath: string }[];
    labelClusterMap: Record<string, { id: string; weight: number }[]>;
    defaultExecutionLabel: string;
  };
  /** Per FlyteAdmin process: `secretName@mountPath`. */
  mounts?: Record<string, string[]>;
  initContainers?: string[];
}

export interface PropellerInspection {
  runs: boolean;
  reason?: string;
  adminEndpoint?: string;
  adminInsecure?: boolean;
  catalogEndpoint?: string;
  clusterId?: string;
  clusterIdFrom?: string;
}

export interface Inspection {
  release: 'controlplane' | 'dataplane';
  chart: string;
  flyteadmin?: AdminInspection;
  flytepropeller?: PropellerInspection;
}

function clustersOf(c: AdminClustersConfig): NonNullable<AdminInspection['clusters']> {
  return {
    clusterConfigs: c.clusterConfigs.map((x) => ({ name: x.name, endpoint: x.endpoint, enabled: x.enabled, inCluster: x.inCluster, tokenPath: x.auth.tokenPath, certPath: x.auth.certPath })),
    labelClusterMap: Object.fromEntries([...c.labelClusterMap].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, v.map((e) => ({ id: e.id, weight: e.weight }))])),
    defaultExecutionLabel: c.defaultExecutionLabel,
  };
}

/**
 * Why a FlyteAdmin process would fail at start from its config and mounts alone: a credential file no Secret
 * volume provides (NewListTargets reads them for every cluster, enabled or not), or FlyteAdmin's own checks of the
 * clusters section (random_cluster_selector.go).
 */
export function unreadableCredential(view: AdminContainerView): string | undefined {
  for (const c of view.clusters.clusterConfigs) {
    if (c.inCluster) continue;
    for (const [what, path] of [['tokenPath', c.auth.tokenPath], ['certPath', c.auth.certPath]] as const) {
      if (path === '') continue;
      const under = view.mounts.find((m) => path.startsWith(`${m.mountPath}/`) && !path.slice(m.mountPath.length + 1).includes('/'));
      if (!under) return `${view.container}: ${c.name} ${what} ${path} is in no Secret it mounts (${view.mounts.map((m) => `${m.secretName}@${m.mountPath}`).join(', ') || 'none'})`;
    }
  }
  return undefined;
}

export function inspectAdmin(result: AdminPodResult): AdminInspection {
  if (!result.ok) return { starts: false, reason: result.reason };
  const pod = result.pod;
  const mounts: Record<string, string[]> = { flyteadmin: pod.serve.mounts.map((m) => `${m.secretName}@${m.mountPath}`) };
  if (pod.syncInit) mounts['sync-cluster-resources (init)'] = pod.syncInit.mounts.map((m) => `${m.secretName}@${m.mountPath}`);
  if (pod.syncResources) mounts.syncresources = pod.syncResources.mounts.map((m) => `${m.secretName}@${m.mountPath}`);
  let reason: string | undefined;
  for (const view of [pod.syncInit, pod.serve]) {
    if (view && view.clusters.clusterConfigs.length > 0) reason ??= unreadableCredential(view);
  }
  if (!reason) {
    try {
      ClusterSelector.fromConfig(pod.serve.clusters);
    } catch (err) {
      reason = `flyteadmin: ${(err as Error).message}`;
    }
  }
  return {
    starts: reason === undefined,
    ...(reason ? { reason } : {}),
    ...(pod.serve.clustersSource ? { clustersSource: pod.serve.clustersSource } : {}),
    clusters: clustersOf(pod.serve.clusters),
    mounts,
    initContainers: pod.initContainers,
  };
}

export function inspectPropeller(result: PropellerResult): PropellerInspection {
  if (!result.ok) return { runs: false, reason: result.reason };
  const p = result.propeller;
  return {
    runs: true,
    ...(p.adminEndpoint !== undefined ? { adminEndpoint: p.adminEndpoint } : {}),
    ...(p.adminInsecure !== undefined ? { adminInsecure: p.adminInsecure } : {}),
    ...(p.catalogEndpoint !== undefined ? { catalogEndpoint: p.catalogEndpoint } : {}),
    clusterId: p.clusterId,
    clusterIdFrom: p.clusterIdFrom,
  };
}

/** `key: value` lines, one fact a line, in a stable order: what people read and what a diff compares. */
export function inspectionLines(i: Inspection): string[] {
  const out: string[] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) out.push(`${prefix}: ${v.length ? v.join(', ') : '(none)'}`);
    else if (Array.isArray(v)) v.forEach((x, n) => walk(`${prefix}[${n}]`, x));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else out.push(`${prefix}: ${v === '' ? '""' : String(v)}`);
  };
  if (i.flyteadmin) walk('flyteadmin', i.flyteadmin);
  if (i.flytepropeller) walk('flytepropeller', i.flytepropeller);
  return out;
}

export interface InspectionChange {
  key: string;
  before?: string;
  after?: string;
}

/** Facts that differ between two inspections of the same values (e.g. two charts). */
export function diffInspections(before: Inspection, after: Inspection): InspectionChange[] {
  const toMap = (i: Inspection): Map<string, string> => new Map(inspectionLines(i).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
  const a = toMap(before);
  const b = toMap(after);
  const changes: InspectionChange[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) changes.push({ key: k, before: v, ...(b.has(k) ? { after: b.get(k) as string } : {}) });
  for (const [k, v] of b) if (!a.has(k)) changes.push({ key: k, after: v });
  return changes;
}

export function formatChange(c: InspectionChange): string {
  return `${c.key}: ${c.before ?? '(absent)'} → ${c.after ?? '(absent)'}`;
}
