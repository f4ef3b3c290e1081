// A token or CA path naming no key of the mounted Secret is a missing file: admin exits at startup.
import type { Finding, Rule } from '../types.ts';
import { clusterLine, clustersOf, credentialSecrets, finding, mountedKey, secretEntries } from '../util.ts';

export const credentialsKeyMissing: Rule = {
  code: 'FMC205',
  severity: 'error',
  summary: 'tokenPath/certPath names a key that Secret cluster-credentials does not have',
  hint: 'add the key to the Secret (base64 of the raw token / PEM under data:) or fix the path',
  ref: ['flyteadmin/pkg/flytek8s/client.go:21-39', 'docs/flyte-behaviour.md#startup'],
  check(input) {
    const c = clustersOf(input);
    const secrets = credentialSecrets(input);
    if (!c || secrets.length === 0) return [];
    const keys = new Set(secrets.flatMap((s) => secretEntries(s).map((e) => e.key)));
    const secretFiles = [...new Set(secrets.map((s) => s.file))].join(', ');
    const out: Finding[] = [];
    c.d.config.clusterConfigs.forEach((cc, i) => {
      const loc = c.d.clusters[i];
      if (cc.inCluster || !loc) return;
      for (const field of ['tokenPath', 'certPath'] as const) {
        const key = mountedKey(cc.auth[field]);
        if (key === undefined || keys.has(key)) continue;
        const at = clusterLine(loc, `auth.${field}`);
        out.push(finding(this, { file: c.artifact.file, path: at.path, line: at.line }, `cluster "${cc.name}" reads "${key}", which is not a key of the Secret in ${secretFiles} (keys: ${[...keys].join(', ') || 'none'})`));
      }
    });
    return out;
  },
};
