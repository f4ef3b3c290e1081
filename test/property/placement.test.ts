// Properties of the placement engine that hold for any configuration.
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

const clusterNames = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { minLength: 1, maxLength: 8 });

const configArb = clusterNames.chain((names) =>
  fc.record({
    names: fc.constant(names),
    enabled: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
    weights: fc.array(fc.oneof(fc.constant(0), fc.float({ min: 0, max: 1, noNaN: true })), {
      minLength: names.length,
      maxLength: names.length,
    }),
  }),
);

function build(c: { names: string[]; enabled: boolean[]; weights: number[] }): ClusterSelector | undefined {
  const config: ClustersConfig = {
    clusterConfigs: c.names.map((name, i) => ({
      name,
      endpoint: '',
      enabled: c.enabled[i]!,
      inCluster: false,
      auth: { tokenPath: '', certPath: '' },
    })),
    labelClusterMap: new Map([['l', c.names.map((id, i) => ({ id, weight: Math.fround(c.weights[i]!) }))]]),
    defaultExecutionLabel: '',
  };
  if (!c.enabled.some(Boolean)) return undefined;
  return ClusterSelector.fromConfig(config);
}

describe('placement properties', () => {
  it('the same name always gives the same cluster, and project/domain do not matter when the label is fixed', () => {
    fc.assert(
      fc.property(configArb, fc.string({ minLength: 1 }), fc.string(), fc.string(), fc.string(), (c, name, project, domain, value) => {
        const s = build(c);
        if (!s) return;
        const rows = inMemoryLabelResolver([{ project, domain, value }]);
        const first = s.pick({ name, label: 'l' });
        expect(s.pick({ name, label: 'l' })).toBe(first);
        expect(s.place({ name, label: 'l' }).cluster).toBe(first);
        expect(s.pick({ name, label: 'l', project, domain }, rows)).toBe(first);
        expect(s.pick({ name, label: 'l', project: `${project}x`, domain: 'other', workflow: 'w' }, rows)).toBe(first);
      }),
      { numRuns: 500 },
    );
  });

  it('the chosen cluster is always enabled and, under a mapped label, one with positive weight (or all zero)', () => {
    fc.assert(
      fc.property(configArb, fc.string({ minLength: 1 }), (c, name) => {
        const s = build(c);
        if (!s) return;
        const ex = s.place({ name, label: 'l' });
        const i = c.names.indexOf(ex.cluster);
        expect(c.enabled[i]).toBe(true);
        if (ex.rule === 'request-label') {
          const enabledWeights = c.names.map((_, j) => (c.enabled[j] ? Math.fround(c.weights[j]!) : 0));
          if (enabledWeights.some((w) => w > 0)) expect(Math.fround(c.weights[i]!)).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the two-word fast path equals the full generator for any int64 seed', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (seed) => {
        const { hi, lo } = int64Halves(seed);
        expect(firstFloat32(hi, lo)).toBe(new GoRand(seed).float32());
      }),
      { numRuns: 2000 },
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
