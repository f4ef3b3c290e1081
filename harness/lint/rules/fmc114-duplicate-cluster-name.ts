// Duplicate names panic in NewClusterConfigurationProvider.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';

export const duplicateClusterName: Rule = {
  code: 'FMC114',
  severity: 'error',
  summary: 'two clusterConfigs entries share a name: FlyteAdmin fails at startup',
  hint: 'give every cluster a unique name (executions store it, so do not rename running ones)',
  ref: ['flyteadmin/pkg/runtime/cluster_config_provider.go:45-55', 'docs/flyte-behaviour.md#startup'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    const seen = new Map<string, number>();
    c.d.config.clusterConfigs.forEach((cc, i) => {
      const prev = seen.get(cc.name);
      const loc = c.d.clusters[i];
      if (prev !== undefined && loc) {
        const at = loc.fields.get('name') ?? { path: loc.path, line: loc.line };
        out.push(finding(this, { file: c.artifact.file, path: at.path, line: at.line }, `cluster name "${cc.name}" is also clusterConfigs[${prev}] ("Duplicate cluster names in runtime config")`));
      } else seen.set(cc.name, i);
    });
    return out;
  },
};
