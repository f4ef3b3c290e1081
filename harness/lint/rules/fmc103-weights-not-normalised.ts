// The guide says weights must sum to 1; admin scales the draw by the actual total, so they are shares.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';
import { liveEntries, weightProblem } from './shared.ts';

export const weightsNotNormalised: Rule = {
  code: 'FMC103',
  severity: 'info',
  summary: 'weights of a label do not sum to 1: they are relative shares, not probabilities',
  hint: 'nothing to fix; the shares shown are what admin uses',
  ref: ['flytestdlib/random/weighted_random_list.go:74-96', 'docs/deployment/deployment/multicluster.rst:377-381', 'docs/flyte-behaviour.md#weighted-list'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    for (const label of c.d.labels) {
      const live = liveEntries(c.d, label);
      if (live.length === 0 || live.some((e) => weightProblem(e.weight))) continue;
      let total = 0;
      for (const e of live) total = Math.fround(total + e.weight);
      if (total === 0 || Math.abs(total - 1) <= 1e-6) continue;
      const shares = live.map((e) => `${e.id} ${((e.weight / total) * 100).toFixed(1)}%`).join(', ');
      out.push(finding(this, { file: c.artifact.file, path: label.path, line: label.line }, `label "${label.key}" weights sum to ${total}; shares: ${shares}`));
    }
    return out;
  },
};
