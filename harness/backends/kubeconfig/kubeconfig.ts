// Kubeconfig files: reading a context into what an HTTPS client needs (server, CA, client cert or bearer token —
// literal, from a file, or from an exec credential plugin such as `aws eks get-token`), and writing one for
// clusters the harness started. Credentials are never printed; written files are 0600.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { YamlSource } from '../../topology/load.ts';
import { InputError } from '../../errors.ts';

const execFileP = promisify(execFile);

export interface ContextCredentials {
  context: string;
  cluster: string;
  server: string;
  caCert: string;
  clientCert?: string;
  clientKey?: string;
  token?: string;
  namespace?: string;
}

interface RawKubeconfig {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  'current-context'?: string;
}

export class Kubeconfig {
  readonly file: string;
  private readonly raw: RawKubeconfig;

  private constructor(file: string, raw: RawKubeconfig) {
    this.file = file;
    this.raw = raw;
  }

  static parse(text: string, file = 'kubeconfig'): Kubeconfig {
    const raw = YamlSource.parse(text, file).toJS();
    if (!raw || typeof raw !== 'object') throw new InputError('not a kubeconfig (expected a mapping)', { file });
    return new Kubeconfig(file, raw as RawKubeconfig);
  }

  static async load(file: string): Promise<Kubeconfig> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read kubeconfig (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file });
    }
    return Kubeconfig.parse(text, file);
  }

  contexts(): string[] {
    return (this.raw.contexts ?? []).map((c) => c.name);
  }

  get currentContext(): string | undefined {
    return this.raw['current-context'];
  }

  /** Server, CA and credentials of a context; exec plugins are run (once per call). */
  async resolve(context: string): Promise<ContextCredentials> {
    const ctx = this.raw.contexts?.find((c) => c.name === context);
    if (!ctx) throw new InputError(`context "${context}" not found (have: ${this.contexts().join(', ') || 'none'})`, { file: this.file });
    const cluster = this.raw.clusters?.find((c) => c.name === ctx.context.cluster)?.cluster;
    if (!cluster) throw new InputError(`cluster "${ctx.context.cluster}" of context "${context}" not found`, { file: this.file });
    const user = this.raw.users?.find((u) => u.name === ctx.context.user)?.user ?? {};
    if (cluster['insecure-skip-tls-verify']) throw new InputError(`context "${context}": insecure-skip-tls-verify is not supported (the harness verifies like FlyteAdmin does)`, { file: this.file });
    const server = String(cluster.server ?? '');
    if (!server.startsWith('https://')) throw new InputError(`context "${context}": server must be https:// (got "${server}")`, { file: this.file });
    const out: ContextCredentials = {
      context,
      cluster: ctx.context.cluster,
      server,
      caCert: await this.pem(cluster, 'certificate-authority'),
      ...(ctx.context.namespace ? { namespace: ctx.context.namespace } : {}),
    };
    if (user['client-certificate-data'] || user['client-certificate']) {
      out.clientCert = await this.pem(user, 'client-certificate');
      out.clientKey = await this.pem(user, 'client-key');
    } else if (typeof user.token === 'string') {
      out.token = user.token;
    } else if (typeof user.tokenFile === 'string') {
      out.token = (await readFile(this.path(user.tokenFile), 'utf8')).trim();
    } else if (user.exec && typeof user.exec === 'object') {
      out.token = await runExecPlugin(user.exec as ExecConfig, context);
    } else {
      throw new InputError(`context "${context}": user "${ctx.context.user}" has no client certificate, token, tokenFile or exec plugin`, { file: this.file });
    }
    return out;
  }

  private path(p: string): string {
    return isAbsolute(p) ? p : resolve(dirname(this.file), p);
  }

  private async pem(obj: Record<string, unknown>, key: string): Promise<string> {
    const data = obj[`${key}-data`];
    if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
    const file = obj[key];
    if (typeof file === 'string') return readFile(this.path(file), 'utf8');
    throw new InputError(`${key} (or ${key}-data) is missing`, { file: this.file });
  }
}

interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
}

async function runExecPlugin(exec: ExecConfig, context: string): Promise<string> {
  const env = { ...process.env };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  try {
    const { stdout } = await execFileP(exec.command, exec.args ?? [], { env, timeout: 60_000 });
    const token = (JSON.parse(stdout) as { status?: { token?: string } }).status?.token;
    if (!token) throw new Error('no status.token in its ExecCredential');
    return token;
  } catch (err) {
    throw new Error(`context "${context}": exec credential plugin ${exec.command} failed: ${(err as Error).message.split('\n')[0]}`);
  }
}

export interface KubeconfigEntry {
  context: string;
  server: string;
  caCert: string;
  clientCert?: string;
  clientKey?: string;
  token?: string;
}

/** One kubeconfig holding several contexts (a secret: write it 0600). */
export function buildKubeconfig(entries: readonly KubeconfigEntry[], current = entries[0]?.context): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((e) => ({ name: e.context, cluster: { server: e.server, 'certificate-authority-data': b64(e.caCert) } })),
    users: entries.map((e) => ({
      name: e.context,
      user: e.token !== undefined ? { token: e.token } : { 'client-certificate-data': b64(e.clientCert ?? ''), 'client-key-data': b64(e.clientKey ?? '') },
    })),
    contexts: entries.map((e) => ({ name: e.context, context: { cluster: e.context, user: e.context } })),
    ...(current ? { 'current-context': current } : {}),
  };
  return stringify(doc, { lineWidth: 0 });
}
