// An entry whose id is not a clusterConfigs name is skipped without a log.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, lineIn } from '../util.ts';
import { clusterNamed } from './shared.ts';

export const labelUnknownCluster: Rule = {
  code: 'FMC109',
  severity: 'error', // changes placement: see SEVERITY_POLICY in lint/types.ts
  summary: 'label entry names no configured cluster: FlyteAdmin skips it silently',
  hint: 'use a clusterConfigs name exactly (case and "_" vs "-" matter)',
  ref: ['flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:64-67', 'docs/flyte-behaviour.md#label-lists'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const names = c.d.config.clusterConfigs.map((x) => x.name);
    const out: Finding[] = [];
    for (const label of c.d.labels) {
      for (const e of label.entries) {
        if (clusterNamed(c.d, e.id)) continue;
        const near = names.find((n) => n.toLowerCase().replace(/[-_]/g, '') === e.id.toLowerCase().replace(/[-_]/g, ''));
        out.push(
          finding(this, { file: c.artifact.file, path: [...e.path, 'id'], line: lineIn(c.artifact.doc, e.path, 'id') ?? e.line }, `label "${label.key}": id "${e.id}" is not a cluster name${near ? ` (did you mean "${near}"?)` : ''}; clusters: ${names.join(', ') || 'none'}`),
        );
      }
    }
    return out;
  },
};
