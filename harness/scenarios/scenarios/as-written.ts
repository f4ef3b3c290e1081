// The guide followed literally (docs/flyte-behaviour.md#guide-differences): which of its slips break a deployment, how, and which are harmless.
import { CREDENTIALS_SECRET, FLYTE_NAMESPACE } from '../../constants.ts';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { b64 } from '../../backends/sim/tokens.ts';
import type { Scenario } from '../context.ts';
import { addClusterToTopology } from './day2.ts';
import { applyCredentials, collectCredentials, createTokenSecret, fixedMix, installDataPlane, valuesOverride, workloadPhase } from '../steps.ts';

type Values = { flyteadmin: Record<string, unknown>; configmap: { clusters: { clusterConfigs: Record<string, unknown>[] } } };

/** The rendered values with the guide's extra keys: the dead init-container mount key and `auth.type`. */
function asWritten(values: string): Values {
  const v = parseYaml(values) as Values;
  v.flyteadmin.initContainerClusterSyncAdditionalVolumeMounts = [{ name: 'cluster-credentials', mountPath: '/etc/credentials' }];
  for (const c of v.configmap.clusters.clusterConfigs) (c.auth as Record<string, unknown>).type = 'file_path';
  return v;
}

export const guideAsWritten: Scenario = {
  name: 'guide-as-written',
  reference: 'docs/flyte-behaviour.md#guide-differences, flyteorg/flyte#5966',
  summary: 'the guide\'s literal slips: stringData credentials, dead keys, a workflow ECL value that is no label, day 2 pointing at dataplane 1',
  expectations: [
    'cluster-credentials written under stringData with the base64 values the guide copies: FlyteAdmin cannot start (the CA file is not PEM)',
    'the same Secret under data: FlyteAdmin starts; the dead key initContainerClusterSyncAdditionalVolumeMounts and auth.type are ignored',
    'workflow-ecl.yaml with value "project1" is accepted and hides the project-domain row: that workflow falls back to all enabled clusters',
    'day 2 with dataplane_2\'s endpoint copied from dataplane_1: the rollout fails in the sync init container (TLS: dataplane_2\'s CA does not verify dataplane_1); the old pod keeps serving',
  ],
  dataPlanes: 1,
  async run(ctx) {
    const names = ctx.topology.dataPlanes.map((d) => d.name);
    await ctx.step('Data Plane Deployment: start the clusters and helm install flyte-core-data', async () => {
      for (const n of names) {
        await ctx.world.addDataPlane(n);
        await installDataPlane(ctx, n);
        await createTokenSecret(ctx, n);
      }
    });
    const creds = await ctx.step('Control Plane configuration: copy the bearer token and certificate (.data.token, .data.ca\\.crt)', () => collectCredentials(ctx));
    await ctx.step('Create secrets.yaml "under stringData" with the copied base64 values, helm upgrade', async () => {
      const stringData: Record<string, string> = {};
      for (const [n, c] of Object.entries(creds)) {
        stringData[`${n}_token`] = b64(c.token);
        stringData[`${n}_cacert`] = b64(c.caCert);
      }
      const cp = ctx.world.controlPlane.admin();
      await cp.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLYTE_NAMESPACE } });
      await cp.apply({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: CREDENTIALS_SECRET, namespace: FLYTE_NAMESPACE }, stringData });
      const r = await ctx.world.helmUpgrade(toYaml(asWritten(valuesOverride(ctx))));
      ctx.expect(!r.ok && /PEM/.test(r.error ?? ''), `FlyteAdmin should refuse to start on a base64 (not PEM) CA file, got ${r.ok ? 'a start' : `${r.stage}: ${r.error}`}`);
    });
    await ctx.step('Put the values under data: instead; helm upgrade with the guide\'s values-override.yaml (dead keys included)', async () => {
      await applyCredentials(ctx, creds);
      const r = await ctx.world.helmUpgrade(toYaml(asWritten(valuesOverride(ctx))));
      ctx.require(r.ok, `FlyteAdmin should start; the extra keys are ignored: ${r.error}`);
    });
    await ctx.step('Configure Execution Cluster Labels: ecl.yaml (label1), then workflow-ecl.yaml with value: project1', async () => {
      const a = ctx.world.admin.attributes;
      a.update({ domain: 'development', project: 'team1', value: 'label1' });
      const r = a.update({ domain: 'development', project: 'team1', workflow: 'example.training_workflow', value: 'project1' });
      ctx.expect(r.changed, 'flytectl accepts any value');
      const n = Math.max(10, Math.floor(ctx.opts.executions / 2));
      const w = await workloadPhase(ctx, 'as written', n, (i) => ({ ...fixedMix(ctx, 'development')(i), workflow: 'example.training_workflow' }));
      let viaFallback = 0;
      for (let i = w.from; i < w.to; i++) if (ctx.world.admin.explain({ ...ctx.world.admin.executions.at(i) }).rule === 'all-enabled-clusters') viaFallback++;
      ctx.expect(viaFallback === w.to - w.from, `every example.training_workflow execution should fall back (the "project1" row hides label1); ${w.to - w.from - viaFallback} did not`);
    });
    await ctx.step('Day 2 as written: dataplane_2 with dataplane 1\'s endpoint; helm upgrade', async () => {
      const name = `dataplane_${ctx.topology.dataPlanes.length + 1}`;
      addClusterToTopology(ctx, name);
      await ctx.world.addDataPlane(name);
      await installDataPlane(ctx, name);
      await createTokenSecret(ctx, name);
      await applyCredentials(ctx, await collectCredentials(ctx));
      const v = asWritten(valuesOverride(ctx));
      const first = v.configmap.clusters.clusterConfigs[0] as { endpoint: string };
      const added = v.configmap.clusters.clusterConfigs.find((c) => c.name === name) as { endpoint: string };
      added.endpoint = first.endpoint;
      const r = await ctx.world.helmUpgrade(toYaml(v));
      ctx.expect(!r.ok && r.stage === 'sync-cluster-resources', `the rollout should fail in the sync init container, got ${r.ok ? 'a start' : `${r.stage}: ${r.error}`}`);
      if (!r.ok) ctx.log(`    FlyteAdmin: ${r.error}`);
      ctx.expect(r.stillServing, 'the old pod should keep serving');
    });
  },
};
