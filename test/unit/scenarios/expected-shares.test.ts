// The scenarios' independent reading of expected shares: each row's expectation is worked out by hand from the rule
// it names (flytestdlib random/weighted_random_list.go, flyteadmin random_cluster_selector.go at v1.16.8).
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { expectedShares } from '../../../harness/scenarios/expected-shares.ts';

const cluster = (name: string, enabled = true) => ({ name, endpoint: `https://${name}:443`, enabled });
function values(labelClusterMap: unknown, opts: { disabled?: string[]; defaultExecutionLabel?: string } = {}): string {
  const clusterConfigs = ['dp1', 'dp2', 'dp3'].map((n) => cluster(n, !opts.disabled?.includes(n)));
  const d = opts.defaultExecutionLabel !== undefined ? { defaultExecutionLabel: opts.defaultExecutionLabel } : {};
  return stringify({ configmap: { clusters: { clusterConfigs, labelClusterMap, ...d } } });
}
const shares = (v: string, label: string) => Object.fromEntries(expectedShares(v, label).shares);

describe('expectedShares', () => {
  it('weights are relative: 1, 1, .5 is 40/40/20', () => {
    const v = values({ l: [{ id: 'dp1', weight: 1 }, { id: 'dp2', weight: 1 }, { id: 'dp3', weight: 0.5 }] });
    expect(shares(v, 'l')).toEqual({ dp1: 0.4, dp2: 0.4, dp3: 0.2 });
  });

  it('an id listed twice counts twice: dp1 .25 + .25 against dp2 .5 is 50/50', () => {
    const v = values({ l: [{ id: 'dp1', weight: 0.25 }, { id: 'dp2', weight: 0.5 }, { id: 'dp1', weight: 0.25 }] });
    expect(shares(v, 'l')).toEqual({ dp1: 0.5, dp2: 0.5 });
  });

  it('disabled and unknown ids are dropped; a label left with none falls back to every enabled cluster', () => {
    const v = values({ l: [{ id: 'dp1', weight: 0.5 }, { id: 'dp2', weight: 0.25 }, { id: 'nope', weight: 0.25 }], dead: [{ id: 'dp2', weight: 1 }] }, { disabled: ['dp2'] });
    expect(shares(v, 'l')).toEqual({ dp1: 1 });
    expect(expectedShares(v, 'dead')).toEqual({ list: null, shares: new Map([['dp1', 0.5], ['dp3', 0.5]]) });
  });

  it('zero weights drop an entry; all zero means equal', () => {
    expect(shares(values({ l: [{ id: 'dp1', weight: 0 }, { id: 'dp2', weight: 0.5 }] }), 'l')).toEqual({ dp1: 0, dp2: 1 });
    expect(shares(values({ l: [{ id: 'dp1', weight: 0 }, { id: 'dp2', weight: 0 }] }), 'l')).toEqual({ dp1: 0.5, dp2: 0.5 });
  });

  it('map-form keys are lowercased as viper reads them (dotted keys kept); the list form keeps case', () => {
    const map = values({ GPU: [{ id: 'dp2', weight: 1 }], 'Team.A': [{ id: 'dp3', weight: 1 }] });
    expect(expectedShares(map, 'GPU').list).toBeNull();
    expect(expectedShares(map, 'gpu')).toEqual({ list: 'gpu', shares: new Map([['dp2', 1]]) });
    expect(expectedShares(map, 'Team.A').list).toBe('Team.A');
    const list = values([{ GPU: [{ id: 'dp2', weight: 1 }] }]);
    expect(expectedShares(list, 'GPU').list).toBe('GPU');
    expect(expectedShares(list, 'gpu').list).toBeNull();
  });

  it('an unmapped or empty label uses defaultExecutionLabel, else every enabled cluster equally', () => {
    const v = values({ general: [{ id: 'dp1', weight: 0.75 }, { id: 'dp3', weight: 0.25 }] }, { defaultExecutionLabel: 'general' });
    expect(expectedShares(v, 'typo')).toEqual({ list: 'general', shares: new Map([['dp1', 0.75], ['dp3', 0.25]]) });
    expect(expectedShares(v, '').list).toBe('general');
    const none = values({}, { disabled: ['dp3'] });
    expect(expectedShares(none, '')).toEqual({ list: null, shares: new Map([['dp1', 0.5], ['dp2', 0.5]]) });
  });
});
