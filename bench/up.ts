// `flyte-mc up` figures, the CLI started as a user starts it: time from the command to its endpoint accepting a
// registration (RegisterProject answered), on sim and on the process backend with real propeller; then executions
// per second created through flytekit's FlyteRemote (created and placed on sim; created → SUCCEEDED with propeller).
import { createProcessBackend } from '../harness/backends/process/index.ts';
import { findFlytePropeller } from '../harness/propeller/binary.ts';
import { AdminClient } from '../harness/tiers/real-admin/client.ts';
import { drive, flytekitPython, RunningUp } from '../test/support/flytekit.ts';
import type { BenchContext } from './table.ts';

const EXECUTIONS = Number(process.env.FLYTE_MC_BENCH_UP_EXECUTIONS ?? 200);

async function timeToRegistration(backend: string): Promise<{ up: RunningUp; ms: number }> {
  const t0 = performance.now();
  const up = await RunningUp.start(['--backend', backend, '--quiet'], 600_000);
  const client = new AdminClient(up.info.endpoint, { timeoutMs: 30_000 });
  try {
    await client.registerProject('benchproject', ['development', 'staging', 'production']);
  } finally {
    client.close();
  }
  return { up, ms: performance.now() - t0 };
}

async function executionsPerSecond(python: string, up: RunningUp, waitFor: 'SUCCEEDED' | undefined): Promise<{ created: number; done?: number }> {
  const cfg = up.info.files.flytekitConfig;
  const [reg] = await drive(python, cfg, [{ op: 'register', project: 'team1', domain: 'staging', version: 'v1' }]);
  if (reg?.error) throw new Error(`register: ${JSON.stringify(reg.error)}`);
  const t0 = performance.now();
  const [made] = await drive(python, cfg, [{ op: 'execute', project: 'team1', domain: 'staging', version: 'v1', count: EXECUTIONS, labels: [] }]);
  if (made?.error) throw new Error(`execute: ${JSON.stringify(made.error)}`);
  const created = EXECUTIONS / (made?.seconds as number);
  if (!waitFor) return { created };
  const names = (made?.executions as { name: string }[]).map((e) => e.name);
  const [w] = await drive(python, cfg, [{ op: 'wait', project: 'team1', domain: 'staging', names, phase: waitFor, timeout: 600 }]);
  if ((w?.pending as string[]).length > 0) throw new Error(`${(w?.pending as string[]).length} executions not ${waitFor}`);
  return { created, done: EXECUTIONS / ((performance.now() - t0) / 1000) };
}

export async function run(ctx?: BenchContext): Promise<void> {
  const python = await flytekitPython();
  if (!python || !(await findFlytePropeller())) {
    console.log('up: skipped (needs the flytekit venv and flytepropeller: scripts/setup.d/55-flytepropeller.sh, 65-flytekit.sh)');
    return;
  }
  const sim = await timeToRegistration('sim');
  let simRate: { created: number };
  try {
    simRate = await executionsPerSecond(python, sim.up, undefined);
  } finally {
    await sim.up.stop();
  }
  console.log(`up on sim: registration accepted ${(sim.ms / 1000).toFixed(2)} s after the command; flytekit created ${simRate.created.toFixed(0)} executions/s`);
  const why = await createProcessBackend().unavailableReason();
  if (why) {
    console.log(`up on process: skipped (${why})`);
    ctx?.row({ what: '`flyte-mc up` → registration accepted: sim', figure: `${(sim.ms / 1000).toFixed(2)} s`, anchor: `process: skipped (${why})` });
    return;
  }
  const proc = await timeToRegistration('process');
  let procRate: { created: number; done?: number };
  try {
    procRate = await executionsPerSecond(python, proc.up, 'SUCCEEDED');
  } finally {
    await proc.up.stop();
  }
  console.log(`up on process (2 data planes, real propeller): registration accepted ${(proc.ms / 1000).toFixed(2)} s after the command; flytekit created ${procRate.created.toFixed(0)}/s, created → SUCCEEDED ${procRate.done?.toFixed(1)}/s`);
  ctx?.row({ what: '`flyte-mc up` → registration accepted (sim / process with 2 data planes + propeller)', figure: `${(sim.ms / 1000).toFixed(2)} / ${(proc.ms / 1000).toFixed(1)} s`, anchor: 'the whole CLI, Node start-up included', ratio: proc.ms / sim.ms });
  ctx?.row({
    what: `executions through flytekit's FlyteRemote.execute (${EXECUTIONS}), created and placed`,
    figure: `sim ${simRate.created.toFixed(0)}/s, process ${procRate.created.toFixed(0)}/s`,
    anchor: `process, created → SUCCEEDED on real propeller: ${procRate.done?.toFixed(1)}/s`,
  });
}
