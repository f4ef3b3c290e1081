// The data-plane role exists for flytepropeller and for task pods, which run as the default service account of
// their project-domain namespace. A trust policy that lets neither in fails at runtime with AccessDenied.
// Judged by the IAM evaluator for each trusted provider.
import { projectDomainNamespaces, serviceAccountSubject } from '../../iam/policies.ts';
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { statements, trustJudge, trustPolicies } from './iam.ts';

/** Task namespaces to probe: the topology's, else those the policy names, else a representative one. */
function taskNamespaces(input: Parameters<Rule['check']>[0], literal: string[]): string[] {
  if (input.topology) return projectDomainNamespaces(input.topology);
  return literal.length > 0 ? literal : ['flytesnacks-development'];
}

export const dataplaneDeniesWorkers: Rule = {
  code: 'FMC408',
  severity: 'error',
  summary: 'the data-plane role does not admit flytepropeller or the task pods\' default service account',
  hint: 'trust system:serviceaccount:<flyte ns>:flytepropeller and system:serviceaccount:<project>-<domain>:default (or the guide\'s *:default under StringLike)',
  ref: ['docs/deployment/deployment/multicluster.rst:124-168', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    const ns = input.topology?.controlPlane.namespace ?? 'flyte';
    for (const p of trustPolicies(input.policies).filter((x) => x.role === 'dataplane')) {
      const literal = statements(p)
        .flatMap((s) => s.conditions.filter((c) => c.key.endsWith(':sub')).flatMap((c) => c.values))
        .map((v) => /^system:serviceaccount:([^:*?]+):default$/.exec(v)?.[1])
        .filter((x): x is string => x !== undefined);
      const namespaces = [...new Set(taskNamespaces(input, literal))];
      for (const j of trustJudge(p) ?? []) {
        const at = { file: p.file, ...j.at };
        const propeller = serviceAccountSubject(ns, 'flytepropeller');
        if (!j.admits(propeller)) out.push(finding(this, at, `"${propeller}" from ${j.provider} cannot assume the data-plane role`));
        const denied = namespaces.filter((n) => !j.admits(serviceAccountSubject(n, 'default')));
        if (denied.length > 0) out.push(finding(this, at, `task pods (default SA) in ${denied.join(', ')} from ${j.provider} cannot assume the data-plane role`));
      }
    }
    return out;
  },
};
