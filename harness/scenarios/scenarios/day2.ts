// Day 2: add a data plane as the guide's "Add another Kubernetes cluster" does, while executions are running.
import type { Scenario, ScenarioContext } from '../context.ts';
import { applyCredentials, applyEclFiles, auditSurvival, collectCredentials, createTokenSecret, deployGuide, helmUpgrade, installDataPlane, workloadPhase } from '../steps.ts';

/** The guide's day-2 edit of the topology: a new data plane with its own label, and team1/production moved to it. */
export function addClusterToTopology(ctx: ScenarioContext, name: string): string {
  const label = `label${ctx.topology.dataPlanes.length + 1}`;
  ctx.topology = {
    ...ctx.topology,
    dataPlanes: [...ctx.topology.dataPlanes, { name, endpoint: 'auto', enabled: true }],
    labels: { ...ctx.topology.labels, [label]: [{ cluster: name, weight: 1 }] },
    executionClusterLabels: [
      ...ctx.topology.executionClusterLabels.filter((r) => !(r.project === 'team1' && r.domain === 'production' && !r.workflow)),
      { project: 'team1', domain: 'production', value: label },
    ],
  };
  return label;
}

export async function addDataPlaneDay2(ctx: ScenarioContext, name: string): Promise<string> {
  let label = '';
  await ctx.step(`Add another Kubernetes cluster: create ${name}`, async () => {
    label = addClusterToTopology(ctx, name);
    await ctx.world.addDataPlane(name);
  });
  await ctx.step(`Add another Kubernetes cluster: helm install flyte-core-data in ${name}`, () => installDataPlane(ctx, name));
  await ctx.step(`Add another Kubernetes cluster: create the flyteadmin token Secret in ${name}`, () => createTokenSecret(ctx, name));
  await ctx.step('Add another Kubernetes cluster: update the cluster-credentials Secret', async () => applyCredentials(ctx, await collectCredentials(ctx)));
  await ctx.step('Add another Kubernetes cluster: add the cluster to values-override.yaml and upgrade the Helm release', async () => {
    const r = await helmUpgrade(ctx);
    ctx.require(r.ok, `FlyteAdmin must restart with ${name} added, but ${r.stage} failed: ${r.error}`);
  });
  await ctx.step(`Add another Kubernetes cluster: flytectl update execution-cluster-label (team1/production → ${label})`, async () => {
    await applyEclFiles(ctx);
  });
  return label;
}

export const day2AddCluster: Scenario = {
  name: 'day2-add-cluster',
  summary: 'add a data plane (N → N+1) with executions in flight; old ones survive, new ones follow the new config',
  expectations: [
    'FlyteAdmin restarts with the new cluster; the new cluster gets the project-domain namespaces',
    'no execution created before day 2 is lost; every one of them can still be terminated on its stored cluster',
    'after day 2, team1/production lands on the new cluster and unlabelled traffic spreads over N+1 clusters per the weights',
    'shares before and after match the configured weights (G-test, α = 1e-6)',
  ],
  dataPlanes: 2,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    const half = Math.max(1, Math.floor(ctx.opts.executions / 2));
    const before = await ctx.step(`Run workflows before day 2 (${half})`, () => workloadPhase(ctx, 'before day 2', half));
    const name = `dataplane_${ctx.topology.dataPlanes.length + 1}`;
    await addDataPlaneDay2(ctx, name);
    const after = await ctx.step(`Submit workflows after day 2 (${ctx.opts.executions - half})`, () => workloadPhase(ctx, 'after day 2', ctx.opts.executions - half));
    await ctx.step('Check: earlier executions survive and stay terminable', async () => {
      const audit = await auditSurvival(ctx);
      ctx.expect(audit.lost.length === 0, `${audit.lost.length} executions lost their FlyteWorkflow (e.g. ${audit.lost[0]})`);
      ctx.expect(audit.unterminable.length === 0, `${audit.unterminable.length} executions can no longer be terminated (e.g. ${audit.unterminable[0]})`);
      const admin = ctx.world.admin;
      const step = Math.max(1, Math.floor((before.to - before.from) / 25));
      for (let i = before.from; i < before.to; i += step) {
        const n = admin.executions.nameAt(i);
        const row = await admin.terminate(n).catch((e: Error) => e);
        ctx.expect(!(row instanceof Error) && row.phase === 'ABORTED', `terminate ${n} should succeed: ${(row as Error).message}`);
      }
    });
    await ctx.step(`Check: new placements follow the new config (team1/production on ${name})`, () => {
      const admin = ctx.world.admin;
      let wrong = 0;
      let onNew = 0;
      for (let i = after.from; i < after.to; i++) {
        const row = admin.executions.at(i);
        if (row.cluster === name) onNew++;
        if (row.domain === 'production' && row.label === '' && row.cluster !== name) wrong++;
      }
      ctx.expect(wrong === 0, `${wrong} team1/production executions after day 2 did not land on ${name}`);
      let production = 0;
      for (let i = after.from; i < after.to; i++) if (admin.executions.at(i).domain === 'production') production++;
      ctx.expect(production === 0 || onNew > 0, `no execution landed on ${name} after day 2`);
      let beforeOnNew = 0;
      for (let i = before.from; i < before.to; i++) if (admin.executions.clusterAt(i) === name) beforeOnNew++;
      ctx.expect(beforeOnNew === 0, `${beforeOnNew} executions created before day 2 are recorded on ${name}`);
    });
  },
};
