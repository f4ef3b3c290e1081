// Nothing is left by the container backend: a child Node process starts a kube-lite container cluster (network +
// container, labelled with its run id) and then ends by success, by an uncaught failure, by Ctrl-C (SIGINT), by
// SIGTERM, or by SIGKILL; a start that fails (the apiserver refuses its flags) is cleaned up too. Afterwards no
// container or network of that run exists (after SIGKILL: once the next run's stale sweep has run). Signals reach
// the backend the way the CLI delivers them: an AbortSignal bound to the run's CleanupStack.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createContainerBackend } from '../../harness/backends/container/index.ts';
import { listLabelled, sweep } from '../../harness/backends/docker.ts';
import { skipTier } from '../support/prereq.ts';

const skip = skipTier('container backend cleanup', await createContainerBackend({ sweepStale: false }).unavailableReason());
const backendUrl = new URL('../../harness/backends/container/index.ts', import.meta.url).href;
const lifecycleUrl = new URL('../../harness/lifecycle.ts', import.meta.url).href;

const CHILD = `
import { createContainerBackend } from ${JSON.stringify(backendUrl)};
import { CleanupStack } from ${JSON.stringify(lifecycleUrl)};
const mode = process.argv[1];
// As flyte-mc's CLI does: a signal aborts, the cleanup stack bound to the abort runs, then the process ends.
const ac = new AbortController();
const stack = new CleanupStack();
stack.bindTo(ac.signal);
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => ac.abort());
const b = createContainerBackend({
  cleanup: stack,
  log: (l) => process.stderr.write(l + '\\n'),
  sweepStale: false,
  ...(mode === 'startfail' ? { apiserverArgs: ['--no-such-flag=1'], readyTimeoutMs: 30000 } : {}),
});
process.stdout.write(JSON.stringify({ runId: b.runId }) + '\\n');
if (mode === 'startfail') {
  try {
    await b.createCluster({ name: 'broken', role: 'data-plane' });
    process.stdout.write('unexpected start\\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: err.message.split('\\n')[0] }) + '\\n');
  } finally {
    await b.dispose();
  }
} else {
  await b.createCluster({ name: 'cleanup_' + mode, role: 'data-plane' });
  process.stdout.write(JSON.stringify({ started: true }) + '\\n');
  if (mode === 'ok') await b.dispose();
  else if (mode === 'fail') throw new Error('simulated scenario failure');
  else {
    const t = setInterval(() => {}, 1000);
    ac.signal.addEventListener('abort', async () => {
      await stack.run();
      clearInterval(t);
      process.exitCode = 130;
    });
  }
}
`;

interface ChildResult {
  runId: string;
  lines: Record<string, unknown>[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runChild(mode: string, end?: NodeJS.Signals): Promise<ChildResult> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  let stdout = '';
  let stderr = '';
  const lines: Record<string, unknown>[] = [];
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    let nl: number;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      const obj = JSON.parse(line) as Record<string, unknown>;
      lines.push(obj);
      if (obj.started && end) child.kill(end);
    }
  });
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ runId: String(lines[0]?.runId ?? ''), lines, code, signal, stderr })),
  );
}

async function leftovers(runId: string): Promise<string[]> {
  const r = await listLabelled(runId);
  return [...r.containers.map((c) => `container ${c.name}`), ...r.networks.map((n) => `network ${n.name}`)];
}

describe.skipIf(skip)('container backend leaves nothing behind', () => {
  it.each([
    ['ok', undefined],
    ['fail', undefined],
    ['sigint', 'SIGINT'],
    ['sigterm', 'SIGTERM'],
  ] as [string, NodeJS.Signals | undefined][])('after %s', async (mode, signal) => {
    const r = await runChild(mode, signal);
    expect(r.runId).not.toBe('');
    expect(r.lines.some((l) => l.started), r.stderr).toBe(true);
    if (mode === 'ok') expect(r.code).toBe(0);
    else if (mode === 'fail') expect(r.code).not.toBe(0);
    else expect(r.code).toBe(130);
    expect(await leftovers(r.runId)).toEqual([]);
  }, 120_000);

  it('after a failed start', async () => {
    const r = await runChild('startfail');
    const err = r.lines.find((l) => l.error)?.error as string | undefined;
    expect(err, r.stderr).toMatch(/failed to start cluster broken/);
    expect(r.code).toBe(0);
    expect(await leftovers(r.runId)).toEqual([]);
  }, 120_000);

  it('after SIGKILL, once the stale sweep of a later run has run', async () => {
    const r = await runChild('sigkill', 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    expect((await leftovers(r.runId)).length).toBeGreaterThan(0);
    const removed = await sweep({ stale: true });
    expect(removed.containers.map((c) => c.runId)).toContain(r.runId);
    expect(await leftovers(r.runId)).toEqual([]);
  }, 120_000);
});
