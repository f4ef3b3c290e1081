// The IAM/STS emulators side by side: moto (the default) and LocalStack's runtime as a host process. For each: time
// from spawn to ready (moto: its "Running on" line; LocalStack: IAM and STS "running" in /_localstack/health), the
// first request (LocalStack with and without its kept service-catalog index), a whole `iam apply` of the starter
// topology, RSS after it, and stop. Median of BENCH_IAM_RUNS (default 3) starts. Prints figures; asserts nothing.
import { readFileSync } from 'node:fs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { applyIam, iamClients } from '../harness/iam/aws.ts';
import { desiredIam } from '../harness/iam/desired.ts';
import { parseTopology, starterTopologyYaml } from '../harness/topology/index.ts';
import { motoMissing, startMoto } from '../mocks/moto.ts';
import { localstackProcessMissing, startLocalStackProcess } from '../mocks/localstack-process.ts';

interface Sample {
  startMs: number;
  firstRequestMs: number;
  applyMs: number;
  rssMiB: number;
  stopMs: number;
}

/** RSS of pid and its descendants (the emulators' workers, if any), in MiB. */
function treeRssMiB(pid: number): number {
  const kib = (p: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all.reduce((s, p) => s + kib(p), 0) / 1024;
}

import type { BenchContext } from './table.ts';

const ACCOUNT = '123456789012';

async function sample(start: () => Promise<{ endpoint: string; pid: number; startupMs: number; stop(): Promise<void> }>): Promise<Sample> {
  const server = await start();
  const c = iamClients({ endpoint: server.endpoint, accountId: ACCOUNT, maxAttempts: 1 });
  try {
    const t0 = performance.now();
    await c.sts.send(new GetCallerIdentityCommand({}));
    const firstRequestMs = performance.now() - t0;
    const t1 = performance.now();
    await applyIam(c, desiredIam(parseTopology(starterTopologyYaml({ dataPlanes: 2 }))));
    const applyMs = performance.now() - t1;
    const rssMiB = treeRssMiB(server.pid);
    const t2 = performance.now();
    await server.stop();
    return { startMs: server.startupMs, firstRequestMs, applyMs, rssMiB, stopMs: performance.now() - t2 };
  } finally {
    c.destroy();
    await server.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function summarize(samples: Sample[]): Sample {
  const k = (f: keyof Sample) => median(samples.map((s) => s[f]));
  return { startMs: k('startMs'), firstRequestMs: k('firstRequestMs'), applyMs: k('applyMs'), rssMiB: k('rssMiB'), stopMs: k('stopMs') };
}

export async function run(ctx?: BenchContext): Promise<void> {
  const runs = Number(process.env.BENCH_IAM_RUNS ?? 3);
  const motoReason = motoMissing();
  const lsReason = localstackProcessMissing();
  if (motoReason || lsReason) {
    console.log(`iam emulators: skipped (${[motoReason, lsReason].filter(Boolean).join('; ')})`);
    return;
  }
  const m: Sample[] = [];
  const l: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    m.push(await sample(() => startMoto({ accountId: ACCOUNT })));
    l.push(await sample(() => startLocalStackProcess({ accountId: ACCOUNT })));
  }
  const cold = await sample(() => startLocalStackProcess({ accountId: ACCOUNT, catalogCache: false }));
  const mo = summarize(m);
  const ls = summarize(l);
  const row = (what: string, f: keyof Sample, unit: string) => {
    const a = mo[f];
    const b = ls[f];
    console.log(`${what.padEnd(44)} moto ${a.toFixed(0).padStart(6)} ${unit}   LocalStack ${b.toFixed(0).padStart(6)} ${unit}   ${(b / a).toFixed(1)}×`);
    ctx?.row({ what: `IAM emulator: ${what}`, figure: `LocalStack ${b.toFixed(0)} ${unit}`, anchor: `moto ${a.toFixed(0)} ${unit}`, ratio: b / a });
  };
  console.log(`IAM/STS emulators, median of ${runs} starts (moto 5.2.5, LocalStack 2026.3.0 host process, IAM + STS):`);
  row('start to ready', 'startMs', 'ms');
  row('first request (GetCallerIdentity)', 'firstRequestMs', 'ms');
  row('iam apply, starter topology (8 changes)', 'applyMs', 'ms');
  row('RSS after apply', 'rssMiB', 'MiB');
  row('stop (SIGTERM to exit)', 'stopMs', 'ms');
  console.log(
    `LocalStack without its kept service-catalog index (one start): first request ${cold.firstRequestMs.toFixed(0)} ms ` +
      `vs ${ls.firstRequestMs.toFixed(0)} ms with it (${(cold.firstRequestMs / ls.firstRequestMs).toFixed(1)}×); RSS ${cold.rssMiB.toFixed(0)} MiB`,
  );
}

if (import.meta.main) await run();
