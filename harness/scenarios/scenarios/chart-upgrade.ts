// The user's CI job for a chart upgrade: install the topology with chart FROM, place executions, upgrade every release
// to chart TO with the same values, and check what changed for Flyte's components and whether the deployment still
// works: FlyteAdmin starts from the new release, executions in flight stay terminable, new ones follow the labels,
// cluster resource sync reaches every data plane, and propeller's cluster id still matches (#1929).
import { inspectAdmin, inspectPropeller, diffInspections, formatChange, type Inspection } from '../../flyte/inspect.ts';
import type { FlyteReleases } from '../../helm/releases.ts';
import { ClusterSelector } from '../../placement/index.ts';
import type { Scenario, ScenarioContext } from '../context.ts';
import { auditSurvival, configOf, controlPlaneValues, deployGuide, helmUpgrade, installDataPlane, renderFiles, valuesOverride, workloadPhase } from '../steps.ts';

/** What FlyteAdmin and each data plane's propeller run with under `releases`, for the current topology. */
async function inspectAll(ctx: ScenarioContext, releases: FlyteReleases): Promise<Inspection[]> {
  const files = renderFiles(ctx);
  const cp = await releases.controlPlane([
    { name: 'controlplane/values-controlplane.yaml', content: controlPlaneValues(ctx) },
    { name: 'controlplane/values-override.yaml', content: valuesOverride(ctx) },
  ]);
  const out: Inspection[] = [{ release: 'controlplane', chart: releases.description, flyteadmin: inspectAdmin(cp.admin) }];
  for (const dp of ctx.topology.dataPlanes) {
    const path = `dataplanes/${dp.name}/values-dataplane.yaml`;
    const r = await releases.dataPlane([{ name: path, content: files.get(path) ?? '' }]);
    out.push({ release: 'dataplane', chart: `${releases.description} (${dp.name})`, flytepropeller: inspectPropeller(r.propeller) });
  }
  return out;
}

export const chartUpgrade: Scenario = {
  name: 'chart-upgrade',
  summary: 'upgrade every release from chart FROM (--chart) to chart TO (--upgrade-to, default: the same) with the same values; the deployment must keep working',
  expectations: [
    'what FlyteAdmin (clusters, mounts, init containers) and propeller (endpoints, cluster id) run with is the same under both charts; every change is printed',
    'after the upgrade FlyteAdmin starts, also as a new pod from the upgraded release',
    'cluster resource sync (the init container and syncresources) reaches every data plane',
    'executions created before the upgrade are not lost and can still be terminated',
    'executions created after it land where the values say (predicted from the values, not from FlyteAdmin)',
    'propeller\'s cluster id is the clusterConfigs name or its default, so FlyteAdmin accepts its events (#1929)',
  ],
  dataPlanes: 2,
  async run(ctx) {
    // Without a TO chart the releases are upgraded to the chart they run: an upgrade that must change nothing.
    const target: FlyteReleases = ctx.opts.upgradeTo ?? ctx.world.releases;
    if (!ctx.opts.upgradeTo) ctx.log(`    no --upgrade-to: upgrading to the same chart (${target.description})`);
    await deployGuide(ctx, 'with the FROM chart: ');
    const half = Math.max(1, Math.floor(ctx.opts.executions / 2));
    const before = await ctx.step(`Run workflows with the FROM chart (${half})`, () => workloadPhase(ctx, 'before upgrade', half));
    await ctx.step(`Compare what Flyte's components run with: ${ctx.world.releases.description} → ${target.description}`, async () => {
      const a = await inspectAll(ctx, ctx.world.releases);
      const b = await inspectAll(ctx, target);
      a.forEach((x, i) => {
        const changes = diffInspections(x, b[i] as Inspection);
        for (const c of changes) ctx.log(`    ${x.release}${x.flytepropeller ? ` ${ctx.topology.dataPlanes[i - 1]?.name}` : ''}: ${formatChange(c)}`);
        ctx.expect(changes.length === 0, `${x.release === 'controlplane' ? 'FlyteAdmin' : `propeller in ${ctx.topology.dataPlanes[i - 1]?.name}`} runs differently after the upgrade: ${changes.map(formatChange).join('; ')}`);
      });
      for (const [i, x] of b.entries()) {
        if (x.flyteadmin && !x.flyteadmin.starts) ctx.expect(false, `FlyteAdmin would not start with the TO chart: ${x.flyteadmin.reason}`);
        const p = x.flytepropeller;
        const dp = ctx.topology.dataPlanes[i - 1]?.name;
        if (p?.runs && dp && p.clusterId !== 'propeller' && p.clusterId !== dp) {
          ctx.expect(false, `propeller in ${dp} would stamp events with cluster id "${p.clusterId}" (${p.clusterIdFrom}); FlyteAdmin rejects them as IncompatibleCluster (#1929)`);
        }
      }
    });
    await ctx.step('Upgrade the data-plane releases to the TO chart', async () => {
      ctx.world.switchChart(target);
      for (const dp of ctx.topology.dataPlanes) await installDataPlane(ctx, dp.name);
    });
    await ctx.step('Upgrade the control-plane release to the TO chart', async () => {
      const r = await helmUpgrade(ctx);
      ctx.expect(r.ok, `FlyteAdmin's new pod does not start after the upgrade (${r.stage}): ${r.error}`);
    });
    await ctx.step('Restart FlyteAdmin: a new pod from the upgraded release starts', async () => {
      const r = await ctx.world.restartAdmin();
      ctx.require(r.ok, `FlyteAdmin does not start from the upgraded release (${r.stage}): ${r.error}`);
    });
    await ctx.step('Cluster resource sync (syncresources) reaches every data plane', async () => {
      const r = await ctx.world.admin.syncResourcesPass();
      ctx.expect(r.errors.length === 0, `syncresources fails after the upgrade: ${r.errors[0]}`);
    });
    const after = await ctx.step(`Run workflows with the TO chart (${ctx.opts.executions - half})`, () => workloadPhase(ctx, 'after upgrade', ctx.opts.executions - half));
    await ctx.step('Check: new executions land where the values say', () => {
      const predict = ClusterSelector.fromConfig(configOf(valuesOverride(ctx)));
      const admin = ctx.world.admin;
      let wrong = 0;
      let example = '';
      for (let i = after.from; i < after.to; i++) {
        const row = admin.executions.at(i);
        let want: string;
        try {
          want = predict.pick({ name: row.name, label: row.label, project: row.project, domain: row.domain, workflow: row.workflow }, admin.attributes.resolver);
        } catch {
          want = '';
        }
        if (row.cluster !== want) {
          wrong++;
          example ||= `${row.name}: on "${row.cluster}" (${row.phase}${row.error ? `: ${row.error}` : ''}), the values say "${want}"`;
        }
      }
      ctx.expect(wrong === 0, `${wrong} executions after the upgrade did not land where the values say, e.g. ${example}`);
    });
    await ctx.step('Check: executions from before the upgrade survive and can be terminated', async () => {
      const audit = await auditSurvival(ctx);
      ctx.expect(audit.lost.length === 0, `${audit.lost.length} executions lost their FlyteWorkflow after the upgrade (e.g. ${audit.lost[0]})`);
      ctx.expect(audit.unterminable.length === 0, `${audit.unterminable.length} executions can no longer be terminated after the upgrade (e.g. ${audit.unterminable[0]})`);
      const name = ctx.world.admin.executions.nameAt(before.from);
      const t = await ctx.world.admin.terminate(name).catch((e: Error) => e);
      ctx.expect(!(t instanceof Error) && t.phase === 'ABORTED', `terminating ${name} (created before the upgrade) fails: ${t instanceof Error ? t.message : t.phase}`);
    });
  },
};
