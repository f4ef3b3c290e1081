// The container backend: kube-lite clusters as Docker containers through testcontainers' GenericContainer, one
// network per run with an alias per cluster. The image is made locally by scripts/setup.d/50-docker.sh (docker
// import of the kube-lite binary + static busybox: nothing is pulled). Everything is labelled with the run id and
// removed by dispose(), by an exit hook, and by the next run's stale sweep (see ../docker.ts).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { StartedNetwork } from 'testcontainers';
import type { CleanupStack } from '../../lifecycle.ts';
import type { Backend, BackendInfo, BackendOptions, ClusterSpec } from '../types.ts';
import { dockerUnavailableReason, imageExists, newRunId, prepareTestcontainers, sweep, sweepOnExit, type TestcontainersSetup } from '../docker.ts';
import { findKubeLite } from '../process/binary.ts';
import { freePort, TcpProxy } from '../../util/net.ts';
import { dnsName } from '../../util/names.ts';
import { kubeconfig } from '../process/pki.ts';
import { onInterrupt } from '../../util/process.ts';
import { commandMissing } from '../../cache.ts';
import { ContainerCluster } from './cluster.ts';
import { buildKubeLiteImage, busyboxMissing } from './image.ts';
import { startRunNetwork } from './network.ts';
import { generateContainerPki } from './pki.ts';

export interface ContainerBackendOptions extends BackendOptions {
  /** kube-lite image; default $FLYTE_MC_KUBE_LITE_IMAGE, else flyte-mc/kube-lite:<hash of the cached kube-lite>, else :latest. */
  image?: string;
  /** How long one cluster may take to be ready. Default 180s. */
  readyTimeoutMs?: number;
  /** Registers dispose() with the run's cleanup stack. */
  cleanup?: CleanupStack;
  /** Run id for labels and names (default: a fresh one). */
  runId?: string;
  /** Extra kube-apiserver flags. */
  apiserverArgs?: string[];
  /** Remove leftovers of dead runs (on this host) before the first cluster. Default true. */
  sweepStale?: boolean;
}

export const CONTAINER_BACKEND_INFO: BackendInfo = {
  name: 'container',
};

/** The image to run: explicit, $FLYTE_MC_KUBE_LITE_IMAGE, the one built for the cached binary, or :latest. */
export async function defaultKubeLiteImage(explicit?: string): Promise<string> {
  if (explicit) return explicit;
  if (process.env.FLYTE_MC_KUBE_LITE_IMAGE) return process.env.FLYTE_MC_KUBE_LITE_IMAGE;
  const bin = await findKubeLite();
  if (bin && !process.env.FLYTE_MC_KUBE_LITE) return `flyte-mc/kube-lite:${basename(dirname(bin))}`;
  return 'flyte-mc/kube-lite:latest';
}

export class ContainerBackend implements Backend {
  readonly info: BackendInfo = CONTAINER_BACKEND_INFO;
  readonly runId: string;
  private readonly opts: ContainerBackendOptions;
  private readonly clusters = new Set<ContainerCluster>();
  private image: string | undefined;
  private setup: TestcontainersSetup | undefined;
  private network: Promise<StartedNetwork> | undefined;
  private root: string | undefined;
  private releases: (() => void)[] = [];
  private disposing: Promise<void> | undefined;

  constructor(opts: ContainerBackendOptions = {}) {
    this.opts = opts;
    this.runId = opts.runId ?? newRunId();
    opts.cleanup?.defer('container backend', () => this.dispose());
  }

  log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  async unavailableReason(): Promise<string | undefined> {
    const docker = await dockerUnavailableReason();
    if (docker) return docker;
    const image = await defaultKubeLiteImage(this.opts.image);
    if (!(await imageExists(image))) {
      // The binary was (re)built after setup made the image: import it now (a few seconds, nothing pulled).
      const bin = !this.opts.image && !process.env.FLYTE_MC_KUBE_LITE_IMAGE ? await findKubeLite() : undefined;
      const hash = bin ? basename(dirname(bin)) : undefined;
      if (!bin || !hash || image !== `flyte-mc/kube-lite:${hash}` || (await busyboxMissing())) {
        return `image ${image} is not present locally: run scripts/setup.d/50-docker.sh (it imports the kube-lite binary built by 40-kube-lite.sh; nothing is pulled)`;
      }
      const t0 = Date.now();
      const { getContainerRuntimeClient } = await import('testcontainers');
      try {
        await buildKubeLiteImage((await getContainerRuntimeClient()).container.dockerode, bin, image, hash);
      } catch (err) {
        return `could not import ${bin} as image ${image}: ${(err as Error).message}`;
      }
      this.log(`built image ${image} from ${bin} in ${Date.now() - t0} ms`);
    }
    const missing = commandMissing('openssl', ['version']);
    if (missing) return missing;
    this.image = image;
    return undefined;
  }

  /** The run's network (created on first use). */
  runNetwork(): Promise<StartedNetwork> {
    this.network ??= (async () => {
      if (this.opts.sweepStale ?? true) {
        const gone = await sweep({ stale: true });
        const n = gone.containers.length + gone.networks.length;
        if (n) this.log(`removed ${gone.containers.length} container(s) and ${gone.networks.length} network(s) left by dead runs`);
      }
      const net = await startRunNetwork(this.runId);
      this.log(`network ${net.getName()} (run ${this.runId})`);
      return net;
    })();
    return this.network;
  }

  async createCluster(spec: ClusterSpec, signal?: AbortSignal): Promise<ContainerCluster> {
    if (this.disposing) throw new Error('container backend is disposed');
    signal?.throwIfAborted();
    if (!this.image) {
      const why = await this.unavailableReason();
      if (why) throw new Error(why);
    }
    if (!this.root) {
      this.setup = await prepareTestcontainers((l) => this.log(l));
      this.root = await mkdtemp(join(tmpdir(), `flyte-mc-container-${this.runId}-`));
      this.releases.push(sweepOnExit(this.runId), onInterrupt(() => this.dispose()));
    }
    const network = await this.runNetwork();
    const alias = dnsName(spec.name);
    const dir = join(this.root, alias);
    await mkdir(dir, { mode: 0o700 });
    const containerName = `flyte-mc-${this.runId}-${alias}`;
    const pki = await generateContainerPki(join(dir, 'pki'), spec.name, [alias, containerName]);
    await writeFile(join(pki.dir, 'kcm.kubeconfig'), kubeconfig('https://127.0.0.1:6443', pki.caCert, pki.kcmCert, pki.kcmKey, 'system:kube-controller-manager'), { mode: 0o600 });
    const hostPort = await freePort();
    const proxy = await TcpProxy.start(hostPort);
    const { getContainerRuntimeClient } = await import('testcontainers');
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const cluster = new ContainerCluster({
      spec,
      runId: this.runId,
      image: this.image as string,
      alias,
      containerName,
      hostPort,
      hostIp: this.setup?.hostIp,
      dir,
      pki,
      network,
      proxy,
      docker,
      readyTimeoutMs: this.opts.readyTimeoutMs ?? 180_000,
      apiserverArgs: this.opts.apiserverArgs ?? [],
      log: (l) => this.log(l),
      onDelete: () => this.clusters.delete(cluster),
    });
    this.clusters.add(cluster);
    const onAbort = () => void cluster.delete();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await cluster.create();
      return cluster;
    } catch (err) {
      await cluster.delete().catch(() => undefined);
      throw new Error(`failed to start cluster ${spec.name} in a container: ${(err as Error).message}`, { cause: err });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  list(): ContainerCluster[] {
    return [...this.clusters];
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await Promise.allSettled([...this.clusters].map((c) => c.delete()));
      const net = this.network ? await this.network.catch(() => undefined) : undefined;
      if (net) await net.stop().catch(() => undefined);
      // Whatever a failed start left behind (a created but never started container, a network).
      if (this.network || this.root) await sweep({ runId: this.runId }).catch((err) => this.log(`sweep: ${(err as Error).message}`));
      if (this.root) await rm(this.root, { recursive: true, force: true });
      for (const r of this.releases) r();
      this.releases = [];
    })();
    return this.disposing;
  }
}

export function createContainerBackend(opts: ContainerBackendOptions = {}): ContainerBackend {
  return new ContainerBackend(opts);
}
