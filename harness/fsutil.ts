// Effects on the file system, kept in one place so the rest of the harness stays pure.
//
// Output safety: flyte-mc replaces or removes only what it wrote itself. A directory it writes holds a manifest
// (MANIFEST_NAME) with the sha256 of every file it wrote there; a file elsewhere in that directory, or a file whose
// content changed since, is the user's and is never touched. Targets are checked before any work (checkOutputTarget)
// and again by the writers.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, open, readdir, readFile, realpath, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputError, unreadableFile } from './errors.ts';

/** One file of a rendered tree. `secret` files are written 0600 and never echoed. */
export interface OutputFile {
  path: string;
  content: string;
  secret?: boolean;
  executable?: boolean;
}

/** The marker of a directory flyte-mc wrote: which files it wrote there, with their sha256. */
export const MANIFEST_NAME = '.flyte-mc-manifest.json';

interface Manifest {
  writtenBy: 'flyte-mc';
  files: Record<string, string>;
}

function modeOf(f: OutputFile): number {
  if (f.secret) return 0o600;
  return f.executable ? 0o755 : 0o644;
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

// ---------------------------------------------------------------------------------------------------------------
// Checking a target before the run

export interface OutputTarget {
  /** The flag that names it, for messages: `--out`, `--report`, `--junit`. */
  flag: string;
  path: string;
  kind: 'dir' | 'file';
  /** Dir targets: the relative paths this run will write (files already there must be ones flyte-mc wrote). */
  willWrite?: readonly string[];
  /** File targets: text that an existing file of ours holds in its first 4 KiB; without it any existing file is the user's. */
  marker?: string;
}

export interface OutputCheckOptions {
  /** Input files of this run (with their flags): never a target, never inside a dir target. */
  inputs?: readonly { flag: string; path: string }[];
  /** Write over files flyte-mc did not write (the marker check only; every other refusal stands). */
  force?: boolean;
  cwd?: string;
}

/** The path with symlinks of its existing part resolved, so `./out`, `out/` and a symlink to it compare equal. */
async function canonical(path: string): Promise<string> {
  const abs = resolve(path);
  let existing = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await realpath(existing), ...rest);
    } catch (err) {
      const parent = dirname(existing);
      if (parent === existing || (errCode(err) !== 'ENOENT' && errCode(err) !== 'ENOTDIR')) return abs;
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
}

function isWithin(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_NAME), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as Manifest;
    if (m && m.writtenBy === 'flyte-mc' && m.files && typeof m.files === 'object') return m;
  } catch {
    // an unreadable manifest vouches for nothing
  }
  return undefined;
}

/** Files below `dir` (relative, `/`-separated), the manifest left out. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === MANIFEST_NAME) continue;
      if (e.isDirectory()) await walk(r);
      else out.push(r);
    }
  }
  await walk('');
  return out.sort();
}

/** Files in `dir` the manifest does not vouch for: not listed, or changed since flyte-mc wrote them. */
async function unvouched(dir: string, manifest: Manifest | undefined, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const want = manifest?.files[p];
    let have: string | undefined;
    try {
      have = sha256(await readFile(join(dir, p)));
    } catch (err) {
      if (errCode(err) === 'ENOENT') continue;
      have = undefined;
    }
    if (want === undefined || have !== want) out.push(p);
  }
  return out;
}

function refuse(t: OutputTarget, why: string): InputError {
  return new InputError(`${t.flag} ${t.path}: ${why}`);
}

/**
 * Refuses, with exit 2 and before any work, an output target that would lose something: a regular file where a
 * directory goes (or the reverse), the current directory or one of its parents, an input file or a directory
 * holding one, a parent that is a file or not writable, and files flyte-mc did not write (unless `force`).
 */
export async function checkOutputTarget(t: OutputTarget, opts: OutputCheckOptions = {}): Promise<void> {
  if (t.path === '') throw refuse(t, 'is empty');
  const target = await canonical(t.path);
  const cwd = await canonical(opts.cwd ?? process.cwd());
  for (const input of opts.inputs ?? []) {
    const inp = await canonical(input.path);
    if (inp === target) throw refuse(t, `is the input file (${input.flag}); choose another path`);
    if (t.kind === 'dir' && isWithin(inp, target)) throw refuse(t, `holds the input file ${input.path} (${input.flag}); choose a directory of its own`);
  }
  if (t.kind === 'dir' && isWithin(cwd, target)) {
    throw refuse(t, `is the current directory${target === cwd ? '' : ' or one of its parents'}; choose a directory of its own, such as ./out`);
  }
  let st: Awaited<ReturnType<typeof stat>> | undefined;
  try {
    st = await stat(target);
  } catch (err) {
    if (errCode(err) !== 'ENOENT' && errCode(err) !== 'ENOTDIR') throw refuse(t, `cannot be used (${errCode(err) ?? 'error'})`);
  }
  if (st && t.kind === 'dir' && !st.isDirectory()) throw refuse(t, 'is a file, not a directory; choose a directory path');
  if (st && t.kind === 'file' && st.isDirectory()) throw refuse(t, 'is a directory; give a file path');
  // The nearest existing ancestor must be a writable directory (mkdir -p creates the rest).
  let anc = st ? (st.isDirectory() ? target : dirname(target)) : dirname(target);
  for (;;) {
    try {
      const a = await stat(anc);
      if (!a.isDirectory()) throw refuse(t, `${anc} is a file, not a directory`);
      break;
    } catch (err) {
      if (err instanceof InputError) throw err;
      if (errCode(err) === 'ENOTDIR') {
        anc = dirname(anc);
        continue;
      }
      if (errCode(err) !== 'ENOENT' || dirname(anc) === anc) throw refuse(t, `cannot be used (${errCode(err) ?? 'error'})`);
      anc = dirname(anc);
    }
  }
  // Probed by creating (and removing) an entry: access(2) says yes to root on a read-only mount or in /proc.
  try {
    await rmdir(await mkdtemp(join(anc, '.flyte-mc-probe-')));
  } catch (err) {
    throw refuse(t, `cannot create files in ${anc} (${errCode(err) ?? 'error'}${errCode(err) === 'EACCES' || errCode(err) === 'EROFS' ? ': not writable' : ''})`);
  }
  if (!st || opts.force) return;
  if (t.kind === 'file') {
    if (t.marker !== undefined && (await headOf(target)).includes(t.marker)) return;
    throw refuse(t, 'exists and was not written by flyte-mc; choose another path, or pass --force to replace it');
  }
  const manifest = await readManifest(target);
  if (!manifest) {
    const entries = await readdir(target);
    if (entries.length === 0) return;
    throw refuse(t, `is not empty and has no ${MANIFEST_NAME} (flyte-mc did not write it); choose a new or empty directory, or pass --force to write into it (its other files are kept)`);
  }
  const foreign = await unvouched(target, manifest, t.willWrite ?? []);
  if (foreign.length > 0) {
    throw refuse(t, `${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''} changed since flyte-mc wrote ${foreign.length === 1 ? 'it' : 'them'}; move ${foreign.length === 1 ? 'it' : 'them'} away, or pass --force to replace`);
  }
}

async function headOf(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

export interface WriteTreeOptions {
  /** Also replace files at our paths that flyte-mc did not write (see checkOutputTarget). */
  force?: boolean;
  /** Remove files of an earlier write that this tree no longer has (render: the directory is the whole tree). */
  prune?: boolean;
  /** Checked before anything becomes visible: an interrupted run swaps nothing in. */
  signal?: AbortSignal;
}

async function writeStaged(staging: string, files: readonly OutputFile[]): Promise<void> {
  // mkdtemp creates 0700; keep that only when the tree holds secrets.
  await chmod(staging, files.some((f) => f.secret) ? 0o700 : 0o755);
  for (const f of files) {
    const p = join(staging, f.path);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, f.content, { mode: modeOf(f) });
    await chmod(p, modeOf(f));
  }
}

function manifestText(files: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const m: Manifest & { about: string } = { writtenBy: 'flyte-mc', about: 'files flyte-mc wrote here (sha256); it replaces or removes only these, and only while unchanged', files: sorted };
  return `${JSON.stringify(m, null, 2)}\n`;
}

function checkRelative(files: readonly OutputFile[]): void {
  for (const f of files) {
    if (f.path === MANIFEST_NAME || f.path.startsWith('/') || f.path.split('/').some((s) => s === '..' || s === '')) {
      throw new Error(`refusing to write ${JSON.stringify(f.path)}: not a plain relative path`);
    }
  }
}

/**
 * Writes files into `dir` and records them in its manifest. A new directory (or one holding only files flyte-mc
 * wrote, unchanged) is swapped in whole by one rename, so readers see the old tree or the new one. A directory that
 * also holds other files gets each of ours written atomically in place, and the other files are left alone.
 */
export async function writeTreeAtomic(dir: string, files: readonly OutputFile[], opts: WriteTreeOptions = {}): Promise<void> {
  checkRelative(files);
  const target = resolve(dir);
  await checkOutputTarget({ flag: 'output', path: target, kind: 'dir', willWrite: files.map((f) => f.path) }, { force: opts.force ?? false });
  const hashes = Object.fromEntries(files.map((f) => [f.path, sha256(f.content)]));
  const existing = await lstat(target).then(() => true, () => false);
  const old = existing ? await readManifest(target) : undefined;
  const present = existing ? await listFiles(target) : [];
  const onlyOurs = existing && old !== undefined && (await unvouched(target, old, present)).length === 0;
  if (!existing || (onlyOurs && opts.prune)) {
    await swapIn(target, files, hashes, existing, opts.signal);
    return;
  }
  // In place: other files stay. Ours are written one by one, then stale ones of ours removed, then the manifest.
  opts.signal?.throwIfAborted();
  const keep: Record<string, string> = {};
  if (!opts.prune) for (const [p, h] of Object.entries(old?.files ?? {})) if (present.includes(p)) keep[p] = h;
  for (const f of files) await writeFileAtomic(join(target, f.path), f.content, { secret: f.secret ?? false, executable: f.executable ?? false });
  if (opts.prune && old) {
    for (const p of Object.keys(old.files)) {
      if (p in hashes || !present.includes(p)) continue;
      if ((await unvouched(target, old, [p])).length > 0) continue;
      await unlink(join(target, p));
      await removeEmptyParents(target, p);
    }
  }
  await writeFileAtomic(join(target, MANIFEST_NAME), manifestText({ ...keep, ...hashes }));
}

async function removeEmptyParents(root: string, rel: string): Promise<void> {
  for (let d = dirname(rel); d !== '.' && d !== ''; d = dirname(d)) {
    try {
      await rmdir(join(root, d)); // only ever succeeds on an empty directory
    } catch {
      return;
    }
  }
}

async function swapIn(target: string, files: readonly OutputFile[], hashes: Record<string, string>, existing: boolean, signal: AbortSignal | undefined): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  try {
    await writeStaged(staging, files);
    await writeFile(join(staging, MANIFEST_NAME), manifestText(hashes), { mode: 0o644 });
    signal?.throwIfAborted();
    if (!existing) {
      await rename(staging, target);
      return;
    }
    // The old tree holds only files flyte-mc wrote (checked by the caller); it is moved aside, then removed.
    const aside = `${staging}.old`;
    await rename(target, aside);
    try {
      await rename(staging, target);
    } catch (err) {
      await rename(aside, target);
      throw err;
    }
    await rm(aside, { recursive: true, force: true });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Writes one file via a temp file and rename, so a crash never leaves half a file. */
export async function writeFileAtomic(path: string, content: string, opts: { secret?: boolean; executable?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const mode = opts.secret ? 0o600 : opts.executable ? 0o755 : 0o644;
  try {
    await writeFile(tmp, content, { mode, flag: 'wx' });
    await chmod(tmp, mode);
    opts.signal?.throwIfAborted();
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Writes one output file after checking it (see checkOutputTarget): the user's files are never replaced. */
export async function writeOutputFile(t: OutputTarget, content: string, opts: OutputCheckOptions & { signal?: AbortSignal } = {}): Promise<void> {
  await checkOutputTarget(t, opts);
  await writeFileAtomic(t.path, content, opts.signal ? { signal: opts.signal } : {});
}

/** Reads every regular file below `dir`, keyed by its path relative to `dir` with `/` separators (the manifest left out). */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await listFiles(dir)) {
    const st = await lstat(join(dir, r));
    if (st.isFile()) out.set(r, await readFile(join(dir, r), 'utf8'));
  }
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

// ---------------------------------------------------------------------------------------------------------------
// Directories holding secrets: created and registered in one synchronous step, removed synchronously on every exit
// path (a forced exit included), so a token never outlives the process.

const secretDirs = new Set<string>();
let exitHookInstalled = false;

function removeSecretDirsNow(): void {
  for (const d of secretDirs) removeDirSync(d);
  secretDirs.clear();
}

/** rm -rf that retries the ENOTEMPTY a concurrent writer can cause, and never throws for a missing path. */
function removeDirSync(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 10 });
}

/** Creates a 0700 temp dir for secrets; `remove()` deletes it synchronously (and the process exit does, if first). */
export function makeSecretDir(prefix: string): { path: string; remove: () => void } {
  if (!exitHookInstalled) {
    process.on('exit', removeSecretDirsNow);
    exitHookInstalled = true;
  }
  const path = mkdtempSync(join(tmpdir(), `flyte-mc-${prefix}-`));
  secretDirs.add(path);
  return {
    path,
    remove: () => {
      removeDirSync(path);
      secretDirs.delete(path);
    },
  };
}

/** A user's input file as text; a file that cannot be read is an InputError naming it. */
export async function readInputFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw unreadableFile(err, file);
  }
}
