// msw handlers answering the IAM and STS query protocol (form-encoded POST, XML answers) for fast unit tests of
// harness/iam/aws.ts: how it reads state, what it sends, and how it handles AWS errors (EntityAlreadyExists,
// NoSuchEntity, MalformedPolicyDocument, Throttling). It keeps just enough state for a read-plan-apply round and
// injects faults on request; it judges nothing (integration tests run against a real moto server).
import { http, HttpResponse } from 'msw';

/** A loopback address nothing listens on: if a request ever escaped msw it would fail locally, never leave. */
export const MOCK_IAM_ENDPOINT = 'http://127.0.0.1:9';

export interface AwsFault {
  action: string;
  code: string;
  status: number;
  message?: string;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Only calls whose parameter matches, e.g. { RoleName: 'x' }. */
  when?: Record<string, string>;
}

export interface RecordedCall {
  action: string;
  params: Record<string, string>;
  /** The fault answered instead, if any. */
  fault?: string;
}

interface MockState {
  accountId: string;
  policies: Map<string, { name: string; versions: { id: string; document: string; created: number }[]; defaultVersion: string }>;
  roles: Map<string, { arn: string; trust: string; attached: string[] }>;
  providers: Map<string, { url: string; clientIds: string[]; thumbprints: string[] }>;
}

export interface IamMock {
  handlers: ReturnType<typeof http.post>[];
  calls: RecordedCall[];
  state: MockState;
  fail(fault: AwsFault): void;
  actions(): string[];
}

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const members = (xs: readonly string[]) => xs.map((x) => `<member>${esc(x)}</member>`).join('');
const date = (ms = 0) => new Date(1_700_000_000_000 + ms).toISOString();

function ok(action: string, result: string, ns = IAM_NS): Response {
  const body = `<${action}Response xmlns="${ns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>mock-${action}</RequestId></ResponseMetadata></${action}Response>`;
  return new HttpResponse(body, { status: 200, headers: { 'content-type': 'text/xml' } });
}

export function awsError(code: string, status: number, message = code, ns = IAM_NS): Response {
  const body = `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>mock-error</RequestId></ErrorResponse>`;
  return new HttpResponse(body, { status, headers: { 'content-type': 'text/xml' } });
}

/** `ClientIDList.member.1=a&ClientIDList.member.2=b` → ['a', 'b']. */
function list(params: Record<string, string>, name: string): string[] {
  return Object.keys(params)
    .filter((k) => k.startsWith(`${name}.member.`))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map((k) => params[k]!);
}

export function createIamMock(opts: { accountId?: string; endpoint?: string } = {}): IamMock {
  const state: MockState = { accountId: opts.accountId ?? '123456789012', policies: new Map(), roles: new Map(), providers: new Map() };
  const calls: RecordedCall[] = [];
  const faults: (AwsFault & { left: number })[] = [];
  const acct = () => state.accountId;
  const noSuch = (what: string) => awsError('NoSuchEntity', 404, `${what} cannot be found.`);
  const exists = (what: string) => awsError('EntityAlreadyExists', 409, `${what} already exists.`);

  function answer(action: string, p: Record<string, string>): Response {
    switch (action) {
      case 'GetCallerIdentity':
        return ok(action, `<Arn>arn:aws:iam::${acct()}:user/mock</Arn><UserId>AIDAMOCK</UserId><Account>${acct()}</Account>`, STS_NS);
      case 'GetPolicy': {
        const pol = state.policies.get(p.PolicyArn!);
        if (!pol) return noSuch(`Policy ${p.PolicyArn}`);
        return ok(action, `<Policy><PolicyName>${esc(pol.name)}</PolicyName><Arn>${esc(p.PolicyArn!)}</Arn><DefaultVersionId>${pol.defaultVersion}</DefaultVersionId><CreateDate>${date()}</CreateDate></Policy>`);
      }
      case 'GetPolicyVersion': {
        const v = state.policies.get(p.PolicyArn!)?.versions.find((x) => x.id === p.VersionId);
        if (!v) return noSuch(`Policy version ${p.VersionId}`);
        return ok(action, `<PolicyVersion><Document>${encodeURIComponent(v.document)}</Document><VersionId>${v.id}</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>${date(v.created)}</CreateDate></PolicyVersion>`);
      }
      case 'ListPolicyVersions': {
        const pol = state.policies.get(p.PolicyArn!);
        if (!pol) return noSuch(`Policy ${p.PolicyArn}`);
        const vs = pol.versions.map((v) => `<member><VersionId>${v.id}</VersionId><IsDefaultVersion>${v.id === pol.defaultVersion}</IsDefaultVersion><CreateDate>${date(v.created)}</CreateDate></member>`).join('');
        return ok(action, `<Versions>${vs}</Versions><IsTruncated>false</IsTruncated>`);
      }
      case 'CreatePolicy': {
        const arn = `arn:aws:iam::${acct()}:policy/${p.PolicyName}`;
        if (state.policies.has(arn)) return exists(`A policy called ${p.PolicyName}`);
        state.policies.set(arn, { name: p.PolicyName!, versions: [{ id: 'v1', document: p.PolicyDocument!, created: 0 }], defaultVersion: 'v1' });
        return ok(action, `<Policy><PolicyName>${esc(p.PolicyName!)}</PolicyName><Arn>${arn}</Arn><DefaultVersionId>v1</DefaultVersionId></Policy>`);
      }
      case 'CreatePolicyVersion': {
        const pol = state.policies.get(p.PolicyArn!);
        if (!pol) return noSuch(`Policy ${p.PolicyArn}`);
        if (pol.versions.length >= 5) return awsError('LimitExceeded', 409, 'A managed policy can have up to 5 versions.');
        const id = `v${Math.max(...pol.versions.map((v) => Number(v.id.slice(1)))) + 1}`;
        pol.versions.push({ id, document: p.PolicyDocument!, created: pol.versions.length * 1000 });
        if (p.SetAsDefault === 'true') pol.defaultVersion = id;
        return ok(action, `<PolicyVersion><VersionId>${id}</VersionId><IsDefaultVersion>${p.SetAsDefault === 'true'}</IsDefaultVersion></PolicyVersion>`);
      }
      case 'DeletePolicyVersion': {
        const pol = state.policies.get(p.PolicyArn!);
        if (!pol?.versions.some((v) => v.id === p.VersionId)) return noSuch(`Policy version ${p.VersionId}`);
        pol.versions = pol.versions.filter((v) => v.id !== p.VersionId);
        return ok(action, '');
      }
      case 'ListOpenIDConnectProviders':
        return ok(action, `<OpenIDConnectProviderList>${[...state.providers.keys()].map((a) => `<member><Arn>${esc(a)}</Arn></member>`).join('')}</OpenIDConnectProviderList>`);
      case 'GetOpenIDConnectProvider': {
        const pr = state.providers.get(p.OpenIDConnectProviderArn!);
        if (!pr) return noSuch(`OpenIDConnect Provider ${p.OpenIDConnectProviderArn}`);
        return ok(action, `<Url>${esc(pr.url)}</Url><ClientIDList>${members(pr.clientIds)}</ClientIDList><ThumbprintList>${members(pr.thumbprints)}</ThumbprintList><CreateDate>${date()}</CreateDate>`);
      }
      case 'CreateOpenIDConnectProvider': {
        const url = p.Url!.replace(/^https:\/\//, '');
        const arn = `arn:aws:iam::${acct()}:oidc-provider/${url}`;
        if (state.providers.has(arn)) return exists(`Provider with url ${p.Url}`);
        state.providers.set(arn, { url, clientIds: list(p, 'ClientIDList'), thumbprints: list(p, 'ThumbprintList') });
        return ok(action, `<OpenIDConnectProviderArn>${esc(arn)}</OpenIDConnectProviderArn>`);
      }
      case 'AddClientIDToOpenIDConnectProvider': {
        const pr = state.providers.get(p.OpenIDConnectProviderArn!);
        if (!pr) return noSuch(`OpenIDConnect Provider ${p.OpenIDConnectProviderArn}`);
        if (!pr.clientIds.includes(p.ClientID!)) pr.clientIds.push(p.ClientID!);
        return ok(action, '');
      }
      case 'UpdateOpenIDConnectProviderThumbprint': {
        const pr = state.providers.get(p.OpenIDConnectProviderArn!);
        if (!pr) return noSuch(`OpenIDConnect Provider ${p.OpenIDConnectProviderArn}`);
        pr.thumbprints = list(p, 'ThumbprintList');
        return ok(action, '');
      }
      case 'DeleteOpenIDConnectProvider':
        if (!state.providers.delete(p.OpenIDConnectProviderArn!)) return noSuch(`OpenIDConnect Provider ${p.OpenIDConnectProviderArn}`);
        return ok(action, '');
      case 'GetRole': {
        const r = state.roles.get(p.RoleName!);
        if (!r) return noSuch(`The role with name ${p.RoleName}`);
        return ok(action, `<Role><Path>/</Path><RoleName>${esc(p.RoleName!)}</RoleName><RoleId>AROAMOCK</RoleId><Arn>${esc(r.arn)}</Arn><CreateDate>${date()}</CreateDate><AssumeRolePolicyDocument>${encodeURIComponent(r.trust)}</AssumeRolePolicyDocument></Role>`);
      }
      case 'CreateRole': {
        if (state.roles.has(p.RoleName!)) return exists(`Role with name ${p.RoleName}`);
        const arn = `arn:aws:iam::${acct()}:role/${p.RoleName}`;
        state.roles.set(p.RoleName!, { arn, trust: p.AssumeRolePolicyDocument!, attached: [] });
        return ok(action, `<Role><Path>/</Path><RoleName>${esc(p.RoleName!)}</RoleName><RoleId>AROAMOCK</RoleId><Arn>${arn}</Arn><CreateDate>${date()}</CreateDate></Role>`);
      }
      case 'UpdateAssumeRolePolicy': {
        const r = state.roles.get(p.RoleName!);
        if (!r) return noSuch(`The role with name ${p.RoleName}`);
        r.trust = p.PolicyDocument!;
        return ok(action, '');
      }
      case 'AttachRolePolicy': {
        const r = state.roles.get(p.RoleName!);
        if (!r) return noSuch(`The role with name ${p.RoleName}`);
        if (!state.policies.has(p.PolicyArn!)) return noSuch(`Policy ${p.PolicyArn}`);
        if (!r.attached.includes(p.PolicyArn!)) r.attached.push(p.PolicyArn!);
        return ok(action, '');
      }
      case 'ListAttachedRolePolicies': {
        const r = state.roles.get(p.RoleName!);
        if (!r) return noSuch(`The role with name ${p.RoleName}`);
        const ms = r.attached.map((a) => `<member><PolicyName>${esc(a.split('/').pop()!)}</PolicyName><PolicyArn>${esc(a)}</PolicyArn></member>`).join('');
        return ok(action, `<AttachedPolicies>${ms}</AttachedPolicies><IsTruncated>false</IsTruncated>`);
      }
      default:
        return awsError('InvalidAction', 400, `mock IAM does not implement ${action}`);
    }
  }

  const handler = http.post(`${opts.endpoint ?? MOCK_IAM_ENDPOINT}/`, async ({ request }) => {
    const params = Object.fromEntries(new URLSearchParams(await request.text()));
    const action = params.Action ?? '';
    const fault = faults.find((f) => f.left > 0 && f.action === action && Object.entries(f.when ?? {}).every(([k, v]) => params[k] === v));
    if (fault) {
      fault.left--;
      calls.push({ action, params, fault: fault.code });
      return awsError(fault.code, fault.status, fault.message ?? fault.code, action === 'GetCallerIdentity' ? STS_NS : IAM_NS);
    }
    calls.push({ action, params });
    return answer(action, params);
  });

  return {
    handlers: [handler],
    calls,
    state,
    fail: (f) => faults.push({ ...f, left: f.times ?? 1 }),
    actions: () => calls.map((c) => c.action),
  };
}
