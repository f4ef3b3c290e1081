// The kubeconfig backend: the same scenarios against clusters that already exist (compose-started k3s, kind, or
// real EKS/GKE staging), chosen by kubeconfig context. It creates no cluster and deletes none; inside the clusters it
// labels what it creates (org.flyte-mc.run-id, app.kubernetes.io/managed-by=flyte-mc), deletes only that on
// cleanup, and refuses to delete anything else. --dry-run prints what it would create and touches nothing.
//   flyte-mc run --backend kubeconfig --kubeconfig FILE --control-plane CTX --data-planes CTX1,CTX2 [--dry-run]
// Options may also come from FLYTE_MC_KUBECONFIG, FLYTE_MC_CONTROL_PLANE, FLYTE_MC_DATA_PLANES, FLYTE_MC_ENDPOINTS
// (NAME=URL,...) and FLYTE_MC_DRY_RUN=1.
import { UsageError } from '../../errors.ts';
import type { CleanupStack } from '../../lifecycle.ts';
import { HttpKubeClient } from '../kube-client.ts';
import { newRunId } from '../docker.ts';
import { KubeApiError, type Backend, type BackendInfo, type BackendOptions, type Cluster, type ClusterSpec, type KubeClient, type ObjectRef, type TokenCredentials } from '../types.ts';
import { Kubeconfig, type ContextCredentials } from './kubeconfig.ts';
import { Ledger, TrackingKubeClient, describeRef } from './tracking.ts';

export interface KubeconfigBackendOptions extends BackendOptions {
  /** Kubeconfig file. */
  kubeconfig?: string;
  /** Context of the control plane. */
  controlPlane?: string;
  /** Contexts of the data planes, in creation order; `NAME=CONTEXT` pins a clusterConfigs name to a context.
   *  Any context may be written FILE#CONTEXT (FILE# = its current context) to take it from another kubeconfig, e.g.
   *  the per-cluster files docker-compose.yml writes, whose contexts are all called "default". */
  dataPlanes?: readonly string[] | string;
  /** clusterConfigs endpoint per cluster name or context, when the control plane reaches a cluster by another
   *  address than the kubeconfig's server (e.g. a compose service name): NAME=URL. Default: the server. */
  endpoints?: Readonly<Record<string, string>> | string;
  dryRun?: boolean;
  runId?: string;
  cleanup?: CleanupStack;
}

export const KUBECONFIG_BACKEND_INFO: BackendInfo = {
  name: 'kubeconfig',
  borrowsClusters: true,
};

function pairs(v: Readonly<Record<string, string>> | string | undefined, what: string): Record<string, string> {
  if (v === undefined || v === '') return {};
  if (typeof v !== 'string') return { ...v };
  const out: Record<string, string> = {};
  for (const item of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${what}: expected NAME=VALUE, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Options with the environment filled in (explicit options win). */
export function resolveKubeconfigOptions(o: KubeconfigBackendOptions, env: NodeJS.ProcessEnv = process.env): Required<Pick<KubeconfigBackendOptions, 'dryRun'>> & { kubeconfig?: string; controlPlane?: string; dataPlanes: string[]; endpoints: Record<string, string> } {
  const dp = o.dataPlanes ?? env.FLYTE_MC_DATA_PLANES ?? [];
  return {
    kubeconfig: o.kubeconfig ?? env.FLYTE_MC_KUBECONFIG ?? env.KUBECONFIG?.split(':')[0],
    controlPlane: o.controlPlane ?? env.FLYTE_MC_CONTROL_PLANE,
    dataPlanes: (typeof dp === 'string' ? dp.split(',') : [...dp]).map((s) => s.trim()).filter(Boolean),
    endpoints: { ...pairs(env.FLYTE_MC_ENDPOINTS, 'FLYTE_MC_ENDPOINTS'), ...pairs(o.endpoints, 'endpoints') },
    dryRun: o.dryRun ?? env.FLYTE_MC_DRY_RUN === '1',
  };
}

class KubeconfigCluster implements Cluster {
  readonly spec: ClusterSpec;
  readonly context: string;
  readonly endpoint: string;
  readonly issuer: string;
  private readonly creds: ContextCredentials;
  private readonly ledger = new Ledger();
  private readonly backend: KubeconfigBackend;
  private readonly direct: HttpKubeClient;
  private deleted = false;

  constructor(backend: KubeconfigBackend, spec: ClusterSpec, creds: ContextCredentials, endpoint: string, issuer: string, direct: HttpKubeClient) {
    this.backend = backend;
    this.spec = spec;
    this.context = creds.context;
    this.creds = creds;
    this.endpoint = endpoint;
    this.issuer = issuer;
    this.direct = direct;
  }

  caCert(): string {
    return this.creds.caCert;
  }

  private tracked(inner: KubeClient): TrackingKubeClient {
    return new TrackingKubeClient(inner, this.ledger, {
      runId: this.backend.runId,
      cluster: `${this.spec.name} (${this.context})`,
      dryRun: this.backend.dryRun,
      caCert: this.creds.caCert,
      log: (l) => this.backend.log(l),
    });
  }

  admin(): KubeClient {
    return this.tracked(this.direct);
  }

  withToken(credentials: TokenCredentials): KubeClient {
    // The control plane's address for this cluster may not resolve here (compose service name): use the server.
    const endpoint = credentials.endpoint === this.endpoint ? this.creds.server : credentials.endpoint;
    return this.tracked(new HttpKubeClient({ endpoint, caCert: credentials.caCert, token: credentials.token }));
  }

  /** What this run created here, in creation order. */
  created(): ObjectRef[] {
    return this.ledger.list();
  }

  /** Deletes what this run created in the cluster (newest first); the cluster itself stays. */
  async delete(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    const admin = this.admin();
    const errors: string[] = [];
    for (const ref of this.ledger.list().reverse()) {
      try {
        await admin.delete(ref);
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 404)) errors.push(`${describeRef(ref)}: ${(err as Error).message}`);
        this.ledger.remove(ref);
      }
    }
    this.direct.close();
    this.backend.forget(this);
    if (errors.length) throw new Error(`cleanup in ${this.spec.name} (${this.context}) left: ${errors.join('; ')}`);
  }
}

export class KubeconfigBackend implements Backend {
  readonly info = KUBECONFIG_BACKEND_INFO;
  readonly runId: string;
  readonly dryRun: boolean;
  private readonly opts: ReturnType<typeof resolveKubeconfigOptions>;
  private readonly logFn: (line: string) => void;
  private readonly files = new Map<string, Promise<Kubeconfig>>();
  private ready = false;
  private readonly clusters = new Set<KubeconfigCluster>();
  private readonly usedContexts = new Set<string>();
  private nextDataPlane = 0;

  constructor(o: KubeconfigBackendOptions = {}) {
    this.opts = resolveKubeconfigOptions(o);
    this.runId = o.runId ?? newRunId();
    this.dryRun = this.opts.dryRun;
    this.logFn = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    o.cleanup?.defer('kubeconfig backend', () => this.dispose());
  }

  log(line: string): void {
    this.logFn(line);
  }

  async unavailableReason(): Promise<string | undefined> {
    if (!this.opts.controlPlane) return 'no control-plane context: pass --control-plane CONTEXT (or FLYTE_MC_CONTROL_PLANE)';
    if (this.opts.dataPlanes.length === 0) return 'no data-plane contexts: pass --data-planes CTX1,CTX2 (or FLYTE_MC_DATA_PLANES)';
    const wanted = [this.opts.controlPlane, ...this.opts.dataPlanes.map((d) => d.slice(d.indexOf('=') + 1))];
    for (const w of wanted) {
      const { file, context } = this.split(w);
      if (!file) return `no kubeconfig for context ${context}: pass --kubeconfig FILE (or set FLYTE_MC_KUBECONFIG), or write FILE#CONTEXT`;
      let kc: Kubeconfig;
      try {
        kc = await this.load(file);
      } catch (err) {
        return (err as Error).message;
      }
      if (context && !kc.contexts().includes(context)) return `context ${context} is not in ${file} (have: ${kc.contexts().join(', ')})`;
      if (!context && !kc.currentContext) return `${file} has no current-context: write ${file}#CONTEXT`;
    }
    this.ready = true;
    return undefined;
  }

  private load(file: string): Promise<Kubeconfig> {
    let p = this.files.get(file);
    if (!p) {
      p = Kubeconfig.load(file);
      this.files.set(file, p);
    }
    return p;
  }

  /** FILE#CONTEXT → both; a plain CONTEXT comes from --kubeconfig. */
  private split(ref: string): { file: string | undefined; context: string } {
    const hash = ref.lastIndexOf('#');
    return hash >= 0 ? { file: ref.slice(0, hash), context: ref.slice(hash + 1) } : { file: this.opts.kubeconfig, context: ref };
  }

  /** The context a cluster name maps to. */
  contextFor(spec: ClusterSpec): string {
    if (spec.role === 'control-plane') return this.opts.controlPlane as string;
    const pinned = this.opts.dataPlanes.find((d) => d.startsWith(`${spec.name}=`));
    if (pinned) return pinned.slice(spec.name.length + 1);
    const free = this.opts.dataPlanes.filter((d) => !d.includes('='));
    const ctx = free[this.nextDataPlane];
    if (!ctx) throw new Error(`no context left for data plane ${spec.name}: --data-planes lists ${this.opts.dataPlanes.length} (${this.opts.dataPlanes.join(', ')})`);
    this.nextDataPlane++;
    return ctx;
  }

  async createCluster(spec: ClusterSpec): Promise<Cluster> {
    if (!this.ready) {
      const why = await this.unavailableReason();
      if (why) throw new Error(why);
    }
    const ref = this.contextFor(spec);
    if (this.usedContexts.has(ref)) throw new Error(`context ${ref} is already used by another cluster of this run`);
    const { file, context: named } = this.split(ref);
    const kc = await this.load(file as string);
    const creds = await kc.resolve(named || (kc.currentContext as string));
    const context = ref;
    const direct = new HttpKubeClient({
      endpoint: creds.server,
      caCert: creds.caCert,
      ...(creds.token !== undefined ? { token: creds.token } : { clientCert: creds.clientCert as string, clientKey: creds.clientKey as string }),
    });
    const version = await direct.getJson<{ gitVersion?: string }>('/version').catch((err: unknown) => {
      throw new Error(`cluster ${spec.name} (context ${context}, ${creds.server}) does not answer: ${(err as Error).message}`);
    });
    const issuer = await direct
      .getJson<{ issuer?: string }>('/.well-known/openid-configuration')
      .then((d) => d.issuer ?? creds.server)
      .catch(() => creds.server);
    const endpoint = this.opts.endpoints[spec.name] ?? this.opts.endpoints[context] ?? creds.server;
    const c = new KubeconfigCluster(this, spec, creds, endpoint, issuer, direct);
    this.usedContexts.add(ref);
    this.clusters.add(c);
    this.log(`${this.dryRun ? '[dry-run] ' : ''}${spec.name}: using context ${context} (${creds.server}, ${version.gitVersion ?? 'unknown version'})${endpoint !== creds.server ? `; the control plane reaches it as ${endpoint}` : ''}`);
    return c;
  }

  forget(c: KubeconfigCluster): void {
    this.clusters.delete(c);
  }

  async dispose(): Promise<void> {
    const results = await Promise.allSettled([...this.clusters].map((c) => c.delete()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message);
    if (failed.length) throw new Error(failed.join('; '));
  }
}

export function createKubeconfigBackend(o: KubeconfigBackendOptions = {}): KubeconfigBackend {
  return new KubeconfigBackend(o);
}
