// Label behaviour: a typo falls back silently; weights are relative shares, each at most 1.
import type { Scenario } from '../context.ts';
import { deployGuide, editTopology, fixedMix, helmUpgrade, measureDistribution, preflightTopology, runWorkload, valuesOverride } from '../steps.ts';

export const labelTypo: Scenario = {
  name: 'label-typo',
  summary: 'a typo in an execution cluster label falls back silently to all enabled clusters; pre-flight catches it',
  expectations: [
    'flytectl accepts the typo\'d value (nothing checks it against labelClusterMap)',
    'pre-flight reports the label as mapping to no cluster before anything runs',
    'executions are created without any error and spread over all enabled clusters (rule all-enabled-clusters)',
    'after fixing the value, the same traffic lands on the label\'s cluster',
  ],
  dataPlanes: 2,
  async run(ctx) {
    await deployGuide(ctx, 'setup: ');
    const m = ctx.opts.executions;
    await ctx.step('flytectl update execution-cluster-label: team1/staging → "lable1" (typo)', () => {
      const r = ctx.world.admin.attributes.update({ project: 'team1', domain: 'staging', value: 'lable1' });
      ctx.expect(r.changed, 'flytectl should accept any value');
      const pf = preflightTopology(ctx);
      const hit = pf.findings.find((f) => f.code === 'FMC301' && f.message.includes('lable1'));
      ctx.expect(hit !== undefined, 'pre-flight should report the unknown label "lable1"');
      if (hit) ctx.log(`    pre-flight: ${hit.message}`);
    });
    await ctx.step(`Run team1/staging workflows (${Math.ceil(m / 2)}): silent fallback`, async () => {
      ctx.phase('typo');
      const r = await runWorkload(ctx, Math.ceil(m / 2), fixedMix(ctx, 'staging'));
      measureDistribution(ctx, 'typo', r.from, r.to);
      ctx.expect(r.failed === 0, `${r.failed} executions failed; a typo never errors`);
      const ex = ctx.world.admin.explain({ ...fixedMix(ctx, 'staging')(0), name: ctx.world.admin.executions.nameAt(r.from) });
      ctx.expect(ex.rule === 'all-enabled-clusters' && ex.label?.mapped === false, `placement should fall back to all enabled clusters, got ${ex.rule}`);
      ctx.expect(ex.logs.some((l) => l.startsWith('debug: No cluster mapping found for the label lable1')), 'FlyteAdmin only logs at debug level');
      let notFallback = 0;
      for (let i = r.from; i < r.to; i++) if (ctx.world.admin.explain({ ...ctx.world.admin.executions.at(i) }).rule !== 'all-enabled-clusters') notFallback++;
      ctx.expect(notFallback === 0, `${notFallback} staging executions were not placed by the all-enabled-clusters fallback`);
    });
    await ctx.step('Fix the value to "label1" and run again', async () => {
      ctx.world.admin.attributes.update({ project: 'team1', domain: 'staging', value: 'label1' });
      ctx.phase('fixed');
      const r = await runWorkload(ctx, Math.floor(m / 2), fixedMix(ctx, 'staging'));
      measureDistribution(ctx, 'fixed', r.from, r.to);
      let off = 0;
      for (let i = r.from; i < r.to; i++) if (ctx.world.admin.executions.clusterAt(i) !== 'dataplane_1') off++;
      ctx.expect(off === 0, `${off} staging executions missed dataplane_1 after the fix`);
    });
  },
};

export const relativeWeights: Scenario = {
  name: 'relative-weights',
  summary: 'weights are relative shares (1,1,.5 → 40/40/20), each must be ≤ 1; zero drops an entry; duplicates add up',
  expectations: [
    'observed shares match weight/total for every label (G-test, α = 1e-6), whatever the sum of weights',
    '{1,1} and {.5,.5} place every name identically',
    'a zero weight next to a positive one receives nothing; listing a cluster three times at 1 next to one at 1 gives 3:1',
    'a weight of 3 (to say 3:1) makes FlyteAdmin refuse to start: "invalid weight 3.000000, index 0"; the old pod keeps serving',
  ],
  dataPlanes: 3,
  minDataPlanes: 3,
  async run(ctx) {
    await ctx.step('Write labels with relative weights', () => {
      editTopology(ctx, (t) => ({
        labels: {
          ...t.labels,
          forty: [
            { cluster: 'dataplane_1', weight: 1 },
            { cluster: 'dataplane_2', weight: 1 },
            { cluster: 'dataplane_3', weight: 0.5 },
          ],
          ratio: [
            { cluster: 'dataplane_1', weight: 0.75 },
            { cluster: 'dataplane_2', weight: 0.25 },
          ],
          ones: [
            { cluster: 'dataplane_1', weight: 1 },
            { cluster: 'dataplane_2', weight: 1 },
          ],
          halves: [
            { cluster: 'dataplane_1', weight: 0.5 },
            { cluster: 'dataplane_2', weight: 0.5 },
          ],
          zero: [
            { cluster: 'dataplane_1', weight: 0 },
            { cluster: 'dataplane_2', weight: 1 },
          ],
          threefold: [
            { cluster: 'dataplane_1', weight: 1 },
            { cluster: 'dataplane_1', weight: 1 },
            { cluster: 'dataplane_1', weight: 1 },
            { cluster: 'dataplane_3', weight: 1 },
          ],
        },
      }));
    });
    await deployGuide(ctx, 'setup: ');
    const per = Math.max(1, Math.floor(ctx.opts.executions / 5));
    for (const label of ['forty', 'ratio', 'zero', 'threefold', 'ones']) {
      await ctx.step(`Run workflows with label ${label} (${per})`, async () => {
        ctx.phase(label);
        const r = await runWorkload(ctx, per, fixedMix(ctx, 'staging', label));
        measureDistribution(ctx, label, r.from, r.to);
        if (label === 'zero') {
          let n = 0;
          for (let i = r.from; i < r.to; i++) if (ctx.world.admin.executions.clusterAt(i) === 'dataplane_1') n++;
          ctx.expect(n === 0, `${n} executions landed on the zero-weight dataplane_1`);
        }
      });
    }
    await ctx.step('{1,1} and {.5,.5} pick identically for every name', () => {
      const admin = ctx.world.admin;
      let diff = 0;
      for (let i = 0; i < admin.executions.size; i++) {
        const name = admin.executions.nameAt(i);
        const a = admin.explain({ project: 'team1', domain: 'staging', workflow: 'w', label: 'ones', name }).cluster;
        const b = admin.explain({ project: 'team1', domain: 'staging', workflow: 'w', label: 'halves', name }).cluster;
        if (a !== b) diff++;
      }
      ctx.expect(diff === 0, `${diff} names placed differently under {1,1} and {.5,.5}`);
    });
    await ctx.step('Write 3:1 as weights 3 and 1: FlyteAdmin refuses to start', async () => {
      const before = valuesOverride(ctx);
      editTopology(ctx, (t) => ({ labels: { ...t.labels, ratio: [{ cluster: 'dataplane_1', weight: 3 }, { cluster: 'dataplane_2', weight: 1 }] } }));
      const pf = preflightTopology(ctx);
      ctx.expect(pf.findings.some((f) => f.code === 'FMC101'), 'pre-flight should report that FlyteAdmin refuses to start');
      const r = await helmUpgrade(ctx);
      ctx.expect(!r.ok && r.stage === 'serve' && r.error === 'invalid weight 3.000000, index 0', `expected "invalid weight 3.000000, index 0" at serve, got ${r.ok ? 'a start' : `${r.stage}: ${r.error}`}`);
      ctx.expect(r.stillServing && ctx.world.admin.values === before, 'the old pod should keep serving the previous values');
    });
  },
};
