// Admin validates weights only after dropping unknown and disabled clusters, so a bad weight there passes
// today and stops admin the day the cluster is enabled (or added).
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, lineIn } from '../util.ts';
import { clusterNamed, liveEntry, weightProblem } from './shared.ts';

export const weightOutOfRangeDormant: Rule = {
  code: 'FMC102',
  severity: 'warning',
  summary: 'label weight outside [0,1] on a disabled or unknown cluster: breaks startup the day it is enabled',
  hint: 'fix the weight now: scale it into [0,1]',
  ref: ['flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:58-84', 'docs/flyte-behaviour.md#label-lists'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    for (const label of c.d.labels) {
      label.entries.forEach((e, i) => {
        const problem = weightProblem(e.weight);
        if (!problem || liveEntry(c.d, e.id)) return;
        const why = clusterNamed(c.d, e.id) ? 'disabled' : 'not in clusterConfigs';
        out.push(
          finding(this, { file: c.artifact.file, path: [...e.path, 'weight'], line: lineIn(c.artifact.doc, e.path, 'weight') ?? e.line }, `label "${label.key}" entry ${i} (${e.id}, ${why}): ${problem}`),
        );
      });
    }
    return out;
  },
};
