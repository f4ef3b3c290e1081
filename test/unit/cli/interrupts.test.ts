// Interrupts and teardown: an aborted command exits 130 whatever it made of the abort, the cleanup stack takes
// steps registered after it started (the "cleanup already started; cannot register" race), and a secret dir is
// removed synchronously on every exit path, process.exit included.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import type { Io } from '../../../harness/cli/command.ts';
import { Interrupted } from '../../../harness/errors.ts';
import { CleanupStack } from '../../../harness/lifecycle.ts';
import { starterTopologyYaml } from '../../../harness/topology/index.ts';
import { World } from '../../../harness/world.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const NODE = join(ROOT, 'scripts/node');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flyte-mc-interrupts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function abortedIo(): Io & { err: string[]; out: string[] } {
  const ac = new AbortController();
  ac.abort(new Interrupted('SIGINT'));
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => err.push(t), signal: ac.signal };
}

const exists = (p: string) => stat(p).then(() => true, () => false);

describe('an interrupted command', () => {
  it('render writes nothing and exits 130 with "interrupted"', async () => {
    const topo = join(dir, 'topo.yaml');
    await writeFile(topo, starterTopologyYaml());
    const io = abortedIo();
    expect(await main(['render', '--topology', topo, '--out', join(dir, 'out')], io)).toBe(130);
    expect(io.err.join('')).toContain('flyte-mc render: interrupted');
    expect(await readdir(dir)).toEqual(['topo.yaml']);
  });

  it('iam plan exits 130, not 1 with ECONNREFUSED from the endpoint cleanup stopped', async () => {
    const topo = join(dir, 'topo.yaml');
    await writeFile(topo, starterTopologyYaml());
    const io = abortedIo();
    const code = await main(['iam', 'plan', '--topology', topo, '--endpoint', 'http://127.0.0.1:9'], io);
    expect(code).toBe(130);
    expect(io.err.join('')).toContain('flyte-mc iam: interrupted');
    expect(io.err.join('')).not.toMatch(/ECONNREFUSED/);
  });

  it('run reports the scenario INTERRUPTED (not FAILED) and writes no report', async () => {
    const io = abortedIo();
    expect(await main(['run', 'guide', '--executions', '10', '--report', join(dir, 'rep')], io)).toBe(130);
    expect(io.err.join('')).toContain('flyte-mc run: interrupted');
    expect(await exists(join(dir, 'rep'))).toBe(false);
  });
});

describe('CleanupStack', () => {
  it('runs a step registered after cleanup started (it used to throw and leak what the step removes)', async () => {
    const stack = new CleanupStack();
    const ran: string[] = [];
    stack.defer('first', async () => {
      await new Promise((r) => setTimeout(r, 20));
      ran.push('first');
    });
    const running = stack.run();
    stack.defer('late', () => void ran.push('late'));
    await running;
    await stack.run();
    expect(ran.sort()).toEqual(['first', 'late']);
    stack.defer('after the end', () => void ran.push('after'));
    expect((await stack.run()).map((r) => r.name)).toContain('after the end');
    expect(ran).toContain('after');
  });

  it('runs every step once even when run() is called concurrently', async () => {
    const stack = new CleanupStack();
    let n = 0;
    stack.defer('count', () => void n++);
    await Promise.all([stack.run(), stack.run(), stack.run()]);
    expect(n).toBe(1);
  });
});

describe('the credentials dir', () => {
  it('is removed when Ctrl-C lands while the World is still being created', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir; // os.tmpdir() reads it on every call: this test's dirs land here only
    try {
      for (const delay of [0, 0, 1, 2, 5, 10]) {
        const ac = new AbortController();
        setTimeout(() => ac.abort(new Interrupted()), delay);
        const world = await World.create({ dataPlanes: ['dataplane_1', 'dataplane_2'], signal: ac.signal }).catch(() => undefined);
        await world?.dispose();
        expect(await readdir(dir), `abort after ${delay} ms`).toEqual([]);
      }
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('never outlives the process, even through process.exit from a signal handler (the forced exit)', () => {
    const script = `
      import { makeSecretDir } from ${JSON.stringify(join(ROOT, 'harness/fsutil.ts'))};
      import { writeFileSync } from 'node:fs';
      const d = makeSecretDir('credentials');
      writeFileSync(d.path + '/dataplane_1_token', 'eyJ-secret', { mode: 0o600 });
      console.log(d.path);
      process.exit(130);
    `;
    const r = spawnSync(NODE, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } });
    expect(r.status).toBe(130);
    const made = r.stdout.trim();
    expect(made.startsWith(join(dir, 'flyte-mc-credentials-'))).toBe(true);
    return exists(made).then((e) => expect(e).toBe(false));
  });
});
