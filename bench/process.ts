// Process backend figures: control plane + 3 data planes started in parallel with a warm kube-lite build
// (ready = /readyz OK and the token controller filling Secrets), per cluster; the guide's wiring on top; resident
// memory per cluster; kube-lite's size and the build time recorded by scripts/setup.d/40-kube-lite.sh.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createProcessBackend, findKubeLite, kubeLiteVersion } from '../harness/backends/process/index.ts';
import { wireGuide } from '../harness/backends/wiring.ts';

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function run(): Promise<void> {
  const bin = await findKubeLite();
  if (!bin) {
    console.log('process: skipped (kube-lite not built; run scripts/setup.d/40-kube-lite.sh)');
    return;
  }
  const v = await kubeLiteVersion(bin);
  console.log(`kube-lite ${v.sourceHash}: kubernetes ${v.kubernetes}, etcd ${v.etcd}, ${mib((await stat(bin)).size)} (${bin})`);
  try {
    const build = JSON.parse(await readFile(join(dirname(bin), 'build.json'), 'utf8')) as Record<string, unknown>;
    const peak = Number(build.peak_rss_kb);
    console.log(
      `last build of this binary: ${build.seconds} s wall, peak RSS ${Number.isFinite(peak) ? mib(peak * 1024) : 'unknown'} (${build.go}, GOCACHE ${build.gocache_before} before it; ` +
        'a cold build with empty caches measured 7.5–10.7 min on 2 shared cores, see tools/kube-lite/README.md)',
    );
  } catch {
    console.log('build time: not recorded');
  }

  const backend = createProcessBackend({ binary: bin, log: () => undefined });
  const credRoot = await mkdtemp(join(tmpdir(), 'flyte-mc-bench-creds-'));
  try {
    const t0 = Date.now();
    const clusters = await backend.createClusters([
      { name: 'controlplane', role: 'control-plane' },
      { name: 'dataplane_1', role: 'data-plane' },
      { name: 'dataplane_2', role: 'data-plane' },
      { name: 'dataplane_3', role: 'data-plane' },
    ]);
    const ready = Date.now() - t0;
    console.log(`control plane + 3 data planes ready (parallel start, 2 cores shared): ${sec(ready)} wall`);
    for (const c of clusters) {
      console.log(`  ${c.spec.name.padEnd(13)} /readyz ${sec(c.timings.readyz ?? 0)}, token controller ${sec(c.timings.tokens ?? 0)}`);
    }
    const t1 = Date.now();
    const [cp, ...dps] = clusters;
    await wireGuide({ controlPlane: cp!, dataPlanes: dps, credentialsRoot: credRoot });
    console.log(`guide wiring (manifests, 3 flyteadmin token Secrets filled, cluster-credentials, files): ${sec(Date.now() - t1)}`);
    // Let start-up garbage settle before measuring memory.
    await new Promise((r) => setTimeout(r, 5_000));
    for (const c of clusters) {
      const r = c.rssBytes();
      const parts = Object.entries(r.byProcess).map(([k, b]) => `${k} ${mib(b)}`).join(', ');
      console.log(`  RSS ${c.spec.name.padEnd(13)} ${mib(r.total)} (${parts})`);
    }
    const total = clusters.reduce((a, c) => a + c.rssBytes().total, 0);
    console.log(`  RSS total ${mib(total)} for 4 clusters, ${mib(total / 4)} per cluster`);
  } finally {
    const t2 = Date.now();
    await backend.dispose();
    await rm(credRoot, { recursive: true, force: true });
    console.log(`teardown (SIGTERM, grace 10 s): ${sec(Date.now() - t2)}`);
  }
}
