// The real flyte-core chart's cost where a user waits: `helm template` per release (uncached, as on a first run),
// the default `./flyte-mc run` with the chart (template cache warm) beside the built-in chart model, and the process
// backend's guide + day 2 with the chart installed by helm beside the same run with the chart model.
// Prints figures; asserts nothing.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createProcessBackend } from '../harness/backends/process/index.ts';
import { resolveFlyteChart } from '../harness/helm/flyte-chart.ts';
import { helmTemplate } from '../harness/helm/helm.ts';
import { CLUSTER_CAPABILITIES } from '../harness/helm/flyte-chart.ts';
import type { BenchContext } from './table.ts';

const root = join(import.meta.dirname, '..');

function wall(args: string[], runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(join(root, 'flyte-mc'), args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`flyte-mc ${args.join(' ')} exited ${r.status}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    out.push((performance.now() - t0) / 1000);
  }
  return out.sort((a, b) => a - b);
}

const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] as number;

export async function run(ctx: BenchContext): Promise<void> {
  const r = await resolveFlyteChart(undefined);
  if (!r.ok) {
    console.log(`chart bench skipped: ${r.reason}`);
    return;
  }
  const chart = r.chart;
  for (const [release, name, values] of [
    ['control plane', 'flyte-core', ['values-eks.yaml', 'values-controlplane.yaml']],
    ['data plane', 'flyte-core-data', ['values-eks.yaml', 'values-dataplane.yaml']],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await helmTemplate({ release: name, chart: chart.ref, namespace: 'flyte', valuesFiles: values.map((v) => join(chart.dir as string, v)), ...CLUSTER_CAPABILITIES }, { bin: chart.helm });
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    console.log(`helm template ${release} (${chart.description}): min ${times[0]?.toFixed(2)} s, median ${median(times).toFixed(2)} s over 5 (uncached)`);
    ctx.row({ what: `helm template of flyte-core, ${release} release (uncached)`, figure: `${median(times).toFixed(2)} s median of 5`, anchor: 'cached by chart and values digest after the first run' });
  }
  wall(['run', '--quiet'], 1); // fills the template cache
  const withChart = wall(['run', '--quiet'], 3);
  const withModel = wall(['run', '--quiet', '--chart-model'], 3);
  console.log(`./flyte-mc run (10,000 executions on sim): real chart median ${median(withChart).toFixed(2)} s vs chart model ${median(withModel).toFixed(2)} s: ${(median(withChart) / median(withModel)).toFixed(2)}× (goal: < 3 s warm with the chart)`);
  ctx.row({ what: 'default ./flyte-mc run with the real chart (warm template cache)', figure: `${median(withChart).toFixed(2)} s`, anchor: `--chart-model: ${median(withModel).toFixed(2)} s`, ratio: median(withChart) / median(withModel), target: '< 3 s', met: median(withChart) < 3 });
  const why = await createProcessBackend().unavailableReason();
  if (why) {
    console.log(`process guide + day 2 with the chart: skipped (${why})`);
    return;
  }
  const args = ['run', '--quiet', '--backend', 'process', '--executions', '1000'];
  const helm = wall(args, 1)[0] as number;
  const model = wall([...args, '--chart-model'], 1)[0] as number;
  console.log(`process guide + day 2 (1,000 executions each): chart installed by helm ${helm.toFixed(1)} s vs chart model ${model.toFixed(1)} s: ${(helm / model).toFixed(2)}×`);
  ctx.row({ what: 'process: guide + day 2 (1,000 executions each), chart installed by helm', figure: `${helm.toFixed(1)} s`, anchor: `chart model (objects applied): ${model.toFixed(1)} s`, ratio: helm / model });
}

if (import.meta.main) await run({ row: () => {} });
