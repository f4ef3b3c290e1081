// Each update writes the whole attribute for its level; two files for the same project/domain/workflow overwrite.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { eclRow, str } from './ecl.ts';

export const eclDuplicateTarget: Rule = {
  code: 'FMC305',
  severity: 'error', // changes placement: see SEVERITY_POLICY in lint/types.ts
  summary: 'two ECL files set different labels for the same project/domain/workflow: the later update replaces the earlier',
  hint: 'keep one file per project, project-domain or workflow',
  ref: ['flytectl/cmd/update/matchable_execution_cluster_label.go:52-74', 'docs/flyte-behaviour.md#ecl-files'],
  check(input) {
    const out: Finding[] = [];
    const seen = new Map<string, { file: string; value: string }>();
    for (const a of input.ecl) {
      const row = eclRow(a);
      const target = ['project', 'domain', 'workflow'].map((f) => str(row.fields[f as 'project']?.value));
      if (target[0] === '') continue;
      const key = JSON.stringify(target);
      const value = str(row.fields.value?.value);
      const prev = seen.get(key);
      // The same label twice is redundant but places as written; only a different one changes placement.
      if (prev && prev.value !== value) {
        const what = target.filter((t) => t !== '').join('/');
        out.push(finding(this, { file: a.file, path: '(root)', line: 1 }, `${what} is also set by ${prev.file} (value "${prev.value}"); whichever runs last wins, here "${value}"`));
      }
      seen.set(key, { file: a.file, value });
    }
    return out;
  },
};
