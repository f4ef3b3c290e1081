// `flyte-mc iam` flags, exit codes and output, in process: check against the rendered topology (JWKS from a
// loopback issuer), plan/apply against the msw IAM handlers.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { memoryIo } from '../../../harness/cli/command.ts';
import { starterTopologyYaml } from '../../../harness/topology/index.ts';
import { issuerHostPath } from '../../../harness/iam/policies.ts';
import { createIamMock, MOCK_IAM_ENDPOINT } from '../../../mocks/iam/handlers.ts';
import { startFakeIssuer, type FakeIssuer } from './support/oidc.ts';

let dir: string;
let cp: FakeIssuer;
let dp1: FakeIssuer;
let topo: string;
let issuersFile: string;
const server = setupServer();

beforeAll(async () => {
  server.listen({ onUnhandledFrame: 'bypass' }); // the loopback JWKS server is real; only the IAM endpoint is mocked
  dir = await mkdtemp(join(tmpdir(), 'flyte-mc-iam-cli-'));
  [cp, dp1] = await Promise.all([startFakeIssuer(), startFakeIssuer()]);
  topo = join(dir, 'flyte-mc.yaml');
  await writeFile(topo, starterTopologyYaml({ dataPlanes: 1 }));
  issuersFile = join(dir, 'issuers.yaml');
  await writeFile(issuersFile, `controlplane: ${cp.issuer}\ndataplane_1: ${dp1.issuer}\n`);
});
afterAll(async () => {
  server.close();
  await Promise.all([cp?.close(), dp1?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tokenFile(issuer: FakeIssuer, ns: string, name: string, mode = 0o600): Promise<{ file: string; token: string }> {
  const token = await issuer.mint({ namespace: ns, name });
  const file = join(dir, `${ns}.${name}.${mode.toString(8)}.jwt`);
  await writeFile(file, `${token}\n`, { mode });
  await chmod(file, mode);
  return { file, token };
}

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await main(['iam', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('flyte-mc iam check', () => {
  it('exit 0 with the explanation for an allowed token; the token is never printed', async () => {
    const { file, token } = await tokenFile(dp1, 'flyte', 'flytepropeller');
    const r = await run('check', '--role', 'flyte-dataplane-role', '--token', file, '--jwks', dp1.jwksUrl, '--topology', topo, '--issuers', issuersFile);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('request: sts:AssumeRoleWithWebIdentity on arn:aws:iam::123456789012:role/flyte-dataplane-role');
    expect(r.out).toContain(`token: token for "system:serviceaccount:flyte:flytepropeller" from "${dp1.issuer}": signature verified (kid "${dp1.kid}")`);
    expect(r.out).toContain('Allow: Statement[0] allows sts:AssumeRoleWithWebIdentity');
    expect(r.out + r.err).not.toContain(token);
    expect(r.out + r.err).not.toContain(token.split('.')[2]!);
  });

  it('exit 1 with the failing condition for a denied token; --json gives the same decision', async () => {
    const { file } = await tokenFile(dp1, 'flyte', 'flyteadmin');
    const r = await run('check', '--role', 'flyte-dataplane-role', '--token', file, '--jwks', dp1.jwksUrl, '--topology', topo, '--issuers', issuersFile);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL StringLike ".*:sub": "system:serviceaccount:flyte:flyteadmin" matches none of/);
    const j = await run('check', '--role', 'flyte-dataplane-role', '--token', file, '--jwks', dp1.jwksUrl, '--topology', topo, '--issuers', issuersFile, '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ decision: 'Deny', basis: 'implicit-deny', rejectedBy: null });
  });

  it('--policy judges a given trust policy (the guide\'s typo) and names the malformed key', async () => {
    const host = issuerHostPath(dp1.issuer);
    const policy = join(dir, 'guide-trust.json');
    await writeFile(policy, JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${host}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${host}.:aud`]: 'sts.amazonaws.com', [`${host}.:sub`]: ['system:serviceaccount:flyte:flytepropeller', 'system:serviceaccount:*:default'] } } }],
    }, null, 2));
    const { file } = await tokenFile(dp1, 'flyte', 'flytepropeller');
    const r = await run('check', '--role', 'flyte-dataplane-role', '--token', file, '--jwks', dp1.jwksUrl, '--topology', topo, '--issuers', issuersFile, '--policy', policy);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`malformed key: its provider part "${host}." is not the token's provider "${host}"`);
  });

  it('bad input is exit 2 with one clear line', async () => {
    const { file } = await tokenFile(dp1, 'flyte', 'flytepropeller');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEqualz": {"a": "b"}}}]}');
    const base = ['check', '--role', 'flyte-dataplane-role', '--token', file, '--jwks', dp1.jwksUrl, '--topology', topo];
    const r1 = await run(...base, '--policy', bad);
    expect(r1.code).toBe(2);
    expect(r1.err).toBe(`flyte-mc iam: ${bad}: Statement[0].Condition.StringEqualz: unknown condition operator "StringEqualz" (did you mean "StringEquals"?)\n`);
    const r2 = await run('check', '--role', 'nope', '--token', file, '--jwks', dp1.jwksUrl, '--topology', topo);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('--role must be one of the topology\'s roles: flyte-controlplane-role, flyte-dataplane-role');
    const r3 = await run('check', '--role', 'flyte-dataplane-role', '--token', file, '--jwks', dp1.jwksUrl);
    expect(r3.code).toBe(2);
    expect(r3.err).toContain('give --topology FILE');
    const notJwt = join(dir, 'not.jwt');
    await writeFile(notJwt, 'hello', { mode: 0o600 });
    const r4 = await run('check', '--role', 'flyte-dataplane-role', '--token', notJwt, '--jwks', dp1.jwksUrl, '--topology', topo);
    expect(r4.err).toBe(`flyte-mc iam: ${notJwt}: is not a JWT (expected header.payload.signature)\n`);
    const r5 = await run('check', '--role', 'flyte-dataplane-role', '--token', file, '--jwks', join(dir, 'missing.json'), '--topology', topo);
    expect(r5.code).toBe(2);
    expect(r5.err).toContain('cannot read JWKS file (ENOENT)');
    const issuersBad = join(dir, 'issuers-bad.yaml');
    await writeFile(issuersBad, 'dataplane_1: http://127.0.0.1:1\n');
    const r6 = await run('plan', '--topology', topo, '--issuers', issuersBad, '--endpoint', MOCK_IAM_ENDPOINT);
    expect(r6.err).toBe(`flyte-mc iam: ${issuersBad}: dataplane_1: must be an https issuer URL without query or fragment\n`);
    expect((await run('frobnicate')).code).toBe(2);
  });

  it('warns when the token file is readable by others', async () => {
    const { file } = await tokenFile(dp1, 'flyte', 'flytepropeller', 0o644);
    const r = await run('check', '--role', 'flyte-dataplane-role', '--token', file, '--jwks', dp1.jwksUrl, '--topology', topo, '--issuers', issuersFile);
    expect(r.code).toBe(0);
    expect(r.err).toContain('is readable by other users (mode 644); tokens belong in 0600 files');
  });
});

describe('flyte-mc iam plan|apply against an endpoint', () => {
  it('plan prints the diff, apply applies it, the next plan says nothing changes (--check exit codes)', async () => {
    const mock = createIamMock();
    server.resetHandlers(...mock.handlers);
    const args = ['--topology', topo, '--issuers', issuersFile, '--endpoint', MOCK_IAM_ENDPOINT];
    const p = await run('plan', ...args, '--check');
    expect(p.code).toBe(1);
    expect(p.out).toContain(`+ create oidc provider ${issuerHostPath(dp1.issuer)} for dataplane_1 (client IDs sts.amazonaws.com)`);
    expect(p.out).toMatch(/7 changes; 0 resources already up to date\.\n$/);
    const a = await run('apply', ...args);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/applied 7 changes; 0 resources already up to date\.\n$/);
    expect(a.err).toContain('create role flyte-dataplane-role: done');
    const again = await run('apply', ...args);
    expect(again.out).toBe('No changes: 5 resources already up to date.\n');
    expect((await run('plan', ...args, '--check')).code).toBe(0);
  });

  it('rejects an endpoint that is not a URL', async () => {
    const r = await run('plan', '--topology', topo, '--endpoint', 'localhost:4566');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--endpoint must be an http(s) URL');
  });
});
