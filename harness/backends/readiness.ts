// When a real API server (kube-lite as processes or in a container) is ready for the guide: /readyz answers 200 and
// the token controller fills a service-account token Secret (what the guide's token step relies on).
import { SA_NAME_ANNOTATION, SA_TOKEN_TYPE } from '../constants.ts';
import { notYet, waitFor, type WaitOptions } from '../util/wait.ts';
import type { HttpKubeClient } from './kube-client.ts';
import { KubeApiError, type KubeObject } from './types.ts';

export interface ReadinessOptions extends WaitOptions {
  /** Throws when a component died, so the wait ends with its log instead of running out the clock. */
  alive?: () => void;
}

export async function waitReadyz(admin: HttpKubeClient, timeoutMs: number, opts: ReadinessOptions = {}): Promise<void> {
  await waitFor('/readyz to answer 200', timeoutMs, async () => {
    opts.alive?.();
    try {
      const res = await admin.raw('GET', '/readyz');
      return res.status === 200 ? true : notYet(`HTTP ${res.status}`);
    } catch (err) {
      return notYet(err instanceof Error ? err.message : String(err));
    }
  }, { intervalMs: 250, ...opts });
}

const PROBE_NS = 'kube-system';
const PROBE_SA = 'flyte-mc-probe';
const PROBE_SECRET = 'flyte-mc-probe-token';

/** Creates a throwaway service account and token Secret, waits for the token controller to fill it, deletes both. */
export async function waitTokenController(admin: HttpKubeClient, timeoutMs: number, opts: ReadinessOptions = {}): Promise<void> {
  const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: PROBE_SA, namespace: PROBE_NS } };
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: SA_TOKEN_TYPE,
    metadata: { name: PROBE_SECRET, namespace: PROBE_NS, annotations: { [SA_NAME_ANNOTATION]: PROBE_SA } },
  };
  const ref = { apiVersion: 'v1', kind: 'Secret', name: PROBE_SECRET, namespace: PROBE_NS };
  await admin.apply(sa);
  try {
    await admin.create(secret);
  } catch (err) {
    if (!(err instanceof KubeApiError && err.status === 409)) throw err;
  }
  await waitFor(`the token controller to fill ${PROBE_NS}/${PROBE_SECRET}`, timeoutMs, async () => {
    opts.alive?.();
    const data = (await admin.get(ref).catch(() => undefined))?.data as Record<string, string> | undefined;
    return data?.token && data['ca.crt'] ? true : notYet(data ? 'Secret has no token and ca.crt yet' : 'Secret not readable yet');
  }, opts);
  await admin.delete(ref).catch(() => undefined);
  await admin.delete({ apiVersion: 'v1', kind: 'ServiceAccount', name: PROBE_SA, namespace: PROBE_NS }).catch(() => undefined);
}
