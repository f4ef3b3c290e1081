// Waiting for a release to be up, through the KubeClient of any backend: every Deployment, StatefulSet and DaemonSet
// in the namespace rolled out (observed the latest generation, all replicas updated and available), then the guide's
// check that every pod in the namespace is Running. Failures say which workloads or pods are not there yet and why.
import type { KubeClient, KubeObject } from '../backends/types.ts';
import { notYet, waitFor } from '../util/wait.ts';

export interface WaitOptions {
  /** Default 10 min (the guide's `rollout status --timeout=10m`). */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

type Status = Record<string, number | undefined>;

/** Why one workload is not rolled out yet, or undefined when it is. */
export function rolloutPending(o: KubeObject): string | undefined {
  const spec = (o.spec ?? {}) as { replicas?: number };
  const st = (o.status ?? {}) as Status;
  const gen = (o.metadata as { generation?: number }).generation ?? 0;
  const name = `${o.kind.toLowerCase()}/${o.metadata.name}`;
  if ((st.observedGeneration ?? 0) < gen) return `${name}: generation ${gen} not observed yet`;
  if (o.kind === 'DaemonSet') {
    const want = st.desiredNumberScheduled ?? 0;
    if ((st.updatedNumberScheduled ?? 0) < want || (st.numberAvailable ?? 0) < want) return `${name}: ${st.numberAvailable ?? 0}/${want} available`;
    return undefined;
  }
  const want = spec.replicas ?? 1;
  if ((st.updatedReplicas ?? 0) < want) return `${name}: ${st.updatedReplicas ?? 0}/${want} updated`;
  const ready = o.kind === 'StatefulSet' ? (st.readyReplicas ?? 0) : (st.availableReplicas ?? 0);
  if (ready < want) return `${name}: ${ready}/${want} ${o.kind === 'StatefulSet' ? 'ready' : 'available'}`;
  if ((st.replicas ?? 0) > want) return `${name}: ${(st.replicas ?? 0) - want} old replica(s) terminating`;
  return undefined;
}

/** Pods that are not Running (Succeeded pods of Jobs count as done), each with its phase and first waiting reason. */
export function podsNotRunning(pods: readonly KubeObject[]): string[] {
  const out: string[] = [];
  for (const p of pods) {
    const st = (p.status ?? {}) as { phase?: string; reason?: string; containerStatuses?: { name: string; state?: Record<string, { reason?: string }> }[] };
    const phase = st.phase ?? 'Unknown';
    if (phase === 'Running' || phase === 'Succeeded') continue;
    const waiting = st.containerStatuses?.map((c) => c.state?.waiting?.reason).find(Boolean);
    const unscheduled = !(p.spec as { nodeName?: string } | undefined)?.nodeName ? 'not scheduled' : undefined;
    out.push(`pod/${p.metadata.name}: ${phase}${waiting ?? st.reason ?? unscheduled ? ` (${waiting ?? st.reason ?? unscheduled})` : ''}`);
  }
  return out.sort();
}

function until(what: string, opts: WaitOptions, check: () => Promise<string[]>): Promise<void> {
  const listed = (pending: string[]) => `${pending.slice(0, 8).join('; ')}${pending.length > 8 ? ` (+${pending.length - 8} more)` : ''}`;
  return waitFor(what, opts.timeoutMs ?? 600_000, async () => {
    const pending = await check().catch((err: Error) => [err.message]);
    return pending.length === 0 ? true : notYet(listed(pending));
  }, { intervalMs: opts.pollMs ?? 1_000, ...(opts.signal ? { signal: opts.signal } : {}) }).then(() => undefined);
}

const WORKLOADS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
];

/** Resolves when every workload in `namespace` has rolled out. */
export function waitForRollout(client: KubeClient, namespace: string, opts: WaitOptions = {}): Promise<void> {
  return until(`rollout in namespace ${namespace}`, opts, async () => {
    const lists = await Promise.all(WORKLOADS.map((w) => client.list({ ...w, namespace })));
    return lists.flat().map(rolloutPending).filter((x): x is string => x !== undefined);
  });
}

/** The guide's last check: all pods in the namespace are Running (and there is at least one). */
export function waitForPodsRunning(client: KubeClient, namespace: string, opts: WaitOptions = {}): Promise<void> {
  return until(`all pods Running in namespace ${namespace}`, opts, async () => {
    const pods = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace });
    if (pods.length === 0) return [`no pods in ${namespace}`];
    return podsNotRunning(pods);
  });
}
