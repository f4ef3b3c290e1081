// Real propeller figures (process backend, 3 data planes): executions/s through FlyteAdmin's model + flytepropeller
// v1.16.8 + pod completion, time from the workload's start to the first SUCCEEDED, resident memory per data plane
// (etcd + apiserver + controller-manager + propeller), and the same guide workload with propeller off (objects are
// only created). The flytepropeller build figures come from its setup step's build.json.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createProcessBackend } from '../harness/backends/process/index.ts';
import { findFlytePropeller } from '../harness/propeller/binary.ts';
import { runScenario } from '../harness/scenarios/run.ts';
import { guide } from '../harness/scenarios/scenarios/guide.ts';
import { propellerGuide, propellerUnavailableReason } from '../harness/scenarios/scenarios/propeller.ts';

import type { BenchContext } from './table.ts';

const EXECUTIONS = Number(process.env.FLYTE_MC_BENCH_PROPELLER_EXECUTIONS ?? 300);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

export async function run(ctx?: BenchContext): Promise<void> {
  const why = (await createProcessBackend().unavailableReason()) ?? (await propellerUnavailableReason());
  if (why) {
    console.log(`propeller: skipped (${why})`);
    return;
  }
  const bin = (await findFlytePropeller()) as string;
  const build = JSON.parse(await readFile(join(dirname(bin), 'build.json'), 'utf8').catch(() => '{}')) as Record<string, unknown>;
  console.log(`flytepropeller ${mib((await stat(bin)).size)}; last build ${build.seconds ?? '?'} s wall (incl. waiting for the build lock), peak RSS ${Number.isFinite(Number(build.peak_rss_kb)) ? mib(Number(build.peak_rss_kb) * 1024) : 'unknown'}`);

  const lines: string[] = [];
  const t0 = performance.now();
  const on = await runScenario(propellerGuide, { backend: 'process', dataPlanes: 3, executions: EXECUTIONS, seed: 7, log: (l) => lines.push(l), dataPlanesPinned: true });
  const onMs = performance.now() - t0;
  const figLine = lines.find((l) => l.includes('figures {'));
  if (!on.passed || !figLine) {
    console.log(`propeller: the propeller-guide run failed: ${on.violations.map((v) => v.message).join('; ') || on.error}`);
    return;
  }
  const f = JSON.parse(figLine.slice(figLine.indexOf('{'))) as { executions: number; secondsToAllTerminal: number; msToFirstSucceeded: number; rssPerDataPlane: Record<string, number>; propellerRss: Record<string, number> };
  const ready = lines.filter((l) => /propeller ready in/.test(l)).map((l) => /ready in (\d+) ms/.exec(l)?.[1]).join('/');

  const t1 = performance.now();
  const off = await runScenario(guide, { backend: 'process', dataPlanes: 3, executions: EXECUTIONS, seed: 7, log: () => undefined, dataPlanesPinned: true });
  const offMs = performance.now() - t1;
  const workloadOff = off.steps.filter((s) => /^Execute a workflow/.test(s.name)).reduce((a, s) => a + s.ms, 0) / 1000;

  const onRate = f.executions / f.secondsToAllTerminal;
  const offRate = EXECUTIONS / workloadOff;
  console.log(`executions/s, 3 data planes, ${EXECUTIONS} executions: propeller on ${onRate.toFixed(1)} (created → SUCCEEDED), off ${offRate.toFixed(1)} (created only); ratio off/on ${(offRate / onRate).toFixed(1)}x`);
  console.log(`time from the workload's start to the first SUCCEEDED: ${(f.msToFirstSucceeded / 1000).toFixed(2)} s; propeller ready after ${ready} ms`);
  ctx?.row({ what: `real propeller: executions/s created → SUCCEEDED (3 data planes, ${EXECUTIONS})`, figure: `${onRate.toFixed(1)}/s`, anchor: `created only, propeller off: ${offRate.toFixed(1)}/s` });
  ctx?.row({ what: 'real propeller: workload start → first SUCCEEDED', figure: `${(f.msToFirstSucceeded / 1000).toFixed(2)} s`, anchor: `propeller ready after ${ready} ms` });
  console.log(`RSS per data plane with propeller: ${Object.entries(f.rssPerDataPlane).map(([dp, b]) => `${dp} ${mib(b)} (propeller ${mib(f.propellerRss[dp] ?? 0)})`).join(', ')}`);
  console.log(`whole scenario wall time: propeller-guide ${(onMs / 1000).toFixed(1)} s, guide without propeller ${(offMs / 1000).toFixed(1)} s`);
}
