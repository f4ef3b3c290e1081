// Placement throughput: the TypeScript engine vs FlyteAdmin's own path in Go (tools/placement-oracle bench:
// fnv64a + rand.NewSource + Float32 + flytestdlib's pick), 1,000,000 names over 3 weighted clusters, and the
// `flyte-mc distribution --samples 1000000` command's wall time and peak memory (it must not grow with N).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { WeightedList, drawForName } from '../harness/placement/index.ts';
import { starterTopologyYaml } from '../harness/topology/index.ts';
import { oracleBench, placementOracleMissing } from '../test/support/placement-oracle.ts';

const N = 1_000_000;
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

export async function run(): Promise<void> {
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const missing = placementOracleMissing();
  if (missing) {
    console.log(`Go oracle: not measured, ${missing}`);
    console.log(`placement: TS ${fmt(ts.perSecond)}/s; Go path not measured (oracle absent)`);
    return;
  }
  const go = oracleBench(N);
  const same = ['a', 'b', 'c'].every((k, i) => go.counts[k] === ts.counts[i]);
  console.log(`Go (FlyteAdmin's way, flytestdlib v1.16.8): ${fmt(go.perSecond)} placements/s (${go.microsPerCall.toFixed(2)} µs each), split ${go.counts.a}/${go.counts.b}/${go.counts.c}${same ? ' (same as TS)' : ' (DIFFERS from TS)'}`);
  const ratio = ts.perSecond / go.perSecond;
  console.log(`placement: TS ${fmt(ts.perSecond)}/s vs Go ${fmt(go.perSecond)}/s → TS is ${ratio.toFixed(1)}× the Go path (target ≥ 5×)`);
}
