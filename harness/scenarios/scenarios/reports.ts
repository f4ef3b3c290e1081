// One scenario per real-world report whose cause lies in FlyteAdmin or chart logic (docs/flyte-behaviour.md#reports).
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import type { Scenario } from '../context.ts';
import { auditSurvival, deployGuide, editTopology, fixedMix, helmUpgrade, measureDistribution, preflightTopology, runWorkload, valuesOverride } from '../steps.ts';

export const unlabelledTraffic: Scenario = {
  name: 'issue-2882-unlabelled-traffic',
  reference: 'flyteorg/flyte#2882, flyteadmin PR 477',
  summary: 'unlabelled executions reach a specialised cluster that belongs to no general label, until defaultExecutionLabel is set',
  expectations: [
    'without defaultExecutionLabel, unlabelled executions spread over every enabled cluster, the specialised one included (its share 1/3)',
    'pre-flight warns that the specialised cluster receives unlabelled traffic',
    'with defaultExecutionLabel: general, no unlabelled execution reaches it; gpu-labelled ones still do',
  ],
  dataPlanes: 3,
  minDataPlanes: 3,
  async run(ctx) {
    await ctx.step('Configure a general label (dataplane_1, dataplane_2) and a gpu label (dataplane_3 only)', () => {
      editTopology(ctx, () => ({
        labels: {
          general: [
            { cluster: 'dataplane_1', weight: 1 },
            { cluster: 'dataplane_2', weight: 1 },
          ],
          gpu: [{ cluster: 'dataplane_3', weight: 1 }],
        },
        executionClusterLabels: [],
      }));
    });
    await deployGuide(ctx, 'setup: ');
    const half = Math.ceil(ctx.opts.executions / 2);
    await ctx.step(`Run unlabelled workflows (${half})`, async () => {
      ctx.phase('no default label');
      const r = await runWorkload(ctx, half, fixedMix(ctx, 'development'));
      measureDistribution(ctx, 'no default label', r.from, r.to);
      let onGpu = 0;
      for (let i = r.from; i < r.to; i++) if (ctx.world.admin.executions.clusterAt(i) === 'dataplane_3') onGpu++;
      const list = ctx.world.admin.explain({ ...fixedMix(ctx, 'development')(0), name: ctx.world.admin.executions.nameAt(r.from) }).list;
      const share = list?.entries.find((e) => e.id === 'dataplane_3');
      ctx.expect(list?.label === null && share !== undefined, 'unlabelled executions should be placed over all enabled clusters, the gpu cluster included (the reported behaviour)');
      ctx.log(`    ${onGpu} of ${r.to - r.from} unlabelled executions landed on the gpu cluster (expected share ${share ? (((share.to - share.from) / (list?.total ?? 1)) * 100).toFixed(0) : 0}%)`);
      const pf = preflightTopology(ctx);
      ctx.expect(pf.findings.some((f) => f.code === 'FMC111' && f.message.includes('dataplane_3')), 'pre-flight should warn about dataplane_3');
    });
    await ctx.step('Set defaultExecutionLabel: general and upgrade', async () => {
      editTopology(ctx, () => ({ defaultExecutionLabel: 'general' }));
      const r = await helmUpgrade(ctx);
      ctx.require(r.ok, `FlyteAdmin should start: ${r.error}`);
    });
    await ctx.step(`Run unlabelled (${half}) and gpu-labelled workflows`, async () => {
      ctx.phase('defaultExecutionLabel: general');
      const r = await runWorkload(ctx, half, fixedMix(ctx, 'development'));
      measureDistribution(ctx, 'defaultExecutionLabel: general', r.from, r.to);
      let onGpu = 0;
      for (let i = r.from; i < r.to; i++) if (ctx.world.admin.executions.clusterAt(i) === 'dataplane_3') onGpu++;
      ctx.expect(onGpu === 0, `${onGpu} unlabelled executions still reached the gpu cluster`);
      const g = await ctx.world.admin.createExecution({ ...fixedMix(ctx, 'development', 'gpu')(0) });
      ctx.expect(g.cluster === 'dataplane_3', `a gpu-labelled execution should run on dataplane_3, got ${g.cluster}`);
    });
  },
};

export const childLabelInheritance: Scenario = {
  name: 'pr-5431-child-label-inheritance',
  reference: 'flyteorg/flyte PR 5431, flyteconsole PR 873',
  summary: 'child executions inherit the parent\'s explicit label only; a label from matchable attributes is not passed down',
  expectations: [
    'children of a parent launched with an explicit label carry that label and run on its clusters',
    'children of a parent whose label came from an execution cluster label row carry none and place by their own lookup',
    'relaunch keeps the explicit label (FlyteAdmin copies the spec), and is re-placed under the new name',
  ],
  dataPlanes: 2,
  minDataPlanes: 2,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    const n = Math.max(10, Math.floor(ctx.opts.executions / 4));
    await ctx.step(`Parents with explicit label2 in team1/staging, one child each (${n})`, async () => {
      ctx.phase('children of explicit-label parents');
      const admin = ctx.world.admin;
      const from = admin.executions.size;
      let wrong = 0;
      for (let i = 0; i < n; i++) {
        const p = await admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'parent', label: 'label2' });
        const c = await admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'child', parent: p.name });
        if (c.label !== 'label2' || c.cluster !== 'dataplane_2') wrong++;
      }
      measureDistribution(ctx, 'children of explicit-label parents', from, admin.executions.size);
      ctx.expect(wrong === 0, `${wrong} children did not inherit label2 / run on dataplane_2`);
    });
    await ctx.step(`Parents labelled by the team1/production row, children in team1/staging (${n})`, async () => {
      ctx.phase('children of attribute-labelled parents');
      const admin = ctx.world.admin;
      const from = admin.executions.size;
      let inherited = 0;
      let ownLookup = 0;
      for (let i = 0; i < n; i++) {
        const p = await admin.createExecution({ project: 'team1', domain: 'production', workflow: 'parent' });
        const c = await admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'child', parent: p.name });
        if (c.label !== '') inherited++;
        if (admin.explain({ ...c }).rule === 'all-enabled-clusters') ownLookup++;
      }
      measureDistribution(ctx, 'children of attribute-labelled parents', from, admin.executions.size);
      ctx.expect(inherited === 0, `${inherited} children inherited a label that came from matchable attributes`);
      ctx.expect(ownLookup === n, `${n - ownLookup} children were not placed by their own lookup (team1/staging has no row: all enabled clusters)`);
    });
    await ctx.step('Relaunch keeps the explicit label', async () => {
      const admin = ctx.world.admin;
      const p = await admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'parent', label: 'label1' });
      const r = await admin.relaunch(p.name);
      ctx.expect(r.label === 'label1' && r.cluster === 'dataplane_1', `relaunch should keep label1 (got "${r.label}" on ${r.cluster})`);
    });
  },
};

export const labelCase: Scenario = {
  name: 'viper-label-case',
  reference: 'spf13/viper#371, #1014',
  summary: 'viper lowercases labelClusterMap keys: a label written "GPU" never matches; the list form keeps the case',
  expectations: [
    'with labelClusterMap {GPU: [dataplane_2]} and an ECL value "GPU", executions fall back to all enabled clusters',
    'pre-flight reports "GPU" as unmapped and points at the lowercased key',
    'written in flytestdlib\'s list form, "GPU" keeps its case and the same traffic lands on dataplane_2',
    'with the label written in lowercase everywhere, it also lands on dataplane_2',
  ],
  dataPlanes: 2,
  minDataPlanes: 2,
  async run(ctx) {
    await ctx.step('Configure label "GPU" → dataplane_2 and team1/staging → "GPU"', () => {
      editTopology(ctx, (t) => ({
        labels: { ...t.labels, GPU: [{ cluster: 'dataplane_2', weight: 1 }] },
        executionClusterLabels: [...t.executionClusterLabels, { project: 'team1', domain: 'staging', value: 'GPU' }],
      }));
    });
    await deployGuide(ctx, 'setup: ');
    const third = Math.max(1, Math.floor(ctx.opts.executions / 3));
    const countOn = (from: number, to: number, cluster: string) => {
      let n = 0;
      for (let i = from; i < to; i++) if (ctx.world.admin.executions.clusterAt(i) === cluster) n++;
      return n;
    };
    await ctx.step(`Map form: run team1/staging (${third})`, async () => {
      const pf = preflightTopology(ctx);
      ctx.expect(pf.findings.some((f) => f.code === 'FMC301' && f.message.includes('"gpu" exists')), 'pre-flight should point at the lowercased key');
      ctx.phase('map form: GPU');
      const r = await runWorkload(ctx, third, fixedMix(ctx, 'staging'));
      measureDistribution(ctx, 'map form: GPU', r.from, r.to);
      let notFallback = 0;
      for (let i = r.from; i < r.to; i++) {
        if (ctx.world.admin.explain({ ...ctx.world.admin.executions.at(i) }).rule !== 'all-enabled-clusters') notFallback++;
      }
      ctx.expect(notFallback === 0, `${notFallback} executions were not placed by the all-enabled-clusters fallback`);
    });
    await ctx.step(`List form: labelClusterMap as a list of one-key maps; run again (${third})`, async () => {
      const values = parseYaml(valuesOverride(ctx)) as { configmap: { clusters: { labelClusterMap: Record<string, unknown> } } };
      const lcm = values.configmap.clusters.labelClusterMap;
      values.configmap.clusters.labelClusterMap = Object.entries(lcm).map(([k, v]) => ({ [k]: v })) as never;
      const r0 = await helmUpgrade(ctx, toYaml(values));
      ctx.require(r0.ok, `FlyteAdmin should start with the list form: ${r0.error}`);
      ctx.phase('list form: GPU');
      const r = await runWorkload(ctx, third, fixedMix(ctx, 'staging'));
      measureDistribution(ctx, 'list form: GPU', r.from, r.to);
      ctx.expect(countOn(r.from, r.to, 'dataplane_2') === r.to - r.from, 'with the list form every staging execution should land on dataplane_2');
    });
    await ctx.step(`Lowercase label "gpu" everywhere (map form); run again (${third})`, async () => {
      editTopology(ctx, (t) => {
        const { GPU, ...rest } = t.labels;
        return { labels: { ...rest, gpu: GPU ?? [] }, executionClusterLabels: t.executionClusterLabels.map((r) => (r.value === 'GPU' ? { ...r, value: 'gpu' } : r)) };
      });
      const r0 = await helmUpgrade(ctx);
      ctx.require(r0.ok, `FlyteAdmin should start: ${r0.error}`);
      ctx.world.admin.attributes.update({ project: 'team1', domain: 'staging', value: 'gpu' });
      ctx.phase('map form: gpu');
      const r = await runWorkload(ctx, third, fixedMix(ctx, 'staging'));
      measureDistribution(ctx, 'map form: gpu', r.from, r.to);
      ctx.expect(countOn(r.from, r.to, 'dataplane_2') === r.to - r.from, 'every staging execution should land on dataplane_2');
    });
  },
};

export const emptyLabelMap: Scenario = {
  name: 'pr-3993-empty-label-map',
  reference: 'flyteorg/flyte PR 3993, #3141 / PR 3213',
  summary: 'an empty labelClusterMap with remote clusters: the chart mounts no credentials into the sync init container, which panics',
  expectations: [
    'pre-flight reports the empty labelClusterMap before rollout',
    'the rollout fails in sync-cluster-resources with "panic: Failed to get auth token: open /var/run/credentials/dataplane_1_token: no such file or directory"; the old pod keeps serving',
    'FlyteAdmin itself accepts the config: with cluster_resource_manager disabled it starts and spreads executions over all enabled clusters',
  ],
  dataPlanes: 2,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    await ctx.step('Remove every label (labelClusterMap: {}) and upgrade', async () => {
      editTopology(ctx, () => ({ labels: {}, executionClusterLabels: [] }));
      const pf = preflightTopology(ctx);
      ctx.expect(pf.findings.some((f) => f.code === 'FMC201'), 'pre-flight should report the empty labelClusterMap');
      const r = await helmUpgrade(ctx);
      ctx.expect(
        !r.ok && r.stage === 'sync-cluster-resources' && r.error === 'panic: Failed to get auth token: open /var/run/credentials/dataplane_1_token: no such file or directory',
        `expected the PR 3993 panic in sync-cluster-resources, got ${r.ok ? 'a start' : `${r.stage}: ${r.error}`}`,
      );
      ctx.expect(r.stillServing, 'the old pod should keep serving');
    });
    await ctx.step(`Disable cluster_resource_manager: FlyteAdmin starts; run workflows (${ctx.opts.executions})`, async () => {
      const r0 = await helmUpgrade(ctx, `${valuesOverride(ctx)}cluster_resource_manager:\n  enabled: false\n`);
      ctx.require(r0.ok, `FlyteAdmin should start without the sync init container: ${r0.error}`);
      ctx.phase('no labels');
      const r = await runWorkload(ctx, ctx.opts.executions, fixedMix(ctx, 'development'));
      measureDistribution(ctx, 'no labels', r.from, r.to);
      ctx.expect(r.failed === 0, `${r.failed} executions failed`);
    });
  },
};

export const missingResource: Scenario = {
  name: 'issue-481-missing-resource',
  reference: 'flyteorg/flyte#481',
  summary: 'no execution cluster label rows at all: creation tolerates NotFound and spreads over all enabled clusters',
  expectations: [
    'deleting a project-domain row also deletes the workflow rows below it (GORM struct-condition delete, flyteadmin/pkg/repositories/gormimpl/resource_repo.go:193-211)',
    'with an empty attributes table every execution is created (no "Resource … not found") and placed on all enabled clusters',
    'survival: all executions are terminable',
  ],
  dataPlanes: 2,
  minDataPlanes: 2,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    await ctx.step('flytectl delete execution-cluster-label for team1/development and team1/production', () => {
      const a = ctx.world.admin.attributes;
      const gone = a.delete('team1', 'development');
      ctx.expect(gone.some((r) => r.workflow !== ''), 'deleting the project-domain row should also delete the workflow-level row');
      a.delete('team1', 'production');
      ctx.expect(a.list().length === 0, `the attributes table should be empty, has ${a.list().length} rows`);
    });
    await ctx.step(`Run workflows (${ctx.opts.executions})`, async () => {
      ctx.phase('no attributes');
      const r = await runWorkload(ctx, ctx.opts.executions);
      measureDistribution(ctx, 'no attributes', r.from, r.to);
      ctx.expect(r.failed === 0, `${r.failed} executions failed`);
      const audit = await auditSurvival(ctx);
      ctx.expect(audit.unterminable.length === 0, `${audit.unterminable.length} executions unterminable`);
    });
  },
};
