// The guide's roles: flyteadmin and datacatalog assume the control-plane role; the data-plane role is for
// flytepropeller and task pods. flyteadmin in the data-plane role gives it the workers' permissions. Judged by the
// IAM evaluator, so patterns that admit flyteadmin (`system:serviceaccount:flyte:*`, `...:*admin`) count too.
import { serviceAccountSubject } from '../../iam/policies.ts';
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { trustJudge, trustPolicies } from './iam.ts';

export const dataplaneTrustsFlyteadmin: Rule = {
  code: 'FMC404',
  severity: 'error',
  summary: 'the data-plane role trusts the flyteadmin service account',
  hint: 'trust flyteadmin (and datacatalog) in the control-plane role only; narrow the :sub patterns of the data-plane role',
  ref: ['docs/deployment/deployment/multicluster.rst:82-168', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    const subject = serviceAccountSubject(input.topology?.controlPlane.namespace ?? 'flyte', 'flyteadmin');
    for (const p of trustPolicies(input.policies).filter((x) => x.role === 'dataplane')) {
      for (const j of trustJudge(p) ?? []) {
        if (j.admits(subject)) out.push(finding(this, { file: p.file, ...j.at }, `"${subject}" from ${j.provider} may assume the data-plane role`));
      }
    }
    return out;
  },
};
