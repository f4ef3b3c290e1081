// Process backend at scale: a control plane + N data planes (N = 1, 3, 6, 10; BENCH_PROCESS_DATAPLANES overrides)
// started in parallel from the warm kube-lite build. Per N: ready wall time (/readyz OK and the token controller
// filling Secrets, every cluster), the guide's wiring on top (the scenarios' own steps, wireDataPlanes, over a World
// holding those clusters, until the credentials are mounted), and memory per cluster. RSS counts the kube-lite
// binary's shared text once per process (about 250 MiB of each cluster's RSS); PSS splits shared pages among the
// processes that map them, which is what one more cluster costs. At 3 data planes the flags from before the
// test-cluster cuts (kube-lite-args.ts) run too, in the same run, as the before/after anchor.
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createProcessBackend, findKubeLite, kubeLiteVersion, type ProcessBackend } from '../harness/backends/process/index.ts';
import type { Backend, Cluster } from '../harness/backends/types.ts';
import { wireDataPlanes } from '../harness/scenarios/steps.ts';
import { parseTopology, starterTopologyYaml } from '../harness/topology/index.ts';
import { World } from '../harness/world.ts';
import { mib, secs, type BenchContext } from './table.ts';

/** kind's published start-up time for one cluster (kind.sigs.k8s.io quick start: 12–17 s); kind creates one at a time. */
const KIND_PER_CLUSTER = [12, 17] as const;
/** README before this change: control plane + 3 data planes, 7.6 s, 473 MiB RSS per cluster. */
const PREVIOUS_3 = { seconds: 7.6, rssMiB: 473 };
/** Flags that undo the test-cluster cuts (later flags win). */
const BEFORE_CUTS = { apiserverArgs: ['--enable-priority-and-fairness=true', '--watch-cache=true'] };

interface ScaleResult {
  dataPlanes: number;
  ready: number;
  wiring: number;
  rssPerCluster: number;
  pssPerCluster: number;
  byProcess: Record<string, { rss: number; pss: number }>;
}

function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The clusters started in parallel, handed to a World as its backend's: the ready figure stays that of a parallel
 * start (a World starts its clusters one at a time), and the guide's steps then run on them unchanged.
 */
function runningClusters(backend: ProcessBackend, clusters: readonly Cluster[]): Backend {
  const byName = new Map(clusters.map((c) => [c.spec.name, c]));
  return {
    info: backend.info,
    unavailableReason: () => backend.unavailableReason(),
    async createCluster(spec) {
      const c = byName.get(spec.name);
      if (!c) throw new Error(`no running cluster named ${spec.name}`);
      return c;
    },
    dispose: () => backend.dispose(),
  };
}

async function scale(bin: string, dataPlanes: number, before = false): Promise<ScaleResult> {
  const backend = createProcessBackend({ binary: bin, log: () => undefined, ...(before ? { apiserverArgs: BEFORE_CUTS.apiserverArgs } : {}) });
  let world: World | undefined;
  try {
    const t0 = Date.now();
    const clusters = await backend.createClusters([
      { name: 'controlplane', role: 'control-plane' },
      ...Array.from({ length: dataPlanes }, (_, i) => ({ name: `dataplane_${i + 1}`, role: 'data-plane' as const })),
    ]);
    const ready = (Date.now() - t0) / 1000;
    world = await World.create({ backend: runningClusters(backend, clusters) });
    const target = { world, topology: parseTopology(starterTopologyYaml({ dataPlanes })) };
    const t1 = Date.now();
    await wireDataPlanes(target);
    await world.syncCredentials();
    const wiring = (Date.now() - t1) / 1000;
    // Let start-up garbage settle before measuring memory.
    await new Promise((r) => setTimeout(r, 5_000));
    const byProcess: Record<string, { rss: number; pss: number }> = {};
    let rss = 0;
    let pss = 0;
    for (const c of clusters) {
      for (const p of c.processes()) {
        const e = (byProcess[p.name] ??= { rss: 0, pss: 0 });
        const r = p.rssBytes();
        const s = pssBytes(p.pid);
        e.rss += r / clusters.length;
        e.pss += s / clusters.length;
        rss += r;
        pss += s;
      }
    }
    return { dataPlanes, ready, wiring, rssPerCluster: rss / clusters.length, pssPerCluster: pss / clusters.length, byProcess };
  } finally {
    // The World's cleanup disposes the backend and removes the credentials dir.
    if (world) await world.dispose();
    else await backend.dispose();
  }
}

function describe(r: ScaleResult, label: string): string {
  const parts = Object.entries(r.byProcess)
    .map(([k, v]) => `${k} ${mib(v.rss)}/${mib(v.pss)}`)
    .join(', ');
  return `${label}: control plane + ${r.dataPlanes} data planes ready in ${secs(r.ready)}, guide wiring ${secs(r.wiring)}; per cluster RSS ${mib(r.rssPerCluster)}, PSS ${mib(r.pssPerCluster)} (RSS/PSS: ${parts}); load ${loadavg()[0]!.toFixed(1)}`;
}

export async function run(ctx: BenchContext): Promise<void> {
  const bin = await findKubeLite();
  if (!bin) {
    console.log('process: skipped (kube-lite not built; run scripts/setup.d/40-kube-lite.sh)');
    ctx.row({ what: 'process backend', figure: 'skipped', anchor: 'kube-lite not built' });
    return;
  }
  const v = await kubeLiteVersion(bin);
  console.log(`kube-lite ${v.sourceHash}: kubernetes ${v.kubernetes}, etcd ${v.etcd}, ${mib((await stat(bin)).size)} (${bin})`);
  try {
    const build = JSON.parse(await readFile(join(dirname(bin), 'build.json'), 'utf8')) as Record<string, unknown>;
    const peak = Number(build.peak_rss_kb);
    console.log(`last build of this binary: ${build.seconds} s wall, peak RSS ${Number.isFinite(peak) ? mib(peak * 1024) : 'unknown'} (${build.go})`);
  } catch {
    console.log('build time: not recorded');
  }
  const sizes = (process.env.BENCH_PROCESS_DATAPLANES ?? '1,3,6,10').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  for (const n of sizes) {
    const r = await scale(bin, n);
    console.log(describe(r, 'after cuts'));
    const clusters = n + 1;
    ctx.row({
      what: `process: control plane + ${n} data planes ready`,
      figure: secs(r.ready),
      anchor: `kind ${KIND_PER_CLUSTER[0] * clusters}–${KIND_PER_CLUSTER[1] * clusters} s (${clusters} × 12–17 s)`,
      ratio: r.ready / (KIND_PER_CLUSTER[0] * clusters),
      ...(n === 10 ? { target: '< 15 s', met: r.ready < 15 } : {}),
    });
    ctx.row({
      what: `process: memory per cluster, ${n} data planes`,
      figure: `PSS ${mib(r.pssPerCluster)}, RSS ${mib(r.rssPerCluster)}`,
      anchor: `before: RSS ${PREVIOUS_3.rssMiB} MiB`,
      ratio: r.rssPerCluster / (PREVIOUS_3.rssMiB * 2 ** 20),
      target: '< 300 MiB',
      met: r.pssPerCluster < 300 * 2 ** 20,
    });
    ctx.row({ what: `process: guide wiring, ${n} data planes`, figure: secs(r.wiring), anchor: '–' });
    if (n === 3) {
      const b = await scale(bin, 3, true);
      console.log(describe(b, 'before cuts (same run)'));
      ctx.row({
        what: 'process: 3 data planes, cuts vs no cuts',
        figure: `${secs(r.ready)}, PSS ${mib(r.pssPerCluster)}`,
        anchor: `no cuts ${secs(b.ready)}, PSS ${mib(b.pssPerCluster)}, RSS ${mib(b.rssPerCluster)}; README ${secs(PREVIOUS_3.seconds)}`,
        ratio: r.pssPerCluster / b.pssPerCluster,
      });
    }
  }
}
