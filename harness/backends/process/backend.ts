// The process backend: every cluster is three real processes from the kube-lite binary (etcd, kube-apiserver,
// kube-controller-manager) on 127.0.0.1, each cluster with its own etcd data dir (tmpfs when /dev/shm exists), CA,
// serving cert, service-account key and issuer, RBAC authorization and an admin client certificate for the harness.
// The control plane reaches a cluster through a loopback TCP proxy (Cluster.endpoint) that partition() cuts; the
// harness's admin() client goes direct.
import { mkdtemp, mkdir, rm, writeFile, access, constants } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, BackendInfo, BackendOptions, ClusterSpec } from '../types.ts';
import type { CleanupStack } from '../../lifecycle.ts';
import { generateClusterPki, kubeconfig } from './pki.ts';
import { freePort, TcpProxy } from '../../util/net.ts';
import { dnsName } from '../../util/names.ts';
import { trackTempDir, onInterrupt } from '../../util/process.ts';
import { findKubeLite } from './binary.ts';
import { commandMissing } from '../../cache.ts';
import { ProcessCluster } from './cluster.ts';

export { ProcessCluster, type ClusterCompanion } from './cluster.ts';

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
};

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
    const dir = join(root, dnsName(spec.name));
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
