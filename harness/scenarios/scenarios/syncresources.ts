// The syncresources cache footgun (flyteadmin/pkg/clusterresource/controller.go:104-125): its "already applied" cache is keyed by namespace and template, not by
// cluster, so a template that reached any cluster is skipped for all of them until the pod restarts.
import { KubeApiError } from '../../backends/types.ts';
import type { Scenario } from '../context.ts';
import { deployGuide } from '../steps.ts';

export const syncResourcesCache: Scenario = {
  name: 'syncresources-cache',
  reference: 'flyteadmin/pkg/clusterresource/controller.go:104-125,393,410, docs/flyte-behaviour.md#cluster-resource-sync',
  summary: 'a new project onboarded while a data plane is unreachable never gets its namespaces there until syncresources restarts',
  expectations: [
    'with dataplane_2 unreachable, a syncresources pass creates team2\'s namespaces in dataplane_1 only and logs errors for dataplane_2',
    'once dataplane_2 is back, later passes skip those templates for every cluster: dataplane_2 still has no team2 namespaces',
    'executions of team2 placed on dataplane_2 fail ("namespaces … not found") and are stored FAILED with no cluster',
    'after restarting syncresources the next pass creates the namespaces, and team2 executions on dataplane_2 succeed',
  ],
  dataPlanes: 2,
  minDataPlanes: 2,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    const admin = ctx.world.admin;
    const dp2 = ctx.world.dataPlane('dataplane_2');
    const partition = dp2.partition;
    if (!partition) return ctx.require(false, `backend ${ctx.world.backend.info.name} cannot partition a cluster, which this scenario needs`);
    const hasNs = async (ns: string) =>
      dp2
        .admin()
        .get({ apiVersion: 'v1', kind: 'Namespace', name: ns })
        .then(
          () => true,
          (e: unknown) => (e instanceof KubeApiError && e.status === 404 ? false : Promise.reject(e)),
        );
    await ctx.step('flytectl create project team2 while dataplane_2 is unreachable; syncresources runs a pass', async () => {
      admin.registerProject('team2');
      await partition.cut();
      const r = await admin.syncResourcesPass();
      ctx.expect(r.errors.length > 0 && r.errors.every((e) => e.startsWith('dataplane_2')), `the pass should fail for dataplane_2 only, got ${r.errors.length} errors`);
      await partition.heal();
    });
    await ctx.step('dataplane_2 is back; syncresources runs again', async () => {
      const r = await admin.syncResourcesPass();
      ctx.expect(r.errors.length === 0, `the pass reports nothing (${r.errors.length} errors)`);
      ctx.expect(!(await hasNs('team2-development')), 'dataplane_2 should still lack team2-development (the cache skipped it)');
    });
    await ctx.step('Run team2 workflows labelled for dataplane_2', async () => {
      const n = Math.max(5, Math.floor(ctx.opts.executions / 10));
      let failed = 0;
      for (let i = 0; i < n; i++) {
        const e = await admin.createExecution({ project: 'team2', domain: 'development', workflow: 'wf', label: 'label2' });
        if (e.phase === 'FAILED' && /namespaces "team2-development" not found/.test(e.error) && e.cluster === '') failed++;
      }
      ctx.expect(failed === n, `${n - failed} of ${n} executions did not fail with a missing namespace`);
    });
    await ctx.step('Restart syncresources; run a pass and the workflows again', async () => {
      admin.restartSyncResources();
      const r = await admin.syncResourcesPass();
      ctx.expect(r.errors.length === 0, `the pass should succeed: ${r.errors[0]}`);
      ctx.expect(await hasNs('team2-development'), 'dataplane_2 should now have team2-development');
      const e = await admin.createExecution({ project: 'team2', domain: 'development', workflow: 'wf', label: 'label2' });
      ctx.expect(e.phase === 'RUNNING' && e.cluster === 'dataplane_2', `a team2 execution should now run on dataplane_2, got ${e.phase} ${e.error}`);
    });
  },
};
