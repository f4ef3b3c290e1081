// `flyte-mc iam` against a real moto server (moto[server] from .venv, started on a free loopback port):
// apply is idempotent, survives a day-2 addition, and what it wrote judges tokens as intended. Also: the CLI leaves
// no moto process behind on success, failure or Ctrl-C.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoMissing, processesOwnedBy, repoRoot, startMoto, type MotoServer } from '../../mocks/moto.ts';
import { applyIam, awsErrorName, iamClients, planAgainst, readRoleTrustPolicy, type IamClients } from '../../harness/iam/aws.ts';
import { desiredIam } from '../../harness/iam/desired.ts';
import { formatPlan } from '../../harness/iam/plan.ts';
import { main } from '../../harness/cli/main.ts';
import { memoryIo } from '../../harness/cli/command.ts';
import { parseTopology, starterTopologyYaml } from '../../harness/topology/index.ts';
import { skipTier } from '../support/prereq.ts';
import { startFakeIssuer, type FakeIssuer } from '../unit/iam/support/oidc.ts';

const skip = skipTier('moto', motoMissing());
const ACCOUNT = '210987654321';
const topologyText = (n: number) => starterTopologyYaml({ dataPlanes: n }).replace('accountId: "123456789012"', `accountId: "${ACCOUNT}"`);

describe.skipIf(skip)('iam apply against moto', () => {
  let moto: MotoServer;
  let c: IamClients;
  let dir: string;
  const issuers: Record<string, FakeIssuer> = {};
  let issuerMap: Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto({ accountId: ACCOUNT });
    console.log(`[figure] moto start: ${moto.startupMs} ms`);
    c = iamClients({ endpoint: moto.endpoint, region: 'us-east-2' });
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-iam-'));
    for (const n of ['controlplane', 'dataplane_1', 'dataplane_2']) issuers[n] = await startFakeIssuer();
    issuerMap = Object.fromEntries(Object.entries(issuers).map(([k, v]) => [k, v.issuer]));
  });
  afterAll(async () => {
    c?.destroy();
    await moto?.stop();
    await Promise.all(Object.values(issuers).map((i) => i.close()));
    if (dir) await rm(dir, { recursive: true, force: true });
    if (moto) expect(await processesOwnedBy(moto.owner)).toEqual([]);
  });

  it('apply is idempotent and survives a day-2 addition', async () => {
    const day1 = desiredIam(parseTopology(topologyText(1)), issuerMap);
    const first = await applyIam(c, day1, { endpoint: moto.endpoint });
    expect(first.applied.map((x) => x.kind)).toEqual(['create-policy', 'create-provider', 'create-provider', 'create-role', 'attach-policy', 'create-role', 'attach-policy']);
    const again = await applyIam(c, day1, { endpoint: moto.endpoint });
    expect(again.applied).toEqual([]);
    expect(formatPlan(again.plan)).toBe('No changes: 5 resources already up to date.\n');

    const day2 = desiredIam(parseTopology(topologyText(2)), issuerMap);
    const plan = (await planAgainst(c, day2, { endpoint: moto.endpoint })).plan;
    expect(plan.changes.map((x) => x.kind)).toEqual(['create-provider', 'update-trust']);
    const diff = formatPlan(plan);
    expect(diff).toContain(`+ create oidc provider ${issuerMap.dataplane_2!.replace('https://', '')} for dataplane_2`);
    expect(diff.split('\n').filter((l) => /^\s+- /.test(l))).toEqual([]); // nothing removed from the trust policy
    const applied = await applyIam(c, day2, { endpoint: moto.endpoint });
    expect(applied.applied.map((x) => x.kind)).toEqual(['create-provider', 'update-trust']);
    expect((await applyIam(c, day2, { endpoint: moto.endpoint })).applied).toEqual([]);
    const trust = (await readRoleTrustPolicy(c, 'flyte-dataplane-role'))!.trustPolicy as { Statement: { Principal: { Federated: string } }[] };
    expect(trust.Statement.map((s) => s.Principal.Federated)).toEqual([
      `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerMap.dataplane_1!.replace('https://', '')}`,
      `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerMap.dataplane_2!.replace('https://', '')}`,
    ]);
  });

  it('malformed documents: moto rejects a bad permissions policy but stores a bad trust policy; check names it', async () => {
    const { CreatePolicyCommand, CreateRoleCommand } = await import('@aws-sdk/client-iam');
    const bad = '{"Version": "2012-10-17", "Statement": [';
    const err = await c.iam.send(new CreatePolicyCommand({ PolicyName: 'broken', PolicyDocument: bad })).catch((e: unknown) => e);
    expect(awsErrorName(err)).toBe('MalformedPolicyDocument');
    // moto 5.2.5 does not validate AssumeRolePolicyDocument; our reader reports it instead of trusting it.
    await c.iam.send(new CreateRoleCommand({ RoleName: 'broken', AssumeRolePolicyDocument: bad }));
    const io = memoryIo();
    const tokenFile = join(dir, 'broken-token');
    await writeFile(tokenFile, await issuers.dataplane_1!.mint({ namespace: 'flyte', name: 'flytepropeller' }), { mode: 0o600 });
    const jwksFile = join(dir, 'dp1.jwks.json');
    await writeFile(jwksFile, JSON.stringify(issuers.dataplane_1!.jwks));
    const code = await main(['iam', 'check', '--role', 'broken', '--token', tokenFile, '--jwks', jwksFile, '--endpoint', moto.endpoint], io);
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(/^flyte-mc iam: role broken trust policy:1:\d+: malformed JSON/);
  });

  it('iam check reads the trust policy and providers from moto and judges real signatures', async () => {
    const jwksFile = join(dir, 'dp2.jwks.json');
    await writeFile(jwksFile, JSON.stringify(issuers.dataplane_2!.jwks));
    const tokenFile = join(dir, 'token');
    const run = async (ns: string, name: string, role: string) => {
      await writeFile(tokenFile, await issuers.dataplane_2!.mint({ namespace: ns, name }), { mode: 0o600 });
      await chmod(tokenFile, 0o600);
      const io = memoryIo();
      const code = await main(['iam', 'check', '--role', role, '--token', tokenFile, '--jwks', jwksFile, '--endpoint', moto.endpoint, '--region', 'us-east-2'], io);
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
  });
});

/** Runs the CLI as a child process with a marker in its environment that moto inherits. */
function cli(args: string[], owner: string, onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(repoRoot, 'scripts', 'node'), [join(repoRoot, 'harness', 'cli', 'main.ts'), ...args], {
      env: { ...process.env, FLYTE_MC_OWNER: owner },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe.skipIf(skip)('the CLI leaves no moto behind', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-iam-cli-'));
    await writeFile(join(dir, 't.yaml'), topologyText(2));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('on success', async () => {
    const owner = `iam-cli-ok-${process.pid}-${Date.now()}`;
    const r = await cli(['iam', 'apply', '--topology', join(dir, 't.yaml')], owner);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/started moto at http:\/\/127\.0\.0\.1:\d+ in \d+ ms/);
    expect(await processesOwnedBy(owner)).toEqual([]);
  });

  it('on failure (the endpoint\'s account differs from the topology\'s)', async () => {
    const owner = `iam-cli-fail-${process.pid}-${Date.now()}`;
    const moto = await startMoto({ owner: `${owner}-emulator` });
    try {
      const r = await cli(['iam', 'plan', '--topology', join(dir, 't.yaml'), '--endpoint', moto.endpoint], owner);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`belong to account 123456789012, the topology's aws.accountId is ${ACCOUNT}`);
    } finally {
      await moto.stop();
    }
    expect(await processesOwnedBy(`${owner}-emulator`)).toEqual([]);
  });

  it('on Ctrl-C', async () => {
    const owner = `iam-cli-int-${process.pid}-${Date.now()}`;
    let sent = false;
    const r = await cli(['iam', 'apply', '--topology', join(dir, 't.yaml')], owner, (text, child) => {
      if (!sent && text.includes('started moto')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(await processesOwnedBy(owner)).toEqual([]);
  });

  it('even when the harness process is SIGKILLed (the kernel ends moto through PR_SET_PDEATHSIG)', async () => {
    const owner = `iam-sigkill-${process.pid}-${Date.now()}`;
    const script = join(dir, 'killed.ts');
    await writeFile(script, `import { startMoto } from ${JSON.stringify(join(repoRoot, 'mocks', 'moto.ts'))};\nawait startMoto({ owner: ${JSON.stringify(owner)} });\nprocess.kill(process.pid, 'SIGKILL');\n`);
    const r = await new Promise<{ signal: NodeJS.Signals | null }>((resolve) => {
      spawn(join(repoRoot, 'scripts', 'node'), [script], { stdio: 'ignore' }).on('exit', (_c, signal) => resolve({ signal }));
    });
    expect(r.signal).toBe('SIGKILL');
    for (let i = 0; i < 50 && (await processesOwnedBy(owner)).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(await processesOwnedBy(owner)).toEqual([]);
  });
});
