// The IAM integration suite, run against each emulator (test/integration/iam-moto.test.ts and iam-localstack.test.ts
// call it): apply is idempotent, survives a day-2 addition, prunes, keeps policy versions under IAM's limit, and what
// it wrote judges real signatures as intended. Every difference between the emulators is asserted from
// test/support/iam-emulators.ts. Also: the CLI leaves no emulator process (or directory) behind on success, failure,
// Ctrl-C and SIGKILL.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as I from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesOwnedBy, repoRoot } from '../../mocks/moto.ts';
import { applyIam, awsErrorName, decodePolicyDocument, iamClients, planAgainst, readIam, readProviders, readRoleTrustPolicy, type IamClients } from '../../harness/iam/aws.ts';
import { desiredIam } from '../../harness/iam/desired.ts';
import { formatPlan } from '../../harness/iam/plan.ts';
import { main } from '../../harness/cli/main.ts';
import { memoryIo } from '../../harness/cli/command.ts';
import { parseTopology, starterTopologyYaml } from '../../harness/topology/index.ts';
import { socketsOf, type EmulatorUnderTest, type RunningEmulator } from './iam-emulators.ts';
import { startFakeIssuer, type FakeIssuer } from '../unit/iam/support/oidc.ts';

const ACCOUNT = '210987654321';
const topologyText = (n: number, bucket = 'my-flyte-bucket') =>
  starterTopologyYaml({ dataPlanes: n }).replace('accountId: "123456789012"', `accountId: "${ACCOUNT}"`).replace('bucket: my-flyte-bucket', `bucket: ${bucket}`);
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } });

/** `skip`: the caller's skipTier result, named literally there so the tier list can find it. */
export function iamEmulatorSuite(emu: EmulatorUnderTest, skip: boolean): void {
  const d = emu.differences;

  describe.skipIf(skip)(`iam apply against ${emu.name}`, () => {
    let server: RunningEmulator;
    let c: IamClients;
    let dir: string;
    const issuers: Record<string, FakeIssuer> = {};
    let issuerMap: Record<string, string>;
    const arnOf = (cluster: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerMap[cluster]!.replace('https://', '')}`;

    beforeAll(async () => {
      server = await emu.start({ accountId: ACCOUNT });
      console.log(`[figure] ${emu.name} start: ${server.startupMs} ms`);
      c = iamClients({ endpoint: server.endpoint, region: 'us-east-2', ...(server.credentials ? { credentials: server.credentials } : {}) });
      dir = await mkdtemp(join(tmpdir(), 'flyte-mc-iam-'));
      await writeFile(join(dir, 't.yaml'), topologyText(2));
      for (const n of ['controlplane', 'dataplane_1', 'dataplane_2']) issuers[n] = await startFakeIssuer();
      issuerMap = Object.fromEntries(Object.entries(issuers).map(([k, v]) => [k, v.issuer]));
    });
    afterAll(async () => {
      c?.destroy();
      await server?.stop();
      await Promise.all(Object.values(issuers).map((i) => i.close()));
      if (dir) await rm(dir, { recursive: true, force: true });
      if (server) expect(await processesOwnedBy(server.owner)).toEqual([]);
    });

    it('listens on its loopback port only: no other TCP listener, no UDP socket (no DNS server)', () => {
      const port = new URL(server.endpoint).port;
      const all = [server.pid, ...childPids(server.pid)].map(socketsOf);
      expect(all.flatMap((s) => s.tcpListen)).toEqual([`127.0.0.1:${port}`]);
      expect(all.flatMap((s) => s.udp)).toEqual([]);
    });

    it('apply is idempotent and survives a day-2 addition', async () => {
      const day1 = desiredIam(parseTopology(topologyText(1)), issuerMap);
      const first = await applyIam(c, day1, { endpoint: server.endpoint });
      expect(first.applied.map((x) => x.kind)).toEqual(['create-policy', 'create-provider', 'create-provider', 'create-role', 'attach-policy', 'create-role', 'attach-policy']);
      const again = await applyIam(c, day1, { endpoint: server.endpoint });
      expect(again.applied).toEqual([]);
      expect(formatPlan(again.plan)).toBe('No changes: 5 resources already up to date.\n');

      const day2 = desiredIam(parseTopology(topologyText(2)), issuerMap);
      const plan = (await planAgainst(c, day2, { endpoint: server.endpoint })).plan;
      expect(plan.changes.map((x) => x.kind)).toEqual(['create-provider', 'update-trust']);
      const diff = formatPlan(plan);
      expect(diff).toContain(`+ create oidc provider ${issuerMap.dataplane_2!.replace('https://', '')} for dataplane_2`);
      expect(diff.split('\n').filter((l) => /^\s+- /.test(l))).toEqual([]); // nothing removed from the trust policy
      const applied = await applyIam(c, day2, { endpoint: server.endpoint });
      expect(applied.applied.map((x) => x.kind)).toEqual(['create-provider', 'update-trust']);
      expect((await applyIam(c, day2, { endpoint: server.endpoint })).applied).toEqual([]);
      const trust = (await readRoleTrustPolicy(c, 'flyte-dataplane-role'))!.trustPolicy as { Statement: { Principal: { Federated: string } }[] };
      expect(trust.Statement.map((s) => s.Principal.Federated)).toEqual([arnOf('dataplane_1'), arnOf('dataplane_2')]);
      // Providers created without thumbprints read back the same on both, whatever the wire shape (see differences).
      expect((await readProviders(c)).map((p) => p.thumbprints)).toEqual([[], [], []]);
    });

    it('--prune removes the provider and trust statement of a cluster the topology no longer names', async () => {
      const day1 = desiredIam(parseTopology(topologyText(1)), issuerMap);
      const pruned = await applyIam(c, day1, { endpoint: server.endpoint, prune: true });
      expect(pruned.applied.map((x) => x.kind)).toEqual(['delete-provider', 'update-trust']);
      expect(pruned.applied[0]).toMatchObject({ kind: 'delete-provider', arn: arnOf('dataplane_2') });
      expect((await applyIam(c, day1, { endpoint: server.endpoint, prune: true })).applied).toEqual([]);
      expect((await readProviders(c)).map((p) => p.arn).sort()).toEqual([arnOf('controlplane'), arnOf('dataplane_1')].sort());
      const trust = (await readRoleTrustPolicy(c, 'flyte-dataplane-role'))!.trustPolicy as { Statement: { Principal: { Federated: string } }[] };
      expect(trust.Statement.map((s) => s.Principal.Federated)).toEqual([arnOf('dataplane_1')]);
      // Day 2 again, for the tests after this one.
      expect((await applyIam(c, desiredIam(parseTopology(topologyText(2)), issuerMap), { endpoint: server.endpoint })).applied.map((x) => x.kind)).toEqual(['create-provider', 'update-trust']);
    });

    it('six policy changes stay under IAM\'s five versions: the oldest non-default version is deleted first', async () => {
      const arn = `arn:aws:iam::${ACCOUNT}:policy/flyte-policy`;
      for (let i = 1; i <= 6; i++) {
        const r = await applyIam(c, desiredIam(parseTopology(topologyText(2, `bucket-${i}`)), issuerMap), { endpoint: server.endpoint });
        expect(r.applied.map((x) => x.kind)).toEqual(['update-policy']);
      }
      const versions = (await c.iam.send(new I.ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [];
      expect(versions).toHaveLength(5);
      const actual = await readIam(c, desiredIam(parseTopology(topologyText(2, 'bucket-6')), issuerMap));
      expect(JSON.stringify(actual.policy!.document)).toContain('arn:aws:s3:::bucket-6');
      expect(actual.policy!.versionIds).toEqual(['v3', 'v4', 'v5', 'v6', 'v7']);
    });

    it('iam check reads the trust policy and providers from the emulator and judges real signatures', async () => {
      const jwksFile = join(dir, 'dp2.jwks.json');
      await writeFile(jwksFile, JSON.stringify(issuers.dataplane_2!.jwks));
      const tokenFile = join(dir, 'token');
      // --topology names the account; LocalStack answers for it (see the accounts difference below).
      const run = async (ns: string, name: string, role: string, topology = true) => {
        await writeFile(tokenFile, await issuers.dataplane_2!.mint({ namespace: ns, name }), { mode: 0o600 });
        await chmod(tokenFile, 0o600);
        const io = memoryIo();
        const args = ['iam', 'check', '--role', role, '--token', tokenFile, '--jwks', jwksFile, '--endpoint', server.endpoint, '--region', 'us-east-2'];
        const code = await main([...args, ...(topology ? ['--topology', join(dir, 't.yaml')] : [])], io);
        return { code, out: io.out.join(''), err: io.err.join('') };
      };
      const propeller = await run('flyte', 'flytepropeller', 'flyte-dataplane-role');
      expect(propeller.err).toBe('');
      expect(propeller.code).toBe(0);
      expect(propeller.out).toContain('Statement[1] Allow: applies');
      const admin = await run('flyte', 'flyteadmin', 'flyte-dataplane-role');
      expect(admin.code).toBe(1);
      expect(admin.out).toContain('"system:serviceaccount:flyte:flyteadmin" matches none of');
      const ctl = await run('flyte', 'flyteadmin', 'flyte-controlplane-role');
      expect(ctl.code).toBe(1);
      expect(ctl.out).toContain('principal does not match');
      // Without --topology the harness's dummy credentials name no account: moto's one account holds the role,
      // LocalStack's default account 000000000000 does not.
      const bare = await run('flyte', 'flytepropeller', 'flyte-dataplane-role', false);
      if (d.accountsPerServer === 'one') expect(bare.code).toBe(0);
      else expect([bare.code, bare.err]).toEqual([2, `flyte-mc iam: --role: no role "flyte-dataplane-role" at ${server.endpoint}\n`]);
    });

    it(`malformed documents: a bad permissions policy is rejected; a bad trust policy is ${d.malformedTrustPolicy === 'stored' ? 'stored (iam check names it)' : 'rejected'}`, async () => {
      const bad = '{"Version": "2012-10-17", "Statement": [';
      expect(awsErrorName(await errorOf(c.iam.send(new I.CreatePolicyCommand({ PolicyName: 'broken', PolicyDocument: bad }))))).toBe('MalformedPolicyDocument');
      const trustErr = await errorOf(c.iam.send(new I.CreateRoleCommand({ RoleName: 'broken', AssumeRolePolicyDocument: bad })));
      if (d.malformedTrustPolicy === 'MalformedPolicyDocument') {
        expect(awsErrorName(trustErr)).toBe('MalformedPolicyDocument');
        return;
      }
      expect(trustErr).toBeUndefined();
      const io = memoryIo();
      const tokenFile = join(dir, 'broken-token');
      await writeFile(tokenFile, await issuers.dataplane_1!.mint({ namespace: 'flyte', name: 'flytepropeller' }), { mode: 0o600 });
      const jwksFile = join(dir, 'dp1.jwks.json');
      await writeFile(jwksFile, JSON.stringify(issuers.dataplane_1!.jwks));
      const code = await main(['iam', 'check', '--role', 'broken', '--token', tokenFile, '--jwks', jwksFile, '--endpoint', server.endpoint], io);
      expect(code).toBe(2);
      expect(io.err.join('')).toMatch(/^flyte-mc iam: role broken trust policy:1:\d+: malformed JSON/);
    });

    it('AssumeRoleWithWebIdentity is granted without judging anything: a garbage token, a role that does not exist', async () => {
      for (const role of ['flyte-dataplane-role', 'no-such-role']) {
        const r = await c.sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`, RoleSessionName: 's', WebIdentityToken: 'not-a-jwt' }));
        expect(r.Credentials?.AccessKeyId?.startsWith(d.sessionKeyPrefix)).toBe(true);
      }
    });

    describe('where moto and LocalStack differ', () => {
      const host = (s: string) => `${s}.${emu.cliName}.example`;
      const providerArn = (h: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${h}`;

      it(`accounts: ${d.accountsPerServer === 'one' ? 'one per server (MOTO_ACCOUNT_ID)' : 'every one, picked by a 12-digit access key ID'}; GetCallerIdentity names ${d.callerArn(ACCOUNT)}`, async () => {
        const id = await c.sts.send(new GetCallerIdentityCommand({}));
        expect(id.Account).toBe(ACCOUNT);
        expect(id.Arn).toBe(d.callerArn(ACCOUNT));
        const dummy = iamClients({ endpoint: server.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
        try {
          expect((await dummy.sts.send(new GetCallerIdentityCommand({}))).Account).toBe(d.accountsPerServer === 'one' ? ACCOUNT : d.defaultAccount);
        } finally {
          dummy.destroy();
        }
        // A topology of another account: moto's server cannot serve it (exit 2, the account named); LocalStack can.
        const other = join(dir, 'other-account.yaml');
        await writeFile(other, topologyText(1).replace(`accountId: "${ACCOUNT}"`, 'accountId: "111122223333"'));
        const io = memoryIo();
        const code = await main(['iam', 'plan', '--topology', other, '--endpoint', server.endpoint], io);
        if (d.accountsPerServer === 'one') {
          expect(code).toBe(2);
          expect(io.err.join('')).toContain(`belong to account ${ACCOUNT}, the topology's aws.accountId is 111122223333`);
        } else {
          expect(code).toBe(0);
          expect(io.out.join('')).toContain('+ create role flyte-dataplane-role');
        }
      });

      it('OIDC providers: thumbprint validation, empty fields, idempotency and missing-ARN errors, URL normalisation', async () => {
        const short = await errorOf(c.iam.send(new I.CreateOpenIDConnectProviderCommand({ Url: `https://${host('short')}`, ClientIDList: ['a'], ThumbprintList: ['abc'] })));
        expect(short === undefined ? 'accepted' : awsErrorName(short)).toBe(d.shortThumbprint);

        await c.iam.send(new I.CreateOpenIDConnectProviderCommand({ Url: `https://${host('bare')}`, ClientIDList: ['sts.amazonaws.com'] }));
        const bare = await c.iam.send(new I.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn(host('bare')) }));
        expect(Object.keys(bare).filter((k) => k !== '$metadata' && (bare as unknown as Record<string, unknown>)[k] !== undefined).sort()).toEqual(d.emptyProviderFields);
        expect(bare.Url).toBe(host('bare')); // both strip the scheme, as IAM does

        const dup = await errorOf(c.iam.send(new I.CreateOpenIDConnectProviderCommand({ Url: `https://${host('bare')}`, ClientIDList: ['sts.amazonaws.com'] })));
        expect(awsErrorName(dup)).toBe('EntityAlreadyExists');
        expect(dup!.message).toMatch(d.duplicateProviderMessage);

        const addAgain = await errorOf(c.iam.send(new I.AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn(host('bare')), ClientID: 'sts.amazonaws.com' })));
        expect(addAgain === undefined ? 'succeeds' : `HTTP ${addAgain.$metadata?.httpStatusCode} (HTML page)`).toBe(d.addExistingClientId);
        const addMissing = await errorOf(c.iam.send(new I.AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn(host('none')), ClientID: 'x' })));
        expect(awsErrorName(addMissing) === 'NoSuchEntity' ? 'NoSuchEntity' : `HTTP ${addMissing?.$metadata?.httpStatusCode} (HTML page)`).toBe(d.addClientIdToMissingProvider);
        const delMissing = await errorOf(c.iam.send(new I.DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn(host('none')) })));
        expect(delMissing === undefined ? 'succeeds' : awsErrorName(delMissing)).toBe(d.deleteMissingProvider);
        // The same on both: UpdateOpenIDConnectProviderThumbprint and GetOpenIDConnectProvider of a missing ARN.
        expect(awsErrorName(await errorOf(c.iam.send(new I.UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: providerArn(host('none')), ThumbprintList: ['b'.repeat(40)] }))))).toBe('NoSuchEntity');
        expect(awsErrorName(await errorOf(c.iam.send(new I.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn(host('none')) }))))).toBe('NoSuchEntity');

        const slash = await c.iam.send(new I.CreateOpenIDConnectProviderCommand({ Url: `https://${host('slash')}/`, ClientIDList: ['a'] }));
        expect(slash.OpenIDConnectProviderArn).toBe(providerArn(d.trailingSlashArnSuffix(host('slash'))));
        for (const h of ['short', 'bare', 'slash']) {
          const arn = h === 'slash' ? slash.OpenIDConnectProviderArn! : providerArn(host(h));
          await c.iam.send(new I.DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })).catch(() => undefined);
        }
      });

      it(`policy versions: listed ${d.policyVersionOrder}, documents ${d.documentEncoding}; the harness reads both the same`, async () => {
        const arn = `arn:aws:iam::${ACCOUNT}:policy/flyte-policy`;
        const listed = (await c.iam.send(new I.ListPolicyVersionsCommand({ PolicyArn: arn, MaxItems: 2 })));
        expect(listed.IsTruncated ?? false).toBe(false); // both ignore MaxItems here
        const ids = (listed.Versions ?? []).map((v) => v.VersionId);
        expect(ids).toEqual(d.policyVersionOrder === 'oldest first' ? ['v3', 'v4', 'v5', 'v6', 'v7'] : ['v7', 'v6', 'v5', 'v4', 'v3']);
        const v = await c.iam.send(new I.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v7' }));
        expect(v.PolicyVersion!.Document!.startsWith('{') ? 'plain JSON' : 'URL-encoded').toBe(d.documentEncoding);
        expect(JSON.stringify(decodePolicyDocument(v.PolicyVersion!.Document, 'v7'))).toContain('bucket-6');

        await c.iam.send(new I.CreatePolicyCommand({ PolicyName: `versions-${emu.cliName}`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
        const created = await c.iam.send(
          new I.CreatePolicyVersionCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/versions-${emu.cliName}`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }) }),
        );
        expect(created.PolicyVersion?.Document !== undefined).toBe(d.createPolicyVersionReturnsDocument);
      });

      it(`ListRoles: paginates with Marker on both, ${d.listRolesOrder}, trust documents ${d.documentEncoding}`, async () => {
        const names = ['a', 'b', 'c', 'd'].map((x) => `page-${x}`);
        const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
        for (const n of names) await c.iam.send(new I.CreateRoleCommand({ RoleName: n, Path: '/paging/', AssumeRolePolicyDocument: trust }));
        const seen: I.Role[] = [];
        let marker: string | undefined;
        let pages = 0;
        do {
          const page = await c.iam.send(new I.ListRolesCommand({ PathPrefix: '/paging/', MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
          seen.push(...(page.Roles ?? []));
          marker = page.IsTruncated ? page.Marker : undefined;
          pages++;
        } while (marker && pages < 10);
        expect(pages).toBe(2);
        expect(seen.map((r) => r.RoleName).sort()).toEqual(names);
        if (d.listRolesOrder === 'creation order') expect(seen.map((r) => r.RoleName)).toEqual(names);
        expect(seen[0]!.AssumeRolePolicyDocument!.startsWith('{') ? 'plain JSON' : 'URL-encoded').toBe(d.documentEncoding);
        // GetRole URL-encodes on both, as IAM does.
        expect((await c.iam.send(new I.GetRoleCommand({ RoleName: 'page-a' }))).Role!.AssumeRolePolicyDocument!.startsWith('%7B')).toBe(true);
      });
    });
  });

  /** Runs the CLI as a child process with a marker in its environment that the emulator inherits. */
  function cli(args: string[], owner: string, onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(join(repoRoot, 'scripts', 'node'), [join(repoRoot, 'harness', 'cli', 'main.ts'), ...args], {
        env: { ...process.env, FLYTE_MC_OWNER: owner },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        onStderr?.(stderr, child);
      });
      child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  describe.skipIf(skip)(`the CLI leaves no ${emu.name} behind`, () => {
    let dir: string;
    const started = new RegExp(`started ${emu.name}( \\([^)]*\\))? at http://127\\.0\\.0\\.1:\\d+ in \\d+ ms`);
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'flyte-mc-iam-cli-'));
      await writeFile(join(dir, 't.yaml'), topologyText(2));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it(`on success (--endpoint ${emu.cliName})`, async () => {
      const owner = `iam-cli-ok-${emu.cliName}-${process.pid}-${Date.now()}`;
      const r = await cli(['iam', 'apply', '--topology', join(dir, 't.yaml'), '--endpoint', emu.cliName], owner);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(started);
      expect(await processesOwnedBy(owner)).toEqual([]);
    }, 120_000);

    it('on failure (IAM rejects an issuer URL longer than 255 characters)', async () => {
      const owner = `iam-cli-fail-${emu.cliName}-${process.pid}-${Date.now()}`;
      await writeFile(join(dir, 'long.yaml'), `dataplane_1: https://long.example/${'a'.repeat(300)}\n`);
      const r = await cli(['iam', 'apply', '--topology', join(dir, 't.yaml'), '--endpoint', emu.cliName, '--issuers', join(dir, 'long.yaml')], owner);
      expect(r.stderr).toMatch(started);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/failed to create the oidc provider for dataplane_1: ValidationError: /);
      expect(await processesOwnedBy(owner)).toEqual([]);
    }, 120_000);

    it('on Ctrl-C', async () => {
      const owner = `iam-cli-int-${emu.cliName}-${process.pid}-${Date.now()}`;
      let sent = false;
      const r = await cli(['iam', 'apply', '--topology', join(dir, 't.yaml'), '--endpoint', emu.cliName], owner, (text, child) => {
        if (!sent && started.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      expect(sent).toBe(true);
      expect(r.code, 'an interrupted apply exits 130').toBe(130);
      expect(await processesOwnedBy(owner)).toEqual([]);
    }, 120_000);

    it('even when the harness process is SIGKILLed (the kernel ends the emulator through PR_SET_PDEATHSIG)', async () => {
      const owner = `iam-sigkill-${emu.cliName}-${process.pid}-${Date.now()}`;
      const script = join(dir, 'killed.ts');
      const support = join(repoRoot, 'test', 'support', 'iam-emulators.ts');
      await writeFile(script, `import { ${emu.cliName} } from ${JSON.stringify(support)};\nawait ${emu.cliName}.start({ owner: ${JSON.stringify(owner)} });\nprocess.kill(process.pid, 'SIGKILL');\n`);
      const r = await new Promise<{ signal: NodeJS.Signals | null; pid: number }>((resolve) => {
        const child = spawn(join(repoRoot, 'scripts', 'node'), [script], { stdio: 'ignore' });
        child.on('exit', (_c, signal) => resolve({ signal, pid: child.pid! }));
      });
      expect(r.signal).toBe('SIGKILL');
      for (let i = 0; i < 50 && (await processesOwnedBy(owner)).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
      expect(await processesOwnedBy(owner)).toEqual([]);
      if (emu.cliName === 'localstack') {
        // Its private FILESYSTEM_ROOT outlives a SIGKILL; the next start removes it (its owner's pid is gone).
        const { sweepStaleRoots } = await import('../../mocks/localstack-process.ts');
        const left = async () => (await readdir(tmpdir())).filter((f) => f.startsWith(`flyte-mc-localstack-${r.pid}-`));
        expect(await left()).toHaveLength(1);
        sweepStaleRoots();
        expect(await left()).toEqual([]);
      }
    }, 120_000);
  });
}

/** Direct children of pid (the emulators' workers, if any). */
function childPids(pid: number): number[] {
  const path = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}
