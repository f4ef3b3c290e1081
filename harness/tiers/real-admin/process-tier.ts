// The process backend (kube-lite data planes) and its guide wiring: the real-admin tier runs on top of them, and
// says exactly what is missing when kube-lite is not built.
import { createProcessBackend } from '../../backends/process/index.ts';
import { wireGuide } from '../../backends/wiring.ts';

export interface ProcessTier {
  createProcessBackend: typeof createProcessBackend;
  /** Steps 1–4 of the guide: data-plane RBAC/CRD/token, the control plane's Secret, files under <root>/var/run/credentials. */
  wireGuide: typeof wireGuide;
}

export async function loadProcessTier(): Promise<{ tier?: ProcessTier; reason?: string }> {
  const reason = await createProcessBackend({}).unavailableReason();
  if (reason) return { reason: `process backend: ${reason}` };
  return { tier: { createProcessBackend, wireGuide } };
}
