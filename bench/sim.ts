// Sim + FlyteAdmin model at scale: 100 data planes × 1,000,000 executions through the same model code as
// `flyte-mc run` (placement, FlyteWorkflow create over the sim's token-authenticated, RBAC-checked client,
// columnar executions table), plus the default `flyte-mc run` wall time. Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SCENARIOS } from '../harness/cli/commands/run.ts';
import { findScenario, runScenario } from '../harness/scenarios/index.ts';
import { ScenarioContext, type Scenario } from '../harness/scenarios/context.ts';
import { deployGuide, editTopology } from '../harness/scenarios/steps.ts';
import { secs, type BenchContext } from './table.ts';

/** README before this change. */
const PREVIOUS = { cliRun: 1.4, scale: 13.6 };

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

async function defaultRun(): Promise<void> {
  const t0 = performance.now();
  let total = 0;
  for (const name of DEFAULT_SCENARIOS) {
    const r = await runScenario(findScenario(name) as Scenario, { backend: 'sim', dataPlanes: 2, executions: 5000, seed: 1, log: () => {} });
    total += r.executions.total;
    if (!r.passed) throw new Error(`${name} failed: ${r.violations.map((v) => v.message).join('; ')}`);
  }
  console.log(`default run (guide + day2-add-cluster, ${total} executions, in-process): ${((performance.now() - t0) / 1000).toFixed(2)} s (goal: flyte-mc run < 3 s wall incl. startup)`);
}

/** `./flyte-mc run` as a user types it: process start, module loading, both scenarios, summary. */
function cliRun(): number {
  const root = join(import.meta.dirname, '..');
  const t0 = performance.now();
  const r = spawnSync(join(root, 'flyte-mc'), ['run', '--quiet'], { cwd: root, encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  console.log(`./flyte-mc run (no arguments, wall incl. Node start): ${s.toFixed(2)} s, exit ${r.status} (goal: < 3 s)`);
  if (r.status !== 0) throw new Error(`./flyte-mc run exited ${r.status}`);
  return s;
}

async function scale(dataPlanes: number, executions: number): Promise<number> {
  const noop: Scenario = { name: 'bench', summary: '', expectations: [], run: async () => {} };
  const t0 = performance.now();
  const ctx = await ScenarioContext.create(noop, { backend: 'sim', dataPlanes, executions, seed: 1, log: () => {} });
  // A shared label over every data plane with varied weights, plus the starter's one-cluster labels.
  editTopology(ctx, (t) => ({
    labels: { ...t.labels, shared: t.dataPlanes.map((d, i) => ({ cluster: d.name, weight: ((i % 4) + 1) / 4 })) },
    executionClusterLabels: [...t.executionClusterLabels, { project: 'team1', domain: 'staging', value: 'shared' }],
  }));
  await deployGuide(ctx);
  const setup = performance.now() - t0;
  const admin = ctx.world.admin;
  const domains = ['development', 'staging', 'production'];
  const workflows = ['example.training_workflow', 'example.etl', 'example.report'];
  const reqs = domains.flatMap((domain) => workflows.map((workflow) => ({ project: 'team1', domain, workflow })));
  global.gc?.();
  const heap0 = process.memoryUsage();
  const t1 = performance.now();
  let failed = 0;
  for (let i = 0; i < executions; i++) {
    const idx = await admin.create(reqs[i % reqs.length] as (typeof reqs)[number]);
    if (admin.executions.phaseAt(idx) === 'FAILED') failed++;
  }
  const ms = performance.now() - t1;
  global.gc?.();
  const mem = process.memoryUsage();
  const byCluster = admin.executions.countByCluster();
  console.log(
    `${dataPlanes} data planes × ${executions.toLocaleString('en')} executions: setup ${(setup / 1000).toFixed(2)} s, creates ${(ms / 1000).toFixed(2)} s ` +
      `(${Math.round(executions / (ms / 1000)).toLocaleString('en')}/s), ${failed} failed, ${byCluster.size} clusters used; ` +
      `heap ${mib(mem.heapUsed)} (+${mib(mem.heapUsed - heap0.heapUsed)}), rss ${mib(mem.rss)} (goal: < 30 s, < 1 GiB)`,
  );
  await ctx.world.dispose();
  return ms / 1000;
}

export async function run(bench: BenchContext): Promise<void> {
  const cli = cliRun();
  bench.row({ what: './flyte-mc run (10,000 executions on sim)', figure: secs(cli), anchor: `before: ${secs(PREVIOUS.cliRun)}`, ratio: cli / PREVIOUS.cliRun, target: '< 3 s', met: cli < 3 });
  await defaultRun();
  const dp = Number(process.env.BENCH_DATAPLANES ?? 100);
  const n = Number(process.env.BENCH_EXECUTIONS ?? 1_000_000);
  const s = await scale(dp, n);
  bench.row({
    what: `sim: ${dp} data planes × ${n.toLocaleString('en-US')} executions (creates)`,
    figure: secs(s),
    anchor: dp === 100 && n === 1_000_000 ? `before: ${secs(PREVIOUS.scale)}` : '–',
    ...(dp === 100 && n === 1_000_000 ? { ratio: s / PREVIOUS.scale } : {}),
    target: '< 30 s',
    met: s < 30,
  });
}

if (import.meta.main) await run({ row: () => {} });
