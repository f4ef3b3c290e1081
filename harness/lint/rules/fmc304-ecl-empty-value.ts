// A row with an empty value is accepted, resolves no label, and hides lower-priority rows.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { eclRow, fieldPath, str } from './ecl.ts';

export const eclEmptyValue: Rule = {
  code: 'FMC304',
  severity: 'error', // changes placement: see SEVERITY_POLICY in lint/types.ts
  summary: 'ECL value is empty: the row resolves no label and hides broader rows (e.g. the project-domain one)',
  hint: 'set value to a label, or delete the row with flytectl delete execution-cluster-label',
  ref: ['flyteadmin/pkg/repositories/gormimpl/resource_repo.go:89-128', 'flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:105-117', 'docs/flyte-behaviour.md#ecl-resolution'],
  check(input) {
    const out: Finding[] = [];
    for (const a of input.ecl) {
      const row = eclRow(a);
      if (str(row.fields.value?.value) !== '' || str(row.fields.project?.value) === '') continue;
      out.push(finding(this, { file: a.file, path: fieldPath(row, 'value'), line: row.fields.value?.line ?? 1 }, 'value is empty: executions here get no label, even if a broader row has one'));
    }
    return out;
  },
};
