// The guide's roles: flyteadmin and datacatalog assume the control-plane role; the data-plane role is for
// flytepropeller and task pods. flyteadmin in the data-plane role gives it the workers' permissions.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { statements, trustPolicies } from './iam.ts';

export const dataplaneTrustsFlyteadmin: Rule = {
  code: 'FMC404',
  severity: 'error',
  summary: 'the data-plane role trusts the flyteadmin service account',
  hint: 'trust flyteadmin (and datacatalog) in the control-plane role only',
  ref: 'guide (IAM roles)',
  check(input) {
    const out: Finding[] = [];
    for (const p of trustPolicies(input.policies).filter((x) => x.role === 'dataplane')) {
      for (const s of statements(p)) {
        for (const c of s.conditions) {
          if (!/:sub$/.test(c.key)) continue;
          for (const v of c.values) {
            if (/^system:serviceaccount:[^:]+:flyteadmin$/.test(v)) out.push(finding(this, { file: p.file, path: c.path, line: c.line }, `"${v}" may assume the data-plane role`));
          }
        }
      }
    }
    return out;
  },
};
