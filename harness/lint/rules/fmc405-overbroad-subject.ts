// Trust conditions that let any service account of the cluster assume the role.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { statements, trustPolicies } from './iam.ts';

export const overbroadSubject: Rule = {
  code: 'FMC405',
  severity: 'warning',
  summary: 'trust policy lets any service account assume the role (`system:serviceaccount:*:*`, or no :sub condition)',
  hint: 'name the service accounts: system:serviceaccount:flyte:flytepropeller and system:serviceaccount:<project>-<domain>:default',
  ref: ['docs/deployment/deployment/multicluster.rst:137-168', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    for (const p of trustPolicies(input.policies)) {
      for (const s of statements(p)) {
        if (s.providers.length === 0) continue;
        const subs = s.conditions.filter((c) => /:sub$/.test(c.key));
        if (subs.length === 0) out.push(finding(this, { file: p.file, path: s.path, line: s.line }, 'no :sub condition: every service account in the cluster can assume the role'));
        for (const c of subs) {
          for (const v of c.values) {
            if (v === '*' || /^system:serviceaccount:\*(:\*)?$/.test(v) || v === 'system:serviceaccount:*:*') {
              out.push(finding(this, { file: p.file, path: c.path, line: c.line }, `"${v}" matches every service account`));
            }
          }
        }
      }
    }
    return out;
  },
};
