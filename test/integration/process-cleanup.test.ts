// Nothing is left behind by the process backend: a child Node process starts a real cluster, then ends by success,
// by an uncaught failure, by Ctrl-C (SIGINT), by SIGTERM, or by SIGKILL of Node itself; afterwards none of its
// processes run, none of its ports is bound and its temp dir is gone.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createProcessBackend } from '../../harness/backends/process/index.ts';
import { skipTier } from '../support/prereq.ts';
import { listeners } from '../support/procs.ts';

const skip = skipTier('process backend cleanup', await createProcessBackend().unavailableReason());
const backendUrl = new URL('../../harness/backends/process/index.ts', import.meta.url).href;

const CHILD = `
import { createProcessBackend } from ${JSON.stringify(backendUrl)};
const mode = process.argv[1];
// testcontainers loads signal-exit, which also listens for SIGINT; the backend must still let Ctrl-C end the process.
if (mode === 'sigint-signal-exit') (await import('signal-exit')).onExit(() => {});
const b = createProcessBackend({ log: (l) => process.stderr.write(l + '\\n'), graceMs: 5000 });
const c = await b.createCluster({ name: 'cleanup_' + mode, role: 'data-plane' });
process.stdout.write(JSON.stringify({
  root: b.tempRoot,
  pids: c.processes().map((p) => p.pid),
  ports: [c.ports.api, c.ports.etcdClient, c.ports.etcdPeer, c.proxyPort],
}) + '\\n');
// Wait for the parent to have looked at the processes before ending.
await new Promise((r) => process.stdin.once('data', r));
if (mode === 'ok') {
  await b.dispose();
} else if (mode === 'fail') {
  throw new Error('simulated scenario failure');
} else {
  setInterval(() => {}, 1000);
}
`;

interface Started {
  root: string;
  pids: number[];
  ports: number[];
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `needle` (our temp root is unique). */
function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle) && running(Number(d))) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

async function runChild(mode: string, end?: NodeJS.Signals): Promise<{ started: Started; code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, mode], { stdio: ['pipe', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const started = await new Promise<Started>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(stdout.slice(0, nl)) as Started);
    });
    void exited.then(() => reject(new Error(`child exited before starting a cluster:\n${stderr}`)));
  });
  expect(started.pids.length).toBe(3);
  expect(started.pids.every(running)).toBe(true);
  if (end) child.kill(end);
  else child.stdin.end('go\n');
  const { code, signal } = await exited;
  return { started, code, signal, stderr };
}

async function expectNothingLeft(s: Started): Promise<void> {
  // SIGKILL of Node leaves the children to notice their parent is gone (kube-lite's parent watchdog): allow a moment.
  const deadline = Date.now() + 30_000;
  while (s.pids.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  expect(s.pids.filter(running)).toEqual([]);
  expect(processesMentioning(s.root)).toEqual([]);
  // Other engineers' clusters may reuse a freed port number at once: only our processes (or ones running in our
  // temp root) holding a port count as left behind.
  for (const p of s.ports) {
    const held = listeners(p).filter((pid) => s.pids.includes(pid) || processesMentioning(s.root).includes(pid));
    expect(held, `port ${p} still held by ${held.join(',')}`).toEqual([]);
  }
  if (!s.root.startsWith('/dev/shm/') && !s.root.includes('flyte-mc-process-')) throw new Error(`unexpected root ${s.root}`);
}

describe.skipIf(skip)('process backend leaves nothing behind', () => {
  it('on success (dispose)', async () => {
    const r = await runChild('ok');
    expect(r.code).toBe(0);
    await expectNothingLeft(r.started);
    expect(existsSync(r.started.root)).toBe(false);
  }, 240_000);

  it('on an uncaught failure (exit hook)', async () => {
    const r = await runChild('fail');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('simulated scenario failure');
    await expectNothingLeft(r.started);
    expect(existsSync(r.started.root)).toBe(false);
  }, 240_000);

  it('on Ctrl-C (SIGINT): graceful stop, then the signal takes effect', async () => {
    const r = await runChild('sigint', 'SIGINT');
    expect(r.signal).toBe('SIGINT');
    expect(r.stderr).toContain('SIGINT: stopping');
    await expectNothingLeft(r.started);
    expect(existsSync(r.started.root)).toBe(false);
  }, 240_000);

  it('on Ctrl-C with signal-exit loaded too (as testcontainers does): still cleans up and ends', async () => {
    const r = await runChild('sigint-signal-exit', 'SIGINT');
    expect(r.signal).toBe('SIGINT');
    await expectNothingLeft(r.started);
    expect(existsSync(r.started.root)).toBe(false);
  }, 240_000);

  it('on SIGTERM', async () => {
    const r = await runChild('sigterm', 'SIGTERM');
    expect(r.signal).toBe('SIGTERM');
    await expectNothingLeft(r.started);
    expect(existsSync(r.started.root)).toBe(false);
  }, 240_000);

  it('on SIGKILL of Node itself (children exit with their parent; only the tmpfs dir can remain)', async () => {
    const r = await runChild('sigkill', 'SIGKILL');
    try {
      expect(r.signal).toBe('SIGKILL');
      await expectNothingLeft(r.started);
    } finally {
      // Node got no chance to clean its temp dir; remove it here so the test itself leaves nothing.
      rmSync(r.started.root, { recursive: true, force: true });
    }
  }, 240_000);
});
