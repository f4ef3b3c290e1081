// The AWS side of `flyte-mc iam`: reads an account's IAM state and applies a plan with @aws-sdk/client-iam and
// client-sts, against any endpoint (moto started by the harness, LocalStack, or AWS itself). This module does
// network I/O; planning stays pure in plan.ts.
import {
  AddClientIDToOpenIDConnectProviderCommand,
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeletePolicyVersionCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  ListPolicyVersionsCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { InputError, errorMessage } from '../errors.ts';
import { parseJsonDocument } from './document.ts';
import type { DesiredIam } from './desired.ts';
import type { OidcProviderRecord } from './evaluate.ts';
import { planIam, type ActualIam, type ActualProvider, type Change, type Plan } from './plan.ts';
import { issuerHostPath } from './policies.ts';

export interface IamEndpoint {
  /** e.g. http://127.0.0.1:PORT for an emulator; undefined for AWS itself. */
  endpoint?: string;
  region?: string;
  /** Defaults: the SDK's credential chain for AWS; fixed dummy credentials for an emulator endpoint. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per call including retries of throttling and 5xx (SDK standard retry). Default 5. */
  maxAttempts?: number;
  /**
   * The account the dummy emulator credentials name: their access key ID. LocalStack serves every account and picks
   * it from a 12-digit access key ID (else 000000000000); moto serves one (MOTO_ACCOUNT_ID) and ignores the key.
   */
  accountId?: string;
}

export interface IamClients {
  iam: IAMClient;
  sts: STSClient;
  destroy(): void;
}

export function iamClients(ep: IamEndpoint): IamClients {
  const config = {
    region: ep.region ?? 'us-east-1',
    maxAttempts: ep.maxAttempts ?? 5,
    ...(ep.endpoint ? { endpoint: ep.endpoint } : {}),
    ...(ep.credentials
      ? { credentials: ep.credentials }
      : ep.endpoint && !process.env.AWS_ACCESS_KEY_ID
        ? { credentials: { accessKeyId: ep.accountId ?? 'testing', secretAccessKey: 'testing' } }
        : {}),
  };
  const iam = new IAMClient(config);
  const sts = new STSClient(config);
  return { iam, sts, destroy: () => (iam.destroy(), sts.destroy()) };
}

/** The AWS error name (`NoSuchEntity`, `EntityAlreadyExists`, `MalformedPolicyDocument`, `Throttling`, …). */
export function awsErrorName(err: unknown): string {
  const e = err as { name?: string; Code?: string };
  return (e?.Code ?? e?.name ?? '').replace(/Exception$/, '');
}

async function orAbsent<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (awsErrorName(err) === 'NoSuchEntity') return undefined;
    throw err;
  }
}

/** IAM returns policy documents URL-encoded; some emulators return them as plain JSON. */
export function decodePolicyDocument(text: string | undefined, what: string): unknown {
  if (text === undefined) throw new Error(`${what}: no document in the response`);
  let plain = text;
  if (!text.trimStart().startsWith('{')) {
    try {
      plain = decodeURIComponent(text);
    } catch {
      // not URL-encoded after all; parse as is
    }
  }
  return parseJsonDocument(plain, what);
}

export async function callerAccount(c: IamClients): Promise<string> {
  const id = await c.sts.send(new GetCallerIdentityCommand({}));
  if (!id.Account) throw new Error('GetCallerIdentity returned no account');
  return id.Account;
}

export async function readProviders(c: IamClients): Promise<ActualProvider[]> {
  const list = await c.iam.send(new ListOpenIDConnectProvidersCommand({}));
  const out: ActualProvider[] = [];
  for (const { Arn } of list.OpenIDConnectProviderList ?? []) {
    if (!Arn) continue;
    const p = await orAbsent(c.iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: Arn })));
    if (!p) continue;
    out.push({ arn: Arn, url: issuerHostPath(p.Url?.startsWith('https://') ? p.Url : `https://${p.Url ?? ''}`), clientIds: p.ClientIDList ?? [], thumbprints: p.ThumbprintList ?? [] });
  }
  return out.sort((a, b) => a.url.localeCompare(b.url));
}

export function asProviderRecords(ps: readonly ActualProvider[]): OidcProviderRecord[] {
  return ps.map((p) => ({ arn: p.arn, url: p.url, clientIds: p.clientIds }));
}

export async function readRoleTrustPolicy(c: IamClients, name: string): Promise<{ arn: string; trustPolicy: unknown } | undefined> {
  const r = await orAbsent(c.iam.send(new GetRoleCommand({ RoleName: name })));
  if (!r?.Role) return undefined;
  return { arn: r.Role.Arn ?? '', trustPolicy: decodePolicyDocument(r.Role.AssumeRolePolicyDocument, `role ${name} trust policy`) };
}

/** Reads what the account holds of the resources `desired` names (plus every OIDC provider). */
export async function readIam(c: IamClients, desired: DesiredIam): Promise<ActualIam> {
  const accountId = await callerAccount(c);
  const actual: ActualIam = { accountId, roles: {}, providers: await readProviders(c) };
  const pol = await orAbsent(c.iam.send(new GetPolicyCommand({ PolicyArn: desired.policy.arn })));
  if (pol?.Policy) {
    const versionId = pol.Policy.DefaultVersionId ?? 'v1';
    const v = await c.iam.send(new GetPolicyVersionCommand({ PolicyArn: desired.policy.arn, VersionId: versionId }));
    const versions = await c.iam.send(new ListPolicyVersionsCommand({ PolicyArn: desired.policy.arn }));
    const ids = (versions.Versions ?? [])
      .slice()
      .sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))
      .map((x) => x.VersionId ?? '')
      .filter(Boolean);
    actual.policy = { arn: desired.policy.arn, defaultVersionId: versionId, document: decodePolicyDocument(v.PolicyVersion?.Document, `policy ${desired.policy.name}`), versionIds: ids };
  }
  for (const r of desired.roles) {
    const role = await readRoleTrustPolicy(c, r.name);
    if (!role) continue;
    const attached = await c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: r.name }));
    actual.roles[r.name] = { ...role, attachedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '') };
  }
  return actual;
}

function describe(c: Change): string {
  switch (c.kind) {
    case 'create-policy':
      return `create policy ${c.name}`;
    case 'update-policy':
      return `update policy ${c.arn}`;
    case 'create-provider':
      return `create the oidc provider for ${c.cluster}`;
    case 'add-client-id':
      return `add client ID ${c.clientId} to ${c.arn}`;
    case 'update-thumbprints':
      return `update thumbprints of ${c.arn}`;
    case 'delete-provider':
      return `delete oidc provider ${c.arn}`;
    case 'create-role':
      return `create role ${c.name}`;
    case 'update-trust':
      return `update the trust policy of role ${c.name}`;
    case 'attach-policy':
      return `attach ${c.policyArn} to role ${c.role}`;
  }
}

/** An IAM call failed; names the change and the AWS error code (MalformedPolicyDocument, LimitExceeded, …). */
export class IamCallError extends Error {
  readonly code: string;
  readonly change: Change;
  constructor(change: Change, cause: unknown) {
    const code = awsErrorName(cause);
    super(`failed to ${describe(change)}: ${code ? `${code}: ` : ''}${errorMessage(cause)}`, { cause });
    this.name = 'IamCallError';
    this.code = code;
    this.change = change;
  }
}

async function execute(c: IamClients, ch: Change): Promise<void> {
  const doc = (d: unknown) => JSON.stringify(d);
  switch (ch.kind) {
    case 'create-policy':
      await c.iam.send(new CreatePolicyCommand({ PolicyName: ch.name, PolicyDocument: doc(ch.document), Description: 'Flyte blob storage; managed by flyte-mc' }));
      return;
    case 'update-policy':
      if (ch.deleteVersionId) await c.iam.send(new DeletePolicyVersionCommand({ PolicyArn: ch.arn, VersionId: ch.deleteVersionId }));
      await c.iam.send(new CreatePolicyVersionCommand({ PolicyArn: ch.arn, PolicyDocument: doc(ch.document), SetAsDefault: true }));
      return;
    case 'create-provider':
      await c.iam.send(
        new CreateOpenIDConnectProviderCommand({ Url: ch.issuer, ClientIDList: ch.clientIds, ...(ch.thumbprints.length > 0 ? { ThumbprintList: ch.thumbprints } : {}) }),
      );
      return;
    case 'add-client-id':
      await c.iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: ch.arn, ClientID: ch.clientId }));
      return;
    case 'update-thumbprints':
      await c.iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: ch.arn, ThumbprintList: ch.thumbprints }));
      return;
    case 'delete-provider':
      await c.iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: ch.arn }));
      return;
    case 'create-role':
      await c.iam.send(new CreateRoleCommand({ RoleName: ch.name, AssumeRolePolicyDocument: doc(ch.trustPolicy), Description: ch.description }));
      return;
    case 'update-trust':
      await c.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: ch.name, PolicyDocument: doc(ch.trustPolicy) }));
      return;
    case 'attach-policy':
      await c.iam.send(new AttachRolePolicyCommand({ RoleName: ch.role, PolicyArn: ch.policyArn }));
      return;
  }
}

export interface ApplyResult {
  /** The plan that was carried out (the last one, when a conflict made apply plan again). */
  plan: Plan;
  applied: Change[];
  /** How many times state was read and planned (2 when another writer created something first). */
  rounds: number;
}

/** The account behind the endpoint must be the topology's, or every ARN in the trust policies would be wrong. */
export function checkAccount(actual: ActualIam, desired: DesiredIam, endpoint: string | undefined): void {
  if (actual.accountId !== desired.accountId)
    throw new InputError(
      `the credentials at ${endpoint ?? 'AWS'} belong to account ${actual.accountId}, the topology's aws.accountId is ${desired.accountId}`,
      { path: 'aws.accountId' },
    );
}

export async function planAgainst(c: IamClients, desired: DesiredIam, opts: { prune?: boolean; endpoint?: string } = {}): Promise<{ plan: Plan; actual: ActualIam }> {
  const actual = await readIam(c, desired);
  checkAccount(actual, desired, opts.endpoint);
  return { plan: planIam(desired, actual, opts), actual };
}

/**
 * Reads, plans and applies. When a create finds the entity already there (another writer got there first), it
 * reads and plans again once instead of failing; any other IAM error stops with an IamCallError.
 */
export async function applyIam(
  c: IamClients,
  desired: DesiredIam,
  opts: { prune?: boolean; endpoint?: string; log?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<ApplyResult> {
  const applied: Change[] = [];
  for (let round = 1; ; round++) {
    const { plan } = await planAgainst(c, desired, opts);
    try {
      for (const ch of plan.changes) {
        opts.signal?.throwIfAborted();
        try {
          await execute(c, ch);
        } catch (err) {
          throw new IamCallError(ch, err);
        }
        applied.push(ch);
        opts.log?.(`${describe(ch)}: done`);
      }
      return { plan, applied, rounds: round };
    } catch (err) {
      if (err instanceof IamCallError && err.code === 'EntityAlreadyExists' && round < 2) {
        opts.log?.(`${describe(err.change)}: already exists (created by another writer); reading the account again`);
        continue;
      }
      throw err;
    }
  }
}
