// Two map-form labels that differ only in case become one key; which survives depends on Go's map order.
import type { Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';

export const labelCollision: Rule = {
  code: 'FMC106',
  severity: 'error',
  summary: 'two labels differ only in case: FlyteAdmin keeps one of them, unpredictably',
  hint: 'merge them into one lower-case label, or use the list form to keep both',
  ref: ['spf13/viper@v1.21.0 util.go:89-100', 'docs/flyte-behaviour.md#label-case'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    return c.d.collapsedLabels.map((x) =>
      finding(this, { file: c.artifact.file, path: x.path, line: x.line }, `labels "${x.dropped}" and "${x.kept}" are both "${x.label}" to FlyteAdmin; only one survives`),
    );
  },
};
