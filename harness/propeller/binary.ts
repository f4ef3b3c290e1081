// Where the flytepropeller binary is: built by scripts/setup.d/55-flytepropeller.sh into the cache, never the repo.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir, isExecutable } from '../cache.ts';

/** The binary, or undefined. Order: explicit path, $FLYTE_MC_FLYTEPROPELLER, the cache's `current` build. */
export async function findFlytePropeller(explicit?: string): Promise<string | undefined> {
  for (const p of [explicit, process.env.FLYTE_MC_FLYTEPROPELLER]) {
    if (p) return (await isExecutable(p)) ? p : undefined;
  }
  try {
    const current = (await readFile(join(cacheDir(), 'flytepropeller', 'current'), 'utf8')).trim();
    const bin = join(cacheDir(), 'flytepropeller', current, 'flytepropeller');
    if (current && (await isExecutable(bin))) return bin;
  } catch {
    // not built
  }
  return undefined;
}

export const FLYTEPROPELLER_MISSING = 'flytepropeller is not built: run scripts/setup.d/55-flytepropeller.sh (needs Go and the Go module proxy)';
