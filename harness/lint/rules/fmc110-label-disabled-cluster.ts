// Entries pointing at disabled clusters are skipped; fine while draining, surprising otherwise.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, lineIn } from '../util.ts';
import { clusterNamed } from './shared.ts';

export const labelDisabledCluster: Rule = {
  code: 'FMC110',
  severity: 'info',
  summary: 'label entry names a disabled cluster: it receives nothing from this label',
  hint: 'expected while draining; otherwise set enabled: true on the cluster',
  ref: ['flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:64-67', 'docs/flyte-behaviour.md#terminate'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    for (const label of c.d.labels) {
      for (const e of label.entries) {
        const cluster = clusterNamed(c.d, e.id);
        if (cluster && !cluster.enabled) out.push(finding(this, { file: c.artifact.file, path: [...e.path, 'id'], line: lineIn(c.artifact.doc, e.path, 'id') ?? e.line }, `label "${label.key}": cluster "${e.id}" is disabled and is skipped`));
      }
    }
    return out;
  },
};
