// The process backend (kube-lite data planes) and the guide's wiring steps on it: the real-admin tier runs on top of
// them, and says exactly what is missing when kube-lite is not built.
import { createProcessBackend } from '../../backends/process/index.ts';
import { wireDataPlanes, type GuideTarget } from '../../scenarios/steps.ts';

export interface ProcessTier {
  createProcessBackend: typeof createProcessBackend;
  /**
   * The guide's steps for `names` (default: every data plane of the topology; harness/scenarios/steps.ts
   * wireDataPlanes): the data-plane release, the token Secret, cluster-credentials in the control plane. Then the
   * World's copy of that Secret's mount is refreshed, since the real FlyteAdmin reads it (World.credentialsDir).
   */
  wire(target: GuideTarget, names?: readonly string[]): Promise<void>;
}

async function wire(target: GuideTarget, names?: readonly string[]): Promise<void> {
  await wireDataPlanes(target, names);
  await target.world.syncCredentials();
}

export async function loadProcessTier(): Promise<{ tier?: ProcessTier; reason?: string }> {
  const reason = await createProcessBackend({}).unavailableReason();
  if (reason) return { reason: `process backend: ${reason}` };
  return { tier: { createProcessBackend, wire } };
}
