// Properties of the placement engine that hold for any configuration: ids of any case and script, several labels,
// ids repeated within a label, weights over float32's whole range, disabled and unknown ids.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClustersConfig } from '../../harness/placement/config.ts';
import {
  ClusterSelector,
  GoRand,
  PlacementError,
  WeightedList,
  WeightedListCache,
  drawForName,
  firstFloat32,
  inMemoryLabelResolver,
  int64Halves,
} from '../../harness/placement/index.ts';
import { propertyParams } from '../support/seed.ts';

// Cluster names as FlyteAdmin stores them: any case, any script (FlyteAdmin does not restrict them).
const clusterNames = fc.uniqueArray(
  fc.oneof(
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,8}$/),
    fc.array(fc.constantFrom('dp', 'DP', 'Dp', 'é', 'É', 'Ａ', '日', '\u{1F600}', '1', '_'), { minLength: 1, maxLength: 4 }).map((p) => p.join('')),
  ),
  { minLength: 1, maxLength: 8 },
);
const weightArb = fc.oneof(
  fc.constant(0),
  fc.float({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(1e-7, 1e-45, 3e-39, 1e-46, 0.99999997, 1),
);

interface Config {
  names: string[];
  enabled: boolean[];
  /** Per label: entries as indexes into names (repeats allowed) or -1 for an id that is not configured. */
  labels: { name: string; entries: { id: number; weight: number }[] }[];
}

// At least one enabled cluster, so every draw is a real placement (FlyteAdmin refuses to start otherwise).
const configArb: fc.Arbitrary<Config> = clusterNames.chain((names) =>
  fc.record({
    names: fc.constant(names),
    enabled: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }).filter((e) => e.some(Boolean)),
    labels: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('l', 'L', 'gpu', 'GPU', 'Gpu.x'),
        entries: fc.array(fc.record({ id: fc.integer({ min: -1, max: names.length - 1 }), weight: weightArb }), { minLength: 1, maxLength: 10 }),
      }),
      { minLength: 1, maxLength: 3, selector: (l) => l.name },
    ),
  }),
);

const idOf = (c: Config, i: number) => (i < 0 ? 'not-configured' : c.names[i]!);

function build(c: Config): ClusterSelector {
  const config: ClustersConfig = {
    clusterConfigs: c.names.map((name, i) => ({ name, endpoint: '', enabled: c.enabled[i]!, inCluster: false, auth: { tokenPath: '', certPath: '' } })),
    labelClusterMap: new Map(c.labels.map((l) => [l.name, l.entries.map((e) => ({ id: idOf(c, e.id), weight: Math.fround(e.weight) }))])),
    defaultExecutionLabel: '',
  };
  return ClusterSelector.fromConfig(config);
}

/** Independent reference: the clusters a label may pick (enabled, configured; positive summed weight unless all are zero). */
function eligible(c: Config, label: string): Set<string> | undefined {
  const l = c.labels.find((x) => x.name === label);
  const live = (l?.entries ?? []).filter((e) => e.id >= 0 && c.enabled[e.id]);
  if (live.length === 0) return undefined;
  const sum = new Map<string, number>();
  for (const e of live) sum.set(idOf(c, e.id), (sum.get(idOf(c, e.id)) ?? 0) + Math.fround(e.weight));
  const positive = [...sum].filter(([, w]) => w > 0).map(([id]) => id);
  return new Set(positive.length > 0 ? positive : sum.keys());
}

describe('placement properties', () => {
  it('the same name always gives the same cluster, and project/domain do not matter when the label is fixed', () => {
    fc.assert(
      fc.property(configArb, fc.string({ minLength: 1 }), fc.string(), fc.string(), fc.string(), (c, name, project, domain, value) => {
        const s = build(c);
        const rows = inMemoryLabelResolver([{ project, domain, value }]);
        for (const { name: label } of c.labels) {
          const first = s.pick({ name, label });
          expect(s.pick({ name, label })).toBe(first);
          expect(s.place({ name, label }).cluster).toBe(first);
          expect(s.pick({ name, label, project, domain }, rows)).toBe(first);
          expect(s.pick({ name, label, project: `${project}x`, domain: 'other', workflow: 'w' }, rows)).toBe(first);
        }
      }),
      propertyParams('engine: determinism', 500),
    );
  });

  it('the chosen cluster is enabled and one the label may pick (labels are exact: "GPU" is not "gpu")', () => {
    fc.assert(
      fc.property(configArb, fc.string({ minLength: 1 }), (c, name) => {
        const s = build(c);
        const enabled = new Set(c.names.filter((_, i) => c.enabled[i]));
        for (const { name: label } of c.labels) {
          const ex = s.place({ name, label });
          expect(enabled.has(ex.cluster)).toBe(true);
          const allowed = eligible(c, label);
          if (allowed === undefined) expect(ex.rule).toBe('all-enabled-clusters');
          else {
            expect(ex.rule).toBe('request-label');
            expect([...allowed]).toContain(ex.cluster);
          }
        }
      }),
      propertyParams('engine: eligibility', 500),
    );
  });

  it('the two-word fast path equals the full generator for any int64 seed', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (seed) => {
        const { hi, lo } = int64Halves(seed);
        expect(firstFloat32(hi, lo)).toBe(new GoRand(seed).float32());
      }),
      propertyParams('engine: fast path', 2000),
    );
  });
});

describe('WeightedListCache (place --batch)', () => {
  const entry = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'ab', '1', ''), weight: fc.oneof(fc.constant(0), fc.constant(-0), fc.float({ min: -0.5, max: 1.5, noNaN: true })) });
  it('gives the list (or error) a fresh build gives, built once per distinct entry list', () => {
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.array(fc.string(), { minLength: 1, maxLength: 20 }), (lists, names) => {
        const cache = new WeightedListCache();
        const distinct = new Set(lists.map((l) => JSON.stringify(l.map((e) => [e.id, Object.is(Math.fround(e.weight), -0) ? '-0' : Math.fround(e.weight)]))));
        for (const round of [0, 1]) {
          for (const items of lists) {
            const got = cache.get(items);
            let want: WeightedList | PlacementError;
            try {
              want = WeightedList.build(items);
            } catch (err) {
              want = err as PlacementError;
            }
            if (want instanceof PlacementError) expect(got, `round ${round}`).toMatchObject({ message: want.message, code: want.code });
            else {
              expect(got).toBeInstanceOf(WeightedList);
              expect((got as WeightedList).slots).toEqual(want.slots);
              for (const n of names) expect((got as WeightedList).pick(drawForName(n))).toBe(want.pick(drawForName(n)));
            }
          }
        }
        expect(cache.size).toBe(distinct.size);
      }),
    );
  });
});
