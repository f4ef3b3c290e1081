// A label whose entries are all unknown or disabled is silently absent from admin's map.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';
import { eclRow, str } from './ecl.ts';
import { liveEntries } from './shared.ts';

export const labelDead: Rule = {
  code: 'FMC108',
  severity: 'error', // changes placement: see SEVERITY_POLICY in lint/types.ts
  summary: 'label with no enabled, known cluster: FlyteAdmin drops it and its executions fall back silently',
  hint: 'point the label at an enabled cluster, or remove the label and the ECL rows that use it',
  ref: ['flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:58-84', 'docs/flyte-behaviour.md#label-lists'],
  lower: { severity: 'warning', when: 'neither the defaultExecutionLabel nor an ECL row in the checked files uses the label' },
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    const usedByEcl = new Set(input.ecl.map((a) => str(eclRow(a).fields.value?.value)));
    for (const label of c.d.labels) {
      if (liveEntries(c.d, label).length > 0) continue;
      const ids = label.entries.map((e) => e.id).join(', ') || 'no entries';
      const isDefault = c.d.config.defaultExecutionLabel === label.key;
      const routed = isDefault || usedByEcl.has(label.key);
      const note = isDefault ? ' It is the defaultExecutionLabel, so unlabeled executions go to every enabled cluster.' : '';
      out.push(
        finding(
          this,
          { file: c.artifact.file, path: label.path, line: label.line },
          `label "${label.key}" (${ids}) has no enabled cluster; executions with it fall back to the default label, then to all clusters.${note}`,
          routed ? this.severity : this.lower!.severity,
        ),
      );
    }
    return out;
  },
};
