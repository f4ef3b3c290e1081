// The process backend: every cluster is three real processes from the kube-lite binary (etcd, kube-apiserver,
// kube-controller-manager) on 127.0.0.1, each cluster with its own etcd data dir (tmpfs when /dev/shm exists), CA,
// serving cert, service-account key and issuer, RBAC authorization and an admin client certificate for the harness.
// The control plane reaches a cluster through a loopback TCP proxy (Cluster.endpoint) that partition() cuts; the
// harness's admin() client goes direct.
import { mkdtemp, mkdir, rm, writeFile, access, constants } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, BackendInfo, BackendOptions, Cluster, ClusterSpec, KubeClient, KubeObject, TokenCredentials } from '../types.ts';
import { KubeApiError } from '../types.ts';
import { HttpKubeClient } from '../kube-client.ts';
import type { CleanupStack } from '../../lifecycle.ts';
import { generateClusterPki, kubeconfig, type ClusterPki } from './pki.ts';
import { freePort, TcpProxy } from './net.ts';
import { startProcess, logTail, trackTempDir, onInterrupt, type ManagedProcess } from './procs.ts';
import { findKubeLite } from './binary.ts';
import { commandMissing } from '../../cache.ts';
import { KCM_CONTROLLERS, apiserverArgs, etcdArgs, kcmArgs, type KubeLiteLayout } from '../kube-lite-args.ts';


export interface ProcessBackendOptions extends BackendOptions {
  /** kube-lite binary; default: the cache (see binary.ts). */
  binary?: string;
  /** Parent of the run's temp root; default /dev/shm when writable (tmpfs), else the OS temp dir. */
  tempParent?: string;
  /** SIGTERM → SIGKILL grace per process. Default 10s. */
  graceMs?: number;
  /** How long a cluster may take to be ready (/readyz + token controller). Default 180s. */
  readyTimeoutMs?: number;
  /** Registers dispose() with the run's cleanup stack. */
  cleanup?: CleanupStack;
  /** Extra kube-apiserver flags (e.g. --v=2). */
  apiserverArgs?: string[];
}

export const PROCESS_BACKEND_INFO: BackendInfo = {
  name: 'process',
  realApiServer: true,
  createsClusters: true,
  lifecycle: true,
  partition: true,
};

interface Ports {
  api: number;
  etcdClient: number;
  etcdPeer: number;
}

/** Host-safe form of a clusterConfigs name: dataplane_1 → dataplane-1. */
export function hostSafeName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return s || 'cluster';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class ProcessCluster implements Cluster {
  readonly spec: ClusterSpec;
  readonly dir: string;
  readonly pki: ClusterPki;
  readonly ports: Ports;
  /** Per-phase timings of the last start, ms. */
  readonly timings: Record<string, number> = {};
  private readonly proxy: TcpProxy;
  private readonly backend: ProcessBackend;
  private procs: ManagedProcess[] = [];
  private adminClient: HttpKubeClient | undefined;
  private deleted = false;

  constructor(backend: ProcessBackend, spec: ClusterSpec, dir: string, pki: ClusterPki, ports: Ports, proxy: TcpProxy) {
    this.backend = backend;
    this.spec = spec;
    this.dir = dir;
    this.pki = pki;
    this.ports = ports;
    this.proxy = proxy;
  }

  get endpoint(): string {
    return `https://127.0.0.1:${this.proxy.port}`;
  }

  /** The API server itself, bypassing the proxy. */
  get directEndpoint(): string {
    return `https://127.0.0.1:${this.ports.api}`;
  }

  get issuer(): string {
    return this.directEndpoint;
  }

  get proxyPort(): number {
    return this.proxy.port;
  }

  caCert(): string {
    return this.pki.caCert;
  }

  admin(): HttpKubeClient {
    this.adminClient ??= new HttpKubeClient({
      endpoint: this.directEndpoint,
      caCert: this.pki.caCert,
      clientCert: this.pki.adminCert,
      clientKey: this.pki.adminKey,
    });
    return this.adminClient;
  }

  withToken(credentials: TokenCredentials): KubeClient {
    return new HttpKubeClient({ endpoint: credentials.endpoint, caCert: credentials.caCert, token: credentials.token });
  }

  /** Live child processes (for tests and the bench). */
  processes(): readonly ManagedProcess[] {
    return this.procs.filter((p) => p.running);
  }

  /** Resident memory of etcd + apiserver + controller-manager, bytes. */
  rssBytes(): { total: number; byProcess: Record<string, number> } {
    const byProcess: Record<string, number> = {};
    let total = 0;
    for (const p of this.procs) {
      const r = p.rssBytes();
      byProcess[p.name] = r;
      total += r;
    }
    return { total, byProcess };
  }

  private log(line: string): void {
    this.backend.log(`${this.spec.name}: ${line}`);
  }

  private spawn(component: string, args: string[]): ManagedProcess {
    if (this.deleted) throw new Error(`cluster ${this.spec.name} was deleted`);
    const p = startProcess({
      name: component,
      command: this.backend.binary,
      args: [component, ...args],
      logFile: join(this.dir, 'logs', `${component}.log`),
      cwd: this.dir,
    });
    this.procs.push(p);
    return p;
  }

  /** Paths, ports and bind address of this cluster's processes (flags: ../kube-lite-args.ts). */
  private layout(): KubeLiteLayout {
    const p = this.pki;
    return {
      name: hostSafeName(this.spec.name),
      issuer: this.issuer,
      files: {
        caCert: p.caCertPath,
        servingCert: p.servingCertPath,
        servingKey: p.servingKeyPath,
        saKey: p.saKeyPath,
        saPub: p.saPubPath,
        etcdCa: p.etcdCaPath,
        etcdCert: p.etcdCertPath,
        etcdKey: p.etcdKeyPath,
        kcmKubeconfig: join(p.dir, 'kcm.kubeconfig'),
      },
      dataDir: this.dir,
      etcdClientPort: this.ports.etcdClient,
      etcdPeerPort: this.ports.etcdPeer,
      apiPort: this.ports.api,
      bindAddress: '127.0.0.1',
      // The machine's default route would otherwise be advertised.
      advertiseAddress: '127.0.0.1',
      controllers: KCM_CONTROLLERS,
      extraApiserverArgs: this.backend.apiserverArgs,
    };
  }

  /** Starts etcd, the apiserver and the controller-manager; resolves when /readyz is OK and a token Secret fills. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.deleted) throw new Error(`cluster ${this.spec.name} was deleted`);
    if (this.procs.some((p) => p.running)) return;
    this.procs = [];
    const t0 = Date.now();
    const deadline = t0 + this.backend.readyTimeoutMs;
    this.spawn('etcd', etcdArgs(this.layout()));
    this.spawn('kube-apiserver', apiserverArgs(this.layout()));
    this.log(`etcd + kube-apiserver starting on 127.0.0.1:${this.ports.api} (proxy ${this.proxy.port})`);
    try {
      await this.waitReadyz(deadline, signal);
      this.timings.readyz = Date.now() - t0;
      this.log(`/readyz OK after ${(this.timings.readyz / 1000).toFixed(1)}s; starting kube-controller-manager`);
      this.spawn('kube-controller-manager', kcmArgs(this.layout()));
      await this.waitTokenController(deadline, signal);
      this.timings.tokens = Date.now() - t0;
      this.log(`ready after ${(this.timings.tokens / 1000).toFixed(1)}s (token controller filling Secrets)`);
    } catch (err) {
      await this.stopProcesses(2_000);
      throw err;
    }
  }

  private checkAlive(): void {
    for (const p of this.procs) {
      if (!p.running) {
        const tail = logTail(join(this.dir, 'logs', `${p.name}.log`));
        throw new Error(`${p.name} of ${this.spec.name} exited during start-up; last log lines:\n${tail}`);
      }
    }
  }

  private async waitReadyz(deadline: number, signal?: AbortSignal): Promise<void> {
    let last = '';
    while (Date.now() < deadline) {
      this.checkAlive();
      try {
        const res = await this.admin().raw('GET', '/readyz');
        if (res.status === 200) return;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await sleep(250, signal);
    }
    throw new Error(`${this.spec.name}: /readyz not OK within ${this.backend.readyTimeoutMs}ms (${last.slice(0, 300)})`);
  }

  /** Creates a throwaway SA + token Secret in kube-system and waits for the token controller to fill it. */
  private async waitTokenController(deadline: number, signal?: AbortSignal): Promise<void> {
    const admin = this.admin();
    const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flyte-mc-probe', namespace: 'kube-system' } };
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'flyte-mc-probe-token', namespace: 'kube-system', annotations: { 'kubernetes.io/service-account.name': 'flyte-mc-probe' } },
    };
    const ref = { apiVersion: 'v1', kind: 'Secret', name: 'flyte-mc-probe-token', namespace: 'kube-system' };
    await admin.apply(sa);
    await createIfAbsent(admin, secret);
    while (Date.now() < deadline) {
      this.checkAlive();
      const s = await admin.get(ref).catch(() => undefined);
      const data = s?.data as Record<string, string> | undefined;
      if (data?.token && data['ca.crt']) {
        await admin.delete(ref).catch(() => undefined);
        await admin.delete({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'flyte-mc-probe', namespace: 'kube-system' }).catch(() => undefined);
        return;
      }
      await sleep(200, signal);
    }
    throw new Error(`${this.spec.name}: the token controller did not fill a token Secret within ${this.backend.readyTimeoutMs}ms\n${logTail(join(this.dir, 'logs', 'kube-controller-manager.log'))}`);
  }

  private async stopProcesses(graceMs: number): Promise<void> {
    // Controller-manager first, then the apiserver, then etcd.
    for (const p of [...this.procs].reverse()) await p.stop(graceMs);
    this.adminClient?.close();
    this.adminClient = undefined;
  }

  async stop(): Promise<void> {
    this.log('stopping');
    await this.stopProcesses(this.backend.graceMs);
  }

  async kill(): Promise<void> {
    this.log('killing (SIGKILL)');
    await Promise.all(this.procs.map((p) => p.kill()));
    this.adminClient?.close();
    this.adminClient = undefined;
  }

  async partition(cut: boolean): Promise<void> {
    this.log(cut ? 'partitioned from the control plane' : 'partition healed');
    this.proxy.setCut(cut);
  }

  async delete(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    await this.stopProcesses(this.backend.graceMs);
    await this.proxy.close();
    await rm(this.dir, { recursive: true, force: true });
    this.backend.forget(this);
  }
}

async function createIfAbsent(client: KubeClient, obj: KubeObject): Promise<void> {
  try {
    await client.create(obj);
  } catch (err) {
    if (!(err instanceof KubeApiError) || err.status !== 409) throw err;
  }
}

export class ProcessBackend implements Backend {
  readonly info = PROCESS_BACKEND_INFO;
  readonly graceMs: number;
  readonly readyTimeoutMs: number;
  readonly apiserverArgs: string[];
  private readonly opts: ProcessBackendOptions;
  private readonly clusters = new Set<ProcessCluster>();
  private resolvedBinary: string | undefined;
  private root: string | undefined;
  private rootPromise: Promise<string> | undefined;
  private releaseRoot: (() => void) | undefined;
  private releaseInterrupt: (() => void) | undefined;
  private disposing: Promise<void> | undefined;

  constructor(opts: ProcessBackendOptions = {}) {
    this.opts = opts;
    this.graceMs = opts.graceMs ?? 10_000;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
    this.apiserverArgs = opts.apiserverArgs ?? [];
    opts.cleanup?.defer('process backend', () => this.dispose());
  }

  log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  get binary(): string {
    if (!this.resolvedBinary) throw new Error('kube-lite binary not resolved; call unavailableReason() or createCluster() first');
    return this.resolvedBinary;
  }

  /** The run's temp root (undefined before the first cluster). */
  get tempRoot(): string | undefined {
    return this.root;
  }

  async unavailableReason(): Promise<string | undefined> {
    if (process.platform !== 'linux') return `the process backend needs Linux (this is ${process.platform})`;
    const bin = await findKubeLite(this.opts.binary);
    if (!bin) return 'kube-lite is not built: run scripts/setup.d/40-kube-lite.sh (needs Go and the Go module proxy)';
    const missing = commandMissing('openssl', ['version']);
    if (missing) return missing;
    this.resolvedBinary = bin;
    return undefined;
  }

  private async ensureRoot(): Promise<string> {
    this.rootPromise ??= (async () => {
      let parent = this.opts.tempParent;
      if (!parent) {
        parent = tmpdir();
        try {
          await access('/dev/shm', constants.W_OK);
          parent = '/dev/shm';
        } catch {
          // no tmpfs: OS temp dir
        }
      }
      const root = await mkdtemp(join(parent, 'flyte-mc-process-'));
      this.releaseRoot = trackTempDir(root);
      this.releaseInterrupt = onInterrupt(() => this.dispose());
      this.root = root;
      return root;
    })();
    return this.rootPromise;
  }

  async createCluster(spec: ClusterSpec, signal?: AbortSignal): Promise<ProcessCluster> {
    if (this.disposing) throw new Error('process backend is disposed');
    if (!this.resolvedBinary) {
      const why = await this.unavailableReason();
      if (why) throw new Error(why);
    }
    const root = await this.ensureRoot();
    const dir = join(root, hostSafeName(spec.name));
    await mkdir(dir, { mode: 0o700 });
    await Promise.all(['logs', 'etcd', 'apiserver'].map((d) => mkdir(join(dir, d), { mode: 0o700 })));
    const pki = await generateClusterPki(join(dir, 'pki'), spec.name);
    // A port picked here can be taken by someone else before the server binds it: retry with fresh ports.
    for (let attempt = 1; ; attempt++) {
      const ports = { api: await freePort(), etcdClient: await freePort(), etcdPeer: await freePort() };
      await writeFile(join(pki.dir, 'kcm.kubeconfig'), kubeconfig(`https://127.0.0.1:${ports.api}`, pki.caCert, pki.kcmCert, pki.kcmKey, 'system:kube-controller-manager'), { mode: 0o600 });
      const proxy = await TcpProxy.start(ports.api);
      const cluster = new ProcessCluster(this, spec, dir, pki, ports, proxy);
      this.clusters.add(cluster);
      try {
        await cluster.start(signal);
        return cluster;
      } catch (err) {
        await cluster.delete().catch(() => undefined);
        const msg = err instanceof Error ? err.message : String(err);
        if (attempt < 3 && /address already in use/i.test(msg) && !signal?.aborted) {
          this.log(`${spec.name}: port clash, retrying with new ports`);
          await mkdir(dir, { mode: 0o700 });
          await Promise.all(['logs', 'etcd', 'apiserver'].map((d) => mkdir(join(dir, d), { recursive: true, mode: 0o700 })));
          const again = await generateClusterPki(join(dir, 'pki'), spec.name);
          Object.assign(pki, again);
          continue;
        }
        throw err;
      }
    }
  }

  /** Starts several clusters at once. If one fails, the others are deleted and the first error is thrown. */
  async createClusters(specs: readonly ClusterSpec[], signal?: AbortSignal): Promise<ProcessCluster[]> {
    const results = await Promise.allSettled(specs.map((s) => this.createCluster(s, signal)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.delete() : undefined)));
      throw failed.reason;
    }
    return results.map((r) => (r as PromiseFulfilledResult<ProcessCluster>).value);
  }

  list(): ProcessCluster[] {
    return [...this.clusters];
  }

  forget(c: ProcessCluster): void {
    this.clusters.delete(c);
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await Promise.allSettled([...this.clusters].map((c) => c.delete()));
      if (this.root) await rm(this.root, { recursive: true, force: true });
      this.releaseRoot?.();
      this.releaseInterrupt?.();
    })();
    return this.disposing;
  }
}

export function createProcessBackend(opts: ProcessBackendOptions = {}): ProcessBackend {
  return new ProcessBackend(opts);
}
