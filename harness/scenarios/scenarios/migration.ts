// Two FlyteAdmin behaviours around cluster identity: executions created in single-cluster mode (cluster "") cannot
// be terminated once admin runs multi-cluster (flyteorg/flyteadmin PR #330, flyteorg/flyte#2059; docs/flyte-behaviour.md#terminate), and
// propeller's cluster-id must equal the clusterConfigs name or every event is rejected (flyteorg/flyte#1929; docs/flyte-behaviour.md#events).
import { notYet, waitFor } from '../../util/wait.ts';
import { KubeApiError } from '../../backends/types.ts';
import type { Scenario } from '../context.ts';
import { auditSurvival, dataPlaneValues, deployGuide, fixedMix, preflightTopology, runWorkload } from '../steps.ts';

export const singleToMulti: Scenario = {
  name: 'single-to-multi-cluster',
  reference: 'flyteorg/flyteadmin PR #330 (flyteorg/flyte#2059), docs/flyte-behaviour.md#terminate',
  summary: 'executions from single-cluster mode (cluster "") cannot be terminated after moving to multi-cluster',
  expectations: [
    'in single-cluster mode (no clusters section) executions run in the control plane and store cluster ""',
    'an explicit label in single-cluster mode fails the execution: "execution cluster label X is not supported"',
    'pre-flight of the move to multi-cluster reports the live executions it would strand',
    'after the move, terminating an old execution fails (Internal) and the row stays ABORTING; new executions are placed on data planes',
  ],
  dataPlanes: 2,
  minDataPlanes: 2,
  async run(ctx) {
    const cp = ctx.world.controlPlane.admin();
    await ctx.step('Single cluster: flyte-core with propeller in the control plane, no clusters section', async () => {
      // No values-controlplane.yaml overlay: propeller (and its CRD) stays on in the one cluster.
      const r = await ctx.world.helmUpgrade('flyteadmin:\n  enabled: true\n', '');
      await waitFor('the FlyteWorkflow CRD to be served', 60_000, () =>
        cp.list({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow', namespace: 'flyte' }).then(
          () => true,
          (err: unknown) => (err instanceof KubeApiError && err.status === 404 ? notYet(err.message) : Promise.reject(err)),
        ), { where: ctx.world.controlPlane.spec.name, intervalMs: 100 });
      ctx.require(r.ok, `single-cluster FlyteAdmin should start: ${r.error}`);
      ctx.expect(ctx.world.admin.selector?.inCluster === true, 'FlyteAdmin should use its in-cluster selector');
    });
    const n = Math.max(5, Math.floor(ctx.opts.executions / 4));
    const old = await ctx.step(`Run workflows in single-cluster mode (${n})`, async () => {
      ctx.phase('single cluster');
      const r = await runWorkload(ctx, n, fixedMix(ctx, 'development'));
      ctx.expect(r.failed === 0, `${r.failed} executions failed in single-cluster mode`);
      const labelled = await ctx.world.admin.createExecution({ ...fixedMix(ctx, 'development', 'label1')(0) });
      ctx.expect(labelled.phase === 'FAILED' && labelled.error === 'execution cluster label label1 is not supported', `a labelled execution should fail, got ${labelled.phase} ${labelled.error}`);
      for (let i = r.from; i < r.to; i++) ctx.expect(ctx.world.admin.executions.clusterAt(i) === '', 'single-cluster executions store cluster ""');
      return r;
    });
    await ctx.step('Pre-flight of the move to multi-cluster', () => {
      const pf = preflightTopology(ctx);
      const hit = pf.findings.find((f) => f.code === 'strands-executions');
      ctx.expect(hit !== undefined, 'pre-flight should report the executions with cluster "" it would strand');
      if (hit) ctx.log(`    pre-flight: ${hit.message}`);
    });
    await deployGuide(ctx, 'move to multi-cluster: ');
    await ctx.step('Terminate an execution created in single-cluster mode', async () => {
      const name = ctx.world.admin.executions.nameAt(old.from);
      const t = await ctx.world.admin.terminate(name).catch((e: Error & { code?: string }) => e);
      ctx.expect(t instanceof Error && (t as { code?: string }).code === 'Internal', `terminate should fail with Internal, got ${t instanceof Error ? t.message : 'success'}`);
      ctx.expect(ctx.world.admin.get(name)?.phase === 'ABORTING', 'the execution should stay ABORTING');
      const audit = await auditSurvival(ctx);
      ctx.log(`    ${audit.unterminable.length} single-cluster executions can no longer be terminated`);
      ctx.expect(audit.unterminable.length === n, `all ${n} old live executions are stranded (found ${audit.unterminable.length})`);
    });
    await ctx.step('New executions go to the data planes', async () => {
      ctx.phase('multi cluster');
      const r = await runWorkload(ctx, n, fixedMix(ctx, 'production'));
      for (let i = r.from; i < r.to; i++) ctx.expect(ctx.world.admin.executions.clusterAt(i) === 'dataplane_2', 'team1/production should run on dataplane_2');
    });
  },
};

export const clusterIdMismatch: Scenario = {
  name: 'issue-1929-cluster-id',
  reference: 'flyteorg/flyte#1929 (flyteadmin PRs 307, 348; flytepropeller PR 378)',
  summary: 'a propeller cluster-id that differs from the clusterConfigs name gets every workflow event rejected',
  expectations: [
    'events from producer "propeller" (the chart default) are accepted from every data plane',
    'events whose producer id equals the stored cluster name are accepted',
    'events from a data plane whose propeller renders another cluster id (flytepropeller.clusterName: dataplane-2 vs "dataplane_2") are rejected as IncompatibleCluster, so its executions never complete',
    'QUEUED events are exempt',
  ],
  dataPlanes: 2,
  minDataPlanes: 2,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    const n = Math.max(10, Math.floor(ctx.opts.executions / 2));
    const r = await ctx.step(`Run workflows (${n})`, () => runWorkload(ctx, n));
    const admin = ctx.world.admin;
    // The cluster id each propeller stamps on its events, as its release rendered it (flytepropeller.clusterName).
    const producer = (dp: string): string => {
      const p = ctx.world.propellers.get(dp);
      return p?.ok ? p.propeller.clusterId : 'propeller';
    };
    await ctx.step('helm upgrade dataplane_2 with flytepropeller.clusterName: dataplane-2', async () => {
      await ctx.world.installDataPlaneRelease('dataplane_2', dataPlaneValues(ctx, 'dataplane_2'), [{ name: 'cluster-name.yaml', content: 'flytepropeller:\n  clusterName: dataplane-2\n' }]);
      ctx.expect(producer('dataplane_2') === 'dataplane-2', `the rendered propeller should use cluster id dataplane-2, got ${producer('dataplane_2')}`);
      ctx.expect(producer('dataplane_1') === 'propeller', `dataplane_1's propeller should keep the default id, got ${producer('dataplane_1')}`);
    });
    await ctx.step('Propellers report: dataplane_1 with the default id, dataplane_2 with cluster-id "dataplane-2"', () => {
      let rejected = 0;
      let accepted = 0;
      for (let i = r.from; i < r.to; i++) {
        const name = admin.executions.nameAt(i);
        const cluster = admin.executions.clusterAt(i);
        admin.recordEvent(name, { producerId: producer(cluster), phase: 'QUEUED' });
        try {
          admin.recordEvent(name, { producerId: producer(cluster), phase: 'SUCCEEDED' });
          accepted++;
          ctx.expect(cluster !== 'dataplane_2', `an event from cluster-id dataplane-2 was accepted for ${name}`);
        } catch (err) {
          rejected++;
          ctx.expect(cluster === 'dataplane_2' && /IncompatibleCluster/.test((err as Error).message), `unexpected rejection for ${name} on ${cluster}: ${(err as Error).message}`);
        }
      }
      ctx.log(`    ${accepted} accepted, ${rejected} rejected as IncompatibleCluster`);
      ctx.expect(rejected > 0 && accepted > 0, 'both clusters should have run executions');
    });
    await ctx.step('Fix: helm upgrade dataplane_2 with flytepropeller.clusterName equal to the clusterConfigs name ("dataplane_2")', async () => {
      await ctx.world.installDataPlaneRelease('dataplane_2', dataPlaneValues(ctx, 'dataplane_2'), [{ name: 'cluster-name.yaml', content: 'flytepropeller:\n  clusterName: dataplane_2\n' }]);
      for (let i = r.from; i < r.to; i++) {
        if (admin.executions.clusterAt(i) !== 'dataplane_2') continue;
        const name = admin.executions.nameAt(i);
        admin.recordEvent(name, { producerId: producer('dataplane_2'), phase: 'SUCCEEDED' });
        ctx.expect(admin.get(name)?.phase === 'SUCCEEDED', `${name} should complete once the ids match`);
      }
    });
  },
};
