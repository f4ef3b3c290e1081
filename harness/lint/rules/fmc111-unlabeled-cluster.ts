// Without a working defaultExecutionLabel, unlabeled executions go to every enabled
// cluster, including specialised ones that appear in no label.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';
import { liveLabels } from './shared.ts';

export const unlabeledCluster: Rule = {
  code: 'FMC111',
  severity: 'warning',
  summary: 'enabled cluster in no label and no defaultExecutionLabel: it still receives unlabeled executions',
  hint: 'set defaultExecutionLabel (flyteorg/flyte#2882), or add the cluster to a label',
  ref: ['flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:140-142', 'flyteorg/flyte#2882', 'docs/flyte-behaviour.md#placement-order'],
  check(input) {
    const c = clustersOf(input);
    if (!c || c.d.labels.length === 0) return [];
    const dflt = c.d.config.defaultExecutionLabel;
    if (dflt !== '' && liveLabels(c.d).has(dflt)) return [];
    const labelled = new Set(c.d.labels.flatMap((l) => l.entries.map((e) => e.id)));
    const out: Finding[] = [];
    c.d.config.clusterConfigs.forEach((cc, i) => {
      if (!cc.enabled || labelled.has(cc.name)) return;
      const loc = c.d.clusters[i];
      if (!loc) return;
      out.push(finding(this, { file: c.artifact.file, path: loc.path, line: loc.line }, `cluster "${cc.name}" is in no label; executions without a label can land on it`));
    });
    return out;
  },
};
