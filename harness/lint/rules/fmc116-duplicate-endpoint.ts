// The guide's day-2 example points dataplane_2 at dataplane 1's API endpoint; both names then place on one cluster.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, placeholdersIn } from '../util.ts';

/** Comparable form of an API endpoint: placeholders by name, URLs lower-cased with the default port made explicit. */
export function endpointKey(endpoint: string): string {
  const ph = placeholdersIn(endpoint);
  if (ph.length > 0) return `placeholder:${ph.join('|')}`;
  try {
    const u = new URL(endpoint);
    const port = u.port || (u.protocol === 'http:' ? '80' : '443');
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return endpoint.trim().toLowerCase();
  }
}

export const duplicateEndpoint: Rule = {
  code: 'FMC116',
  severity: 'error',
  summary: 'two clusters have the same API endpoint: executions for both land on one cluster',
  hint: 'give each cluster its own API endpoint (kubectl cluster-info in that cluster)',
  ref: ['docs/deployment/deployment/multicluster.rst:654', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    const seen = new Map<string, string>();
    c.d.config.clusterConfigs.forEach((cc, i) => {
      if (cc.inCluster || cc.endpoint === '') return;
      const key = endpointKey(cc.endpoint);
      const prev = seen.get(key);
      const loc = c.d.clusters[i];
      if (prev !== undefined && loc) {
        const at = loc.fields.get('endpoint') ?? { path: loc.path, line: loc.line };
        out.push(finding(this, { file: c.artifact.file, path: at.path, line: at.line }, `cluster "${cc.name}" uses the same endpoint as "${prev}" (${cc.endpoint})`));
      } else if (prev === undefined) seen.set(key, cc.name);
    });
    return out;
  },
};
