// The k3s backend: one K3sContainer (@testcontainers/k3s) per cluster on the run's network, with a network alias.
// K3sContainer adds --tls-san=<alias>, so the control plane reaches data planes by alias (clusterConfigs endpoint
// https://<alias>:6443, what getAliasedKubeConfig(alias) points at), while the harness uses the mapped host port
// (getKubeConfig()). Ryuk and the label sweeper work as in the container backend (../docker.ts). Runs only where a
// k3s image is present locally; unavailableReason() says what is missing.
import { K3sContainer, type StartedK3sContainer } from '@testcontainers/k3s';
import type { StartedNetwork } from 'testcontainers';
import type Dockerode from 'dockerode';
import type { CleanupStack } from '../../lifecycle.ts';
import { dockerUnavailableReason, LABEL_CLUSTER, newRunId, prepareTestcontainers, runLabels, sweep, sweepOnExit } from '../docker.ts';
import { HttpKubeClient } from '../kube-client.ts';
import { Kubeconfig } from '../kubeconfig/kubeconfig.ts';
import { dnsName } from '../../util/names.ts';
import { TcpProxy } from '../../util/net.ts';
import { onInterrupt } from '../../util/process.ts';
import { startRunNetwork } from '../container/network.ts';
import type { Backend, BackendInfo, BackendOptions, Cluster, ClusterSpec, KubeClient, TokenCredentials, ClusterPartition } from '../types.ts';
import { k3sHostProblems, k3sImage } from './preflight.ts';

export interface K3sBackendOptions extends BackendOptions {
  /** k3s image; default $FLYTE_MC_K3S_IMAGE or DEFAULT_K3S_IMAGE. Must be present locally. */
  image?: string;
  /** Per cluster. Default 240s. */
  readyTimeoutMs?: number;
  cleanup?: CleanupStack;
  runId?: string;
}

export const K3S_BACKEND_INFO: BackendInfo = {
  name: 'k3s',
};

/** K3sContainer whose mapped ports bind to one host IP. */
class BoundK3sContainer extends K3sContainer {
  private bindIp: string | undefined;

  withHostIp(ip: string | undefined): this {
    this.bindIp = ip;
    return this;
  }

  protected override async beforeContainerCreated(): Promise<void> {
    await super.beforeContainerCreated();
    if (!this.bindIp) return;
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
      for (const b of bindings) b.HostIp = this.bindIp;
    }
  }
}

class K3sCluster implements Cluster {
  readonly spec: ClusterSpec;
  readonly partition: ClusterPartition = { cut: () => this.setPartition(true), heal: () => this.setPartition(false) };
  readonly alias: string;
  readonly issuer: string;
  private readonly started: StartedK3sContainer;
  private readonly ca: string;
  private readonly adminClient: HttpKubeClient;
  private readonly proxy: TcpProxy;
  private readonly network: StartedNetwork;
  private readonly docker: Dockerode;
  private deleted = false;

  constructor(init: { spec: ClusterSpec; alias: string; issuer: string; started: StartedK3sContainer; ca: string; admin: HttpKubeClient; proxy: TcpProxy; network: StartedNetwork; docker: Dockerode }) {
    this.spec = init.spec;
    this.alias = init.alias;
    this.issuer = init.issuer;
    this.started = init.started;
    this.ca = init.ca;
    this.adminClient = init.admin;
    this.proxy = init.proxy;
    this.network = init.network;
    this.docker = init.docker;
  }

  get endpoint(): string {
    return `https://${this.alias}:6443`;
  }

  get containerId(): string {
    return this.started.getId();
  }

  caCert(): string {
    return this.ca;
  }

  /** Admin kubeconfig for the host (mapped port). */
  kubeconfig(): string {
    return this.started.getKubeConfig();
  }

  /** Admin kubeconfig for containers on the run's network. */
  aliasedKubeconfig(): string {
    return this.started.getAliasedKubeConfig(this.alias);
  }

  admin(): KubeClient {
    return this.adminClient;
  }

  withToken(credentials: TokenCredentials): KubeClient {
    const endpoint = credentials.endpoint === this.endpoint ? `https://127.0.0.1:${this.proxy.port}` : credentials.endpoint;
    return new HttpKubeClient({ endpoint, caCert: credentials.caCert, token: credentials.token });
  }

  private async setPartition(cut: boolean): Promise<void> {
    const net = this.docker.getNetwork(this.network.getId());
    const ignore = (err: unknown) => {
      if (![304, 403, 409].includes((err as { statusCode?: number }).statusCode ?? 0)) throw err;
    };
    if (cut) await net.disconnect({ Container: this.containerId, Force: true }).catch(ignore);
    else await net.connect({ Container: this.containerId, EndpointConfig: { Aliases: [this.alias] } }).catch(ignore);
    this.proxy.setCut(cut);
  }

  async delete(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    this.adminClient.close();
    try {
      await this.docker.getContainer(this.containerId).remove({ force: true, v: true }).catch(() => undefined);
    } finally {
      await this.proxy.close();
    }
  }
}

export class K3sBackend implements Backend {
  readonly info = K3S_BACKEND_INFO;
  readonly runId: string;
  readonly image: string;
  private readonly opts: K3sBackendOptions;
  private readonly clusters = new Set<K3sCluster>();
  private network: Promise<StartedNetwork> | undefined;
  private releases: (() => void)[] = [];
  private disposing: Promise<void> | undefined;
  private checked = false;

  constructor(opts: K3sBackendOptions = {}) {
    this.opts = opts;
    this.runId = opts.runId ?? newRunId();
    this.image = k3sImage(opts.image);
    opts.cleanup?.defer('k3s backend', () => this.dispose());
  }

  log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  async unavailableReason(): Promise<string | undefined> {
    const docker = await dockerUnavailableReason();
    if (docker) return docker;
    const { getContainerRuntimeClient } = await import('testcontainers');
    const raw = (await (await getContainerRuntimeClient()).container.dockerode.info()) as { SecurityOptions?: string[]; CgroupVersion?: string };
    const problems = await k3sHostProblems(this.image, {
      rootless: (raw.SecurityOptions ?? []).some((o) => o.includes('rootless')),
      cgroupVersion: String(raw.CgroupVersion ?? ''),
    });
    if (problems.length) return problems.join('; ');
    this.checked = true;
    return undefined;
  }

  async createCluster(spec: ClusterSpec, signal?: AbortSignal): Promise<Cluster> {
    if (this.disposing) throw new Error('k3s backend is disposed');
    if (!this.checked) {
      const why = await this.unavailableReason();
      if (why) throw new Error(why);
    }
    signal?.throwIfAborted();
    const setup = await prepareTestcontainers((l) => this.log(l));
    if (!this.network) {
      this.releases.push(sweepOnExit(this.runId), onInterrupt(() => this.dispose()));
      this.network = (async () => {
        await sweep({ stale: true });
        return startRunNetwork(this.runId);
      })();
    }
    const network = await this.network;
    const alias = dnsName(spec.name);
    const t0 = Date.now();
    this.log(`${spec.name}: starting k3s (${this.image}) as https://${alias}:6443`);
    const started = await new BoundK3sContainer(this.image)
      .withName(`flyte-mc-${this.runId}-${alias}`)
      .withLabels({ ...runLabels(this.runId), [LABEL_CLUSTER]: spec.name })
      .withNetwork(network)
      .withNetworkAliases(alias)
      .withHostIp(setup.hostIp)
      .withStartupTimeout(this.opts.readyTimeoutMs ?? 240_000)
      .start();
    const { getContainerRuntimeClient } = await import('testcontainers');
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    try {
      const kc = Kubeconfig.parse(started.getKubeConfig(), `${spec.name} kubeconfig`);
      const creds = await kc.resolve(kc.currentContext ?? kc.contexts()[0] ?? 'default');
      const admin = new HttpKubeClient({
        endpoint: creds.server,
        caCert: creds.caCert,
        ...(creds.token !== undefined ? { token: creds.token } : { clientCert: creds.clientCert as string, clientKey: creds.clientKey as string }),
      });
      const issuer = await admin
        .getJson<{ issuer?: string }>('/.well-known/openid-configuration')
        .then((d) => d.issuer ?? 'https://kubernetes.default.svc.cluster.local')
        .catch(() => 'https://kubernetes.default.svc.cluster.local');
      const proxy = await TcpProxy.start(started.getMappedPort(6443));
      const c = new K3sCluster({ spec, alias, issuer, started, ca: creds.caCert, admin, proxy, network, docker });
      this.clusters.add(c);
      this.log(`${spec.name}: k3s ready in ${Date.now() - t0} ms`);
      return c;
    } catch (err) {
      await docker.getContainer(started.getId()).remove({ force: true, v: true }).catch(() => undefined);
      throw new Error(`failed to start k3s cluster ${spec.name}: ${(err as Error).message}`, { cause: err });
    }
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await Promise.allSettled([...this.clusters].map((c) => c.delete()));
      const net = this.network ? await this.network.catch(() => undefined) : undefined;
      if (net) await net.stop().catch(() => undefined);
      if (this.network) await sweep({ runId: this.runId }).catch((err) => this.log(`sweep: ${(err as Error).message}`));
      for (const r of this.releases) r();
      this.releases = [];
    })();
    return this.disposing;
  }
}

export function createK3sBackend(opts: K3sBackendOptions = {}): K3sBackend {
  return new K3sBackend(opts);
}
