// Reading IAM policy documents for the trust-policy rules.
import type { PathSegment, PolicyArtifact } from '../types.ts';
import { isObj, lineIn } from '../util.ts';

export interface ConditionValue {
  operator: string;
  key: string;
  values: string[];
  path: PathSegment[];
  line?: number;
}

export interface StatementView {
  index: number;
  path: PathSegment[];
  line?: number;
  /** Federated principals as IAM provider names (`oidc.eks.<region>.amazonaws.com/id/<ID>`). */
  providers: string[];
  conditions: ConditionValue[];
}

export function providerOfArn(arn: string): string {
  const m = /:oidc-provider\/(.+)$/.exec(arn);
  return (m ? m[1] : arn) as string;
}

export function statements(p: PolicyArtifact): StatementView[] {
  const st = isObj(p.doc.data) ? p.doc.data.Statement : undefined;
  const list = Array.isArray(st) ? st : isObj(st) ? [st] : [];
  const base: PathSegment[] = Array.isArray(st) ? ['Statement'] : [];
  return list.map((s, index) => {
    const path: PathSegment[] = Array.isArray(st) ? [...base, index] : ['Statement'];
    const view: StatementView = { index, path, line: lineIn(p.doc, path), providers: [], conditions: [] };
    if (!isObj(s)) return view;
    const fed = isObj(s.Principal) ? s.Principal.Federated : undefined;
    view.providers = (Array.isArray(fed) ? fed : fed === undefined ? [] : [fed]).filter((x): x is string => typeof x === 'string').map(providerOfArn);
    if (isObj(s.Condition)) {
      for (const [operator, block] of Object.entries(s.Condition)) {
        if (!isObj(block)) continue;
        for (const [key, v] of Object.entries(block)) {
          const values = (Array.isArray(v) ? v : [v]).map((x) => String(x));
          const cpath = [...path, 'Condition', operator, key];
          view.conditions.push({ operator, key, values, path: cpath, line: lineIn(p.doc, [...path, 'Condition', operator], key) });
        }
      }
    }
    return view;
  });
}

/** `<provider>:<claim>` split at the last colon. */
export function splitConditionKey(key: string): { provider: string; claim: string } | undefined {
  const i = key.lastIndexOf(':');
  if (i <= 0) return undefined;
  return { provider: key.slice(0, i), claim: key.slice(i + 1) };
}

export function trustPolicies(ps: readonly PolicyArtifact[]): PolicyArtifact[] {
  return ps.filter((p) => p.kind === 'trust-policy');
}
