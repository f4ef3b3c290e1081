// The data-loss reports of issue 14, reproduced through the CLI entry point: every output target is checked before
// any work, and nothing flyte-mc did not write is deleted or replaced.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { memoryIo } from '../../../harness/cli/command.ts';
import { checkOutputTarget, MANIFEST_NAME, readTree, sha256, writeTreeAtomic } from '../../../harness/fsutil.ts';
import { InputError } from '../../../harness/errors.ts';
import { starterTopologyYaml } from '../../../harness/topology/index.ts';

let dir: string;
let cwd: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flyte-mc-outsafety-'));
  cwd = process.cwd();
  await writeFile(join(dir, 'topo.yaml'), starterTopologyYaml());
  await writeFile(join(dir, 'notes.txt'), 'my notes\n');
  process.chdir(dir);
});
afterEach(async () => {
  process.chdir(cwd);
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, err: io.err.join(''), out: io.out.join('') };
}

/** Every file below dir with its content, to show nothing changed. */
const snapshot = async (d = dir) => Object.fromEntries(await readTree(d));

describe('render --out', () => {
  it('refuses the current directory holding the topology and notes.txt (it used to delete both)', async () => {
    const before = await snapshot();
    const r = await cli('render', '--topology', 'topo.yaml', '--out', '.');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^flyte-mc render: --out \.: holds the input file topo\.yaml/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses the current directory and its parents even without an input inside', async () => {
    await mkdir('sub');
    process.chdir(join(dir, 'sub'));
    const before = await snapshot();
    for (const out of ['.', './', dir]) {
      const r = await cli('render', '--topology', join(dir, 'topo.yaml'), '--out', out, '--force');
      expect(r.code, out).toBe(2);
      expect(r.err).toMatch(/current directory|holds the input file/);
    }
    expect((await cli('render', '--topology', join(dir, 'topo.yaml'), '--out', '.', '--force')).err).toMatch(/is the current directory/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses the topology file itself as the output directory (it used to become one)', async () => {
    const r = await cli('render', '--topology', 'topo.yaml', '--out', 'topo.yaml', '--force');
    expect(r.code).toBe(2);
    expect(r.err).toContain('is the input file (--topology)');
    expect(await readFile('topo.yaml', 'utf8')).toBe(starterTopologyYaml());
  });

  it('refuses a regular file and a path below one, with a plain message', async () => {
    expect((await cli('render', '--topology', 'topo.yaml', '--out', 'notes.txt')).err).toContain('is a file, not a directory');
    const r = await cli('render', '--topology', 'topo.yaml', '--out', 'notes.txt/sub');
    expect(r.code).toBe(2);
    expect(r.err).toContain('notes.txt is a file, not a directory');
    expect(r.err).not.toMatch(/ENOTDIR|EEXIST/);
  });

  it('refuses a non-empty directory it did not write (it used to remove the unrelated file); --force keeps that file', async () => {
    await mkdir('existing');
    await writeFile('existing/mine.txt', 'keep me');
    const r = await cli('render', '--topology', 'topo.yaml', '--out', 'existing/');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`has no ${MANIFEST_NAME}`);
    expect(await readdir('existing')).toEqual(['mine.txt']);
    expect((await cli('render', '--topology', 'topo.yaml', '--out', 'existing/', '--force')).code).toBe(0);
    expect(await readFile('existing/mine.txt', 'utf8')).toBe('keep me');
    // Rendering again needs no --force (the manifest vouches for our files) and still keeps the user's file.
    expect((await cli('render', '--topology', 'topo.yaml', '--out', 'existing')).code).toBe(0);
    expect(await readFile('existing/mine.txt', 'utf8')).toBe('keep me');
  });

  it('re-renders its own directory, removes files it no longer writes, and refuses to replace an edited one', async () => {
    expect((await cli('render', '--topology', 'topo.yaml', '--out', 'out')).code).toBe(0);
    const manifest = JSON.parse(await readFile(join('out', MANIFEST_NAME), 'utf8'));
    expect(manifest.files['COMMANDS.md']).toBe(sha256(await readFile('out/COMMANDS.md', 'utf8')));
    expect(Object.keys(manifest.files)).toContain('dataplanes/dataplane_2/token-secret.yaml');
    // One data plane fewer: its files go (they were ours and unchanged).
    await writeFile('one.yaml', starterTopologyYaml({ dataPlanes: 1 }));
    expect((await cli('render', '--topology', 'one.yaml', '--out', 'out')).code).toBe(0);
    expect(await readdir('out/dataplanes')).toEqual(['dataplane_1']);
    await writeFile('out/COMMANDS.md', 'my edits');
    const r = await cli('render', '--topology', 'topo.yaml', '--out', 'out');
    expect(r.code).toBe(2);
    expect(r.err).toContain('COMMANDS.md changed since flyte-mc wrote it');
    expect(await readFile('out/COMMANDS.md', 'utf8')).toBe('my edits');
    expect((await cli('render', '--topology', 'topo.yaml', '--out', 'out', '--force')).code).toBe(0);
    // --check ignores the manifest itself.
    expect((await cli('render', '--topology', 'topo.yaml', '--out', 'out', '--check')).code).toBe(0);
  });

  it('refuses a directory holding the --credentials file', async () => {
    await mkdir('secrets');
    await writeFile('secrets/creds.json', '{}');
    const r = await cli('render', '--topology', 'topo.yaml', '--out', 'secrets', '--credentials', 'secrets/creds.json', '--force');
    expect(r.code).toBe(2);
    expect(r.err).toContain('holds the input file secrets/creds.json (--credentials)');
  });

  it('reports an unwritable location before any work, without raw errno text as the message', async () => {
    const r = await cli('render', '--topology', 'topo.yaml', '--out', '/proc/flyte-mc-out');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^flyte-mc render: --out \/proc\/flyte-mc-out: cannot create files in \/proc/);
  });
});

describe('writeTreeAtomic', () => {
  it('swaps nothing in after an interrupt: the old tree stays and no staging dir is left', async () => {
    await writeTreeAtomic('out', [{ path: 'a.txt', content: 'old' }]);
    const ac = new AbortController();
    ac.abort(new Error('interrupted'));
    await expect(writeTreeAtomic('out', [{ path: 'a.txt', content: 'new' }], { prune: true, signal: ac.signal })).rejects.toThrow('interrupted');
    expect(await readFile('out/a.txt', 'utf8')).toBe('old');
    expect((await readdir('.')).filter((e) => e.includes('tmp'))).toEqual([]);
  });

  it('refuses paths that escape the directory', async () => {
    await expect(writeTreeAtomic('out', [{ path: '../evil', content: 'x' }])).rejects.toThrow(/not a plain relative path/);
    expect(await readdir('.')).not.toContain('evil');
  });
});

describe('init --out', () => {
  it('refuses a directory and an existing file, before writing anything', async () => {
    await mkdir('adir');
    const r = await cli('init', '--out', 'adir');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--out adir: is a directory');
    expect((await cli('init', '--out', 'notes.txt')).code).toBe(2);
    expect(await readFile('notes.txt', 'utf8')).toBe('my notes\n');
    expect((await cli('init', '--out', 'notes.txt', '--force')).code).toBe(0);
  });

  it('writes a $schema path that resolves from where the file is written', async () => {
    expect((await cli('init', '--out', 'deep/down/flyte-mc.yaml')).code).toBe(0);
    const text = await readFile('deep/down/flyte-mc.yaml', 'utf8');
    const ref = /\$schema=(\S+)/.exec(text)?.[1] as string;
    const { resolve } = await import('node:path');
    const schema = JSON.parse(await readFile(resolve(join(dir, 'deep/down'), ref), 'utf8'));
    expect(schema.$schema ?? schema.type).toBeDefined();
  });
});

describe('run --report / --junit and distribution --html: checked before the run', () => {
  it('refuses a file as --report DIR and a directory as --junit FILE, naming the flag, with no run', async () => {
    let r = await cli('run', 'guide', '--report', 'notes.txt', '--executions', '10');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--report notes.txt: is a file, not a directory');
    expect(r.out).toBe(''); // no scenario ran
    await mkdir('adir');
    r = await cli('run', 'guide', '--junit', 'adir', '--executions', '10');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--junit adir: is a directory');
    r = await cli('run', 'guide', '--junit', '/proc/flyte-mc.xml', '--executions', '10');
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot create files in /proc');
  });

  it('refuses to replace a user file as --junit, replaces its own JUnit file, and keeps other files in --report DIR', async () => {
    expect((await cli('run', 'guide', '--junit', 'notes.txt', '--executions', '10')).code).toBe(2);
    expect(await readFile('notes.txt', 'utf8')).toBe('my notes\n');
    await mkdir('rep');
    expect((await cli('run', 'guide', '--junit', 'rep/junit.xml', '--executions', '10', '--quiet')).code).toBe(0);
    expect((await cli('run', 'guide', '--junit', 'rep/junit.xml', '--executions', '10', '--quiet')).code).toBe(0);
    // rep holds our junit.xml but no manifest: --report there needs --force, and keeps junit.xml.
    expect((await cli('run', 'guide', '--report', 'rep', '--executions', '10', '--quiet')).code).toBe(2);
    expect((await cli('run', 'guide', '--report', 'rep', '--executions', '10', '--quiet', '--force')).code).toBe(0);
    expect((await readdir('rep')).sort()).toEqual([MANIFEST_NAME, 'junit.xml', 'report.html', 'report.json']);
    expect((await cli('run', 'guide', '--report', 'rep', '--executions', '10', '--quiet')).code).toBe(0);
    expect((await cli('run', 'guide', '--report', '.', '--executions', '10', '--quiet', '--force')).code).toBe(2);
  });

  it('distribution --html refuses a directory and the topology itself', async () => {
    await mkdir('adir');
    let r = await cli('distribution', '--topology', 'topo.yaml', '--label', 'label1', '--samples', '10', '--html', 'adir');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--html adir: is a directory');
    r = await cli('distribution', '--topology', 'topo.yaml', '--label', 'label1', '--samples', '10', '--html', 'topo.yaml', '--force');
    expect(r.code).toBe(2);
    expect(r.err).toContain('is the input file (--topology)');
    expect((await cli('distribution', '--topology', 'topo.yaml', '--label', 'label1', '--samples', '10', '--html', 'd.html')).code).toBe(0);
    expect((await cli('distribution', '--topology', 'topo.yaml', '--label', 'label1', '--samples', '10', '--html', 'd.html')).code).toBe(0);
  });
});

describe('checkOutputTarget', () => {
  it('throws InputError (exit 2) naming the flag, and lets --force override only the marker check', async () => {
    await mkdir('full');
    await writeFile('full/x', 'x');
    await expect(checkOutputTarget({ flag: '--out', path: 'full', kind: 'dir' })).rejects.toBeInstanceOf(InputError);
    await expect(checkOutputTarget({ flag: '--out', path: 'full', kind: 'dir' }, { force: true })).resolves.toBeUndefined();
    await expect(checkOutputTarget({ flag: '--out', path: '.', kind: 'dir' }, { force: true })).rejects.toThrow(/current directory/);
    await expect(checkOutputTarget({ flag: '--out', path: 'notes.txt', kind: 'dir' }, { force: true })).rejects.toThrow(/is a file/);
    await expect(checkOutputTarget({ flag: '--out', path: 'full', kind: 'dir' }, { force: true, inputs: [{ flag: '--topology', path: 'full/x' }] })).rejects.toThrow(/holds the input file/);
  });
});
