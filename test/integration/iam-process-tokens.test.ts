// The token cases with real tokens: TokenRequest-bound service-account tokens (audience sts.amazonaws.com) from
// real kube-apiservers of the process backend, verified against each apiserver's own /openid/v1/jwks, judged
// against the trust policies the harness renders and the ones `iam apply` wrote to each installed emulator (moto,
// LocalStack's host process).
// Skips with a printed reason when the process backend or its kube-lite binary is not available.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeJwt, type JSONWebKeySet } from 'jose';
import { loadJwks } from '../../harness/iam/jwks.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTopology, starterTopologyYaml, type Topology } from '../../harness/topology/index.ts';
import { desiredIam, providerRecords } from '../../harness/iam/desired.ts';
import { checkAssumeRoleWithWebIdentity, type Decision } from '../../harness/iam/evaluate.ts';
import { issuerHostPath, oidcProviderArn, type IssuerMap } from '../../harness/iam/policies.ts';
import { applyIam, asProviderRecords, iamClients, readProviders, readRoleTrustPolicy } from '../../harness/iam/aws.ts';
import { repoRoot } from '../../mocks/moto.ts';
import { localstack, moto } from '../support/iam-emulators.ts';
import { skipTier } from '../support/prereq.ts';

// The process backend is another engineer's module; load it only when it is in this tree.
interface RawClient {
  raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
}
interface RealCluster {
  readonly issuer: string;
  caCert(): string;
  admin(): RawClient;
}
interface RealBackend {
  unavailableReason(): Promise<string | undefined>;
  createClusters(specs: { name: string; role: 'control-plane' | 'data-plane' }[]): Promise<RealCluster[]>;
  createCluster(spec: { name: string; role: 'control-plane' | 'data-plane' }): Promise<RealCluster>;
  dispose(): Promise<void>;
}

const modulePath = join(repoRoot, 'harness', 'backends', 'process', 'index.ts');
let backend: RealBackend | undefined;
let reason: string | undefined;
if (!existsSync(modulePath)) reason = 'harness/backends/process is not in this tree';
else {
  const mod = (await import(pathToFileURL(modulePath).href)) as { createProcessBackend(opts: { log?: (l: string) => void }): RealBackend };
  backend = mod.createProcessBackend({ log: (l) => console.log(`[process] ${l}`) });
  reason = await backend.unavailableReason();
}
const skip = skipTier('iam with real service-account tokens (process backend)', reason);

const topology = (n: number, style: 'stringLike' | 'stringEquals' = 'stringLike'): Topology =>
  parseTopology(starterTopologyYaml({ dataPlanes: n }).replace('trustPolicyStyle: stringLike', `trustPolicyStyle: ${style}`));

async function ensure(c: RawClient, path: string, body: unknown): Promise<void> {
  try {
    await c.raw('POST', path, body);
  } catch (err) {
    if ((err as { status?: number }).status !== 409) throw err;
  }
}

/** A bound token from the TokenRequest API, as kubelet projects it for IRSA (audience sts.amazonaws.com). */
async function boundToken(cluster: RealCluster, ns: string, name: string, audiences: string[] = ['sts.amazonaws.com']): Promise<string> {
  const admin = cluster.admin();
  await ensure(admin, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await ensure(admin, `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  const res = await admin.raw('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { ...(audiences.length > 0 ? { audiences } : {}), expirationSeconds: 3600 },
  });
  return (JSON.parse(res.body) as { status: { token: string } }).status.token;
}

describe.skipIf(skip)('trust policies with real bound service-account tokens', () => {
  const clusters: Record<string, RealCluster> = {};
  const jwks: Record<string, JSONWebKeySet> = {};
  let issuers: IssuerMap;

  let dir: string;
  /** The JWKS as a user would fetch it: https with the cluster CA, a service-account token as bearer (API audience). */
  const addCluster = async (name: string, c: RealCluster) => {
    clusters[name] = c;
    const ca = join(dir, `${name}.ca.crt`);
    const bearer = join(dir, `${name}.reader.token`);
    await writeFile(ca, c.caCert());
    await writeFile(bearer, await boundToken(c, 'kube-system', 'flyte-mc-jwks-reader', []), { mode: 0o600 });
    jwks[name] = await loadJwks(`${c.issuer}/openid/v1/jwks`, { caFile: ca, bearerTokenFile: bearer });
    issuers = { ...issuers, [name]: c.issuer };
  };

  beforeAll(async () => {
    issuers = {};
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-iam-real-'));
    const [cp, dp1] = await backend!.createClusters([
      { name: 'controlplane', role: 'control-plane' },
      { name: 'dataplane_1', role: 'data-plane' },
    ]);
    await addCluster('controlplane', cp!);
    await addCluster('dataplane_1', dp1!);
  }, 600_000);
  afterAll(async () => {
    await backend?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const judge = async (t: Topology, role: 0 | 1, cluster: string, token: string, policy?: unknown): Promise<Decision> => {
    const d = desiredIam(t, issuers);
    return checkAssumeRoleWithWebIdentity({ roleArn: d.roles[role]!.arn, trustPolicy: policy ?? d.roles[role]!.trustPolicy, providers: providerRecords(d), token, jwks: jwks[cluster]! });
  };
  const text = (d: Decision) => d.lines.join('\n');

  it('real bound tokens have the shape the minted ones imitate', async () => {
    const token = await boundToken(clusters.dataplane_1!, 'flyte', 'flytepropeller');
    const claims = decodeJwt(token) as Record<string, unknown>;
    expect(claims.iss).toBe(clusters.dataplane_1!.issuer);
    expect(claims.sub).toBe('system:serviceaccount:flyte:flytepropeller');
    expect(claims.aud).toEqual(['sts.amazonaws.com']);
    for (const k of ['exp', 'nbf', 'iat']) expect(typeof claims[k]).toBe('number');
    expect(claims['kubernetes.io']).toMatchObject({ namespace: 'flyte', serviceaccount: { name: 'flytepropeller' } });
  });

  it('flytepropeller → data-plane role allowed; flyteadmin → data-plane denied, control-plane allowed', async () => {
    const t = topology(1);
    expect((await judge(t, 1, 'dataplane_1', await boundToken(clusters.dataplane_1!, 'flyte', 'flytepropeller'))).decision).toBe('Allow');
    const admin = await boundToken(clusters.controlplane!, 'flyte', 'flyteadmin');
    const data = await judge(t, 1, 'controlplane', admin);
    expect(data.decision).toBe('Deny');
    expect(text(data)).toContain('principal does not match');
    expect((await judge(t, 1, 'dataplane_1', await boundToken(clusters.dataplane_1!, 'flyte', 'flyteadmin'))).decision).toBe('Deny');
    expect((await judge(t, 0, 'controlplane', admin)).decision).toBe('Allow');
  });

  it('default in a project-domain namespace: allowed under StringLike, under StringEquals only when listed', async () => {
    const listed = await boundToken(clusters.dataplane_1!, 'team1-development', 'default');
    const unlisted = await boundToken(clusters.dataplane_1!, 'scratch-development', 'default');
    expect((await judge(topology(1), 1, 'dataplane_1', listed)).decision).toBe('Allow');
    expect((await judge(topology(1), 1, 'dataplane_1', unlisted)).decision).toBe('Allow');
    expect((await judge(topology(1, 'stringEquals'), 1, 'dataplane_1', listed)).decision).toBe('Allow');
    const denied = await judge(topology(1, 'stringEquals'), 1, 'dataplane_1', unlisted);
    expect(denied.decision).toBe('Deny');
    expect(text(denied)).toContain('"system:serviceaccount:scratch-development:default" matches none of');
  });

  it('the guide\'s PROVIDER.:aud typo denies with the malformed key named', async () => {
    const t = topology(1);
    const host = issuerHostPath(clusters.dataplane_1!.issuer);
    const guide = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: oidcProviderArn(t, clusters.dataplane_1!.issuer) }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringLike: { [`${host}.:aud`]: 'sts.amazonaws.com', [`${host}.:sub`]: ['system:serviceaccount:flyte:flytepropeller', 'system:serviceaccount:*:default'] } } }],
    };
    const d = await judge(t, 1, 'dataplane_1', await boundToken(clusters.dataplane_1!, 'flyte', 'flytepropeller'), guide);
    expect(d.decision).toBe('Deny');
    expect(text(d)).toContain(`malformed key: its provider part "${host}." is not the token's provider "${host}"`);
  });

  let day2Token: string | undefined;
  it('a day-2 cluster: denied before its provider and statement are added, allowed after', async () => {
    await addCluster('dataplane_2', await backend!.createCluster({ name: 'dataplane_2', role: 'data-plane' }));
    const token = await boundToken(clusters.dataplane_2!, 'flyte', 'flytepropeller');
    expect((await judge(topology(1), 1, 'dataplane_2', token)).rejectedBy).toBe('provider');
    expect((await judge(topology(2), 1, 'dataplane_2', token)).decision).toBe('Allow');
    day2Token = token;
  }, 300_000);

  // One test per emulator, so a missing one is a recorded skip (both are tiers README claims), never a silent pass.
  for (const emu of [moto, localstack]) {
    it.skipIf(skipTier(`day-2 trust policies as iam apply wrote them (${emu.name})`, emu.missing()))(`the same day-2 case through the policies iam apply wrote to ${emu.name}`, async () => {
      expect(day2Token, 'the day-2 case above must have run').toBeDefined();
      const token = day2Token!;
      const server = await emu.start({ accountId: '123456789012' });
      const c = iamClients({ endpoint: server.endpoint, accountId: '123456789012' });
      try {
        const fromEmulator = async () => {
          const role = (await readRoleTrustPolicy(c, 'flyte-dataplane-role'))!;
          return checkAssumeRoleWithWebIdentity({ roleArn: role.arn, trustPolicy: role.trustPolicy, providers: asProviderRecords(await readProviders(c)), token, jwks: jwks.dataplane_2! });
        };
        await applyIam(c, desiredIam(topology(1), issuers));
        expect((await fromEmulator()).rejectedBy, emu.name).toBe('provider');
        await applyIam(c, desiredIam(topology(2), issuers));
        const after = await fromEmulator();
        expect(after.decision, emu.name).toBe('Allow');
        expect(after.lines.some((l) => l.startsWith('Statement[1] Allow: applies'))).toBe(true);
      } finally {
        c.destroy();
        await server.stop();
      }
    }, 300_000);
  }
});
