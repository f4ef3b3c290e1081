// One process-backend cluster: kube-lite's etcd, apiserver and controller-manager as child process groups, its PKI,
// the proxy other clusters reach it through (so a partition can cut it), and the companions that follow its
// lifecycle (propeller). The backend (backend.ts) creates and tracks them.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster, ClusterSpec, KubeClient, TokenCredentials, ClusterLifecycle, ClusterPartition } from '../types.ts';
import { HttpKubeClient } from '../kube-client.ts';
import { kubeconfig, type ClusterPki } from './pki.ts';
import { TcpProxy } from '../../util/net.ts';
import { dnsName } from '../../util/names.ts';
import { startProcess, logTail, type ManagedProcess } from '../../util/process.ts';
import { waitReadyz, waitTokenController } from '../readiness.ts';
import { WaitTimeout } from '../../util/wait.ts';
import { KCM_CONTROLLERS, apiserverArgs, etcdArgs, kcmArgs, type KubeLiteLayout } from '../kube-lite-args.ts';
import type { ProcessBackend } from './backend.ts';

interface Ports {
  api: number;
  etcdClient: number;
  etcdPeer: number;
}

export class ProcessCluster implements Cluster {
  readonly spec: ClusterSpec;
  readonly lifecycle: ClusterLifecycle = { stop: () => this.stop(), start: () => this.start(), kill: () => this.kill() };
  readonly partition: ClusterPartition = { cut: () => this.setPartition(true), heal: () => this.setPartition(false) };
  readonly dir: string;
  readonly pki: ClusterPki;
  readonly ports: Ports;
  /** Per-phase timings of the last start, ms. */
  readonly timings: Record<string, number> = {};
  private readonly proxy: TcpProxy;
  private readonly backend: ProcessBackend;
  private procs: ManagedProcess[] = [];
  private readonly companions: ClusterCompanion[] = [];
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

  /** Admin kubeconfig for tools on the host (helm); a secret: write it 0600. */
  kubeconfig(): string {
    return kubeconfig(this.directEndpoint, this.pki.caCert, this.pki.adminCert, this.pki.adminKey, 'flyte-mc-admin');
  }

  /**
   * A process that lives with this cluster (flytepropeller): started now when the cluster is up, started again
   * after start(), stopped before the cluster stops, killed with it, and disposed with it.
   */
  async attach(c: ClusterCompanion): Promise<void> {
    this.companions.push(c);
    if (this.procs.some((p) => p.running)) await c.start();
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
      // kube-lite's watchdog: the child shuts down if we die without cleaning up (SIGKILL).
      env: { ...process.env, KUBE_LITE_PARENT_PID: String(process.pid) },
    });
    this.procs.push(p);
    return p;
  }

  /** Paths, ports and bind address of this cluster's processes (flags: ../kube-lite-args.ts). */
  private layout(): KubeLiteLayout {
    const p = this.pki;
    return {
      name: dnsName(this.spec.name),
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
    const remaining = () => Math.max(0, t0 + this.backend.readyTimeoutMs - Date.now());
    const wait = { where: `${this.spec.name} (127.0.0.1:${this.ports.api})`, signal, alive: () => this.checkAlive() };
    this.spawn('etcd', etcdArgs(this.layout()));
    this.spawn('kube-apiserver', apiserverArgs(this.layout()));
    this.log(`etcd + kube-apiserver starting on 127.0.0.1:${this.ports.api} (proxy ${this.proxy.port})`);
    try {
      await waitReadyz(this.admin(), remaining(), wait);
      this.timings.readyz = Date.now() - t0;
      this.log(`/readyz OK after ${(this.timings.readyz / 1000).toFixed(1)}s; starting kube-controller-manager`);
      this.spawn('kube-controller-manager', kcmArgs(this.layout()));
      await waitTokenController(this.admin(), remaining(), wait).catch((err: unknown) => {
        if (!(err instanceof WaitTimeout)) throw err;
        throw new Error(`${err.message}\n${logTail(join(this.dir, 'logs', 'kube-controller-manager.log'))}`, { cause: err });
      });
      this.timings.tokens = Date.now() - t0;
      this.log(`ready after ${(this.timings.tokens / 1000).toFixed(1)}s (token controller filling Secrets)`);
      for (const c of this.companions) await c.start();
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

  private async stopProcesses(graceMs: number): Promise<void> {
    // Companions first, then the controller-manager, the apiserver, etcd.
    for (const c of [...this.companions].reverse()) await c.stop(graceMs);
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
    await Promise.all([...this.companions.map((c) => c.kill()), ...this.procs.map((p) => p.kill())]);
    this.adminClient?.close();
    this.adminClient = undefined;
  }

  private async setPartition(cut: boolean): Promise<void> {
    this.log(cut ? 'partitioned from the control plane' : 'partition healed');
    this.proxy.setCut(cut);
    for (const c of this.companions) c.partition?.(cut);
  }

  async delete(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    await this.stopProcesses(this.backend.graceMs);
    await Promise.allSettled(this.companions.map((c) => c.dispose()));
    await this.proxy.close();
    await rm(this.dir, { recursive: true, force: true });
    this.backend.forget(this);
  }
}

/** Something that runs beside a cluster's processes and follows its lifecycle. */
export interface ClusterCompanion {
  start(): Promise<void>;
  stop(graceMs: number): Promise<void>;
  kill(): Promise<void>;
  dispose(): Promise<void>;
  /** The cluster is cut off from the control plane (or healed): cut what the companion sends there too. */
  partition?(cut: boolean): void;
}
