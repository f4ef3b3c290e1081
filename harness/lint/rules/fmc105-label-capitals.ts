// Viper lowercases map keys, while ECL values and defaultExecutionLabel keep their case.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';

export const labelCapitals: Rule = {
  code: 'FMC105',
  severity: 'error',
  summary: 'labelClusterMap key with capital letters: FlyteAdmin lowercases it, so the label as written never matches',
  hint: 'write labels in lower case, or use the list form (- LABEL: [...]) which keeps case',
  ref: ['spf13/viper@v1.21.0 util.go:89-100', 'flytestdlib/config/viper/viper.go:268-362', 'docs/flyte-behaviour.md#label-case'],
  check(input) {
    const c = clustersOf(input);
    if (!c || c.d.labelForm !== 'map') return [];
    const out: Finding[] = [];
    for (const label of c.d.labels) {
      if (label.written !== label.key) {
        out.push(
          finding(this, { file: c.artifact.file, path: label.path, line: label.line }, `label "${label.written}" is read as "${label.key}"; an ECL value or default label "${label.written}" never matches it`),
        );
      }
    }
    return out;
  },
};
