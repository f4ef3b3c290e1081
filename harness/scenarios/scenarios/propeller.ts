// The guide, day 2 and issue #1929 with real flytepropeller v1.16.8 on every data plane (process backend):
// executions are run by propeller, task pods are completed without a kubelet, and FlyteAdmin's model learns every
// phase from propeller's events. "Survived" here means: reached the expected terminal phase.
import { readFile } from 'node:fs/promises';
import type { KubeObject } from '../../backends/types.ts';
import { resolveFlyteChart } from '../../helm/flyte-chart.ts';
import { findFlytePropeller, FLYTEPROPELLER_MISSING } from '../../propeller/binary.ts';
import { PropellerFleet, type FleetOptions } from '../../propeller/fleet.ts';
import type { AdminGrpcServer } from '../../admin/grpc/server.ts';
import { localPath } from '../../propeller/pods.ts';
import { core } from '../../flyte/idl.ts';
import { FLYTEWORKFLOW_API_VERSION } from '../../constants.ts';
import type { Phase } from '../../admin/executions.ts';
import { notYet, waitFor, WaitTimeout } from '../../util/wait.ts';
import type { Scenario, ScenarioContext } from '../context.ts';
import { deployGuide, renderFiles, workloadPhase } from '../steps.ts';
import { addDataPlaneDay2 } from './day2.ts';

/** Why the propeller scenarios cannot run here, or undefined. */
export async function propellerUnavailableReason(): Promise<string | undefined> {
  if (!(await findFlytePropeller())) return FLYTEPROPELLER_MISSING;
  const chart = await resolveFlyteChart(undefined);
  return chart.ok ? undefined : `propeller runs with what the flyte-core chart renders: ${chart.reason}`;
}

export interface PropellerRunOptions {
  /** Extra values for every data plane's release (e.g. a propeller cluster-id). */
  extraValues?: string;
  /** Pod run time when an execution has no annotation. */
  runMs?: number;
  /** The event API to serve on (not started): `flyte-mc up` has registered the whole AdminService on it. */
  server?: AdminGrpcServer;
  /** Task outputs the pod completers write; default: add_one's. */
  outputs?: FleetOptions['outputs'];
}

/** What the World's chart renders for one data plane's release: values-dataplane.yaml, then the extra values. */
async function renderDataPlane(ctx: ScenarioContext, dp: string, extraValues: string | undefined): Promise<readonly KubeObject[]> {
  const files = [{ name: `dataplanes/${dp}/values-dataplane.yaml`, content: renderFiles(ctx).get(`dataplanes/${dp}/values-dataplane.yaml`) ?? '' }];
  if (extraValues) files.push({ name: 'extra-values.yaml', content: extraValues });
  return (await ctx.world.releases.dataPlane(files)).objects;
}

/** Deploys the guide, then real propeller on every data plane. */
export async function deployWithPropeller(ctx: ScenarioContext, o: PropellerRunOptions = {}): Promise<PropellerFleet> {
  await deployGuide(ctx, 'setup: ');
  const binary = await findFlytePropeller();
  ctx.require(binary !== undefined, FLYTEPROPELLER_MISSING);
  return ctx.step('Data Plane Deployment: flytepropeller (real, v1.16.8) with the chart-rendered configuration', async () => {
    const fleet = await PropellerFleet.attach(ctx.world, {
      binary: binary as string,
      chartObjects: (dp) => renderDataPlane(ctx, dp, o.extraValues),
      pods: { runMs: o.runMs ?? 300 },
      log: (l) => ctx.log(l),
      ...(o.server ? { server: o.server } : {}),
      ...(o.outputs ? { outputs: o.outputs } : {}),
    });
    for (const [dp, p] of fleet.planes) ctx.log(`${dp}: propeller ready in ${p.propeller.readyMs} ms, cluster-id ${p.propeller.clusterId}, ${p.propeller.overrides.length} overrides`);
    return fleet;
  });
}

function countPhases(ctx: ScenarioContext, from: number, to: number): Record<Phase, number> {
  const out = { QUEUED: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, ABORTING: 0, ABORTED: 0 } as Record<Phase, number>;
  for (let i = from; i < to; i++) out[ctx.world.admin.executions.phaseAt(i)]++;
  return out;
}

/** A wait's timeout as a value, so the scenario reports it as an expectation rather than an internal failure. */
async function timeoutOf(wait: Promise<unknown>): Promise<WaitTimeout | undefined> {
  try {
    await wait;
    return undefined;
  } catch (err) {
    if (err instanceof WaitTimeout) return err;
    throw err;
  }
}

function namesOf(ctx: ScenarioContext, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(ctx.world.admin.executions.nameAt(i));
  return out;
}

/** The FlyteWorkflow of each execution in the data plane the model recorded, with propeller's phase there. */
async function checkOnRecordedPlane(ctx: ScenarioContext, from: number, to: number): Promise<void> {
  // propeller sends the terminal event before it writes the object's final status: give the writes a moment.
  let misplaced = 0;
  let notSucceeded = 0;
  const count = async (): Promise<boolean> => {
    const byPlane = new Map<string, Map<string, number>>();
    for (const [dp, c] of ctx.world.dataPlanes) {
      const m = new Map<string, number>();
      for (const o of await c.admin().list({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow' })) m.set(o.metadata.name, ((o.status as { phase?: number } | undefined)?.phase ?? 0));
      byPlane.set(dp, m);
    }
    misplaced = 0;
    notSucceeded = 0;
    for (let i = from; i < to; i++) {
      const row = ctx.world.admin.executions.at(i);
      const phase = byPlane.get(row.cluster)?.get(row.name);
      if (phase === undefined) misplaced++;
      // v1alpha1.WorkflowPhaseSuccess (flytepropeller/pkg/apis/flyteworkflow/v1alpha1/iface.go:109)
      else if (phase !== 3) notSucceeded++;
    }
    return misplaced === 0 && notSucceeded === 0;
  };
  // World.elapse between the probes, so the 30 s are cluster time on a backend with a virtual clock.
  const probe = async () => ((await count()) ? true : notYet(`${misplaced} missing from the recorded data plane, ${notSucceeded} not Succeeded`));
  const late = await timeoutOf(waitFor(`every FlyteWorkflow of ${to - from} executions to be Succeeded`, 30_000, probe, {
    where: 'the data planes the model recorded',
    intervalMs: 500,
    sleep: (ms) => ctx.world.elapse(ms),
    signal: ctx.opts.signal,
  }));
  if (late) ctx.log(late.message);
  ctx.expect(misplaced === 0, `${misplaced} executions have no FlyteWorkflow on the data plane the model recorded`);
  ctx.expect(notSucceeded === 0, `${notSucceeded} FlyteWorkflow objects are not Succeeded in their data plane (after 30 s)`);
}

export const propellerGuide: Scenario = {
  name: 'propeller-guide',
  summary: 'the guide with real flytepropeller on every data plane: every execution runs to SUCCEEDED where it was placed',
  expectations: [
    'propeller starts on every data plane with the chart-rendered configuration and its own ServiceAccount token',
    "every execution reaches SUCCEEDED in FlyteAdmin's model through propeller's events",
    'each FlyteWorkflow is Succeeded in the data plane placement chose',
  ],
  dataPlanes: 3,
  async run(ctx) {
    const fleet = await deployWithPropeller(ctx);
    const t0 = Date.now();
    const r = await ctx.step(`Execute workflows (${ctx.opts.executions})`, () => workloadPhase(ctx, 'propeller', ctx.opts.executions));
    ctx.require(r.failed === 0, `${r.failed} executions failed to be created`);
    const names = namesOf(ctx, r.from, r.to);
    await ctx.step('Wait for propeller to finish every execution', async () => {
      await fleet.waitTerminal(names, Math.max(120_000, names.length * 400), ctx.opts.signal);
      const c = countPhases(ctx, r.from, r.to);
      ctx.log(`phases after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(c)}; events accepted ${JSON.stringify(fleet.server.ledger.tally.accepted)}, rejected ${JSON.stringify(Object.fromEntries(fleet.server.ledger.tally.rejected))}`);
      ctx.expect(c.SUCCEEDED === names.length, `${names.length - c.SUCCEEDED} of ${names.length} executions did not reach SUCCEEDED (${JSON.stringify(c)})`);
      ctx.lost = names.length - c.SUCCEEDED;
      const rss: Record<string, number> = {};
      for (const [dp, cl] of ctx.world.dataPlanes) {
        const kube = (cl as { rssBytes?: () => { total: number } }).rssBytes?.().total ?? 0;
        rss[dp] = kube + (fleet.planes.get(dp)?.propeller.rssBytes() ?? 0);
      }
      const figures = {
        executions: names.length,
        secondsToAllTerminal: (Date.now() - t0) / 1000,
        msToFirstSucceeded: fleet.marks.firstSucceededAt ? fleet.marks.firstSucceededAt - t0 : -1,
        rssPerDataPlane: rss,
        propellerRss: fleet.rss(),
      };
      ctx.log(`figures ${JSON.stringify(figures)}`);
    });
    await ctx.step('Check: each FlyteWorkflow is Succeeded in its predicted data plane', () => checkOnRecordedPlane(ctx, r.from, r.to));
    await ctx.step("Check: the workflow outputs propeller reported are the task's (y = x + 1)", async () => {
      let checked = 0;
      for (let i = r.from; i < r.to; i += Math.max(1, Math.floor((r.to - r.from) / 20))) {
        const row = ctx.world.admin.executions.at(i);
        const uri = fleet.server.ledger.outputs.get(row.name);
        if (!ctx.expect(uri !== undefined, `the SUCCEEDED event of ${row.name} carried no outputUri`)) continue;
        const fw = await ctx.world.dataPlane(row.cluster).admin().get({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', name: row.name, namespace: ctx.world.admin.namespace(row.project, row.domain) });
        const x = Number((fw.inputs as { literals: { x: { scalar: { primitive: { integer: string } } } } }).literals.x.scalar.primitive.integer);
        const out = core.LiteralMap.decode(await readFile(localPath(fleet.storageRoot, uri as string)));
        const y = Number(out.literals?.y?.scalar?.primitive?.integer ?? NaN);
        ctx.expect(y === x + 1, `${row.name}: workflow output y = ${y}, want ${x + 1}`);
        checked++;
      }
      ctx.log(`checked the outputs of ${checked} executions`);
    });
  },
};

export const propellerDay2: Scenario = {
  name: 'propeller-day2-add-cluster',
  summary: 'day 2 with real propeller: executions RUNNING on dataplanes 1-2 while dataplane_3 is added and FlyteAdmin restarts',
  expectations: [
    'executions are RUNNING (by their events) when the new data plane is added and FlyteAdmin restarts',
    'all of them reach SUCCEEDED afterwards; none is lost',
    'new executions run on the new data plane too',
    "terminating a running execution deletes its FlyteWorkflow and propeller's ABORTED event comes back",
  ],
  dataPlanes: 2,
  async run(ctx) {
    const fleet = await deployWithPropeller(ctx, { runMs: 90_000 });
    const half = Math.max(2, Math.floor(ctx.opts.executions / 2));
    const before = await ctx.step(`Run workflows before day 2 (${half}, 90 s tasks)`, () => workloadPhase(ctx, 'before day 2', half));
    const beforeNames = namesOf(ctx, before.from, before.to);
    await ctx.step('Wait until the first executions are RUNNING', async () => {
      const n = before.to - before.from;
      const late = await timeoutOf(waitFor(`all ${n} executions to be RUNNING`, 180_000, () => {
        const c = countPhases(ctx, before.from, before.to);
        return c.RUNNING === n ? true : notYet(`${c.RUNNING} of ${n} RUNNING ${JSON.stringify(c)}`);
      }, { where: "FlyteAdmin's model", intervalMs: 250, signal: ctx.opts.signal }));
      ctx.require(late === undefined, late?.message ?? '');
    });
    const name = `dataplane_${ctx.topology.dataPlanes.length + 1}`;
    await addDataPlaneDay2(ctx, name);
    await ctx.step("FlyteAdmin's pod is replaced: its event endpoint is down for 5 s", () => fleet.server.restart(5_000));
    await ctx.step(`Data Plane Deployment: flytepropeller on ${name}`, async () => {
      await fleet.addPlane(name);
    });
    const running = countPhases(ctx, before.from, before.to);
    ctx.log(`after day 2 and the FlyteAdmin restart, executions from before: ${JSON.stringify(running)}`);
    ctx.expect(running.RUNNING > 0 && running.RUNNING + running.SUCCEEDED === before.to - before.from, `executions from before day 2 should still be RUNNING (or done) across the restart: ${JSON.stringify(running)}`);
    const victim = beforeNames[0] as string;
    await ctx.step(`Terminate one running execution (${victim})`, async () => {
      const row = await ctx.world.admin.terminate(victim);
      ctx.expect(row.phase === 'ABORTING', `TerminateExecution should leave ${victim} ABORTING until propeller reports, got ${row.phase}`);
      const phases = await fleet.waitTerminal([victim], 60_000, ctx.opts.signal);
      ctx.expect(phases.get(victim) === 'ABORTED', `propeller's ABORTED event should close ${victim}, got ${phases.get(victim)}`);
    });
    const after = await ctx.step(`Submit workflows after day 2 (${ctx.opts.executions - half})`, () => workloadPhase(ctx, 'after day 2', ctx.opts.executions - half));
    await ctx.step('Partition dataplane_1 from the control plane for 10 s (its propeller cannot send events meanwhile)', async () => {
      const dp1 = ctx.world.dataPlane('dataplane_1');
      const accepted = () => fleet.server.ledger.tally.accepted.workflow + fleet.server.ledger.tally.accepted.node + fleet.server.ledger.tally.accepted.task;
      await dp1.partition!.cut();
      try {
        await ctx.world.elapse(10_000);
      } finally {
        await dp1.partition!.heal();
      }
      ctx.log(`events accepted so far: ${accepted()}`);
    });
    await ctx.step('Wait for every execution to finish', async () => {
      const all = namesOf(ctx, before.from, after.to);
      await fleet.waitTerminal(all, 180_000 + all.length * 400, ctx.opts.signal);
      const c = countPhases(ctx, before.from, after.to);
      ctx.log(`phases: ${JSON.stringify(c)}; events accepted ${JSON.stringify(fleet.server.ledger.tally.accepted)}, rejected ${JSON.stringify(Object.fromEntries(fleet.server.ledger.tally.rejected))}`);
      ctx.expect(c.SUCCEEDED === all.length - 1 && c.ABORTED === 1, `expected ${all.length - 1} SUCCEEDED and 1 ABORTED, got ${JSON.stringify(c)}`);
      ctx.lost = all.length - c.SUCCEEDED - c.ABORTED;
      let onNew = 0;
      for (let i = after.from; i < after.to; i++) if (ctx.world.admin.executions.clusterAt(i) === name && ctx.world.admin.executions.phaseAt(i) === 'SUCCEEDED') onNew++;
      ctx.expect(onNew > 0, `no execution created after day 2 succeeded on ${name}`);
    });
  },
};

export const propellerIssue1929: Scenario = {
  name: 'propeller-issue-1929-cluster-id',
  reference: 'https://github.com/flyteorg/flyte/issues/1929',
  summary: "real propeller with a cluster-id that differs from FlyteAdmin's cluster name: every event after QUEUED is rejected",
  expectations: [
    'propeller runs with configmap.core.propeller.cluster-id set to a name FlyteAdmin does not know',
    'FlyteAdmin answers its events with IncompatibleCluster; no execution reaches SUCCEEDED in the model',
  ],
  dataPlanes: 1,
  async run(ctx) {
    const fleet = await deployWithPropeller(ctx, { extraValues: 'configmap:\n  core:\n    propeller:\n      cluster-id: not-a-cluster-name\n' });
    const r = await ctx.step(`Execute workflows (${ctx.opts.executions})`, () => workloadPhase(ctx, 'wrong cluster-id', ctx.opts.executions));
    await ctx.step('Wait for the events', async () => {
      const rejected = () => fleet.server.ledger.tally.rejected.get('workflow:incompatibleCluster') ?? 0;
      const late = await timeoutOf(waitFor(`an IncompatibleCluster rejection for each of ${r.to - r.from} executions`, 60_000, () =>
        rejected() >= r.to - r.from ? true : notYet(`${rejected()} rejected so far`), { where: "FlyteAdmin's event API", intervalMs: 250, signal: ctx.opts.signal }));
      if (late) ctx.log(late.message);
      const c = countPhases(ctx, r.from, r.to);
      ctx.log(`phases: ${JSON.stringify(c)}; events accepted ${JSON.stringify(fleet.server.ledger.tally.accepted)}, rejected ${JSON.stringify(Object.fromEntries(fleet.server.ledger.tally.rejected))}`);
      ctx.expect(rejected() >= r.to - r.from, `expected an IncompatibleCluster rejection for each of ${r.to - r.from} executions, got ${rejected()}`);
      ctx.expect(c.SUCCEEDED === 0 && c.RUNNING === 0, `no execution should get past QUEUED in the model: ${JSON.stringify(c)}`);
    });
    await ctx.step('Check: what propeller did with the rejected workflows (its own status in the data plane)', async () => {
      const seen: Record<string, number> = {};
      for (const c of ctx.world.dataPlanes.values()) {
        for (const o of await c.admin().list({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow' })) {
          const st = (o.status ?? {}) as { phase?: number; message?: string };
          const key = `phase ${st.phase ?? 0}: ${(st.message ?? '').slice(0, 160)}`;
          seen[key] = (seen[key] ?? 0) + 1;
        }
      }
      ctx.log(`FlyteWorkflow status in the data plane: ${JSON.stringify(seen)}`);
      ctx.expect(!Object.keys(seen).some((k) => k.startsWith('phase 3:')), 'no FlyteWorkflow should succeed while its events are rejected');
    });
  },
};
