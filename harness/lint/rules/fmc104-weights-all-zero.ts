// When every weight of a label is 0, admin gives each entry an equal share (a 0 drains only next to
// a positive sibling).
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';
import { liveEntries } from './shared.ts';

export const weightsAllZero: Rule = {
  code: 'FMC104',
  severity: 'error', // changes placement: see SEVERITY_POLICY in lint/types.ts
  summary: 'every weight of a label is 0: admin spreads it uniformly instead of draining',
  hint: 'to drain a cluster, remove it from the label (or give a sibling a positive weight)',
  ref: ['flytestdlib/random/weighted_random_list.go:79-96', 'docs/flyte-behaviour.md#weighted-list'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    for (const label of c.d.labels) {
      const live = liveEntries(c.d, label);
      if (live.length > 0 && live.every((e) => e.weight === 0)) {
        out.push(finding(this, { file: c.artifact.file, path: label.path, line: label.line }, `label "${label.key}": all ${live.length} weights are 0, so each gets 1/${live.length}`));
      }
    }
    return out;
  },
};
