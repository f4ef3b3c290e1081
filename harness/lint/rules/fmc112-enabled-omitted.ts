// `enabled` defaults to false; an omitted flag means the cluster is never chosen.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';

export const enabledOmitted: Rule = {
  code: 'FMC112',
  severity: 'error',
  summary: 'clusterConfigs entry without `enabled`: FlyteAdmin treats it as disabled',
  hint: 'write enabled: true (or enabled: false to drain it on purpose)',
  ref: ['flyteadmin/pkg/runtime/interfaces/cluster_configuration.go:12-51', 'docs/flyte-behaviour.md#clusters-config'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    c.d.clusters.forEach((loc, i) => {
      if (loc.fields.has('enabled')) return;
      const name = c.d.config.clusterConfigs[i]?.name ?? '';
      out.push(finding(this, { file: c.artifact.file, path: loc.path, line: loc.line }, `cluster "${name}" has no enabled field, so it is disabled and never picked`));
    });
    return out;
  },
};
