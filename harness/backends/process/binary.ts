// Where the kube-lite binary is: built by scripts/setup.d/40-kube-lite.sh into the cache, never into the repo.
import { execFile } from 'node:child_process';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir, isExecutable as executable } from '../../cache.ts';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export { cacheDir };

/** The binary to run, or undefined. Order: explicit path, $FLYTE_MC_KUBE_LITE, the cache's `current` build, newest build. */
export async function findKubeLite(explicit?: string): Promise<string | undefined> {
  for (const p of [explicit, process.env.FLYTE_MC_KUBE_LITE]) {
    if (p) return (await executable(p)) ? p : undefined;
  }
  const root = join(cacheDir(), 'kube-lite');
  try {
    const current = (await readFile(join(root, 'current'), 'utf8')).trim();
    const bin = join(root, current, 'kube-lite');
    if (current && (await executable(bin))) return bin;
  } catch {
    // no pointer yet
  }
  let best: { path: string; mtime: number } | undefined;
  try {
    for (const d of await readdir(root)) {
      if (d.startsWith('.')) continue;
      const bin = join(root, d, 'kube-lite');
      if (!(await executable(bin))) continue;
      const mtime = (await stat(bin)).mtimeMs;
      if (!best || mtime > best.mtime) best = { path: bin, mtime };
    }
  } catch {
    // no cache dir
  }
  return best?.path;
}

export interface KubeLiteVersion {
  kubernetes: string;
  etcd: string;
  sourceHash: string;
}

export async function kubeLiteVersion(bin: string): Promise<KubeLiteVersion> {
  const { stdout } = await execFileP(bin, ['version'], { timeout: 20_000 });
  const field = (k: string) => new RegExp(`^${k} (\\S+)`, 'm').exec(stdout)?.[1] ?? 'unknown';
  return { kubernetes: field('kubernetes'), etcd: field('etcd'), sourceHash: field('kube-lite') };
}
