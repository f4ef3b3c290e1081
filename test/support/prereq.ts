// Tiers that need something outside Node (Go, Docker, kube-lite, moto) skip with a printed reason when it is missing.

/** Prints why a tier is skipped and returns true when it must be; use with describe.skipIf. */
export function skipTier(tier: string, reason: string | undefined): boolean {
  if (reason !== undefined) console.log(`[skip] ${tier}: ${reason}`);
  return reason !== undefined;
}

export { commandMissing } from '../../harness/cache.ts';
