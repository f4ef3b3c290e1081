// Flytectl requires `project`, and `domain` whenever `workflow` is set ("domain is required").
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { eclRow, str } from './ecl.ts';

export const eclMissingField: Rule = {
  code: 'FMC303',
  severity: 'error',
  summary: 'ECL file without project, or with a workflow but no domain: flytectl refuses it',
  hint: 'project is required; a workflow row also needs its domain',
  ref: ['flytectl/cmd/update/matchable_execution_cluster_label.go:52-74', 'docs/flyte-behaviour.md#ecl-files'],
  check(input) {
    const out: Finding[] = [];
    for (const a of input.ecl) {
      const row = eclRow(a);
      if (str(row.fields.project?.value) === '') out.push(finding(this, { file: a.file, path: ['project'], line: row.fields.project?.line ?? 1 }, 'project is missing'));
      const wf = row.fields.workflow;
      if (wf && str(wf.value) !== '' && str(row.fields.domain?.value) === '') {
        out.push(finding(this, { file: a.file, path: [wf.key], line: wf.line }, `workflow "${str(wf.value)}" is set but domain is not ("domain is required")`));
      }
    }
    return out;
  },
};
