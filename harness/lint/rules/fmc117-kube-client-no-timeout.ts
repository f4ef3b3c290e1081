// A per-cluster kubeClientConfig replaces the server block whole; without `timeout`, calls never time out.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, clusterLine, finding } from '../util.ts';

export const kubeClientNoTimeout: Rule = {
  code: 'FMC117',
  severity: 'warning',
  summary: 'per-cluster kubeClientConfig without timeout: requests to that cluster have no timeout',
  hint: 'add timeout: 30s (and qps/burst) to the cluster\'s kubeClientConfig',
  ref: ['flyteadmin/pkg/flytek8s/client.go:43-83', 'flyteadmin/pkg/config/config.go:111-115', 'docs/flyte-behaviour.md#startup'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    c.d.config.clusterConfigs.forEach((cc, i) => {
      const loc = c.d.clusters[i];
      if (!cc.kubeClientConfig || cc.kubeClientConfig.timeoutMs > 0 || !loc) return;
      const at = clusterLine(loc, 'kubeClientConfig');
      const extra = cc.kubeClientConfig.burst === 0 ? '; burst 0 also drops to client-go\'s 10' : '';
      out.push(finding(this, { file: c.artifact.file, path: at.path, line: at.line }, `cluster "${cc.name}": kubeClientConfig replaces the server defaults (30s timeout) and sets no timeout${extra}`));
    });
    return out;
  },
};
