// The guide's trust relationships judged with tokens shaped like Kubernetes bound service-account tokens, minted
// here with jose and verified against JWKS served from loopback issuers (one per cluster).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTopology, starterTopologyYaml, type Topology } from '../../../harness/topology/index.ts';
import { desiredIam, providerRecords } from '../../../harness/iam/desired.ts';
import { checkAssumeRoleWithWebIdentity, type OidcProviderRecord } from '../../../harness/iam/evaluate.ts';
import { controlPlaneTrustPolicy, dataPlaneTrustPolicy, issuerHostPath, oidcProviderArn, type IssuerMap } from '../../../harness/iam/policies.ts';
import { loadJwks } from '../../../harness/iam/jwks.ts';
import { PolicyDocumentError } from '../../../harness/iam/document.ts';
import { startFakeIssuer, type FakeIssuer } from './support/oidc.ts';

let cp: FakeIssuer;
let dp1: FakeIssuer;
let dp2: FakeIssuer;
let issuers: IssuerMap;

beforeAll(async () => {
  [cp, dp1, dp2] = await Promise.all([startFakeIssuer(), startFakeIssuer(), startFakeIssuer()]);
  issuers = { controlplane: cp.issuer, dataplane_1: dp1.issuer, dataplane_2: dp2.issuer };
});
afterAll(async () => {
  await Promise.all([cp?.close(), dp1?.close(), dp2?.close()]);
});

function topology(opts: { dataPlanes?: number; style?: 'stringLike' | 'stringEquals' } = {}): Topology {
  let text = starterTopologyYaml({ dataPlanes: opts.dataPlanes ?? 2 });
  if (opts.style === 'stringEquals') text = text.replace('trustPolicyStyle: stringLike', 'trustPolicyStyle: stringEquals');
  return parseTopology(text);
}

async function check(t: Topology, role: 'data' | 'control', issuer: FakeIssuer, token: string, over: { policy?: unknown; providers?: OidcProviderRecord[] } = {}) {
  const d = desiredIam(t, issuers);
  const r = d.roles[role === 'control' ? 0 : 1]!;
  return checkAssumeRoleWithWebIdentity({
    roleArn: r.arn,
    trustPolicy: over.policy ?? r.trustPolicy,
    providers: over.providers ?? providerRecords(d),
    token,
    jwks: issuer.jwks,
  });
}

const text = (d: { lines: string[] }) => d.lines.join('\n');

describe('guide trust relationships with bound service-account tokens', () => {
  it('flytepropeller in flyte on a data plane may assume the data-plane role', async () => {
    const token = await dp1.mint({ namespace: 'flyte', name: 'flytepropeller' });
    const d = await check(topology(), 'data', dp1, token);
    expect(d.decision).toBe('Allow');
    expect(text(d)).toContain('Statement[0] Allow: applies');
    expect(text(d)).toContain(`"${issuerHostPath(dp1.issuer)}:sub"`);
    expect(text(d)).not.toContain(token);
  });

  it('default in a project-domain namespace is allowed under the guide\'s StringLike wildcard', async () => {
    const token = await dp1.mint({ namespace: 'team1-development', name: 'default' });
    const d = await check(topology(), 'data', dp1, token);
    expect(d.decision).toBe('Allow');
    expect(text(d)).toContain('"system:serviceaccount:team1-development:default" matches "system:serviceaccount:*:default"');
  });

  it('under StringEquals, default is allowed only in a listed project-domain namespace', async () => {
    const t = topology({ style: 'stringEquals' });
    const listed = await check(t, 'data', dp1, await dp1.mint({ namespace: 'team1-production', name: 'default' }));
    expect(listed.decision).toBe('Allow');
    const unlisted = await check(t, 'data', dp1, await dp1.mint({ namespace: 'team2-development', name: 'default' }));
    expect(unlisted.decision).toBe('Deny');
    expect(unlisted.basis).toBe('implicit-deny');
    expect(text(unlisted)).toMatch(/FAIL StringEquals ".*:sub": "system:serviceaccount:team2-development:default" matches none of/);
  });

  it('flyteadmin is kept out of the data-plane role and let into the control-plane role', async () => {
    const t = topology();
    const fromCp = await cp.mint({ namespace: 'flyte', name: 'flyteadmin' });
    const data = await check(t, 'data', cp, fromCp);
    expect(data.decision).toBe('Deny');
    expect(text(data)).toContain('principal does not match');
    // Even a flyteadmin service account inside a data plane cluster does not pass the data-plane subject condition.
    const fromDp = await check(t, 'data', dp1, await dp1.mint({ namespace: 'flyte', name: 'flyteadmin' }));
    expect(fromDp.decision).toBe('Deny');
    expect(text(fromDp)).toMatch(/FAIL StringLike ".*:sub": "system:serviceaccount:flyte:flyteadmin" matches none of/);
    const control = await check(t, 'control', cp, fromCp);
    expect(control.decision).toBe('Allow');
    const datacatalog = await check(t, 'control', cp, await cp.mint({ namespace: 'flyte', name: 'datacatalog' }));
    expect(datacatalog.decision).toBe('Allow');
    const propeller = await check(t, 'control', cp, await cp.mint({ namespace: 'flyte', name: 'flytepropeller' }));
    expect(propeller.decision).toBe('Deny');
  });

  it('the guide\'s "PROVIDER.:aud" typo denies, and the explanation names the malformed key', async () => {
    const t = topology();
    const host = issuerHostPath(dp1.issuer);
    const guide = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: oidcProviderArn(t, dp1.issuer) },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringLike: {
              [`${host}.:aud`]: 'sts.amazonaws.com',
              [`${host}.:sub`]: ['system:serviceaccount:flyte:flytepropeller', 'system:serviceaccount:*:default'],
            },
          },
        },
      ],
    });
    const d = await check(t, 'data', dp1, await dp1.mint({ namespace: 'flyte', name: 'flytepropeller' }), { policy: guide });
    expect(d.decision).toBe('Deny');
    expect(text(d)).toContain(`StringLike "${host}.:aud": key not in the request context (malformed key: its provider part "${host}." is not the token's provider "${host}"`);
    // The day-2 snippet's spelling (no stray dot) is allowed.
    const fixed = await check(t, 'data', dp1, await dp1.mint({ namespace: 'flyte', name: 'flytepropeller' }), { policy: guide.replaceAll('.:', ':') });
    expect(fixed.decision).toBe('Allow');
  });

  it('a day-2 cluster is denied before its provider and statement are added, allowed after', async () => {
    const token = await dp2.mint({ namespace: 'flyte', name: 'flytepropeller' });
    const before = topology({ dataPlanes: 1 });
    const d0 = await check(before, 'data', dp2, token);
    expect(d0.decision).toBe('Deny');
    expect(d0.rejectedBy).toBe('provider');
    expect(text(d0)).toContain(`no OIDC provider in the account for issuer "${dp2.issuer}"`);
    // Provider registered but the trust statement not yet added: the principal does not match.
    const after = topology({ dataPlanes: 2 });
    const d1 = await check(before, 'data', dp2, token, { providers: providerRecords(desiredIam(after, issuers)) });
    expect(d1.decision).toBe('Deny');
    expect(d1.rejectedBy).toBeUndefined();
    expect(text(d1)).toContain('principal does not match');
    const d2 = await check(after, 'data', dp2, token);
    expect(d2.decision).toBe('Allow');
    expect(d2.lines.some((l) => l.startsWith('Statement[1] Allow: applies'))).toBe(true);
    // dataplane_1 keeps working after the addition.
    expect((await check(after, 'data', dp1, await dp1.mint({ namespace: 'flyte', name: 'flytepropeller' }))).decision).toBe('Allow');
  });
});

describe('token validation before the trust policy', () => {
  const t = () => topology();
  it('rejects an expired token and one not yet valid', async () => {
    const expired = await check(t(), 'data', dp1, await dp1.mint({ namespace: 'flyte', name: 'flytepropeller', expiresIn: -60, notBefore: -3600 }));
    expect(expired.rejectedBy).toBe('token');
    expect(text(expired)).toMatch(/expired at/);
    const early = await check(t(), 'data', dp1, await dp1.mint({ namespace: 'flyte', name: 'flytepropeller', notBefore: 600 }));
    expect(early.rejectedBy).toBe('token');
    expect(text(early)).toMatch(/not valid before/);
  });

  it('rejects a token signed by another cluster\'s key (signature checked against the issuer\'s JWKS)', async () => {
    const forged = await dp2.mint({ namespace: 'flyte', name: 'flytepropeller', iss: dp1.issuer });
    const d = await check(t(), 'data', dp1, forged);
    expect(d.rejectedBy).toBe('token');
    expect(text(d)).toMatch(/no key in the JWKS matches kid|signature does not verify/);
  });

  it('rejects a legacy Secret token (iss kubernetes/serviceaccount, no exp)', async () => {
    const legacy = await dp1.mint({ namespace: 'flyte', name: 'flytepropeller', iss: 'kubernetes/serviceaccount', noExp: true });
    const d = await check(t(), 'data', dp1, legacy);
    expect(d.decision).toBe('Deny');
    expect(text(d)).toContain('legacy Secret token');
  });

  it('rejects a token whose audience is not a client ID of the provider', async () => {
    const d = await check(t(), 'data', dp1, await dp1.mint({ namespace: 'flyte', name: 'flytepropeller', aud: [dp1.issuer] }));
    expect(d.rejectedBy).toBe('audience');
    expect(text(d)).toContain('incorrect token audience');
  });

  it('rejects something that is not a JWT', async () => {
    const d = await check(t(), 'data', dp1, 'not-a-jwt');
    expect(d.rejectedBy).toBe('token');
  });

  it('loads the JWKS from the loopback /openid/v1/jwks endpoint and refuses plain http elsewhere', async () => {
    const jwks = await loadJwks(dp1.jwksUrl);
    expect(jwks.keys[0]!.kid).toBe(dp1.kid);
    await expect(loadJwks('http://example.com/openid/v1/jwks')).rejects.toThrow(/loopback/);
  });
});

describe('condition semantics', () => {
  const host = () => issuerHostPath(dp1.issuer);
  const policy = (statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
  const allow = (condition: unknown) => ({
    Effect: 'Allow',
    Principal: { Federated: oidcProviderArn(topology(), dp1.issuer) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
  });
  const run = async (p: unknown, opts: { ns?: string; name?: string; amr?: string[] } = {}) =>
    check(topology(), 'data', dp1, await dp1.mint({ namespace: opts.ns ?? 'flyte', name: opts.name ?? 'flytepropeller', ...(opts.amr ? { amr: opts.amr } : {}) }), { policy: p });

  it('an explicit Deny wins over an Allow', async () => {
    const p = policy([
      allow({ StringEquals: { [`${host()}:aud`]: 'sts.amazonaws.com' } }),
      { Sid: 'NoPropeller', Effect: 'Deny', Principal: '*', Action: 'sts:*', Condition: { StringEquals: { [`${host()}:sub`]: 'system:serviceaccount:flyte:flytepropeller' } } },
    ]);
    const d = await run(p);
    expect(d.decision).toBe('Deny');
    expect(d.basis).toBe('explicit-deny');
    expect(text(d)).toContain('explicit Deny in Statement[1] (Sid NoPropeller)');
    expect((await run(p, { name: 'default', ns: 'team1-development' })).decision).toBe('Allow');
  });

  it('condition key names are case-insensitive; StringEquals/StringLike values are case-sensitive', async () => {
    expect((await run(policy([allow({ StringEquals: { [`${host().toUpperCase()}:SUB`]: 'system:serviceaccount:flyte:flytepropeller' } })]))).decision).toBe('Allow');
    expect((await run(policy([allow({ StringEquals: { [`${host()}:sub`]: 'system:serviceaccount:flyte:FlytePropeller' } })]))).decision).toBe('Deny');
    expect((await run(policy([allow({ StringLike: { [`${host()}:sub`]: 'system:serviceaccount:FLYTE:*' } })]))).decision).toBe('Deny');
    expect((await run(policy([allow({ StringEqualsIgnoreCase: { [`${host()}:sub`]: 'system:serviceaccount:flyte:FlytePropeller' } })]))).decision).toBe('Allow');
  });

  it('negated operators: StringNotEquals / StringNotLike, and their behaviour on an absent key', async () => {
    const notAdmin = policy([allow({ StringNotEquals: { [`${host()}:sub`]: 'system:serviceaccount:flyte:flyteadmin' } })]);
    expect((await run(notAdmin)).decision).toBe('Allow');
    expect((await run(notAdmin, { name: 'flyteadmin' })).decision).toBe('Deny');
    const notFlyteNs = policy([allow({ StringNotLike: { [`${host()}:sub`]: 'system:serviceaccount:flyte:*' } })]);
    expect((await run(notFlyteNs)).decision).toBe('Deny');
    expect((await run(notFlyteNs, { ns: 'team1-development', name: 'default' })).decision).toBe('Allow');
    // A negated operator passes on a key absent from the context; a positive one fails.
    expect((await run(policy([allow({ StringNotEquals: { [`${host()}:amr`]: 'x' } })]))).decision).toBe('Allow');
    expect((await run(policy([allow({ StringEquals: { [`${host()}:amr`]: 'x' } })]))).decision).toBe('Deny');
    expect((await run(policy([allow({ StringEqualsIfExists: { [`${host()}:amr`]: 'x' } })]))).decision).toBe('Allow');
    expect((await run(policy([allow({ Null: { [`${host()}:amr`]: 'true' } })]))).decision).toBe('Allow');
  });

  it('ForAnyValue / ForAllValues on the multivalued amr key', async () => {
    const any = policy([allow({ 'ForAnyValue:StringEquals': { [`${host()}:amr`]: ['mfa'] } })]);
    expect((await run(any, { amr: ['pwd', 'mfa'] })).decision).toBe('Allow');
    expect((await run(any, { amr: ['pwd'] })).decision).toBe('Deny');
    expect((await run(any)).decision).toBe('Deny'); // absent key: ForAnyValue fails
    const all = policy([allow({ 'ForAllValues:StringLike': { [`${host()}:amr`]: ['pwd', 'm*'] } })]);
    expect((await run(all, { amr: ['pwd', 'mfa'] })).decision).toBe('Allow');
    expect((await run(all, { amr: ['pwd', 'otp'] })).decision).toBe('Deny');
    expect((await run(all)).decision).toBe('Allow'); // absent key: ForAllValues passes (the documented trap)
    const anyNot = policy([allow({ 'ForAnyValue:StringNotEquals': { [`${host()}:amr`]: ['pwd'] } })]);
    expect((await run(anyNot, { amr: ['pwd'] })).decision).toBe('Deny');
    expect((await run(anyNot, { amr: ['pwd', 'mfa'] })).decision).toBe('Allow');
    const onSub = policy([allow({ 'ForAllValues:StringEquals': { [`${host()}:sub`]: ['system:serviceaccount:flyte:flytepropeller'] } })]);
    expect((await run(onSub)).decision).toBe('Allow');
    expect((await run(onSub, { name: 'default' })).decision).toBe('Deny');
  });

  it('the action must cover sts:AssumeRoleWithWebIdentity', async () => {
    const p = policy([{ ...allow({}), Action: 'sts:AssumeRole' }]);
    const d = await run(p);
    expect(d.decision).toBe('Deny');
    expect(text(d)).toContain('does not cover sts:AssumeRoleWithWebIdentity');
    expect((await run(policy([{ ...allow({}), Action: 'sts:AssumeRole*' }]))).decision).toBe('Allow');
  });

  it('a malformed trust policy is an error, not a decision', async () => {
    await expect(run('{"Version": "2012-10-17", "Statement": [')).rejects.toBeInstanceOf(PolicyDocumentError);
    await expect(run(policy([allow({ StringEqualz: { a: 'b' } })]))).rejects.toThrow(/unknown condition operator "StringEqualz".*did you mean "StringEquals"/);
  });

  it('the rendered control-plane and data-plane policies are the ones evaluated, with the guide\'s subjects per issuer', () => {
    const t = topology();
    const d = desiredIam(t, issuers);
    expect(d.roles[0]!.trustPolicy).toEqual(controlPlaneTrustPolicy(t, issuers));
    expect(d.roles[1]!.trustPolicy).toEqual(dataPlaneTrustPolicy(t, issuers));
    // Written out from the guide's trust relationships: the issuer URL without https://, one statement per cluster.
    const host = (issuer: string) => new URL(issuer).host + new URL(issuer).pathname.replace(/\/$/, '');
    const statement = (issuer: string, condition: Record<string, Record<string, unknown>>) => ({
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${host(issuer)}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: condition,
    });
    expect(controlPlaneTrustPolicy(t, issuers).Statement).toEqual([
      statement(cp.issuer, {
        StringEquals: {
          [`${host(cp.issuer)}:aud`]: 'sts.amazonaws.com',
          [`${host(cp.issuer)}:sub`]: ['system:serviceaccount:flyte:flyteadmin', 'system:serviceaccount:flyte:datacatalog'],
        },
      }),
    ]);
    expect(dataPlaneTrustPolicy(t, issuers).Statement).toEqual(
      [dp1.issuer, dp2.issuer].map((i) =>
        statement(i, {
          StringEquals: { [`${host(i)}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${host(i)}:sub`]: ['system:serviceaccount:flyte:flytepropeller', 'system:serviceaccount:*:default'] },
        }),
      ),
    );
  });
});
