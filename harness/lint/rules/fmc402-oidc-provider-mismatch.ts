// A condition on another provider's claims does not constrain (or allow) tokens from the statement's provider.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { splitConditionKey, statements, trustPolicies } from './iam.ts';

export const oidcProviderMismatch: Rule = {
  code: 'FMC402',
  severity: 'error',
  summary: 'condition key names a different OIDC provider than the statement\'s Federated principal',
  hint: 'copy the provider from Principal.Federated (after "oidc-provider/") into the condition keys',
  ref: ['docs/deployment/deployment/multicluster.rst:150-160', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    for (const p of trustPolicies(input.policies)) {
      for (const s of statements(p)) {
        if (s.providers.length === 0) continue;
        for (const c of s.conditions) {
          const parts = splitConditionKey(c.key);
          if (!parts || !(c.key.includes('/') || c.key.includes('.')) || parts.provider.startsWith('aws:')) continue;
          const provider = parts.provider.replace(/[.\s]+$/, '');
          if (s.providers.includes(provider) || s.providers.includes(parts.provider)) continue;
          out.push(finding(this, { file: p.file, path: c.path, line: c.line }, `condition is on "${parts.provider}" but the statement trusts ${s.providers.map((x) => `"${x}"`).join(', ')}`));
        }
      }
    }
    return out;
  },
};
