// Draining a data plane: the safe order (disable + drop from labels, let executions finish or terminate them,
// then remove the entry) and the unsafe one (remove the entry while executions run: they are stranded).
import type { Scenario } from '../context.ts';
import { auditSurvival, deployGuide, editTopology, fixedMix, helmUpgrade, labelsWithout, liveOn, preflightTopology, workloadPhase } from '../steps.ts';

export const drainAndRemoveCluster: Scenario = {
  name: 'drain-and-remove-cluster',
  summary: 'drain a data plane the safe way (disable, drop from labels, finish, remove) and the unsafe way (remove while running)',
  expectations: [
    'safe order: pre-flight passes at each step; no new execution lands on the draining cluster; its running executions stay terminable while it is disabled; removing it once they finished strands nothing',
    'unsafe order: pre-flight reports the executions the removal would strand before it is applied',
    'applied anyway, terminate of such an execution fails with "invalid cluster target <name>" and the row stays ABORTING (flyteadmin/pkg/manager/impl/execution_manager.go:1912-1959)',
  ],
  dataPlanes: 3,
  minDataPlanes: 3,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    const m = ctx.opts.executions;
    const drained = 'dataplane_3';
    await ctx.step(`Run workflows on every cluster (${Math.ceil(m / 3)}), a few labelled for ${drained} and dataplane_2`, async () => {
      await workloadPhase(ctx, 'before drain', Math.ceil(m / 3));
      // Make sure both clusters this scenario drains and removes have work, whatever the names drew.
      for (let i = 0; i < 3; i++) {
        await ctx.world.admin.createExecution({ ...fixedMix(ctx, 'staging', 'label3')(i) });
        await ctx.world.admin.createExecution({ ...fixedMix(ctx, 'staging', 'label2')(i) });
      }
    });
    await ctx.step(`Safe 1: disable ${drained} and drop it from every label`, async () => {
      editTopology(ctx, (t) => ({
        dataPlanes: t.dataPlanes.map((d) => (d.name === drained ? { ...d, enabled: false } : d)),
        labels: labelsWithout(t, drained),
      }));
      const pf = preflightTopology(ctx);
      ctx.expect(pf.ok, `pre-flight should pass for disabling ${drained}: ${pf.findings.map((f) => f.message).join('; ')}`);
      const r = await helmUpgrade(ctx);
      ctx.require(r.ok, `FlyteAdmin should restart with ${drained} disabled: ${r.error}`);
    });
    const during = await ctx.step(`Run workflows while ${drained} drains (${Math.ceil(m / 3)})`, () => workloadPhase(ctx, 'during drain', Math.ceil(m / 3)));
    await ctx.step(`Check: nothing new lands on ${drained}; its executions stay terminable while disabled`, async () => {
      const ex = ctx.world.admin.executions;
      let landed = 0;
      for (let i = during.from; i < during.to; i++) if (ex.clusterAt(i) === drained) landed++;
      ctx.expect(landed === 0, `${landed} new executions landed on the disabled ${drained}`);
      const live = liveOn(ctx, drained);
      ctx.expect(live.length > 0, `the first phase should have left executions running on ${drained}`);
      const half = live.slice(0, Math.ceil(live.length / 2));
      for (const n of half) {
        const r = await ctx.world.admin.terminate(n).catch((e: Error) => e);
        ctx.expect(!(r instanceof Error), `terminate ${n} on disabled ${drained} should work: ${(r as Error).message}`);
      }
      for (const n of live.slice(half.length)) ctx.world.admin.complete(n);
    });
    await ctx.step(`Safe 2: remove ${drained} from clusterConfigs once nothing runs there, then delete the cluster`, async () => {
      editTopology(ctx, (t) => ({ dataPlanes: t.dataPlanes.filter((d) => d.name !== drained) }));
      const pf = preflightTopology(ctx);
      ctx.expect(pf.ok, `pre-flight should pass for removing the drained ${drained}: ${pf.findings.map((f) => f.message).join('; ')}`);
      const r = await helmUpgrade(ctx);
      ctx.require(r.ok, `FlyteAdmin should restart without ${drained}: ${r.error}`);
      await ctx.world.deleteDataPlane(drained);
      const audit = await auditSurvival(ctx);
      ctx.expect(audit.unterminable.length === 0 && audit.lost.length === 0, `safe drain left ${audit.unterminable.length} unterminable and ${audit.lost.length} lost executions`);
    });
    const victim = 'dataplane_2';
    let stranded: string[] = [];
    await ctx.step(`Unsafe: pre-flight of removing ${victim} while it runs executions`, () => {
      stranded = liveOn(ctx, victim);
      ctx.require(stranded.length > 0, `${victim} should be running executions`);
      editTopology(ctx, (t) => ({
        dataPlanes: t.dataPlanes.filter((d) => d.name !== victim),
        labels: labelsWithout(t, victim),
      }));
      const pf = preflightTopology(ctx);
      const hit = pf.findings.find((f) => f.code === 'strands-executions');
      ctx.expect(!pf.ok && hit !== undefined, `pre-flight should refuse removing ${victim} with ${stranded.length} live executions`);
      if (hit) ctx.log(`    pre-flight: ${hit.message}`);
    });
    await ctx.step(`Unsafe: apply anyway; terminate an execution stored on ${victim}`, async () => {
      const r = await helmUpgrade(ctx);
      ctx.require(r.ok, `FlyteAdmin starts without ${victim} (the removal itself is valid config): ${r.error}`);
      const name = stranded[0] as string;
      const res = await ctx.world.admin.terminate(name).catch((e: Error) => e);
      ctx.expect(res instanceof Error && res.message === `invalid cluster target ${victim}`, `terminate should fail with "invalid cluster target ${victim}", got ${res instanceof Error ? res.message : 'success'}`);
      ctx.expect(ctx.world.admin.get(name)?.phase === 'ABORTING', `the execution should stay ABORTING, is ${ctx.world.admin.get(name)?.phase}`);
      const audit = await auditSurvival(ctx);
      ctx.expect(audit.unterminable.length === stranded.length, `all ${stranded.length} executions on ${victim} are stranded (found ${audit.unterminable.length})`);
      ctx.log(`    ${audit.unterminable.length} executions stranded on ${victim}, as FlyteAdmin would leave them`);
    });
  },
};
