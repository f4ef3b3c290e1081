// The IAM/STS emulators the shared IAM suite (test/support/iam-suite.ts) runs against, and what each does where
// they differ. Every entry of `Differences` is asserted by the suite and listed in docs/backends.md.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { motoMissing, startMoto } from '../../mocks/moto.ts';
import { localstackProcessMissing, startLocalStackProcess } from '../../mocks/localstack-process.ts';

export interface RunningEmulator {
  endpoint: string;
  pid: number;
  owner: string;
  startupMs: number;
  /** Credentials that select the requested account (undefined: the harness's default dummy ones). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Observed behaviour where moto 5.2.5 and LocalStack 2026.3.0 differ. */
export interface Differences {
  /** One account per server (set when it starts), or every account, picked by each request's access key ID. */
  accountsPerServer: 'one' | 'every';
  /** The account a non-numeric access key ID gets. */
  defaultAccount: string;
  /** sts:GetCallerIdentity's Arn for the account. */
  callerArn: (account: string) => string;
  /** CreateRole with an AssumeRolePolicyDocument that is not JSON. */
  malformedTrustPolicy: 'stored' | 'MalformedPolicyDocument';
  /** CreateOpenIDConnectProvider with a 3-character thumbprint (IAM wants exactly 40). */
  shortThumbprint: 'accepted' | 'ValidationError';
  /** GetOpenIDConnectProvider of a provider created without thumbprints or tags: the fields present. */
  emptyProviderFields: string[];
  /** DeleteOpenIDConnectProvider of an ARN that does not exist. */
  deleteMissingProvider: 'succeeds' | 'NoSuchEntity';
  /** AddClientIDToOpenIDConnectProvider with a client ID the provider already has (AWS: idempotent). */
  addExistingClientId: 'HTTP 500 (HTML page)' | 'succeeds';
  /** AddClientIDToOpenIDConnectProvider on an ARN that does not exist. */
  addClientIdToMissingProvider: 'HTTP 500 (HTML page)' | 'NoSuchEntity';
  /** A provider URL with a trailing slash: the ARN's last part. */
  trailingSlashArnSuffix: (host: string) => string;
  /** EntityAlreadyExists for a second provider with the same URL: its message. */
  duplicateProviderMessage: RegExp;
  /** ListPolicyVersions order (both ignore MaxItems and never truncate). */
  policyVersionOrder: 'oldest first' | 'newest first';
  /** Documents as returned by GetPolicyVersion and ListRoles (GetRole URL-encodes on both). */
  documentEncoding: 'plain JSON' | 'URL-encoded';
  /** CreatePolicyVersion's response carries the document. */
  createPolicyVersionReturnsDocument: boolean;
  /** ListRoles order on a fresh account (both paginate with Marker). */
  listRolesOrder: 'newest first' | 'creation order';
  /** Access key prefix of AssumeRoleWithWebIdentity credentials. */
  sessionKeyPrefix: string;
}

export interface EmulatorUnderTest {
  /** As printed ("moto", "LocalStack"). */
  name: string;
  /** The `--endpoint` word that starts it. */
  cliName: 'moto' | 'localstack';
  missing(): string | undefined;
  start(o: { accountId?: string; owner?: string }): Promise<RunningEmulator>;
  differences: Differences;
}

export const moto: EmulatorUnderTest = {
  name: 'moto',
  cliName: 'moto',
  missing: motoMissing,
  start: async (o) => startMoto(o),
  differences: {
    accountsPerServer: 'one',
    defaultAccount: '123456789012',
    callerArn: (a) => `arn:aws:sts::${a}:user/moto`,
    malformedTrustPolicy: 'stored',
    shortThumbprint: 'accepted',
    emptyProviderFields: ['ClientIDList', 'CreateDate', 'Tags', 'ThumbprintList', 'Url'],
    deleteMissingProvider: 'succeeds',
    addExistingClientId: 'HTTP 500 (HTML page)',
    addClientIdToMissingProvider: 'HTTP 500 (HTML page)',
    trailingSlashArnSuffix: (h) => `${h}/`,
    duplicateProviderMessage: /^Unknown$/,
    policyVersionOrder: 'oldest first',
    documentEncoding: 'plain JSON',
    createPolicyVersionReturnsDocument: true,
    listRolesOrder: 'newest first',
    sessionKeyPrefix: 'ASIA',
  },
};

export const localstack: EmulatorUnderTest = {
  name: 'LocalStack',
  cliName: 'localstack',
  missing: localstackProcessMissing,
  start: async (o) => startLocalStackProcess(o),
  differences: {
    accountsPerServer: 'every',
    defaultAccount: '000000000000',
    callerArn: (a) => `arn:aws:iam::${a}:root`,
    malformedTrustPolicy: 'MalformedPolicyDocument',
    shortThumbprint: 'ValidationError',
    emptyProviderFields: ['ClientIDList', 'CreateDate', 'Url'],
    deleteMissingProvider: 'NoSuchEntity',
    addExistingClientId: 'succeeds',
    addClientIdToMissingProvider: 'NoSuchEntity',
    trailingSlashArnSuffix: (h) => h,
    duplicateProviderMessage: /^Provider with url https:\/\/\S+ already exists\.$/,
    policyVersionOrder: 'newest first',
    documentEncoding: 'URL-encoded',
    createPolicyVersionReturnsDocument: false,
    listRolesOrder: 'creation order',
    sessionKeyPrefix: 'LSIA',
  },
};

/** Local addresses (ip:port) of every TCP listening socket and every UDP socket the process holds. */
export function socketsOf(pid: number): { tcpListen: string[]; udp: string[] } {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const addr = (hex: string) => {
    const [ip, port] = hex.split(':') as [string, string];
    const text = ip.length === 8 ? ip.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.') : `[${ip}]`;
    return `${text}:${parseInt(port, 16)}`;
  };
  const read = (files: string[], listenOnly: boolean) =>
    files.flatMap((f) => {
      let text = '';
      try {
        text = readFileSync(`/proc/${pid}/net/${f}`, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/))
        .filter((c) => c[9] && inodes.has(c[9]) && (!listenOnly || c[3] === '0A'))
        .map((c) => addr(c[1]!));
    });
  return { tcpListen: read(['tcp', 'tcp6'], true), udp: read(['udp', 'udp6'], false) };
}
