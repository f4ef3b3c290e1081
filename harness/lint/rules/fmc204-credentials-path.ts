// Every remote cluster, enabled or not, needs readable token and CA files under the mount
// path the chart uses; a missing file stops admin at startup.
import type { Finding, Rule } from '../types.ts';
import { CREDENTIALS_MOUNT, clusterLine, clustersOf, finding, mountedKey } from '../util.ts';

export const credentialsPath: Rule = {
  code: 'FMC204',
  severity: 'error',
  summary: 'tokenPath/certPath missing or not a file directly under /var/run/credentials',
  hint: 'use /var/run/credentials/<key of Secret cluster-credentials>, e.g. /var/run/credentials/dataplane_1_token',
  ref: ['flyteadmin/pkg/flytek8s/client.go:21-39', 'charts/flyte-core/templates/clusterresourcesync/deployment.yaml:68-71', 'docs/flyte-behaviour.md#chart-credentials'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const out: Finding[] = [];
    c.d.config.clusterConfigs.forEach((cc, i) => {
      const loc = c.d.clusters[i];
      if (cc.inCluster || !loc) return;
      for (const field of ['tokenPath', 'certPath'] as const) {
        const value = cc.auth[field];
        if (mountedKey(value) !== undefined) continue;
        const at = clusterLine(loc, `auth.${field}`);
        const state = cc.enabled ? '' : ' (disabled clusters are loaded too)';
        const msg = value === '' ? `cluster "${cc.name}" has no auth.${field}: admin fails reading it at startup${state}` : `cluster "${cc.name}" auth.${field} "${value}" is not under ${CREDENTIALS_MOUNT}, where the chart mounts the credentials${state}`;
        out.push(finding(this, { file: c.artifact.file, path: at.path, line: at.line }, msg));
      }
    });
    return out;
  },
};
