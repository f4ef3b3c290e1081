// Judges sts:AssumeRoleWithWebIdentity the way AWS documents it, with a readable explanation of every step:
//  1. the token: signature against the issuer's JWKS, exp/nbf (STS rejects the call before any policy is read);
//  2. the account's OIDC provider for the token's issuer (none → rejected), and the token's audience must be one of
//     the provider's client IDs; the request context then holds `<provider>:sub`, `:aud` (the matching client ID),
//     `:oaud` (the other audiences) and `:amr` when the token carries it;
//  3. the role's trust policy: a statement applies when its principal names that provider, its action covers
//     sts:AssumeRoleWithWebIdentity and all its conditions hold; an applicable Deny wins, else an applicable Allow
//     allows, else the request is implicitly denied.
// No I/O: the JWKS is passed in (see jwks.ts for loading it).
import type { JSONWebKeySet, JWTPayload } from 'jose';
import { evaluateCondition, globMatch, requestContext, type ConditionResult, type ContextEntry, type RequestContext } from './conditions.ts';
import { parsePolicyDocument, type ParsedPolicy, type ParsedStatement } from './document.ts';
import { issuerHostPath } from './policies.ts';

export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';

/** An IAM OIDC provider as the account holds it: IAM stores the URL without its scheme. */
export interface OidcProviderRecord {
  arn: string;
  /** Issuer host and path, e.g. `oidc.eks.us-east-2.amazonaws.com/id/ABC` or `127.0.0.1:6443`. */
  url: string;
  clientIds: readonly string[];
}

export interface StatementResult {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  applies: boolean;
  /** The statement could not be judged (an operator this evaluator does not support); treated as not applying. */
  undecidable: boolean;
  principal: { matches: boolean; explanation: string };
  action: { matches: boolean; explanation: string };
  conditions: ConditionResult[];
}

export interface PolicyDecision {
  decision: 'Allow' | 'Deny';
  /** Which rule decided: an explicit Deny statement, an Allow statement, or no statement applied. */
  basis: 'explicit-deny' | 'allow' | 'implicit-deny' | 'undecidable';
  statements: StatementResult[];
  lines: string[];
}

export interface Decision extends PolicyDecision {
  /** Set when STS would reject the call before reading the trust policy (bad token, unknown provider, audience). */
  rejectedBy?: 'token' | 'provider' | 'audience';
}

const q = (s: string) => JSON.stringify(s);

function label(s: ParsedStatement): string {
  return `Statement[${s.index}]${s.Sid ? ` (Sid ${s.Sid})` : ''}`;
}

function principalMatch(s: ParsedStatement, principalArn: string): { matches: boolean; explanation: string } {
  const check = (p: ParsedStatement['Principal']): boolean =>
    p === '*' || (p !== undefined && ((p.Federated ?? []).includes(principalArn) || (p.AWS ?? []).includes('*')));
  if (s.NotPrincipal !== undefined) {
    const listed = check(s.NotPrincipal);
    return { matches: !listed, explanation: listed ? `NotPrincipal lists ${q(principalArn)}` : `NotPrincipal does not list ${q(principalArn)}` };
  }
  const p = s.Principal;
  if (check(p)) return { matches: true, explanation: `principal ${p === '*' ? '"*"' : `Federated ${q(principalArn)}`} matches` };
  const fed = p === undefined || p === '*' ? [] : (p.Federated ?? []);
  const other = p === undefined || p === '*' ? [] : Object.keys(p).filter((k) => k !== 'Federated');
  const near = fed.find((f) => f.toLowerCase() === principalArn.toLowerCase());
  const shown = fed.length > 0 ? `Federated ${fed.map(q).join(', ')}` : other.length > 0 ? `only ${other.join('/')} principals` : 'no principal';
  return {
    matches: false,
    explanation: `principal does not match: the statement names ${shown}, the token's provider is ${q(principalArn)}${near ? ' (differs only in case; ARNs compare exactly)' : ''}`,
  };
}

function actionMatch(s: ParsedStatement, action: string): { matches: boolean; explanation: string } {
  const hit = (xs: readonly string[]) => xs.find((a) => globMatch(a, action, true));
  if (s.NotAction) {
    const h = hit(s.NotAction);
    return { matches: !h, explanation: h ? `NotAction ${q(h)} excludes ${action}` : `NotAction does not exclude ${action}` };
  }
  const h = hit(s.Action ?? []);
  return { matches: h !== undefined, explanation: h ? `action ${q(h)} covers ${action}` : `action ${(s.Action ?? []).map(q).join(', ')} does not cover ${action}` };
}

/** A hint for a condition key that is not in the request context: the usual cause is a typo in the provider part. */
function absentKeyHint(ctx: RequestContext): (key: string) => string {
  return (key) => {
    const m = /^(.*):([A-Za-z_]+)$/.exec(key);
    const present = [...ctx.values()].map((e) => e.name);
    if (!m) return ` (the request context has ${present.map(q).join(', ')})`;
    const [, provider, claim] = m;
    const same = [...ctx.values()].find((e) => e.name.toLowerCase().endsWith(`:${claim!.toLowerCase()}`));
    if (same) {
      const want = same.name.slice(0, same.name.length - claim!.length - 1);
      return ` (malformed key: its provider part ${q(provider!)} is not the token's provider ${q(want)}; the context key is ${q(same.name)})`;
    }
    return ` (the token supplies no "${claim}"; the request context has ${present.map(q).join(', ')})`;
  };
}

/**
 * Evaluates a parsed trust policy for one request: which principal (the provider ARN) asks for which action with
 * which context. The policy-only part of the decision, usable without a token (property tests).
 */
export function evaluateTrustPolicy(policy: ParsedPolicy, request: { principalArn: string; action?: string; context: RequestContext }): PolicyDecision {
  const action = request.action ?? WEB_IDENTITY_ACTION;
  const hint = absentKeyHint(request.context);
  const statements: StatementResult[] = policy.Statement.map((s) => {
    const principal = principalMatch(s, request.principalArn);
    const act = actionMatch(s, action);
    const conditions: ConditionResult[] = [];
    for (const [op, keys] of Object.entries(s.Condition))
      for (const [key, values] of Object.entries(keys)) conditions.push(evaluateCondition(op, key, values, request.context, hint));
    const undecidable = principal.matches && act.matches && conditions.some((c) => c.unsupported);
    const applies = principal.matches && act.matches && !undecidable && conditions.every((c) => c.holds);
    return { index: s.index, ...(s.Sid ? { sid: s.Sid } : {}), effect: s.Effect, applies, undecidable, principal, action: act, conditions };
  });
  const lines: string[] = [];
  for (const r of statements) {
    const s = policy.Statement[r.index]!;
    const head = `${label(s)} ${r.effect}:`;
    if (!r.principal.matches) {
      lines.push(`${head} skipped, ${r.principal.explanation}`);
      continue;
    }
    if (!r.action.matches) {
      lines.push(`${head} skipped, ${r.action.explanation}`);
      continue;
    }
    const verdict = r.undecidable ? 'cannot be judged' : r.applies ? 'applies' : 'does not apply';
    lines.push(`${head} ${verdict} (${r.principal.explanation}; ${r.action.explanation})`);
    if (r.conditions.length === 0) lines.push('    no conditions');
    for (const c of r.conditions) lines.push(`    ${c.holds ? 'ok  ' : 'FAIL'} ${c.explanation}`);
  }
  const deny = statements.find((r) => r.effect === 'Deny' && r.applies);
  const allow = statements.find((r) => r.effect === 'Allow' && r.applies);
  const undecidable = statements.find((r) => r.undecidable);
  let decision: PolicyDecision['decision'];
  let basis: PolicyDecision['basis'];
  if (deny) {
    decision = 'Deny';
    basis = 'explicit-deny';
    lines.push(`Deny: explicit Deny in ${label(policy.Statement[deny.index]!)} (an explicit Deny overrides any Allow)`);
  } else if (undecidable) {
    decision = 'Deny';
    basis = 'undecidable';
    lines.push(`Deny: ${label(policy.Statement[undecidable.index]!)} uses a condition operator this evaluator cannot judge`);
  } else if (allow) {
    decision = 'Allow';
    basis = 'allow';
    lines.push(`Allow: ${label(policy.Statement[allow.index]!)} allows ${action}`);
  } else {
    decision = 'Deny';
    basis = 'implicit-deny';
    lines.push(`Deny: no Allow statement applies (implicit deny)`);
  }
  return { decision, basis, statements, lines };
}

/** The request context STS builds for a verified token and the provider that matched its issuer. */
export function webIdentityContext(provider: OidcProviderRecord, claims: JWTPayload, matchedAudience: string): ContextEntry[] {
  const p = provider.url;
  const auds = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  const out: ContextEntry[] = [];
  if (typeof claims.sub === 'string') out.push({ name: `${p}:sub`, values: [claims.sub], multivalued: false });
  out.push({ name: `${p}:aud`, values: [matchedAudience], multivalued: false });
  const others = auds.filter((a) => a !== matchedAudience);
  if (others.length > 0) out.push({ name: `${p}:oaud`, values: others, multivalued: true });
  const amr = (claims as Record<string, unknown>).amr;
  if (typeof amr === 'string') out.push({ name: `${p}:amr`, values: [amr], multivalued: true });
  else if (Array.isArray(amr)) out.push({ name: `${p}:amr`, values: amr.map(String), multivalued: true });
  out.push({ name: 'aws:FederatedProvider', values: [provider.arn], multivalued: false });
  return out;
}

export interface TokenCheck {
  ok: boolean;
  claims?: JWTPayload;
  explanation: string;
}

/** Verifies signature (against the JWKS), exp and nbf. Never includes the token itself in the explanation. */
export async function verifyWebIdentityToken(token: string, jwks: JSONWebKeySet, now: Date = new Date()): Promise<TokenCheck> {
  // Loaded here, not at the top: lint's trust-policy rules use this module and never verify a token.
  const { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors: joseErrors, jwtVerify } = await import('jose');
  let claims: JWTPayload;
  let kid: string | undefined;
  try {
    claims = decodeJwt(token);
    kid = decodeProtectedHeader(token).kid;
  } catch (err) {
    return { ok: false, explanation: `the token is not a JWT (${(err as Error).message})` };
  }
  const who = `token for ${q(String(claims.sub ?? '?'))} from ${q(String(claims.iss ?? '?'))}`;
  if (claims.exp === undefined)
    return { ok: false, claims, explanation: `${who} has no exp claim; STS takes only expiring tokens${claims.iss === 'kubernetes/serviceaccount' ? ' (this is a legacy Secret token; IRSA uses projected, audience-bound tokens)' : ''}` };
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { currentDate: now });
    const exp = new Date(payload.exp! * 1000).toISOString();
    return { ok: true, claims: payload, explanation: `${who}: signature verified${kid ? ` (kid ${q(kid)})` : ''}, valid until ${exp}` };
  } catch (err) {
    const at = now.toISOString();
    if (err instanceof joseErrors.JWTExpired) return { ok: false, claims, explanation: `${who} expired at ${new Date(claims.exp * 1000).toISOString()} (now ${at})` };
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'nbf')
      return { ok: false, claims, explanation: `${who} is not valid before ${new Date((claims.nbf ?? 0) * 1000).toISOString()} (now ${at})` };
    if (err instanceof joseErrors.JWKSNoMatchingKey) return { ok: false, claims, explanation: `${who}: no key in the JWKS matches kid ${q(kid ?? '')}` };
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { ok: false, claims, explanation: `${who}: signature does not verify against the JWKS` };
    return { ok: false, claims, explanation: `${who} rejected: ${(err as Error).message}` };
  }
}

export interface WebIdentityRequest {
  roleArn: string;
  /** The role's trust policy: JSON text, a parsed JSON value, or an already parsed policy. */
  trustPolicy: string | unknown;
  providers: readonly OidcProviderRecord[];
  token: string;
  jwks: JSONWebKeySet;
  now?: Date;
  /** Names the trust policy in errors (file or "role X in endpoint"). */
  policySource?: string;
}

function isParsed(p: unknown): p is ParsedPolicy {
  return typeof p === 'object' && p !== null && Array.isArray((p as ParsedPolicy).Statement) && (p as ParsedPolicy).Statement.every((s) => typeof s?.index === 'number');
}

/** The whole STS decision for AssumeRoleWithWebIdentity. Throws PolicyDocumentError for a malformed trust policy. */
export async function checkAssumeRoleWithWebIdentity(req: WebIdentityRequest): Promise<Decision> {
  const policy = isParsed(req.trustPolicy) ? req.trustPolicy : parsePolicyDocument(req.trustPolicy, { file: req.policySource ?? 'trust policy', kind: 'trust' });
  const lines = [`request: ${WEB_IDENTITY_ACTION} on ${req.roleArn}`];
  const rejected = (by: Decision['rejectedBy'], why: string): Decision => ({
    decision: 'Deny',
    basis: 'implicit-deny',
    rejectedBy: by,
    statements: [],
    lines: [...lines, `Deny: ${why}`],
  });
  const token = await verifyWebIdentityToken(req.token, req.jwks, req.now);
  lines.push(`token: ${token.explanation}`);
  if (!token.ok || !token.claims) return rejected('token', 'STS rejects the token (InvalidIdentityToken) before reading the trust policy');
  const claims = token.claims;
  const iss = String(claims.iss ?? '');
  if (!/^https:\/\//.test(iss)) return rejected('provider', `the token's issuer ${q(iss)} is not an https URL, so no IAM OIDC provider can match it`);
  const host = issuerHostPath(iss);
  const provider = req.providers.find((p) => p.url === host);
  if (!provider) {
    const known = req.providers.map((p) => q(p.url)).join(', ') || 'none';
    return rejected('provider', `no OIDC provider in the account for issuer ${q(iss)} (providers: ${known})`);
  }
  lines.push(`provider: ${provider.arn} (client IDs ${provider.clientIds.map(q).join(', ') || 'none'})`);
  const auds = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  const matched = auds.find((a) => provider.clientIds.includes(a));
  if (matched === undefined)
    return rejected('audience', `the token's audience ${auds.length > 0 ? auds.map(q).join(', ') : '(none)'} is not a client ID of the provider (STS: incorrect token audience)`);
  const entries = webIdentityContext(provider, claims, matched);
  lines.push(`request context: ${entries.map((e) => `${e.name}=${e.values.length === 1 && !e.multivalued ? q(e.values[0]!) : `[${e.values.map(q).join(', ')}]`}`).join(', ')}`);
  const result = evaluateTrustPolicy(policy, { principalArn: provider.arn, context: requestContext(entries) });
  return { ...result, lines: [...lines, ...result.lines] };
}
