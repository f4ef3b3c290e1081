// Reading IAM policy documents for the trust-policy rules.
import type { PathSegment, PolicyArtifact } from '../types.ts';
import { getIn, isObj, lineIn } from '../util.ts';
import { parsePolicyDocument, type ParsedStatement } from '../../iam/document.ts';
import { evaluateTrustPolicy, webIdentityContext } from '../../iam/evaluate.ts';
import { requestContext } from '../../iam/conditions.ts';

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

/**
 * Who a trust policy lets in, judged by the same AWS-semantics evaluator as `flyte-mc iam check`, so lint and the
 * evaluator cannot disagree. One entry per Federated principal; `admits(subject)` builds the request context
 * STS would build for a token of that subject with audience sts.amazonaws.com. Undefined for documents the
 * evaluator cannot parse (other rules report those).
 */
export interface TrustJudge {
  arn: string;
  provider: string;
  /** Where findings about this provider point: its statement's `:sub` condition, else the statement. */
  at: { path: PathSegment[]; line?: number };
  admits(subject: string): boolean;
}

export function trustJudge(p: PolicyArtifact): TrustJudge[] | undefined {
  let policy: ReturnType<typeof parsePolicyDocument>;
  try {
    policy = parsePolicyDocument(p.doc.data, { file: p.file, kind: 'trust' });
  } catch {
    return undefined;
  }
  const views = statements(p);
  const seen = new Set<string>();
  const out: TrustJudge[] = [];
  for (const s of views) {
    const raw = isObj(p.doc.data) ? getIn(p.doc.data, [...s.path, 'Principal', 'Federated']) : undefined;
    for (const arn of (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === 'string')) {
      if (seen.has(arn)) continue;
      seen.add(arn);
      const provider = providerOfArn(arn);
      const record = { arn, url: provider, clientIds: [STS_AUDIENCE] };
      // Only statements that can apply to this principal decide; evaluating the others for every provider and
      // namespace made lint quadratic in the number of clusters. Renumbered: the evaluator indexes by position.
      const own = { ...policy, Statement: policy.Statement.filter((st) => mayApplyTo(st, arn)).map((st, index) => ({ ...st, index })) };
      out.push({
        arn,
        provider,
        at: (({ path, line }) => ({ path, line }))(s.conditions.find((c) => c.key.endsWith(':sub')) ?? s),
        admits: (subject) =>
          evaluateTrustPolicy(own, {
            principalArn: arn,
            context: requestContext(webIdentityContext(record, { iss: `https://${provider}`, sub: subject, aud: [STS_AUDIENCE] }, STS_AUDIENCE)),
          }).decision === 'Allow',
      });
    }
  }
  return out;
}

const STS_AUDIENCE = 'sts.amazonaws.com';

/** False only for a statement whose Principal names other principals (so it cannot apply to `arn`). */
function mayApplyTo(st: ParsedStatement, arn: string): boolean {
  if (st.NotPrincipal !== undefined || st.Principal === undefined || st.Principal === '*') return true;
  return (st.Principal.Federated ?? []).includes(arn) || (st.Principal.AWS ?? []).includes('*');
}
