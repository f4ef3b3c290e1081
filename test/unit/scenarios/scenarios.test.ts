import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../../harness/cli/command.ts';
import { main } from '../../../harness/cli/main.ts';
import { runScenario, scenarios } from '../../../harness/scenarios/index.ts';
import type { Scenario } from '../../../harness/scenarios/context.ts';

const opts = { backend: 'sim', dataPlanes: 2, executions: 300, seed: 3, log: () => {} };

describe('scenario library on sim', () => {
  for (const s of scenarios) {
    it(`${s.name} passes and states its expectations`, async () => {
      expect(s.expectations.length).toBeGreaterThan(0);
      const r = await runScenario(s, opts);
      expect(r.violations).toEqual([]);
      expect(r.passed).toBe(true);
      expect(r.steps.length).toBeGreaterThan(0);
      expect(r.executions.lost).toBe(0);
    });
  }

  it('fails with a clear message when an expectation is violated, and still tears down', async () => {
    const bad: Scenario = {
      name: 'bad',
      summary: 'violates an expectation',
      expectations: ['nothing lands on dataplane_9'],
      async run(ctx) {
        await ctx.step('check', () => {
          ctx.expect(false, 'dataplane_9 received 3 executions');
        });
      },
    };
    const r = await runScenario(bad, opts);
    expect(r.passed).toBe(false);
    expect(r.violations).toEqual([{ step: 'check', message: 'dataplane_9 received 3 executions' }]);
    expect(r.steps[0]).toMatchObject({ name: 'check', status: 'failed' });
  });
});

describe('flyte-mc run', () => {
  it('runs the default pair, prints the summary and writes report.json, report.html and JUnit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-run-'));
    try {
      const io = memoryIo();
      const code = await main(['run', '--executions', '400', '--quiet', '--report', dir, '--junit', join(dir, 'junit.xml')], io);
      expect(code).toBe(0);
      const out = io.out.join('');
      expect(out).toContain('guide on sim: PASSED');
      expect(out).toContain('day2-add-cluster on sim: PASSED');
      expect(out).toMatch(/expected\s+observed\s+p-value/);
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
      const s0 = report.scenarios[0];
      for (const k of ['scenario', 'backend', 'passed', 'steps', 'executions', 'distribution', 'violations']) expect(s0).toHaveProperty(k);
      expect(s0.steps[0]).toHaveProperty('ms');
      expect(s0.executions).toHaveProperty('byCluster');
      expect(s0.distribution[0]).toHaveProperty('pValue');
      const html = await readFile(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('<svg');
      expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
      expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuite name="day2-add-cluster"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown scenarios and backends with usage errors', async () => {
    expect(await main(['run', 'nope'], memoryIo())).toBe(2);
    expect(await main(['run', '--backend', 'nope'], memoryIo())).toBe(2);
    const io = memoryIo();
    expect(await main(['run', '--list'], io)).toBe(0);
    expect(io.out.join('')).toContain('pr-3993-empty-label-map');
  });
});

describe('Ctrl-C', () => {
  it('aborting a run tears the World down and reports the scenario as failed', async () => {
    const { stat } = await import('node:fs/promises');
    const ac = new AbortController();
    let dir = '';
    const slow: Scenario = {
      name: 'slow',
      summary: 'interrupted midway',
      expectations: ['never finishes'],
      async run(ctx) {
        dir = ctx.world.credentialsDir;
        await ctx.step('first', () => ac.abort(new Error('interrupted by SIGINT')));
        await ctx.step('second', () => {});
      },
    };
    const r = await runScenario(slow, { ...opts, signal: ac.signal });
    expect(r.passed).toBe(false);
    expect(r.error).toContain('interrupted');
    expect(await stat(dir).then(() => true, () => false)).toBe(false);
  });
});

describe('Ctrl-C during a workload', () => {
  it('stops a long sim workload at its next signal check (every 1,024 executions) and records the interrupted step', async () => {
    const { guide } = await import('../../../harness/scenarios/scenarios/guide.ts');
    const ac = new AbortController();
    // Ctrl-C arrives once the first workload step has started, before the loop first yields: no timer.
    const log = (line: string) => {
      if (!ac.signal.aborted && line.includes('▸ Execute a workflow')) setImmediate(() => ac.abort(new Error('interrupted by SIGINT')));
    };
    const r = await runScenario(guide, { ...opts, log, executions: 50_000_000, signal: ac.signal });
    expect(r.passed).toBe(false);
    expect(r.interrupted).toBe(true);
    expect(r.error).toBe('interrupted');
  });
});
