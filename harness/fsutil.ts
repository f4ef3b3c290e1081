// Effects on the file system, kept in one place so the rest of the harness stays pure.
import { mkdtemp, mkdir, rename, rm, writeFile, readdir, readFile, stat, chmod } from 'node:fs/promises';
import { dirname, join, resolve, basename } from 'node:path';
import { tmpdir } from 'node:os';

/** One file of a rendered tree. `secret` files are written 0600 and never echoed. */
export interface OutputFile {
  path: string;
  content: string;
  secret?: boolean;
  executable?: boolean;
}

function modeOf(f: OutputFile): number {
  if (f.secret) return 0o600;
  return f.executable ? 0o755 : 0o644;
}

/**
 * Writes a whole tree so that readers see either the old directory or the new one:
 * the files go to a sibling temp dir, then one rename swaps it in.
 */
export async function writeTreeAtomic(dir: string, files: readonly OutputFile[]): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  try {
    // mkdtemp creates 0700; keep that only when the tree holds secrets.
    await chmod(staging, files.some((f) => f.secret) ? 0o700 : 0o755);
    for (const f of files) {
      const p = join(staging, f.path);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, f.content, { mode: modeOf(f) });
      await chmod(p, modeOf(f));
    }
    const old = `${staging}.old`;
    let hadOld = false;
    try {
      await rename(target, old);
      hadOld = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await rename(staging, target);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Writes one file via a temp file and rename, so a crash never leaves half a file. */
export async function writeFileAtomic(path: string, content: string, opts: { secret?: boolean } = {}): Promise<void> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const mode = opts.secret ? 0o600 : 0o644;
  try {
    await writeFile(tmp, content, { mode });
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Reads every regular file below `dir`, keyed by its path relative to `dir` with `/` separators. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(rel: string): Promise<void> {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(r);
      else if (entry.isFile()) out.set(r, await readFile(join(dir, r), 'utf8'));
    }
  }
  await walk('');
  return out;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A temp dir for the harness's own use; the caller removes it (see harness/lifecycle.ts). */
export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `flyte-mc-${prefix}-`));
}
