// Guide (data-plane trust policy): condition keys written as `<provider>.:aud` never match; IAM expects
// `<issuer host/path>:aud` and `:sub`, so the role cannot be assumed.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { splitConditionKey, statements, trustPolicies } from './iam.ts';

const CLAIMS = ['aud', 'sub', 'amr', 'azp', 'oaud'];

export const oidcConditionKey: Rule = {
  code: 'FMC401',
  severity: 'error',
  summary: 'malformed OIDC condition key (e.g. the guide\'s `<provider>.:aud`): the condition never matches',
  hint: 'write "<oidc.eks.REGION.amazonaws.com/id/ID>:aud" and ":sub", the provider exactly as in Principal.Federated',
  ref: ['docs/deployment/deployment/multicluster.rst:156-157', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    for (const p of trustPolicies(input.policies)) {
      for (const s of statements(p)) {
        if (s.providers.length === 0) continue;
        for (const c of s.conditions) {
          if (!c.key.includes('/') && !c.key.includes('.')) continue; // a global key such as aws:SourceIp
          const parts = splitConditionKey(c.key);
          const bad = !parts || !CLAIMS.includes(parts.claim) || /[./:\s]$/.test(parts.provider) || /^https?:\/\//.test(parts.provider) || /\s/.test(parts.provider);
          if (bad) out.push(finding(this, { file: p.file, path: c.path, line: c.line }, `condition key "${c.key}" is not "<provider>:aud|sub"; IAM never matches it`));
        }
      }
    }
    return out;
  },
};
