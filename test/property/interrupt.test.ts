// Ctrl-C at any point of `./flyte-mc run guide`: a property over the delay of the first SIGINT (and, sometimes, a
// second one to force the exit). Whatever the timing: exit 130 with "interrupted" (or 0 when the run had finished),
// no credentials dir in the run's own TMPDIR, no process of the run left. No timing is asserted.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, '../../flyte-mc');

/** Pids whose environment holds `tag` (the run and anything it started). */
async function processesTagged(tag: string): Promise<number[]> {
  const out: number[] = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if ((await readFile(`/proc/${d}/environ`, 'latin1')).includes(tag)) out.push(Number(d));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the CLI and sends SIGINT `delay` ms after its first line on stderr (its handlers are installed by then). */
function runInterrupted(env: NodeJS.ProcessEnv, delay: number, second: number | null): Promise<Outcome> {
  return new Promise((res, rej) => {
    const child = spawn(CLI, ['run', 'guide', '--executions', '3000'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (armed) return;
      armed = true;
      setTimeout(() => {
        child.kill('SIGINT');
        if (second !== null) setTimeout(() => child.kill('SIGINT'), second);
      }, delay);
    });
    child.on('error', rej);
    child.on('exit', (code, signal) => res({ code, signal, stderr }));
  });
}

describe('SIGINT at any point of flyte-mc run guide', () => {
  it('exits 130 with "interrupted" (or 0 when done), leaving no credentials dir and no process', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2500 }), fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 120 }) }), async (delay, second) => {
        const tmp = await mkdtemp(join(tmpdir(), 'flyte-mc-sigint-'));
        const tag = `FLYTE_MC_SIGINT_TEST=${tmp}`;
        try {
          const r = await runInterrupted({ ...process.env, TMPDIR: tmp, FLYTE_MC_SIGINT_TEST: tmp }, delay, second);
          if (second === null || r.signal === null) {
            expect(r.signal, r.stderr).toBeNull();
            expect([0, 130], r.stderr).toContain(r.code);
          } else {
            // The force path: a second SIGINT can land while Node is tearing down (after the first one's clean exit,
            // or during the forced exit), where Node has restored the default disposition; the shell sees 128+2
            // either way. What must hold whatever the timing is checked below: no secret and no process is left.
            expect(r.signal, r.stderr).toBe('SIGINT');
          }
          if (r.code === 130 && second === null) expect(r.stderr).toMatch(/interrupted/);
          if (r.code === 0) expect(r.stderr).toMatch(/PASSED/);
          expect((await readdir(tmp)).filter((e) => e.startsWith('flyte-mc-credentials-'))).toEqual([]);
          expect(await readdir(tmp)).toEqual([]);
          expect(await processesTagged(tag)).toEqual([]);
        } finally {
          await rm(tmp, { recursive: true, force: true });
        }
      }),
      { numRuns: 12 },
    );
  }, 300_000);
});
