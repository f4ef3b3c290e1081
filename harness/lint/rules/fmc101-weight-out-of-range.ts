// A weight outside [0,1] on an enabled, known cluster makes NewWeightedRandom fail: admin exits.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, lineIn } from '../util.ts';
import { liveEntry, weightProblem } from './shared.ts';

export const weightOutOfRange: Rule = {
  code: 'FMC101',
  severity: 'error',
  summary: 'label weight outside [0,1] on an enabled cluster: FlyteAdmin refuses to start',
  hint: 'weights are relative shares: scale them into [0,1] (3:1 is 0.75/0.25 or 1/0.333)',
  ref: ['flytestdlib/random/weighted_random_list.go:47-60', 'flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:58-84', 'docs/flyte-behaviour.md#weighted-list'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    for (const label of c.d.labels) {
      label.entries.forEach((e, i) => {
        const problem = weightProblem(e.weight);
        if (!problem || !liveEntry(c.d, e.id)) return;
        out.push(
          finding(this, { file: c.artifact.file, path: [...e.path, 'weight'], line: lineIn(c.artifact.doc, e.path, 'weight') ?? e.line }, `label "${label.key}" entry ${i} (${e.id}): ${problem}`),
        );
      });
    }
    return out;
  },
};
