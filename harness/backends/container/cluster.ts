// One kube-lite cluster in one container (see layout.ts), started through testcontainers' GenericContainer:
// a network alias on the run's network, the API port mapped to a fixed host port on 127.0.0.1 (kept across
// stop/start), a composite wait (log line + HTTPS /readyz), then the token controller probe.
//   endpoint  https://<alias>:6443       what clusterConfigs[].endpoint gets: how the control plane's pods reach it
//   admin()   https://127.0.0.1:<port>   the harness on the host, with its admin client certificate
//   withToken the harness acting as FlyteAdmin: the aliased endpoint is reached through a loopback proxy that
//             partition() cuts (and partition() also disconnects the container from the network)
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import type Dockerode from 'dockerode';
import { HttpKubeClient } from '../kube-client.ts';
import { kubeconfig, type ClusterPki } from '../process/pki.ts';
import type { TcpProxy } from '../../util/net.ts';
import type { Cluster, ClusterSpec, KubeClient, TokenCredentials, ClusterLifecycle, ClusterPartition } from '../types.ts';
import { LABEL_CLUSTER, runLabels } from '../docker.ts';
import { waitReadyz, waitTokenController } from '../readiness.ts';
import { API_PORT, PKI_DIR, PKI_FILES, READY_LINE, supervisorCommand } from './layout.ts';

/** GenericContainer that binds its mapped ports to one host IP (127.0.0.1 when the engine is local). */
export class BoundGenericContainer extends GenericContainer {
  private bindIp: string | undefined;

  withHostIp(ip: string | undefined): this {
    this.bindIp = ip;
    return this;
  }

  protected override async beforeContainerCreated(): Promise<void> {
    if (!this.bindIp) return;
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
      for (const b of bindings) b.HostIp = this.bindIp;
    }
  }
}

export interface ContainerClusterInit {
  spec: ClusterSpec;
  runId: string;
  image: string;
  alias: string;
  containerName: string;
  hostPort: number;
  hostIp: string | undefined;
  dir: string;
  pki: ClusterPki;
  network: StartedNetwork;
  proxy: TcpProxy;
  docker: Dockerode;
  readyTimeoutMs: number;
  apiserverArgs: readonly string[];
  log: (line: string) => void;
  onDelete: () => void;
}


export class ContainerCluster implements Cluster {
  readonly spec: ClusterSpec;
  readonly lifecycle: ClusterLifecycle = { stop: () => this.stop(), start: () => this.start(), kill: () => this.kill() };
  readonly partition: ClusterPartition = { cut: () => this.setPartition(true), heal: () => this.setPartition(false) };
  readonly alias: string;
  readonly containerName: string;
  readonly hostPort: number;
  /** Per-phase timings of the first start, ms. */
  readonly timings: Record<string, number> = {};
  private readonly init: ContainerClusterInit;
  private container: StartedTestContainer | undefined;
  private adminClient: HttpKubeClient | undefined;
  private deleted = false;
  /** Last lines the container printed (for failure messages; the PKI is never printed). */
  private readonly tail: string[] = [];

  constructor(init: ContainerClusterInit) {
    this.init = init;
    this.spec = init.spec;
    this.alias = init.alias;
    this.containerName = init.containerName;
    this.hostPort = init.hostPort;
  }

  get endpoint(): string {
    return `https://${this.alias}:${API_PORT}`;
  }

  get issuer(): string {
    return this.endpoint;
  }

  /** The API as the host reaches it (mapped port). */
  get hostEndpoint(): string {
    return `https://127.0.0.1:${this.hostPort}`;
  }

  get containerId(): string {
    if (!this.container) throw new Error(`cluster ${this.spec.name} has no container`);
    return this.container.getId();
  }

  caCert(): string {
    return this.init.pki.caCert;
  }

  /** Admin kubeconfig for tools on the host (helm, kubectl); a secret: write it 0600. */
  kubeconfig(): string {
    return kubeconfig(this.hostEndpoint, this.init.pki.caCert, this.init.pki.adminCert, this.init.pki.adminKey, 'flyte-mc-admin');
  }

  /** Admin kubeconfig for a client inside the run's network (e.g. a pod-less tool container). */
  aliasedKubeconfig(): string {
    return kubeconfig(this.endpoint, this.init.pki.caCert, this.init.pki.adminCert, this.init.pki.adminKey, 'flyte-mc-admin');
  }

  admin(): HttpKubeClient {
    this.adminClient ??= new HttpKubeClient({ endpoint: this.hostEndpoint, caCert: this.init.pki.caCert, clientCert: this.init.pki.adminCert, clientKey: this.init.pki.adminKey });
    return this.adminClient;
  }

  withToken(credentials: TokenCredentials): KubeClient {
    const endpoint = credentials.endpoint === this.endpoint ? `https://127.0.0.1:${this.init.proxy.port}` : credentials.endpoint;
    return new HttpKubeClient({ endpoint, caCert: credentials.caCert, token: credentials.token });
  }

  private log(line: string): void {
    this.init.log(`${this.spec.name}: ${line}`);
  }

  /** Creates and starts the container; resolves when the API is ready and the token controller works. */
  async create(): Promise<void> {
    const i = this.init;
    const t0 = Date.now();
    const files = PKI_FILES.map((f) => ({ source: join(i.pki.dir, f), target: `${PKI_DIR}/${f}`, mode: 0o600 }));
    const c = new BoundGenericContainer(i.image)
      .withName(i.containerName)
      .withLabels({ ...runLabels(i.runId), [LABEL_CLUSTER]: i.spec.name })
      .withNetwork(i.network)
      .withNetworkAliases(i.alias)
      .withHostname(i.alias)
      .withExposedPorts({ container: API_PORT, host: i.hostPort })
      .withHostIp(i.hostIp)
      .withCopyFilesToContainer(files)
      .withCommand(supervisorCommand({ name: i.alias, issuer: this.issuer, apiserverArgs: i.apiserverArgs }))
      .withWaitStrategy(Wait.forAll([Wait.forLogMessage(READY_LINE), Wait.forHttp('/readyz', API_PORT).usingTls().allowInsecure()]))
      .withStartupTimeout(i.readyTimeoutMs)
      .withLogConsumer((stream) => {
        let partial = '';
        stream.on('data', (chunk: Buffer | string) => {
          const lines = (partial + chunk.toString()).split('\n');
          partial = lines.pop() ?? '';
          this.tail.push(...lines);
          if (this.tail.length > 40) this.tail.splice(0, this.tail.length - 40);
        });
      });
    this.log(`starting container ${i.containerName} (${i.image}) as ${this.endpoint}, host port ${i.hostPort}`);
    try {
      this.container = await c.start();
      this.timings.container = Date.now() - t0;
      await waitTokenController(this.admin(), i.readyTimeoutMs, { where: `${this.spec.name} (${this.endpoint})` });
    } catch (err) {
      throw new Error(`${(err as Error).message}\nlast container output:\n${this.logTail()}`, { cause: err });
    }
    this.timings.ready = Date.now() - t0;
    this.log(`ready after ${(this.timings.ready / 1000).toFixed(1)}s (container up ${(this.timings.container / 1000).toFixed(1)}s)`);
  }

  /** The container's last output lines. */
  logTail(lines = 20): string {
    return this.tail.slice(-lines).join('\n');
  }

  private dockerContainer(): Dockerode.Container {
    return this.init.docker.getContainer(this.containerId);
  }

  private dropClient(): void {
    this.adminClient?.close();
    this.adminClient = undefined;
  }

  async stop(): Promise<void> {
    this.log('stopping container');
    this.dropClient();
    await this.dockerContainer().stop({ t: 10 }).catch(ignoreNotModified);
  }

  async start(): Promise<void> {
    this.log('starting container');
    await this.dockerContainer().start().catch(ignoreNotModified);
    await waitReadyz(this.admin(), this.init.readyTimeoutMs, { where: `${this.spec.name} (${this.endpoint})` });
  }

  async kill(): Promise<void> {
    this.log('killing container (SIGKILL)');
    this.dropClient();
    await this.dockerContainer().kill({ signal: 'SIGKILL' }).catch(ignoreNotModified);
  }

  /** Cut: the container leaves the run's network (no alias answers) and the FlyteAdmin proxy refuses. Heal: both back. */
  private async setPartition(cut: boolean): Promise<void> {
    const net = this.init.docker.getNetwork(this.init.network.getId());
    if (cut) {
      await net.disconnect({ Container: this.containerId, Force: true }).catch(ignoreNotModified);
    } else {
      await net.connect({ Container: this.containerId, EndpointConfig: { Aliases: [this.alias] } }).catch(ignoreNotModified);
    }
    this.init.proxy.setCut(cut);
    this.log(cut ? 'partitioned from the control plane (network disconnected)' : 'partition healed');
  }

  async delete(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    this.dropClient();
    try {
      if (this.container) await this.init.docker.getContainer(this.container.getId()).remove({ force: true, v: true }).catch(ignoreNotFound);
    } finally {
      await this.init.proxy.close();
      await rm(this.init.dir, { recursive: true, force: true });
      this.init.onDelete();
    }
  }
}

function status(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

function ignoreNotModified(err: unknown): void {
  // 304: already in that state; 409: e.g. "is not connected to network"
  if (status(err) === 304 || status(err) === 409 || status(err) === 403) return;
  throw err;
}

function ignoreNotFound(err: unknown): void {
  if (status(err) === 404 || status(err) === 409) return;
  throw err;
}
