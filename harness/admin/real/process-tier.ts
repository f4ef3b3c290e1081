// The process backend (kube-lite data planes) and its guide wiring, loaded lazily: the real-admin tier runs on top
// of them, and says exactly what is missing when they are not there.
import type { Cluster } from '../../backends/types.ts';

export interface ProcessBackendLike {
  unavailableReason(): Promise<string | undefined>;
  createCluster(spec: { name: string; role: 'control-plane' | 'data-plane' }): Promise<Cluster>;
  dispose(): Promise<void>;
  info: { partition: boolean };
}

export interface ProcessTier {
  createProcessBackend: (o: { log?: (l: string) => void }) => ProcessBackendLike;
  /** Steps 1–4 of the guide: data-plane RBAC/CRD/token, the control plane's Secret, files under <root>/var/run/credentials. */
  wireGuide: (o: { controlPlane: Cluster; dataPlanes: readonly Cluster[]; credentialsRoot: string; log?: (l: string) => void }) => Promise<unknown>;
}

export async function loadProcessTier(): Promise<{ tier?: ProcessTier; reason?: string }> {
  try {
    const backend = (await import('../../backends/process/index.ts' as string)) as Pick<ProcessTier, 'createProcessBackend'>;
    const wiring = (await import('../../backends/wiring.ts' as string)) as Pick<ProcessTier, 'wireGuide'>;
    const reason = await backend.createProcessBackend({}).unavailableReason();
    if (reason) return { reason: `process backend: ${reason}` };
    return { tier: { ...backend, ...wiring } };
  } catch (err) {
    return { reason: `process backend or its wiring is not available (${(err as Error).message.split('\n')[0]})` };
  }
}
