// The same id twice in one label is accepted and its weights add up.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, lineIn } from '../util.ts';

export const duplicateLabelEntry: Rule = {
  code: 'FMC115',
  severity: 'info',
  summary: 'the same cluster appears twice in a label: its weights add up',
  hint: 'intended as a way past the 1.0 cap per entry? then fine; otherwise merge the entries',
  ref: ['flytestdlib/random/weighted_random_list.go:74-96', 'docs/flyte-behaviour.md#weighted-list'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    for (const label of c.d.labels) {
      const seen = new Set<string>();
      for (const e of label.entries) {
        if (seen.has(e.id)) {
          const total = label.entries.filter((x) => x.id === e.id).reduce((s, x) => Math.fround(s + x.weight), 0);
          out.push(finding(this, { file: c.artifact.file, path: [...e.path, 'id'], line: lineIn(c.artifact.doc, e.path, 'id') ?? e.line }, `label "${label.key}" lists "${e.id}" more than once; its combined weight is ${total}`));
        }
        seen.add(e.id);
      }
    }
    return out;
  },
};
