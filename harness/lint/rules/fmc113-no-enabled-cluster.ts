// With clusterConfigs but no enabled cluster, the all-clusters list is empty and admin panics at startup.
import type { Rule } from '../types.ts';
import { clustersOf, finding, keyLine } from '../util.ts';

export const noEnabledCluster: Rule = {
  code: 'FMC113',
  severity: 'error',
  summary: 'no clusterConfigs entry is enabled: FlyteAdmin fails at startup ("entries is empty")',
  hint: 'set enabled: true on at least one cluster',
  ref: ['flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:41-56', 'docs/flyte-behaviour.md#label-lists'],
  check(input) {
    const c = clustersOf(input);
    if (!c || c.d.config.clusterConfigs.length === 0 || c.d.config.clusterConfigs.some((x) => x.enabled)) return [];
    const path = [...c.d.base, 'clusterConfigs'];
    const n = c.d.config.clusterConfigs.length;
    return [finding(this, { file: c.artifact.file, path, line: keyLine(c.artifact.doc, path) }, `none of the ${n} clusters is enabled`)];
  },
};
