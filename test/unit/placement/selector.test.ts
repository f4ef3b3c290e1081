// The selector's decision order, FlyteAdmin's startup validation and the explanation object.
import { describe, expect, it } from 'vitest';
import type { ClusterConfig, ClustersConfig, LabelEntryConfig } from '../../../harness/placement/config.ts';
import {
  ClusterSelector,
  PlacementError,
  WeightedList,
  formatGoF,
  inMemoryLabelResolver,
  pickForName,
  compareUtf8,
  GoRand,
  firstFloat32,
  int64Halves,
} from '../../../harness/placement/index.ts';

function cluster(name: string, enabled = true): ClusterConfig {
  return { name, endpoint: `https://${name}`, enabled, inCluster: false, auth: { tokenPath: '', certPath: '' } };
}

function config(
  clusters: ClusterConfig[],
  labels: Record<string, LabelEntryConfig[]> = {},
  defaultExecutionLabel = '',
): ClustersConfig {
  return { clusterConfigs: clusters, labelClusterMap: new Map(Object.entries(labels)), defaultExecutionLabel };
}

function thrown(fn: () => unknown): PlacementError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PlacementError);
    return err as PlacementError;
  }
  throw new Error('expected a PlacementError');
}

const base = config(
  [cluster('dp1'), cluster('dp2'), cluster('dp3'), cluster('off', false)],
  {
    gpu: [{ id: 'dp1', weight: 1 }],
    cpu: [{ id: 'dp2', weight: 1 }],
    def: [{ id: 'dp3', weight: 1 }],
    onlyoff: [{ id: 'off', weight: 1 }],
  },
  'def',
);

describe('startup validation (FlyteAdmin wording)', () => {
  it('duplicate cluster names', () => {
    const e = thrown(() => ClusterSelector.fromConfig(config([cluster('a'), cluster('b'), cluster('a')])));
    expect(e.code).toBe('duplicate-cluster');
    expect(e.message).toBe('duplicate clusters for name a');
  });

  it('no enabled cluster: entries is empty', () => {
    const e = thrown(() => ClusterSelector.fromConfig(config([cluster('a', false)])));
    expect(e.message).toBe('entries is empty');
  });

  it('weight above 1 on an enabled known cluster, index after filtering', () => {
    const e = thrown(() =>
      ClusterSelector.fromConfig(
        config([cluster('a'), cluster('b'), cluster('c', false)], {
          l: [
            { id: 'c', weight: 7 },
            { id: 'zz', weight: 0.1 },
            { id: 'a', weight: 0.5 },
            { id: 'b', weight: Math.fround(1.5) },
          ],
        }),
      ),
    );
    expect(e.code).toBe('invalid-weight');
    expect(e.message).toBe('invalid weight 1.500000, index 1');
  });

  it('negative weight', () => {
    const e = thrown(() => ClusterSelector.fromConfig(config([cluster('a')], { l: [{ id: 'a', weight: Math.fround(-0.1) }] })));
    expect(e.message).toBe('invalid weight -0.100000, index 0');
  });

  it('a bad weight on a disabled or unknown cluster is never validated; the label is dropped', () => {
    const s = ClusterSelector.fromConfig(
      config([cluster('a'), cluster('b', false)], { l: [{ id: 'b', weight: 3 }, { id: 'ghost', weight: 9 }] }),
    );
    expect(s.labelLists.has('l')).toBe(false);
    expect(s.droppedLabels).toEqual(['l']);
  });

  it('a weight that rounds to 1 as a float32 is accepted as exactly 1; the next float32 above 1 is refused', () => {
    const s = ClusterSelector.fromConfig(config([cluster('a'), cluster('b')], { l: [{ id: 'a', weight: 1.00000001 }, { id: 'b', weight: 1 }] }));
    const list = s.labelLists.get('l')!;
    expect(list.total).toBe(2);
    expect(list.slots.map((x) => [x.id, x.cumulative])).toEqual([['a', 1], ['b', 2]]);
    // 1.0000001 is float32 1.00000011920928955078125; Go's %f prints it as 1.000000.
    expect(thrown(() => ClusterSelector.fromConfig(config([cluster('a')], { l: [{ id: 'a', weight: 1.0000001 }] }))).message).toBe('invalid weight 1.000000, index 0');
  });

  it('entries is empty from the weighted list itself', () => {
    expect(() => WeightedList.build([])).toThrow('entries is empty');
  });

  it('formats %f like Go (exact value, ties to even, infinities)', () => {
    expect(formatGoF(Math.fround(1.5))).toBe('1.500000');
    expect(formatGoF(Math.fround(1.1))).toBe('1.100000');
    expect(formatGoF(1.0078125)).toBe('1.007812');
    expect(formatGoF(1.0234375)).toBe('1.023438');
    expect(formatGoF(Infinity)).toBe('+Inf');
    expect(formatGoF(-Infinity)).toBe('-Inf');
    expect(formatGoF(Math.fround(-1e-40))).toBe('-0.000000');
    expect(formatGoF(123456.789)).toBe('123456.789000');
  });
});

describe('GetTarget decision order', () => {
  const s = ClusterSelector.fromConfig(base);
  const rows = inMemoryLabelResolver([
    { project: 'p', value: 'cpu' },
    { project: 'p', domain: 'dev', value: 'gpu' },
    { project: 'p', domain: 'dev', workflow: 'wf', value: 'nope' },
    { project: 'p', domain: 'prod', workflow: 'wf', value: '' },
    { project: 'q', domain: 'dev', value: 'onlyoff' },
  ]);

  it('explicit target id, including a disabled cluster', () => {
    expect(s.place({ name: 'x', targetId: 'off' })).toMatchObject({ cluster: 'off', rule: 'target-id' });
    expect(thrown(() => s.place({ name: 'x', targetId: 'nope' })).message).toBe('invalid cluster target nope');
  });

  it('an explicit label wins over the attribute', () => {
    const ex = s.place({ name: 'x', label: 'cpu', project: 'p', domain: 'dev' }, rows);
    expect(ex).toMatchObject({ cluster: 'dp2', rule: 'request-label', label: { value: 'cpu', source: 'request', mapped: true } });
  });

  it('an unknown explicit label skips the attribute and goes to the default label', () => {
    const ex = s.place({ name: 'x', label: 'typo', project: 'p', domain: 'dev' }, rows);
    expect(ex).toMatchObject({ cluster: 'dp3', rule: 'default-execution-label', defaultExecutionLabel: { value: 'def', mapped: true } });
    expect(ex.logs).toEqual(['debug: No cluster mapping found for the label typo']);
  });

  it('project-domain attribute beats project attribute', () => {
    const ex = s.place({ name: 'x', project: 'p', domain: 'dev' }, rows);
    expect(ex).toMatchObject({ cluster: 'dp1', rule: 'execution-cluster-label' });
    expect(ex.label).toEqual({ value: 'gpu', source: 'attribute', level: 'project-domain', priority: 10, mapped: true });
  });

  it('project attribute applies to every domain', () => {
    expect(s.place({ name: 'x', project: 'p', domain: 'staging' }, rows)).toMatchObject({ cluster: 'dp2', label: { level: 'project' } });
  });

  it('only the top row counts: an unknown or empty workflow value hides the project-domain row', () => {
    const ex = s.place({ name: 'x', project: 'p', domain: 'dev', workflow: 'wf' }, rows);
    expect(ex).toMatchObject({ cluster: 'dp3', rule: 'default-execution-label', label: { value: 'nope', level: 'workflow', mapped: false } });
    const empty = s.place({ name: 'x', project: 'p', domain: 'prod', workflow: 'wf' }, rows);
    expect(empty).toMatchObject({ cluster: 'dp3', rule: 'default-execution-label', label: { value: '', priority: 100 } });
  });

  it('a label whose clusters are all disabled is absent and falls through', () => {
    expect(s.place({ name: 'x', project: 'q', domain: 'dev' }, rows)).toMatchObject({ cluster: 'dp3', rule: 'default-execution-label' });
  });

  it('an unmapped default label falls back to all enabled clusters, equally weighted', () => {
    const s2 = ClusterSelector.fromConfig({ ...base, defaultExecutionLabel: 'DEF' });
    const ex = s2.place({ name: 'e3' });
    expect(ex.rule).toBe('all-enabled-clusters');
    expect(ex.logs).toEqual(['warn: No cluster mapping found for the default execution label DEF']);
    expect(ex.list?.entries.map((e) => e.id)).toEqual(['dp1', 'dp2', 'dp3']);
    expect(ex.list?.uniform).toBe(true);
    // upstream: equal three-way, e3 → the third cluster
    expect(ex.cluster).toBe('dp3');
  });

  it('no label and no default: all enabled clusters', () => {
    const s3 = ClusterSelector.fromConfig({ ...base, defaultExecutionLabel: '' });
    expect(s3.place({ name: 'e' })).toMatchObject({ rule: 'all-enabled-clusters' });
  });

  it('label keys are taken as they are (no lowercasing in the selector)', () => {
    const s4 = ClusterSelector.fromConfig(config([cluster('a'), cluster('b')], { GPU: [{ id: 'b', weight: 1 }] }));
    expect(s4.place({ name: 'x', label: 'GPU' }).cluster).toBe('b');
    expect(s4.place({ name: 'x', label: 'gpu' }).rule).toBe('all-enabled-clusters');
  });

  it('pick agrees with place', () => {
    for (const name of ['a', 'b', 'c', 'e1', 'zz']) {
      for (const req of [{ name }, { name, label: 'cpu' }, { name, project: 'p', domain: 'dev', workflow: 'wf' }]) {
        expect(s.pick(req, rows)).toBe(s.place(req, rows).cluster);
      }
    }
  });

  it('an empty execution name is not reproducible and says so', () => {
    const ex = s.place({ name: '', label: 'cpu' }, undefined, { random: () => 0.3 });
    expect(ex.cluster).toBe('dp2');
    expect(ex.draw).toMatchObject({ deterministic: false });
  });
});

describe('single-cluster mode (no clusterConfigs)', () => {
  const s = ClusterSelector.fromConfig(config([]));
  it('stores cluster "" and rejects remote targets and labels', () => {
    expect(s.place({ name: 'x' })).toMatchObject({ cluster: '', rule: 'in-cluster' });
    expect(s.place({ name: 'x', targetId: 'id' }).cluster).toBe('');
    expect(thrown(() => s.place({ name: 'x', targetId: 'dp1' })).message).toBe('remote target dp1 is not supported');
    expect(thrown(() => s.place({ name: 'x', label: 'gpu' })).message).toBe('execution cluster label gpu is not supported');
  });
});

describe('explanation', () => {
  it('shows the list, the boundaries and the draw', () => {
    const s = ClusterSelector.fromConfig(
      config([cluster('testcluster2'), cluster('testcluster3')], {
        all: [
          { id: 'testcluster3', weight: 0.5 },
          { id: 'testcluster2', weight: 0.5 },
        ],
      }),
    );
    const ex = s.place({ name: 'e1', label: 'all' });
    expect(ex).toMatchObject({
      cluster: 'testcluster3',
      rule: 'request-label',
      index: 1,
      list: {
        label: 'all',
        uniform: false,
        total: 1,
        entries: [
          { id: 'testcluster2', weight: 0.5, from: 0, to: 0.5 },
          { id: 'testcluster3', weight: 0.5, from: 0.5, to: 1 },
        ],
      },
      draw: {
        deterministic: true,
        name: 'e1',
        fnv64a: '088e7b07b539b883',
        seed: '616565472031783043',
        lcgState0: 1180085906,
        uBits: '0x3f2e5e66',
        randomWeightBits: '0x3f2e5e66',
        resampled: false,
      },
    });
    expect(JSON.parse(JSON.stringify(ex))).toEqual(ex);
  });
});

describe('weighted list rules', () => {
  it('zero weights are skipped unless all are zero', () => {
    expect(WeightedList.build([{ id: 'a', weight: 0 }, { id: 'b', weight: 1 }]).slots.map((s) => s.id)).toEqual(['b']);
    const u = WeightedList.build([{ id: 'a', weight: 0 }, { id: 'b', weight: 0 }, { id: 'c', weight: 0 }]);
    expect(u.slots.map((s) => s.cumulative)).toEqual([Math.fround(1 / 3), Math.fround(2 / 3), 1]);
  });

  it('>= walk: a draw exactly on a boundary picks the lower entry', () => {
    const l = WeightedList.build([{ id: 'a', weight: 0.5 }, { id: 'b', weight: 0.5 }]);
    expect(l.pick(0.5)).toBe('a');
    expect(l.pick(Math.fround(0.50000006))).toBe('b');
  });

  it('NaN falls back to the last entry', () => {
    expect(WeightedList.build([{ id: 'a', weight: NaN }, { id: 'b', weight: 0.5 }]).pick(0.1)).toBe('b');
  });

  it('relative weights: {1,1} and {.2,.2} behave like {.5,.5}', () => {
    const mk = (w: number) => WeightedList.build([{ id: 'dp_1', weight: w }, { id: 'dp_2', weight: w }]);
    const names = ['e', 'e1', 'e22', 'e3', 'abc123', 'f8a2b3c4d5e6f7a8b9c0', 'a', 'b', 'c', 'd'];
    const want = [1, 2, 1, 2, 1, 2, 2, 1, 1, 2].map((i) => `dp_${i}`);
    for (const w of [0.5, 1, 0.2]) expect(names.map((n) => pickForName(mk(w), n))).toEqual(want);
  });

  it('sorts ids by UTF-8 bytes, not UTF-16 code units', () => {
    const ids = ['\u{1F600}', '\uFF21', 'B', 'a'];
    expect([...ids].sort(compareUtf8)).toEqual(['B', 'a', '\uFF21', '\u{1F600}']);
    expect([...ids].sort()).toEqual(['B', 'a', '\u{1F600}', '\uFF21']);
  });
});

describe('fast path vs full generator', () => {
  it('agrees on the first Float32 for many seeds', () => {
    let s = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 3000; i++) {
      s = BigInt.asIntN(64, s * 6364136223846793005n + 1442695040888963407n);
      const { hi, lo } = int64Halves(s);
      expect(firstFloat32(hi, lo)).toBe(new GoRand(s).float32());
    }
  });
});
