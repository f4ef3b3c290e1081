// Properties of the World (sim backend + FlyteAdmin model) over generated topologies and request mixes: labels of
// any case (map-form keys that collide by case included), a cluster twice in a label, tiny weights, ECL rows that
// repeat and project-only rows. Each property prints its seed (test/support/seed.ts); fast-check prints the shrunk
// counterexample on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preflight } from '../../harness/admin/preflight.ts';
import { isTerminal } from '../../harness/admin/executions.ts';
import { ClusterSelector, clustersConfigFromTopology, type ClustersConfig } from '../../harness/placement/index.ts';
import type { Topology } from '../../harness/topology/index.ts';
import { ScenarioContext, type Scenario } from '../../harness/scenarios/context.ts';
import { applyEclFiles, auditSurvival, collectCredentials, applyCredentials, createTokenSecret, deployGuide, helmUpgrade, installDataPlane, preflightTopology } from '../../harness/scenarios/steps.ts';
import { gTest } from '../../harness/placement/stats.ts';
import { NameSource } from '../../harness/admin/names.ts';
import { propertyParams } from '../support/seed.ts';

const noop: Scenario = { name: 'prop', summary: '', expectations: [], run: async () => {} };
const DOMAINS = ['development', 'staging', 'production'] as const;
const WORKFLOWS = ['wf1', 'wf2'] as const;
const WEIGHTS = [0, 1e-45, 1e-7, 0.001, 0.25, 0.5, 0.75, 1] as const;
// Written label keys: "GPU", "Gpu" and "gpu" are one key to FlyteAdmin (viper lowercases map keys); "Team.A" keeps its case.
const LABELS = ['l1', 'l2', 'L2', 'GPU', 'Gpu', 'gpu', 'Team.A'] as const;
const VALUES = ['l1', 'l2', 'L2', 'GPU', 'gpu', 'Team.A', 'team.a', 'typo', ''] as const;

interface Shape {
  enabled: boolean[];
  labels: { name: string; entries: { cluster: number; weight: number }[] }[];
  /** ECL rows in the order applied; no domain is a project-only row (flytectl accepts it; the topology cannot write it). */
  ecl: { domain?: string; workflow?: string; value: string }[];
  defaultLabel: string;
}

/** Small topologies: 1–4 data planes (the first enabled), 1–3 labels of any case, 0–4 ECL rows (repeats, typos, project-only). */
const shapeArb: fc.Arbitrary<Shape> = fc
  .integer({ min: 1, max: 4 })
  .chain((n) =>
    fc.record({
      enabled: fc.tuple(fc.constant(true), ...Array.from({ length: n - 1 }, () => fc.boolean())),
      labels: fc.uniqueArray(
        fc.record({
          name: fc.constantFrom(...LABELS),
          entries: fc.array(fc.record({ cluster: fc.nat({ max: n - 1 }), weight: fc.constantFrom(...WEIGHTS) }), { minLength: 1, maxLength: n + 1 }),
        }),
        { minLength: 1, maxLength: 3, selector: (l) => l.name },
      ),
      ecl: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: fc.record({ domain: fc.constantFrom(...DOMAINS), workflow: fc.option(fc.constantFrom(...WORKFLOWS), { nil: undefined }), value: fc.constantFrom(...VALUES) }) },
          { weight: 1, arbitrary: fc.record({ value: fc.constantFrom(...VALUES) }) },
        ),
        { maxLength: 4 },
      ),
      defaultLabel: fc.constantFrom('', 'l1', 'L2', 'gpu', 'missing'),
    }),
  );

/** The same shape with FlyteAdmin-proof labels: lower case, one key per label, values that match them. */
function saneShape(s: Shape): Shape {
  const fold = (l: string) => (l.includes('.') ? l : l.toLowerCase());
  const labels = [...new Map(s.labels.map((l) => [fold(l.name), { ...l, name: fold(l.name) }])).values()];
  return { ...s, labels, ecl: s.ecl.map((r) => ({ ...r, value: fold(r.value) })), defaultLabel: fold(s.defaultLabel) };
}
const saneShapeArb = shapeArb.map(saneShape);

const reqArb = fc.record({
  domain: fc.constantFrom(...DOMAINS),
  workflow: fc.constantFrom(...WORKFLOWS),
  label: fc.constantFrom(undefined, ...VALUES),
});

function applyShape(t: Topology, s: Shape): Topology {
  const name = (i: number) => `dataplane_${i + 1}`;
  return {
    ...t,
    dataPlanes: s.enabled.map((enabled, i) => ({ name: name(i), endpoint: 'auto', enabled })),
    labels: Object.fromEntries(s.labels.map((l) => [l.name, l.entries.map((e) => ({ cluster: name(e.cluster), weight: e.weight }))])),
    // Every row as written, repeats included: flytectl applies them in order, the later replacing the earlier.
    executionClusterLabels: s.ecl.flatMap((r) => (r.domain === undefined ? [] : [{ project: 'team1', ...r, domain: r.domain }])),
    defaultExecutionLabel: s.defaultLabel || undefined,
  };
}

async function worldFor(s: Shape, seed = 1): Promise<ScenarioContext> {
  const ctx = await ScenarioContext.create(noop, { backend: 'sim', dataPlanes: s.enabled.length, executions: 0, seed, log: () => {} });
  ctx.topology = applyShape(ctx.topology, s);
  await deployGuide(ctx);
  // Project-only rows go straight to FlyteAdmin, as `flytectl update execution-cluster-label` with only a project does.
  for (const r of s.ecl) if (r.domain === undefined) ctx.world.admin.attributes.update({ project: 'team1', value: r.value });
  return ctx;
}

/**
 * Independent reference, from the shape alone: the clusters an execution may land on. Labels are read as viper reads
 * map keys (lowercased unless dotted); when two written keys fold into one, FlyteAdmin keeps either (Go map order),
 * so both outcomes are allowed. A label none of whose ids is enabled is dropped; zero-weight ids are never picked
 * unless all are zero; ids listed twice add up. Then the request label, else the most specific ECL row (workflow >
 * project-domain > project, the last applied per key), else defaultExecutionLabel, else every enabled cluster.
 */
function allowedClusters(s: Shape, req: { domain: string; workflow: string; label?: string }): Set<string> {
  const id = (i: number) => `dataplane_${i + 1}`;
  const enabled = new Set(s.enabled.flatMap((e, i) => (e ? [id(i)] : [])));
  const fold = (l: string) => (l.includes('.') ? l : l.toLowerCase());
  const outcomes = (label: string): Set<string>[] | undefined => {
    const written = s.labels.filter((l) => fold(l.name) === label);
    if (written.length === 0) return undefined;
    return written.map((l) => {
      const sums = new Map<string, number>();
      for (const e of l.entries) if (enabled.has(id(e.cluster))) sums.set(id(e.cluster), (sums.get(id(e.cluster)) ?? 0) + Math.fround(e.weight));
      const positive = [...sums].filter(([, w]) => w > 0).map(([c]) => c);
      return new Set(positive.length > 0 ? positive : sums.keys());
    });
  };
  const fallbacks = (): Set<string> => {
    const d = s.defaultLabel ? outcomes(s.defaultLabel) : undefined;
    return d ? new Set(d.flatMap((o) => [...(o.size > 0 ? o : enabled)])) : enabled;
  };
  let label = req.label ?? '';
  if (!label) {
    const last = (match: (r: Shape['ecl'][number]) => boolean) => s.ecl.filter(match).at(-1);
    const row =
      last((r) => r.domain === req.domain && r.workflow === req.workflow) ??
      last((r) => r.domain === req.domain && r.workflow === undefined) ??
      last((r) => r.domain === undefined);
    label = row?.value ?? '';
  }
  const mapped = label ? outcomes(label) : undefined;
  if (!mapped) return fallbacks();
  return new Set(mapped.flatMap((o) => [...(o.size > 0 ? o : fallbacks())]));
}

describe('World properties (sim)', () => {
  it('executions land only on enabled clusters reachable by the effective label\'s fallback chain', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, fc.array(reqArb, { minLength: 1, maxLength: 25 }), async (shape, reqs) => {
        const ctx = await worldFor(shape);
        try {
          for (const r of reqs) {
            const e = await ctx.world.admin.createExecution({ project: 'team1', ...r });
            expect(e.phase).toBe('RUNNING');
            expect([...allowedClusters(shape, r)]).toContain(e.cluster);
          }
        } finally {
          await ctx.world.dispose();
        }
      }),
      propertyParams('world: placement within the fallback chain', 30),
    );
  });

  it('placement depends on the execution name only (not on project/domain given the list, history, order or world seed)', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, fc.array(reqArb, { minLength: 2, maxLength: 15 }), fc.integer({ min: 2, max: 1000 }), async (shape, reqs, seed) => {
        const a = await worldFor(shape, 1);
        const b = await worldFor(shape, seed);
        try {
          const names = reqs.map((_, i) => `a${String(i).padStart(19, 'x')}`);
          const placedA = new Map<string, string>();
          for (const [i, r] of reqs.entries()) placedA.set(names[i] as string, (await a.world.admin.createExecution({ project: 'team1', ...r, name: names[i] })).cluster);
          for (const i of [...reqs.keys()].reverse()) {
            const e = await b.world.admin.createExecution({ project: 'team1', ...(reqs[i] as (typeof reqs)[number]), name: names[i] });
            expect(e.cluster).toBe(placedA.get(names[i] as string));
          }
          // Same name, explicit label: project and domain do not matter.
          for (const label of VALUES) {
            const x = a.world.admin.explain({ project: 'team1', domain: 'development', workflow: 'wf1', label, name: 'asame000000000000000' }).cluster;
            const y = a.world.admin.explain({ project: 'team1', domain: 'production', workflow: 'wf2', label, name: 'asame000000000000000' }).cluster;
            if (a.world.admin.selector?.labelLists.has(label)) expect(y).toBe(x);
          }
        } finally {
          await a.world.dispose();
          await b.world.dispose();
        }
      }),
      propertyParams('world: placement depends on the name only', 10),
    );
  });

  it('observed shares match the weights (G-test, α = 1e-6, over a fixed set of 2000 generated names)', async () => {
    const weightsArb = fc.array(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(weightsArb, async (weights) => {
        const shape: Shape = {
          enabled: weights.map(() => true),
          labels: [{ name: 'l1', entries: weights.map((weight, cluster) => ({ cluster, weight })) }],
          ecl: [],
          defaultLabel: '',
        };
        const ctx = await worldFor(shape, 99);
        try {
          const counts = new Map<string, number>();
          for (let i = 0; i < 2000; i++) {
            const e = await ctx.world.admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'wf1', label: 'l1' });
            counts.set(e.cluster, (counts.get(e.cluster) ?? 0) + 1);
          }
          const total = (weights as number[]).reduce((x, y) => x + y, 0);
          const expected = weights.map((w) => (total === 0 ? 1 / weights.length : w / total));
          const observed = weights.map((_, i) => counts.get(`dataplane_${i + 1}`) ?? 0);
          const { pValue } = gTest(observed, expected);
          expect(pValue, `observed ${observed.join('/')} for weights ${weights.join('/')}`).toBeGreaterThanOrEqual(1e-6);
        } finally {
          await ctx.world.dispose();
        }
      }),
      propertyParams('world: G-test of shares', 12),
    );
  });

  it('the G-test property cannot flake: every weight vector it can draw passes on its fixed name set (exhaustive)', () => {
    // The world above names executions from NameSource('99/prop'); the same 2000 names, every vector of 1–4 weights
    // from {0, .25, .5, .75, 1}: 780 vectors, checked with the pure selector.
    const src = new NameSource('99/prop');
    const names = Array.from({ length: 2000 }, () => src.name());
    const values = [0, 0.25, 0.5, 0.75, 1];
    let vectors: number[][] = [[]];
    let worst = 1;
    for (let len = 1; len <= 4; len++) {
      vectors = vectors.flatMap((v) => values.map((w) => [...v, w]));
      for (const weights of vectors) {
        const ids = weights.map((_, i) => `dataplane_${i + 1}`);
        const cfg: ClustersConfig = {
          clusterConfigs: ids.map((name) => ({ name, endpoint: '', enabled: true, inCluster: false, auth: { tokenPath: '', certPath: '' } })),
          labelClusterMap: new Map([['l1', weights.map((weight, i) => ({ id: ids[i] as string, weight }))]]),
          defaultExecutionLabel: '',
        };
        const sel = ClusterSelector.fromConfig(cfg);
        const counts = new Map<string, number>();
        for (const name of names) {
          const c = sel.pick({ name, label: 'l1' });
          counts.set(c, (counts.get(c) ?? 0) + 1);
        }
        const total = weights.reduce((x, y) => x + y, 0);
        const { pValue } = gTest(ids.map((id) => counts.get(id) ?? 0), weights.map((w) => (total === 0 ? 1 / weights.length : w / total)));
        worst = Math.min(worst, pValue);
      }
    }
    expect(worst).toBeGreaterThanOrEqual(1e-6);
  });

  it('day 2: for any valid sequence of additions, re-weightings, label and attribute changes with restarts, nothing is lost and everything stays terminable', async () => {
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('add' as const) }),
      fc.record({ kind: fc.constant('reweight' as const), label: fc.nat({ max: 2 }), weight: fc.constantFrom(0.25, 0.5, 1) }),
      fc.record({ kind: fc.constant('relabel' as const), label: fc.nat({ max: 2 }), cluster: fc.nat({ max: 5 }) }),
      fc.record({ kind: fc.constant('attribute' as const), domain: fc.constantFrom(...DOMAINS), value: fc.constantFrom('l1', 'l2', 'l3') }),
      fc.record({ kind: fc.constant('restart' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(saneShapeArb, fc.array(opArb, { minLength: 1, maxLength: 5 }), fc.array(reqArb, { minLength: 3, maxLength: 12 }), async (shape0, ops, reqs) => {
        // Valid start: every ECL value maps to an enabled cluster (typos and dead labels belong to the unsafe property).
        const live = (t: Topology) => Object.keys(t.labels).filter((l) => (t.labels[l] ?? []).some((e) => t.dataPlanes.some((d) => d.enabled && d.name === e.cluster)));
        const liveAt0 = shape0.labels.filter((l) => l.entries.some((e) => shape0.enabled[e.cluster])).map((l) => l.name);
        const shape = { ...shape0, ecl: shape0.ecl.filter((r) => liveAt0.includes(r.value)), defaultLabel: liveAt0.includes(shape0.defaultLabel) ? shape0.defaultLabel : '' };
        const ctx = await worldFor(shape);
        try {
          const batch = async () => {
            const cfg = clustersConfigFromTopology(ctx.topology);
            const selector = ClusterSelector.fromConfig(cfg);
            for (const r of reqs) {
              const e = await ctx.world.admin.createExecution({ project: 'team1', ...r });
              expect(e.phase).toBe('RUNNING');
              expect(e.cluster).toBe(selector.pick({ name: e.name, project: 'team1', domain: r.domain, workflow: r.workflow, label: r.label ?? '' }, ctx.world.admin.attributes.resolver));
            }
          };
          await batch();
          for (const op of ops) {
            const t = ctx.topology;
            const labelNames = Object.keys(t.labels);
            if (op.kind === 'add') {
              const name = `dataplane_${t.dataPlanes.length + 1}`;
              ctx.topology = { ...t, dataPlanes: [...t.dataPlanes, { name, endpoint: 'auto', enabled: true }] };
              await ctx.world.addDataPlane(name);
              await installDataPlane(ctx, name);
              await createTokenSecret(ctx, name);
              await applyCredentials(ctx, await collectCredentials(ctx));
            } else if (op.kind === 'reweight') {
              const l = labelNames[op.label % labelNames.length] as string;
              ctx.topology = { ...t, labels: { ...t.labels, [l]: (t.labels[l] ?? []).map((e, i) => (i === 0 ? { ...e, weight: op.weight } : e)) } };
            } else if (op.kind === 'relabel') {
              const l = labelNames[op.label % labelNames.length] as string;
              const enabled = t.dataPlanes.filter((d) => d.enabled);
              const target = enabled[op.cluster % enabled.length]?.name as string;
              ctx.topology = { ...t, labels: { ...t.labels, [l]: [{ cluster: target, weight: 1 }] } };
            } else if (op.kind === 'attribute') {
              const alive = live(t);
              if (alive.length === 0) continue;
              const value = alive.includes(op.value) ? op.value : (alive[0] as string);
              ctx.topology = { ...t, executionClusterLabels: [...t.executionClusterLabels.filter((r) => !(r.domain === op.domain && !r.workflow)), { project: 'team1', domain: op.domain, value }] };
            }
            const pf = preflightTopology(ctx);
            expect(pf.ok, pf.findings.map((f) => f.message).join('; ')).toBe(true);
            const r = op.kind === 'restart' ? await ctx.world.restartAdmin() : await helmUpgrade(ctx);
            expect(r.ok, r.error).toBe(true);
            await applyEclFiles(ctx);
            const audit = await auditSurvival(ctx);
            expect(audit.lost).toEqual([]);
            expect(audit.unterminable).toEqual([]);
            await batch();
          }
          const admin = ctx.world.admin;
          for (let i = 0; i < admin.executions.size; i++) {
            if (!isTerminal(admin.executions.phaseAt(i))) expect((await admin.terminate(admin.executions.nameAt(i))).phase).toBe('ABORTED');
          }
        } finally {
          await ctx.world.dispose();
        }
      }),
      propertyParams('world: day 2 keeps everything terminable', 20),
    );
  });

  it('unsafe rollouts are caught by pre-flight before they are applied, and are really unsafe when applied', async () => {
    const unsafeArb = fc.constantFrom('remove-live-cluster' as const, 'enable-heavy-cluster' as const, 'typo-label' as const);
    await fc.assert(
      fc.asyncProperty(saneShapeArb, unsafeArb, fc.array(reqArb, { minLength: 4, maxLength: 12 }), async (shape0, kind, reqs) => {
        const shape: Shape = { ...shape0, enabled: shape0.enabled.length > 1 ? shape0.enabled : [true, false], ecl: [] };
        if (kind === 'enable-heavy-cluster') shape.enabled = shape.enabled.map((e, i) => (i === shape.enabled.length - 1 ? false : e));
        const ctx = await worldFor(shape);
        try {
          for (const r of reqs) await ctx.world.admin.createExecution({ project: 'team1', ...r });
          const admin = ctx.world.admin;
          const t = ctx.topology;
          let victim = '';
          if (kind === 'remove-live-cluster') {
            const live = admin.executions.liveByCluster();
            victim = [...live.keys()].find((c) => c !== '') ?? '';
            fc.pre(victim !== '' && t.dataPlanes.filter((d) => d.enabled && d.name !== victim).length > 0);
            ctx.topology = { ...t, dataPlanes: t.dataPlanes.filter((d) => d.name !== victim), labels: Object.fromEntries(Object.entries(t.labels).map(([l, es]) => [l, es.filter((e) => e.cluster !== victim)]).filter(([, es]) => (es as unknown[]).length > 0)) };
            fc.pre(Object.keys(ctx.topology.labels).length > 0);
          } else if (kind === 'enable-heavy-cluster') {
            const last = t.dataPlanes[t.dataPlanes.length - 1]?.name as string;
            ctx.topology = { ...t, dataPlanes: t.dataPlanes.map((d) => (d.name === last ? { ...d, enabled: true } : d)), labels: { ...t.labels, heavy: [{ cluster: last, weight: 3 }] } };
          } else {
            ctx.topology = { ...t, executionClusterLabels: [{ project: 'team1', domain: 'staging', value: 'l1x' }] };
            admin.attributes.update({ project: 'team1', domain: 'staging', value: 'l1x' });
          }
          const pf = preflightTopology(ctx);
          const code = { 'remove-live-cluster': 'strands-executions', 'enable-heavy-cluster': 'FMC101', 'typo-label': 'FMC301' }[kind];
          expect(pf.ok).toBe(false);
          expect(pf.findings.map((f) => f.code)).toContain(code);
          // Applied anyway, the harm is real.
          const r = await helmUpgrade(ctx);
          if (kind === 'enable-heavy-cluster') {
            expect(r.ok).toBe(false);
          } else if (kind === 'remove-live-cluster') {
            const name = admin.executions.nameAt([...Array(admin.executions.size).keys()].find((i) => admin.executions.clusterAt(i) === victim) as number);
            await expect(admin.terminate(name)).rejects.toThrow(`invalid cluster target ${victim}`);
          } else {
            const ex = admin.explain({ project: 'team1', domain: 'staging', workflow: 'wf1', name: 'atypo000000000000000' });
            expect(ex.rule).not.toBe('execution-cluster-label');
          }
          // The same check from plain data agrees.
          expect(preflight(clustersConfigFromTopology(t), clustersConfigFromTopology(ctx.topology), admin.executions, { attributes: admin.attributes.list() }).ok).toBe(false);
        } finally {
          await ctx.world.dispose();
        }
      }),
      propertyParams('world: unsafe rollouts are caught', 25),
    );
  });
});
