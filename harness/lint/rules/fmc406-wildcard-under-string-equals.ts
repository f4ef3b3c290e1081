// IAM: StringEquals compares literally, so a `*` pattern there never matches (StringLike is needed).
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { statements, trustPolicies } from './iam.ts';

export const wildcardUnderStringEquals: Rule = {
  code: 'FMC406',
  severity: 'error',
  summary: 'a wildcard under StringEquals is compared literally and never matches',
  hint: 'use StringLike for patterns, or list the exact values under StringEquals',
  ref: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html', 'docs/deployment/deployment/multicluster.rst:166-168'],
  check(input) {
    const out: Finding[] = [];
    for (const p of trustPolicies(input.policies)) {
      for (const s of statements(p)) {
        for (const c of s.conditions) {
          if (!/^(ForAnyValue:|ForAllValues:)?StringEquals(IgnoreCase)?$/.test(c.operator)) continue;
          for (const v of c.values) if (/[*?]/.test(v)) out.push(finding(this, { file: p.file, path: c.path, line: c.line }, `"${v}" under ${c.operator} only matches the literal text`));
        }
      }
    }
    return out;
  },
};
