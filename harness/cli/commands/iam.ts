import { readFile, stat } from 'node:fs/promises';
import { InputError, UsageError, wrap } from '../../errors.ts';
import { loadTopology, YamlSource, type Topology } from '../../topology/index.ts';
import type { IamClients } from '../../iam/aws.ts';
import { desiredIam, providerRecords } from '../../iam/desired.ts';
import type { OidcProviderRecord } from '../../iam/evaluate.ts';
import { formatPlan } from '../../iam/plan.ts';
import type { IssuerMap } from '../../iam/policies.ts';
import { parseFlags, requireFlag, type Command, type Io } from '../command.ts';
import { CleanupStack } from '../../lifecycle.ts';

// The AWS SDK, jose and testcontainers load only on the paths that use them (start-up of every other command).
const aws = () => import('../../iam/aws.ts');

const usage = `Usage: flyte-mc iam plan|apply --topology FILE [--endpoint URL|moto|localstack] [--issuers FILE] [--prune] [--check]
       flyte-mc iam check --role NAME --token FILE --jwks FILE|URL (--topology FILE | --endpoint URL) [--policy FILE]

The guide's AWS prerequisites: the permissions policy, the control-plane and data-plane roles with their trust
policies, and one IAM OIDC provider per cluster.

  plan    show what apply would change (documents as diffs); --check exits 1 when something would change
  apply   create or update them; additive: statements and providers the topology does not name are kept
          (--prune removes them). A second run changes nothing and says so.
  check   judge sts:AssumeRoleWithWebIdentity of a service-account token on a role the way AWS does (signature,
          exp/nbf, issuer → OIDC provider, audience, trust-policy conditions) and explain the decision.
          Exit 0 Allow, 1 Deny.

  --topology FILE   flyte-mc.yaml; issuers come from aws.oidcProviders unless --issuers names them
  --endpoint URL    IAM/STS endpoint: an emulator such as http://127.0.0.1:4566 (LocalStack) or moto; "moto" (the
                    default for plan/apply) starts moto from .venv for this run only (its state is discarded);
                    "localstack" starts LocalStack: its container where the image is present locally
                    (FLYTE_MC_LOCALSTACK_IMAGE), otherwise its runtime as a host process (scripts/setup.d/35-localstack.sh)
                    LocalStack serves every account: the harness asks it for the topology's (with --topology) or for
                    the 12-digit AWS_ACCESS_KEY_ID in the environment, else it answers as 000000000000
  --region NAME     signing region (default the topology's aws.region)
  --issuers FILE    YAML/JSON map cluster name -> issuer URL (e.g. the process backend's service-account issuers)
  --prune           also remove trust statements and providers the topology does not name
  --role NAME       role to check (with --topology: one of the topology's two roles)
  --token FILE      the web identity token (a projected service-account token); never printed. "-" reads stdin
  --policy FILE     check against this trust policy JSON instead of the rendered one or the endpoint's
  --jwks FILE|URL   the issuer's JSON Web Key Set, e.g. https://APISERVER/openid/v1/jwks
  --jwks-ca FILE    CA bundle for an https --jwks URL
  --jwks-bearer FILE  token sent when fetching --jwks (kube-apiserver serves it to service accounts); never printed
  --at TIME         judge at this time (ISO 8601) instead of now
  --json            print the decision as JSON
`;

async function readIssuers(file: string | undefined): Promise<IssuerMap> {
  if (!file) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read issuers (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  const v = YamlSource.parse(text, file).toJS();
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError('must map cluster names to issuer URLs', { file });
  for (const [k, url] of Object.entries(v)) {
    if (typeof url !== 'string' || !/^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(url)) throw new InputError('must be an https issuer URL without query or fragment', { file, path: k });
  }
  return v as IssuerMap;
}

async function readToken(file: string, io: Io): Promise<string> {
  let text: string;
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      const st = await stat(file);
      if ((st.mode & 0o077) !== 0) io.stderr(`warning: ${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); tokens belong in 0600 files\n`);
      text = await readFile(file, 'utf8');
    }
  } catch (err) {
    throw new InputError(`cannot read the token (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file });
  }
  const token = text.trim();
  if (token.split('.').length !== 3) throw new InputError('is not a JWT (expected header.payload.signature)', { file });
  return token;
}

/** Runs `fn` with IAM clients for --endpoint, starting (and always stopping) moto or LocalStack when asked to. */
async function withEndpoint<T>(endpoint: string, t: Topology | undefined, region: string | undefined, io: Io, fn: (c: IamClients, url: string) => Promise<T>): Promise<T> {
  const cleanup = new CleanupStack();
  const unbind = cleanup.bindTo(io.signal);
  let url = endpoint;
  try {
    if (endpoint === 'moto' || endpoint === 'localstack') {
      const label = endpoint === 'moto' ? 'moto' : 'LocalStack';
      const { startEmulator } = await import('../../iam/emulator.ts');
      const em = await startEmulator(endpoint, { ...(t ? { accountId: t.aws.accountId } : {}), signal: io.signal, cleanup }).catch((err: unknown) => {
        throw wrap(err, `start the ${label} IAM emulator`);
      });
      url = em.endpoint;
      io.stderr(`${em.describe}\n`);
    } else if (!/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) throw new UsageError(`--endpoint must be an http(s) URL such as http://127.0.0.1:4566, or "moto" / "localstack"; got "${endpoint}"`);
    // With the topology's account in the dummy credentials, LocalStack (which serves every account) answers as it.
    const c = (await aws()).iamClients({ endpoint: url, region: region ?? t?.aws.region ?? 'us-east-1', ...(t ? { accountId: t.aws.accountId } : {}) });
    try {
      return await fn(c, url);
    } finally {
      c.destroy();
    }
  } finally {
    unbind();
    for (const r of await cleanup.run()) if (r.error) io.stderr(`cleanup: ${r.name} failed: ${r.error}\n`);
  }
}

async function planOrApply(apply: boolean, args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, {
    topology: { type: 'string' },
    endpoint: { type: 'string', default: 'moto' },
    region: { type: 'string' },
    issuers: { type: 'string' },
    prune: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  });
  const t = await loadTopology(requireFlag(values.topology, 'topology'));
  const desired = desiredIam(t, await readIssuers(values.issuers));
  const endpoint = values.endpoint ?? 'moto';
  return withEndpoint(endpoint, t, values.region, io, async (c, url) => {
    if (!apply) {
      const { plan } = await (await aws()).planAgainst(c, desired, { prune: values.prune, endpoint: url });
      io.stdout(formatPlan(plan));
      return values.check && plan.changes.length > 0 ? 1 : 0;
    }
    const r = await (await aws()).applyIam(c, desired, { prune: values.prune, endpoint: url, signal: io.signal, log: (l) => io.stderr(`${l}\n`) });
    io.stdout(formatPlan(r.plan).replace(/^(\d+) changes?;/m, (_m, n: string) => `applied ${n} change${n === '1' ? '' : 's'};`));
    return 0;
  });
}

async function check(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, {
    role: { type: 'string' },
    token: { type: 'string' },
    topology: { type: 'string' },
    endpoint: { type: 'string' },
    region: { type: 'string' },
    issuers: { type: 'string' },
    policy: { type: 'string' },
    jwks: { type: 'string' },
    'jwks-ca': { type: 'string' },
    'jwks-bearer': { type: 'string' },
    at: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const role = requireFlag(values.role, 'role');
  const tokenFile = requireFlag(values.token, 'token');
  const jwksSource = requireFlag(values.jwks, 'jwks');
  if (!values.topology && !values.endpoint) throw new UsageError('give --topology FILE (rendered trust policies) or --endpoint URL (the account\'s roles and providers)');
  if (values.endpoint === 'moto' || values.endpoint === 'localstack') throw new UsageError(`--endpoint ${values.endpoint} holds nothing to check; run "iam apply" against a running emulator and pass its URL`);
  const now = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--at must be an ISO 8601 time, got "${values.at}"`);
  const token = await readToken(tokenFile, io);
  const { loadJwks } = await import('../../iam/jwks.ts');
  const jwks = await loadJwks(jwksSource, { ...(values['jwks-ca'] ? { caFile: values['jwks-ca'] } : {}), ...(values['jwks-bearer'] ? { bearerTokenFile: values['jwks-bearer'] } : {}) });
  const t = values.topology ? await loadTopology(values.topology) : undefined;
  const explicitPolicy = values.policy ? await readFile(values.policy, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read the trust policy (${err.code ?? err.message})`, { file: values.policy! });
  }) : undefined;

  let roleArn: string;
  let trustPolicy: unknown;
  let providers: OidcProviderRecord[];
  let policySource: string;
  if (values.endpoint) {
    ({ roleArn, trustPolicy, providers, policySource } = await withEndpoint(values.endpoint, t, values.region, io, async (c) => {
      const { asProviderRecords, readProviders, readRoleTrustPolicy } = await aws();
      const r = await readRoleTrustPolicy(c, role);
      if (!r && explicitPolicy === undefined) throw new InputError(`no role "${role}" at ${values.endpoint}`, { path: '--role' });
      return {
        roleArn: r?.arn ?? `arn:aws:iam::000000000000:role/${role}`,
        trustPolicy: explicitPolicy ?? r!.trustPolicy,
        providers: asProviderRecords(await readProviders(c)),
        policySource: values.policy ?? `role ${role} at ${values.endpoint}`,
      };
    }));
  } else {
    const desired = desiredIam(t!, await readIssuers(values.issuers));
    const r = desired.roles.find((x) => x.name === role);
    if (!r) throw new UsageError(`--role must be one of the topology's roles: ${desired.roles.map((x) => x.name).join(', ')}`);
    roleArn = r.arn;
    trustPolicy = explicitPolicy ?? r.trustPolicy;
    providers = providerRecords(desired);
    policySource = values.policy ?? `rendered trust policy of ${role}`;
  }
  const { checkAssumeRoleWithWebIdentity } = await import('../../iam/evaluate.ts');
  const d = await checkAssumeRoleWithWebIdentity({ roleArn, trustPolicy, providers, token, jwks, now, policySource });
  if (values.json) io.stdout(`${JSON.stringify({ decision: d.decision, basis: d.basis, rejectedBy: d.rejectedBy ?? null, explanation: d.lines, statements: d.statements }, null, 2)}\n`);
  else io.stdout(`${d.lines.join('\n')}\n`);
  return d.decision === 'Allow' ? 0 : 1;
}

export const iamCommand: Command = {
  name: 'iam',
  summary: 'plan/apply the guide\'s IAM policy, roles and OIDC providers; check a token against a trust policy',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'plan') return planOrApply(false, rest, io);
    if (sub === 'apply') return planOrApply(true, rest, io);
    if (sub === 'check') return check(rest, io);
    throw new UsageError(sub ? `unknown iam sub-command "${sub}"` : 'missing sub-command: plan, apply or check');
  },
};
