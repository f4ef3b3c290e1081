// Token rotation: FlyteAdmin reads tokens once at startup (flyteadmin/pkg/flytek8s/client.go:21-39), so a rotated token breaks a running admin
// until it restarts, and the restart itself needs the updated cluster-credentials (the sync init container, flyteadmin/cmd/entrypoints/clusterresource.go:50-68).
import type { Scenario } from '../context.ts';
import { applyCredentials, collectCredentials, controlPlaneValues, deployGuide, fixedMix, liveOn, runWorkload, workloadPhase } from '../steps.ts';

export const tokenRotation: Scenario = {
  name: 'token-rotation',
  summary: 'rotate a data plane token: failures until FlyteAdmin restarts with the updated cluster-credentials',
  expectations: [
    'after the token Secret is recreated and the API server\'s 10 s token cache has expired, executions placed on that data plane are stored FAILED with no cluster (401), others succeed',
    'terminating an execution there fails (401) and leaves it ABORTING',
    'helm upgrade with unchanged values starts no new pod (the chart\'s configChecksum does not cover Secrets): the running pod keeps the revoked token',
    'a rollout restart before cluster-credentials is updated fails in the sync init container; the old pod keeps serving (still with the old token)',
    'after updating cluster-credentials and restarting, every execution succeeds and the stuck abort can be retried',
  ],
  dataPlanes: 2,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    const m = ctx.opts.executions;
    const dp = 'dataplane_1';
    const batch = Math.max(10, Math.ceil(m / 3));
    await ctx.step(`Run workflows (${batch})`, () => workloadPhase(ctx, 'before rotation', batch));
    await ctx.step(`Rotate: delete and recreate the flyteadmin token Secret in ${dp}`, async () => {
      const k = ctx.world.dataPlane(dp).admin();
      const ref = { apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-1-token' };
      const s = await k.get(ref);
      await k.delete(ref);
      await k.create({ apiVersion: 'v1', kind: 'Secret', type: s.type, metadata: { name: ref.name, namespace: ref.namespace, annotations: { 'kubernetes.io/service-account.name': 'flyteadmin' } } });
    });
    await ctx.step('Wait out the API server\'s token authentication cache (10 s: the old token works until then)', () => ctx.world.elapse(11_000));
    let stuck = '';
    await ctx.step('Without a restart: executions placed on the rotated cluster fail', async () => {
      const r = await runWorkload(ctx, Math.max(10, Math.ceil(m / 10)));
      const admin = ctx.world.admin;
      let wrong = 0;
      for (let i = r.from; i < r.to; i++) {
        const row = admin.executions.at(i);
        const intended = admin.explain({ ...row }).cluster;
        if ((row.phase === 'FAILED') !== (intended === dp)) wrong++;
        if (row.phase === 'FAILED') ctx.expect(/Unauthorized/.test(row.error), `failure should be a 401, got: ${row.error}`);
      }
      ctx.expect(r.failed > 0, `some executions should have been placed on ${dp} and failed`);
      ctx.expect(wrong === 0, `${wrong} executions failed although placed elsewhere (or succeeded on ${dp})`);
      stuck = liveOn(ctx, dp)[0] ?? '';
      const t = await admin.terminate(stuck).catch((e: Error) => e);
      ctx.expect(t instanceof Error && /Unauthorized/.test(t.message), 'terminate on the rotated cluster should fail with 401');
      ctx.expect(admin.get(stuck)?.phase === 'ABORTING', 'the execution should stay ABORTING');
    });
    await ctx.step('helm upgrade with the same values: no new pod, the old token stays in use', async () => {
      const r = await ctx.world.helmUpgrade(ctx.world.admin.values ?? '', controlPlaneValues(ctx));
      ctx.expect(r.ok && r.unchanged === true, `an upgrade with identical manifests should start no pod, got ${r.ok ? (r.unchanged ? 'no pod' : 'a new pod') : `${r.stage}: ${r.error}`}`);
      const probe = await ctx.world.admin.createExecution({ ...fixedMix(ctx, 'development', 'label1')(0) });
      ctx.expect(probe.phase === 'FAILED', 'the running pod still uses the token it read at startup');
    });
    await ctx.step('kubectl rollout restart before updating cluster-credentials: the sync init container fails, the old pod keeps serving', async () => {
      const r = await ctx.world.rolloutRestartAdmin();
      ctx.expect(!r.ok && r.stage === 'sync-cluster-resources' && /Unauthorized/.test(r.error ?? ''), `the new pod should fail in sync-cluster-resources with 401, got ${r.ok ? 'a start' : `${r.stage}: ${r.error}`}`);
      ctx.expect(r.stillServing, 'the old pod should keep serving');
    });
    await ctx.step('Update cluster-credentials with the new token and restart FlyteAdmin', async () => {
      await applyCredentials(ctx, await collectCredentials(ctx));
      const probe = await ctx.world.admin.createExecution({ ...fixedMix(ctx, 'development', 'label1')(0) });
      ctx.expect(probe.phase === 'FAILED', 'before the restart the admin still uses the token it read at startup');
      const r = await ctx.world.restartAdmin();
      ctx.require(r.ok, `FlyteAdmin should start with the new token: ${r.error}`);
    });
    await ctx.step(`After the restart: run workflows (${batch}) and retry the stuck abort`, async () => {
      const r = await workloadPhase(ctx, 'after restart', batch);
      ctx.expect(r.failed === 0, `${r.failed} executions failed after the restart`);
      const t = await ctx.world.admin.terminate(stuck).catch((e: Error) => e);
      ctx.expect(!(t instanceof Error) && t.phase === 'ABORTED', `retrying the abort should succeed: ${(t as Error).message}`);
    });
  },
};
