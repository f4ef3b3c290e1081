// Guide day 2: every data plane's OIDC provider needs a statement in the data-plane role's trust policy, or its
// propeller and task pods cannot assume the role.
import type { Finding, Rule } from '../types.ts';
import { issuerHostPath, issuerUrl, workflowClusters } from '../../iam/policies.ts';
import { clustersOf, finding } from '../util.ts';
import { statements, trustPolicies } from './iam.ts';

export const dataplaneMissingFromTrust: Rule = {
  code: 'FMC403',
  severity: 'error',
  summary: 'a data plane\'s OIDC provider is missing from the data-plane role\'s trust policy',
  hint: 'add a statement per workflow cluster: Principal.Federated = its oidc-provider ARN, conditions on its :aud and :sub',
  ref: ['docs/deployment/deployment/multicluster.rst:548-600', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    const c = clustersOf(input);
    for (const p of trustPolicies(input.policies).filter((x) => x.role === 'dataplane')) {
      const sts = statements(p);
      const providers = new Set(sts.flatMap((s) => s.providers));
      const at = { file: p.file, path: ['Statement'], line: sts[0]?.line ?? 1 };
      const t = input.topology;
      if (t) {
        for (const cluster of workflowClusters(t)) {
          const provider = issuerHostPath(issuerUrl(t, cluster));
          if (!providers.has(provider)) out.push(finding(this, at, `no statement trusts ${cluster}'s OIDC provider "${provider}"`));
        }
      } else if (c && c.d.config.clusterConfigs.length > providers.size) {
        const names = c.d.config.clusterConfigs.map((x) => x.name);
        out.push(finding(this, at, `${providers.size} OIDC provider(s) trusted, but ${c.artifact.file} has ${names.length} workflow clusters (${names.join(', ')})`));
      }
    }
    return out;
  },
};
