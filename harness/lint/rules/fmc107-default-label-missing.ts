// `defaultExecutionLabel` is not checked against the map; a miss logs at Warn and spreads over all clusters.
import type { Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';

export const defaultLabelMissing: Rule = {
  code: 'FMC107',
  severity: 'error',
  summary: 'defaultExecutionLabel is not a label of labelClusterMap: unlabeled executions go to every enabled cluster',
  hint: 'set defaultExecutionLabel to an existing (lower-case) label',
  ref: ['flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:130-138', 'docs/flyte-behaviour.md#placement-order', 'docs/flyte-behaviour.md#label-case'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const label = c.d.config.defaultExecutionLabel;
    if (label === '' || c.d.config.labelClusterMap.has(label)) return [];
    const loc = c.d.labels.find((l) => l.written === label);
    const why = loc ? ` (the key "${label}" is read as "${loc.key}")` : '';
    const known = [...c.d.config.labelClusterMap.keys()].join(', ') || 'none';
    const path = [...c.d.base, 'defaultExecutionLabel'];
    return [finding(this, { file: c.artifact.file, path, line: c.artifact.doc.source?.lineOf(path) }, `defaultExecutionLabel "${label}" matches no label${why}; labels: ${known}`)];
  },
};
