// Tiers that need something outside Node (Go, Docker, kube-lite, moto) skip with a printed reason when it is missing.
import { execFileSync } from 'node:child_process';

/** Prints why a tier is skipped and returns true when it must be; use with describe.skipIf. */
export function skipTier(tier: string, reason: string | undefined): boolean {
  if (reason !== undefined) console.log(`[skip] ${tier}: ${reason}`);
  return reason !== undefined;
}

/** undefined when `cmd args` runs, else the reason it does not. */
export function commandMissing(cmd: string, args: string[] = ['--version']): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch (err) {
    return `${cmd} is not available (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}
