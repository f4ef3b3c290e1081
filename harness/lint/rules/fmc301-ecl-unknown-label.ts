// An ECL value is never checked against labelClusterMap; a miss falls back silently
// (Debug log only) to defaultExecutionLabel, then to every enabled cluster.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';
import { eclRow, fieldPath, str } from './ecl.ts';

export const eclUnknownLabel: Rule = {
  code: 'FMC301',
  severity: 'error',
  summary: 'ECL value is not a label of labelClusterMap: its executions fall back silently',
  hint: 'use a label defined in labelClusterMap (lower case unless the map uses the list form)',
  ref: ['flyteadmin/pkg/manager/impl/validation/attributes_validator.go:41-104', 'flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:120-128', 'docs/deployment/deployment/multicluster.rst:497-500', 'docs/flyte-behaviour.md#ecl-resolution'],
  check(input) {
    const c = clustersOf(input);
    if (!c || c.d.config.clusterConfigs.length === 0) return [];
    const labels = c.d.config.labelClusterMap;
    const out: Finding[] = [];
    for (const a of input.ecl) {
      const row = eclRow(a);
      const v = row.fields.value;
      if (!v) continue;
      const value = str(v.value);
      if (value === '' || labels.has(value)) continue;
      const written = c.d.labels.find((l) => l.written === value);
      const why = written ? `; the key "${value}" is read as "${written.key}"` : '';
      const fallback = c.d.config.defaultExecutionLabel !== '' ? `defaultExecutionLabel "${c.d.config.defaultExecutionLabel}"` : 'every enabled cluster';
      out.push(finding(this, { file: a.file, path: fieldPath(row, 'value'), line: v.line }, `label "${value}" is not in labelClusterMap${why} (labels: ${[...labels.keys()].join(', ') || 'none'}); executions go to ${fallback}`));
    }
    return out;
  },
};
