// Tiers that need something outside Node (Go, Docker, kube-lite, moto) skip with a printed reason when it is missing;
// the skip is also recorded so the closing summary lists it and CI fails when a tier README claims skipped
// (test/support/tiers.ts).
import { relative } from 'node:path';
import { recordSkip } from './tiers.ts';

/** Prints why a tier is skipped and returns true when it must be; use with describe.skipIf. */
export function skipTier(tier: string, reason: string | undefined): boolean {
  if (reason === undefined) return false;
  console.log(`[skip] ${tier}: ${reason}`);
  const file = callerFile();
  recordSkip({ tier, reason, ...(file ? { file } : {}) });
  return true;
}

/** The test file that called skipTier, relative to the working directory. */
function callerFile(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  for (const line of stack) {
    const m = /(?:file:\/\/)?(\/[^\s:()]+\.test\.ts)/.exec(line);
    if (m?.[1]) return relative(process.cwd(), m[1]);
  }
  return undefined;
}

export { commandMissing } from '../../harness/cache.ts';
