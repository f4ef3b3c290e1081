// Placement throughput: the TypeScript engine vs FlyteAdmin's own path in Go (tools/placement-oracle bench:
// fnv64a + rand.NewSource + Float32 + flytestdlib's pick), 1,000,000 names over 3 weighted clusters, and the
// `flyte-mc distribution --samples 1000000` command's wall time and peak memory (it must not grow with N).
// End to end, as a user runs it: `flyte-mc place --names FILE` over 400,000 names against the oracle reading the
// same names on stdin (`placement-oracle names`), and `place --batch` against `placement-oracle batch` on the same
// JSON; whole processes, start-up included, outputs compared byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { WeightedList, drawForName } from '../harness/placement/index.ts';
import { starterTopologyYaml } from '../harness/topology/index.ts';
import { oracleBench, placementOracleMissing, placementOraclePath } from '../test/support/placement-oracle.ts';
import { mib, secs, timedRun, type BenchContext } from './table.ts';

const N = 1_000_000;
const E2E = Number(process.env.BENCH_PLACE_NAMES ?? 400_000);
const WEIGHTS = [0.2, 0.3, 0.5];
/** README before this change. */
const PREVIOUS = { distributionSeconds: 1.1, distributionRssMiB: 159, speedup: 30.6 };
const root = path.resolve(import.meta.dirname, '..');
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

function tsEngine(names: readonly string[]): { perSecond: number; counts: number[] } {
  const list = WeightedList.build([
    { id: 'a', weight: 0.2 },
    { id: 'b', weight: 0.3 },
    { id: 'c', weight: 0.5 },
  ]);
  const counts = [0, 0, 0];
  // warm up the JIT on a different range
  for (let i = 0; i < 200_000; i++) list.indexFor(drawForName(`w${i}`));
  const start = process.hrtime.bigint();
  for (let i = 0; i < names.length; i++) counts[list.indexFor(drawForName(names[i]!))]!++;
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: names.length / secs, counts };
}

function distributionCli(samples: number, file: string): { seconds: number; maxRssMiB: number; ok: boolean } {
  const script = `
    import { main } from ${JSON.stringify(path.join(root, 'harness/cli/main.ts'))};
    import { memoryIo } from ${JSON.stringify(path.join(root, 'harness/cli/command.ts'))};
    const code = await main(['distribution', '--topology', ${JSON.stringify(file)}, '--label', 'mixed', '--samples', '${samples}'], memoryIo());
    console.log(JSON.stringify({ code, maxRss: process.resourceUsage().maxRSS }));`;
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { code?: number; maxRss?: number };
  return { seconds, maxRssMiB: (out.maxRss ?? NaN) / 1024, ok: out.code === 0 };
}

/** place --names and --batch over E2E names vs the Go oracle on the same input, in this run. */
async function endToEnd(ctx: BenchContext, dir: string, topology: string): Promise<void> {
  const names = Array.from({ length: E2E }, (_, i) => `a${String(i).padStart(19, '0')}`);
  const namesFile = path.join(dir, 'names.txt');
  writeFileSync(namesFile, `${names.join('\n')}\n`);
  const small = path.join(dir, 'names-small.txt');
  writeFileSync(small, `${names.slice(0, E2E / 10).join('\n')}\n`);
  const cli = path.join(root, 'harness/cli/main.ts');
  const entries = WEIGHTS.map((weight, i) => ({ id: `dataplane_${i + 1}`, weight }));
  const batchFile = path.join(dir, 'batch.json');
  writeFileSync(batchFile, JSON.stringify(names.map((name) => ({ name, entries }))));
  const fmtRun = (r: { seconds: number; peakRss: number }) => `${secs(r.seconds)} (peak RSS ${mib(r.peakRss)})`;

  const ts = await timedRun(process.execPath, [cli, 'place', '--topology', topology, '--label', 'mixed', '--names', namesFile], { stdout: path.join(dir, 'ts.out') });
  const tsSmall = await timedRun(process.execPath, [cli, 'place', '--topology', topology, '--label', 'mixed', '--names', small], { stdout: path.join(dir, 'ts-small.out') });
  const tsStdin = await timedRun(process.execPath, [cli, 'place', '--topology', topology, '--label', 'mixed', '--names', '-'], { stdin: namesFile, stdout: path.join(dir, 'ts-stdin.out') });
  const tsBatch = await timedRun(process.execPath, [cli, 'place', '--batch', batchFile], { stdout: path.join(dir, 'ts-batch.out') });
  for (const r of [ts, tsSmall, tsStdin, tsBatch]) if (r.status !== 0) throw new Error(`flyte-mc place failed: ${r.stderr.split('\n')[0]}`);
  console.log(`flyte-mc place --names, ${E2E.toLocaleString('en-US')} names: file ${fmtRun(ts)}, stdin ${fmtRun(tsStdin)}; ${(E2E / 10).toLocaleString('en-US')} names ${fmtRun(tsSmall)}`);
  console.log(`flyte-mc place --batch, ${E2E.toLocaleString('en-US')} cases: ${fmtRun(tsBatch)}`);
  ctx.row({
    what: `place --names, ${E2E.toLocaleString('en-US')} vs ${(E2E / 10).toLocaleString('en-US')} names: peak RSS`,
    figure: `${mib(ts.peakRss)} vs ${mib(tsSmall.peakRss)}`,
    anchor: `${mib(tsSmall.peakRss)} at a tenth of the names`,
    ratio: ts.peakRss / tsSmall.peakRss,
    target: 'constant',
  });
  const missing = placementOracleMissing();
  if (missing) {
    console.log(`end to end vs Go: not measured, ${missing}`);
    ctx.row({ what: `place --names, ${E2E.toLocaleString('en-US')} names`, figure: secs(ts.seconds), anchor: 'Go oracle absent' });
    return;
  }
  const oracle = placementOraclePath();
  const go = await timedRun(oracle, ['names', ...entries.map((e) => `${e.id}=${e.weight}`)], { stdin: namesFile, stdout: path.join(dir, 'go.out') });
  const goBatch = await timedRun(oracle, ['batch'], { stdin: batchFile, stdout: path.join(dir, 'go-batch.out') });
  if (go.status !== 0) throw new Error(`placement-oracle names failed (an oracle built before its names mode? rerun scripts/setup.d/20-placement-oracle.sh): ${go.stderr.split('\n')[0]}`);
  const same = readFileSync(path.join(dir, 'go.out'), 'utf8') === readFileSync(path.join(dir, 'ts.out'), 'utf8');
  const sameStdin = readFileSync(path.join(dir, 'ts-stdin.out'), 'utf8') === readFileSync(path.join(dir, 'ts.out'), 'utf8');
  const sameBatch = JSON.stringify(JSON.parse(readFileSync(path.join(dir, 'go-batch.out'), 'utf8'))) === JSON.stringify(JSON.parse(readFileSync(path.join(dir, 'ts-batch.out'), 'utf8')));
  console.log(`Go oracle names (stdin): ${fmtRun(go)}; output ${same && sameStdin ? 'identical' : 'DIFFERS'}`);
  console.log(`Go oracle batch: ${fmtRun(goBatch)}; output ${sameBatch ? 'identical' : 'DIFFERS'}`);
  ctx.row({
    what: `place --names, ${E2E.toLocaleString('en-US')} names${same && sameStdin ? '' : ' (OUTPUT DIFFERS)'}`,
    figure: secs(ts.seconds),
    anchor: `Go oracle, names on stdin ${secs(go.seconds)}`,
    ratio: ts.seconds / go.seconds,
    target: '< 0.2×',
    met: same && ts.seconds / go.seconds < 0.2,
  });
  ctx.row({
    what: `place --batch, ${E2E.toLocaleString('en-US')} cases${sameBatch ? '' : ' (OUTPUT DIFFERS)'}`,
    figure: secs(tsBatch.seconds),
    anchor: `Go oracle batch ${secs(goBatch.seconds)}`,
    ratio: tsBatch.seconds / goBatch.seconds,
    target: '< 0.5×',
    met: sameBatch && tsBatch.seconds / goBatch.seconds < 0.5,
  });
}

export async function run(ctx: BenchContext): Promise<void> {
  const names = Array.from({ length: N }, (_, i) => `a${String(i).padStart(19, '0')}`);
  const ts = tsEngine(names);
  console.log(`TS engine: ${fmt(ts.perSecond)} placements/s (${(1e6 / ts.perSecond).toFixed(3)} µs each), split a/b/c ${ts.counts.join('/')}`);

  const dir = mkdtempSync(path.join(tmpdir(), 'flyte-mc-bench-'));
  try {
    const t = parse(starterTopologyYaml({ dataPlanes: 3 })) as Record<string, unknown>;
    t.labels = {
      mixed: [
        { cluster: 'dataplane_1', weight: 0.2 },
        { cluster: 'dataplane_2', weight: 0.3 },
        { cluster: 'dataplane_3', weight: 0.5 },
      ],
    };
    const file = path.join(dir, 'flyte-mc.yaml');
    writeFileSync(file, stringify(t));
    const small = distributionCli(10_000, file);
    const big = distributionCli(N, file);
    console.log(
      `flyte-mc distribution --samples ${N}: ${big.seconds.toFixed(2)} s wall incl. Node start (target < 2 s), ` +
        `peak RSS ${big.maxRssMiB.toFixed(0)} MiB vs ${small.maxRssMiB.toFixed(0)} MiB at 10,000 samples${big.ok && small.ok ? '' : ' (FAILED)'}`,
    );
    ctx.row({
      what: `distribution --samples ${N.toLocaleString('en-US')}${big.ok && small.ok ? '' : ' (FAILED)'}`,
      figure: `${secs(big.seconds)}, ${big.maxRssMiB.toFixed(0)} MiB`,
      anchor: `before: ${secs(PREVIOUS.distributionSeconds)}, ${PREVIOUS.distributionRssMiB} MiB`,
      ratio: big.seconds / PREVIOUS.distributionSeconds,
      target: '< 2 s',
      met: big.seconds < 2,
    });
    await endToEnd(ctx, dir, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const missing = placementOracleMissing();
  if (missing) {
    console.log(`Go oracle: not measured, ${missing}`);
    console.log(`placement: TS ${fmt(ts.perSecond)}/s; Go path not measured (oracle absent)`);
    ctx.row({ what: 'placement engine, 1,000,000 names', figure: `${fmt(ts.perSecond)}/s`, anchor: 'Go oracle absent' });
    return;
  }
  const go = oracleBench(N);
  const same = ['a', 'b', 'c'].every((k, i) => go.counts[k] === ts.counts[i]);
  console.log(`Go (FlyteAdmin's way, flytestdlib v1.16.8): ${fmt(go.perSecond)} placements/s (${go.microsPerCall.toFixed(2)} µs each), split ${go.counts.a}/${go.counts.b}/${go.counts.c}${same ? ' (same as TS)' : ' (DIFFERS from TS)'}`);
  const ratio = ts.perSecond / go.perSecond;
  console.log(`placement: TS ${fmt(ts.perSecond)}/s vs Go ${fmt(go.perSecond)}/s → TS is ${ratio.toFixed(1)}× the Go path (target ≥ 5×)`);
  ctx.row({
    what: `placement engine, 1,000,000 names${same ? '' : ' (SPLIT DIFFERS)'}`,
    figure: `${fmt(ts.perSecond)}/s`,
    anchor: `Go path ${fmt(go.perSecond)}/s (before: ${PREVIOUS.speedup}× Go)`,
    ratio: go.perSecond / ts.perSecond,
    target: '< 0.2× (≥ 5× faster)',
    met: same && ratio >= 5,
  });
}
