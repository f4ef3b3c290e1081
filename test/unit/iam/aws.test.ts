// harness/iam/aws.ts request handling against msw IAM/STS handlers: what is read and sent, idempotence, day-2,
// and the AWS error paths (EntityAlreadyExists, NoSuchEntity, MalformedPolicyDocument, Throttling with retry).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { createIamMock, MOCK_IAM_ENDPOINT, type IamMock } from '../../../mocks/iam/handlers.ts';
import { applyIam, decodePolicyDocument, iamClients, IamCallError, planAgainst, type IamClients } from '../../../harness/iam/aws.ts';
import { desiredIam } from '../../../harness/iam/desired.ts';
import { formatPlan } from '../../../harness/iam/plan.ts';
import { PolicyDocumentError } from '../../../harness/iam/document.ts';
import { InputError } from '../../../harness/errors.ts';
import { parseTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

let mock: IamMock;
let c: IamClients;
beforeEach(() => {
  mock = createIamMock();
  server.resetHandlers(...mock.handlers);
  c = iamClients({ endpoint: MOCK_IAM_ENDPOINT, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
});
afterEach(() => c.destroy());

const issuers = { controlplane: 'https://127.0.0.1:7001', dataplane_1: 'https://127.0.0.1:7002', dataplane_2: 'https://127.0.0.1:7003' };
const desired = (n = 2) => desiredIam(parseTopology(starterTopologyYaml({ dataPlanes: n })), issuers);
const WRITES = /^(Create|Update|Attach|Add|Delete)/;

describe('apply against the msw IAM handlers', () => {
  it('creates everything on an empty account, then a second run changes nothing and says so', async () => {
    const first = await applyIam(c, desired());
    expect(first.applied.map((ch) => ch.kind)).toEqual(['create-policy', 'create-provider', 'create-provider', 'create-provider', 'create-role', 'attach-policy', 'create-role', 'attach-policy']);
    const sent = mock.calls.find((x) => x.action === 'CreateRole' && x.params.RoleName === 'flyte-dataplane-role')!;
    expect(JSON.parse(sent.params.AssumeRolePolicyDocument!).Statement).toHaveLength(2);
    expect(mock.calls.find((x) => x.action === 'CreateOpenIDConnectProvider')!.params).toMatchObject({ Url: issuers.controlplane, 'ClientIDList.member.1': 'sts.amazonaws.com' });
    mock.calls.length = 0;
    const second = await applyIam(c, desired());
    expect(second.applied).toEqual([]);
    expect(mock.actions().filter((a) => WRITES.test(a))).toEqual([]);
    expect(formatPlan(second.plan)).toBe('No changes: 6 resources already up to date.\n');
  });

  it('day 2 adds the new provider and trust statement and keeps the existing ones', async () => {
    await applyIam(c, desired(1));
    const { plan } = await planAgainst(c, desired(2));
    expect(plan.changes.map((ch) => ch.kind)).toEqual(['create-provider', 'update-trust']);
    const text = formatPlan(plan);
    expect(text).toContain('+ create oidc provider 127.0.0.1:7003 for dataplane_2');
    expect(text).toMatch(/\+\s+"Federated": "arn:aws:iam::123456789012:oidc-provider\/127\.0\.0\.1:7003"/);
    await applyIam(c, desired(2));
    const trust = JSON.parse(mock.state.roles.get('flyte-dataplane-role')!.trust);
    expect(trust.Statement.map((s: { Principal: { Federated: string } }) => s.Principal.Federated.split('/').pop())).toEqual(['127.0.0.1:7002', '127.0.0.1:7003']);
    // Planning the old topology again keeps the day-2 additions (additive), and reports them.
    const back = (await planAgainst(c, desired(1))).plan;
    expect(back.changes).toEqual([]);
    expect(back.notes.join('\n')).toContain('keeping the trust statement for arn:aws:iam::123456789012:oidc-provider/127.0.0.1:7003');
    // --prune removes them.
    const pruned = (await planAgainst(c, desired(1), { prune: true })).plan;
    expect(pruned.changes.map((ch) => ch.kind).sort()).toEqual(['delete-provider', 'update-trust']);
  });

  it('EntityAlreadyExists from a concurrent writer: reads the account again instead of failing', async () => {
    mock.fail({ action: 'CreateRole', code: 'EntityAlreadyExists', status: 409, message: 'Role with name flyte-controlplane-role already exists.' });
    const log: string[] = [];
    const r = await applyIam(c, desired(), { log: (l) => log.push(l) });
    expect(r.rounds).toBe(2);
    expect(log.join('\n')).toContain('already exists (created by another writer)');
    expect(mock.state.roles.size).toBe(2);
  });

  it('NoSuchEntity on reads means absent; on a write it is an error naming the change', async () => {
    mock.fail({ action: 'AttachRolePolicy', code: 'NoSuchEntity', status: 404, message: 'Policy arn:aws:iam::123456789012:policy/flyte-policy does not exist or is not attachable.' });
    const err = await applyIam(c, desired()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IamCallError);
    expect((err as IamCallError).code).toBe('NoSuchEntity');
    expect((err as Error).message).toMatch(/^failed to attach arn:aws:iam::123456789012:policy\/flyte-policy to role flyte-controlplane-role: NoSuchEntity: Policy .* not attachable/);
  });

  it('MalformedPolicyDocument is reported with the role it was for', async () => {
    mock.fail({ action: 'CreateRole', code: 'MalformedPolicyDocument', status: 400, message: 'Invalid principal in policy: "Federated":"arn:aws:iam::123456789012:oidc-provider/x"', when: { RoleName: 'flyte-dataplane-role' } });
    await expect(applyIam(c, desired())).rejects.toThrow(/failed to create role flyte-dataplane-role: MalformedPolicyDocument: Invalid principal in policy/);
  });

  it('Throttling is retried by the SDK, and reported once the attempts run out', async () => {
    mock.fail({ action: 'CreatePolicy', code: 'Throttling', status: 400, message: 'Rate exceeded', times: 2 });
    await applyIam(c, desired());
    expect(mock.calls.filter((x) => x.action === 'CreatePolicy').map((x) => x.fault ?? 'ok')).toEqual(['Throttling', 'Throttling', 'ok']);

    mock = createIamMock();
    server.resetHandlers(...mock.handlers);
    const two = iamClients({ endpoint: MOCK_IAM_ENDPOINT, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 2 });
    mock.fail({ action: 'GetCallerIdentity', code: 'Throttling', status: 400, message: 'Rate exceeded', times: 5 });
    await expect(planAgainst(two, desired())).rejects.toMatchObject({ name: 'Throttling' });
    expect(mock.calls.filter((x) => x.action === 'GetCallerIdentity')).toHaveLength(2);
    two.destroy();
  });

  it('refuses an endpoint whose account is not the topology\'s', async () => {
    mock.state.accountId = '210987654321';
    const err = await planAgainst(c, desired()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).format()).toBe('aws.accountId: the credentials at AWS belong to account 210987654321, the topology\'s aws.accountId is 123456789012');
  });

  it('a changed permissions policy becomes a new default version; at five versions the oldest goes first', async () => {
    await applyIam(c, desired());
    const arn = 'arn:aws:iam::123456789012:policy/flyte-policy';
    const pol = mock.state.policies.get(arn)!;
    for (let i = 2; i <= 5; i++) pol.versions.push({ id: `v${i}`, document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}', created: i * 1000 });
    pol.defaultVersion = 'v5';
    const r = await applyIam(c, desired());
    expect(r.applied).toMatchObject([{ kind: 'update-policy', deleteVersionId: 'v1' }]);
    expect(pol.versions.map((v) => v.id)).toEqual(['v2', 'v3', 'v4', 'v5', 'v6']);
    expect(pol.defaultVersion).toBe('v6');
  });

  it('decodes URL-encoded and plain policy documents', () => {
    const doc = { Version: '2012-10-17', Statement: [] };
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(doc)), 'x')).toEqual(doc);
    expect(decodePolicyDocument(JSON.stringify(doc), 'x')).toEqual(doc);
    expect(() => decodePolicyDocument('%7Bnot json', 'role r trust policy')).toThrow(/malformed JSON/);
    expect(() => decodePolicyDocument('%7Bnot json', 'role r trust policy')).toThrow(PolicyDocumentError);
  });
});
