// One World: a backend, the control plane and N data planes, the network between them as FlyteAdmin sees it, the
// credentials directory FlyteAdmin reads (what the chart mounts from the cluster-credentials Secret at
// /var/run/credentials), and the FlyteAdmin model. Everything it starts is registered with a CleanupStack, so
// it goes away on success, failure and Ctrl-C.
import { writeFile, chmod, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FlyteAdmin, type ProjectSpec, type StartAttempt } from './admin/model.ts';
import { createBackend, type BackendFactoryOptions } from './backends/index.ts';
import { KubeApiError, type Backend, type Cluster, type KubeClient, type TokenCredentials } from './backends/types.ts';
import { wrap } from './errors.ts';
import { makeSecretDir } from './fsutil.ts';
import { CleanupStack, type CleanupReport } from './lifecycle.ts';

export const CONTROL_PLANE_NAMESPACE = 'flyte';
export const CREDENTIALS_SECRET = 'cluster-credentials';
/** Where the World keeps the values FlyteAdmin's chart was last upgraded with (a ConfigMap in the control plane). */
export const VALUES_CONFIGMAP = 'flyte-mc-values-override';

export interface WorldOptions {
  /** A backend instance, or a registered backend name. @defaultValue 'sim' */
  backend?: Backend | string;
  backendOptions?: BackendFactoryOptions;
  /** Control-plane cluster name. @defaultValue 'controlplane' */
  controlPlane?: string;
  /** Data planes to create at start, by clusterConfigs name. @defaultValue [] */
  dataPlanes?: readonly string[];
  /** Teardown registry; a World creates its own when omitted, and then runs it in dispose(). */
  cleanup?: CleanupStack;
  /** Ctrl-C: aborts cluster creation and runs the cleanup. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Projects registered in FlyteAdmin. @defaultValue team1 with development, staging, production */
  projects?: readonly ProjectSpec[];
  /** Seed of generated execution names. @defaultValue 0 */
  seed?: number | string;
}

/** Credentials dirs whose cleanup ran; a World never writes into one again. */
const credentialsRemoved = new Set<string>();

export class World {
  readonly backend: Backend;
  readonly controlPlane: Cluster;
  readonly cleanup: CleanupStack;
  /** The credentials directory (0700, files 0600) that stands for the cluster-credentials mount. */
  readonly credentialsDir: string;
  /** The FlyteAdmin model; it reads the credentials dir and reaches clusters through connect(). */
  readonly admin: FlyteAdmin;
  private credentialsPresent = false;
  private readonly planes = new Map<string, Cluster>();
  private readonly ownsCleanup: boolean;
  private readonly log: (line: string) => void;
  private readonly signal: AbortSignal | undefined;
  private unbind: (() => void) | undefined;

  private constructor(init: {
    backend: Backend;
    controlPlane: Cluster;
    cleanup: CleanupStack;
    ownsCleanup: boolean;
    credentialsDir: string;
    log: (line: string) => void;
    signal: AbortSignal | undefined;
    projects: readonly ProjectSpec[] | undefined;
    seed: number | string | undefined;
  }) {
    this.backend = init.backend;
    this.controlPlane = init.controlPlane;
    this.cleanup = init.cleanup;
    this.ownsCleanup = init.ownsCleanup;
    this.credentialsDir = init.credentialsDir;
    this.log = init.log;
    this.signal = init.signal;
    this.admin = new FlyteAdmin({
      env: {
        connect: (creds) => this.connect(creds),
        inCluster: () => this.controlPlane.admin(),
        secretDir: (name) => (name === CREDENTIALS_SECRET && this.credentialsPresent ? this.credentialsDir : undefined),
      },
      projects: init.projects,
      seed: init.seed,
      log: (line) => this.log(line),
    });
  }

  /** Creates the backend's clusters (control plane first) and the credentials dir; on failure tears down what exists. */
  static async create(opts: WorldOptions = {}): Promise<World> {
    const log = opts.log ?? (() => {});
    const cleanup = opts.cleanup ?? new CleanupStack();
    const ownsCleanup = opts.cleanup === undefined;
    const unbind = opts.signal && ownsCleanup ? cleanup.bindTo(opts.signal) : undefined;
    try {
      const backend =
        typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'sim', { log, ...opts.backendOptions });
      const reason = await backend.unavailableReason();
      if (reason) throw new Error(`backend ${backend.info.name} is not available: ${reason}`);
      cleanup.defer(`dispose backend ${backend.info.name}`, () => backend.dispose());
      // Created and registered in one synchronous step, removed synchronously (also on a forced exit): the tokens
      // in it never outlive the process.
      const secrets = makeSecretDir('credentials');
      const credentialsDir = secrets.path;
      cleanup.defer('remove credentials dir', () => {
        credentialsRemoved.add(credentialsDir);
        secrets.remove();
      });
      const cpName = opts.controlPlane ?? 'controlplane';
      const controlPlane = await World.startCluster(backend, cleanup, cpName, 'control-plane', opts.signal);
      const world = new World({
        backend,
        controlPlane,
        cleanup,
        ownsCleanup,
        credentialsDir,
        log,
        signal: opts.signal,
        projects: opts.projects,
        seed: opts.seed,
      });
      cleanup.defer('stop flyteadmin', () => world.admin.stop());
      world.unbind = unbind;
      for (const name of opts.dataPlanes ?? []) await world.addDataPlane(name);
      return world;
    } catch (err) {
      if (ownsCleanup) {
        unbind?.();
        await cleanup.run();
      }
      throw err;
    }
  }

  private static async startCluster(
    backend: Backend,
    cleanup: CleanupStack,
    name: string,
    role: 'control-plane' | 'data-plane',
    signal: AbortSignal | undefined,
  ): Promise<Cluster> {
    try {
      const c = await backend.createCluster({ name, role }, signal);
      cleanup.defer(`delete cluster ${name}`, () => c.delete());
      return c;
    } catch (err) {
      throw wrap(err, `start cluster ${name}`);
    }
  }

  /** Data planes by clusterConfigs name, in creation order. */
  get dataPlanes(): ReadonlyMap<string, Cluster> {
    return this.planes;
  }

  dataPlane(name: string): Cluster {
    const c = this.planes.get(name);
    if (!c) throw new Error(`no data plane named ${name} (have: ${[...this.planes.keys()].join(', ') || 'none'})`);
    return c;
  }

  /** Creates one more data plane (day 2). */
  async addDataPlane(name: string): Promise<Cluster> {
    if (this.planes.has(name) || name === this.controlPlane.spec.name) throw new Error(`cluster ${name} exists already`);
    this.log(`starting data plane ${name} (${this.backend.info.name})`);
    const c = await World.startCluster(this.backend, this.cleanup, name, 'data-plane', this.signal);
    this.planes.set(name, c);
    return c;
  }

  /** Deletes a data plane's cluster (decommissioning after a drain). */
  async deleteDataPlane(name: string): Promise<void> {
    const c = this.dataPlane(name);
    await c.delete();
    this.planes.delete(name);
  }

  /** API endpoints by cluster name, for render({endpoints}). */
  endpoints(): Record<string, string> {
    return Object.fromEntries([...this.planes].map(([n, c]) => [n, c.endpoint]));
  }

  /**
   * The network as the control plane sees it: a client for `endpoint` authenticating with the token and verifying
   * with the CA, like FlyteAdmin's rest config. An endpoint no cluster answers is a DNS failure.
   */
  connect(credentials: TokenCredentials): KubeClient {
    for (const c of [this.controlPlane, ...this.planes.values()]) {
      if (c.endpoint === credentials.endpoint) return c.withToken(credentials);
    }
    const fail = async (): Promise<never> => {
      throw new KubeApiError(0, 'Unreachable', `dial tcp: lookup ${hostOf(credentials.endpoint)}: no such host`);
    };
    return { get: fail, list: fail, create: fail, apply: fail, delete: fail };
  }

  /**
   * Mirrors the control plane's cluster-credentials Secret into the credentials dir, as the kubelet keeps a Secret
   * volume up to date: one 0600 file per key holding the decoded value; keys no longer in the Secret disappear.
   * A missing Secret leaves the dir empty (the pod would not start; FlyteAdmin's model reports the missing files).
   */
  async syncCredentials(namespace = CONTROL_PLANE_NAMESPACE, secretName = CREDENTIALS_SECRET): Promise<string[]> {
    let data: Record<string, string> = {};
    this.credentialsPresent = false;
    try {
      const s = await this.controlPlane.admin().get({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretName });
      data = (s.data as Record<string, string> | undefined) ?? {};
      this.credentialsPresent = true;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw wrap(err, `read secret ${namespace}/${secretName}`);
    }
    const keys = Object.keys(data).filter((k) => /^[-._a-zA-Z0-9]+$/.test(k));
    // After cleanup removed the dir (Ctrl-C), writing would recreate nothing but must not be tried either.
    this.signal?.throwIfAborted();
    if (credentialsRemoved.has(this.credentialsDir)) throw new Error('the credentials dir was removed (cleanup ran)');
    for (const f of await readdir(this.credentialsDir)) if (!keys.includes(f)) await unlink(join(this.credentialsDir, f));
    for (const k of keys) {
      const p = join(this.credentialsDir, k);
      await writeFile(p, Buffer.from(data[k] as string, 'base64'), { mode: 0o600 });
      await chmod(p, 0o600);
    }
    return keys;
  }

  /**
   * `helm upgrade` of the control plane with values-override.yaml: the values are stored in the control plane,
   * the credentials mount is refreshed from the Secret, and FlyteAdmin rolls (a failing new pod leaves the old one).
   */
  async helmUpgrade(valuesYaml: string): Promise<StartAttempt> {
    const cp = this.controlPlane.admin();
    await cp.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: CONTROL_PLANE_NAMESPACE } });
    await cp.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: VALUES_CONFIGMAP, namespace: CONTROL_PLANE_NAMESPACE },
      data: { 'values-override.yaml': valuesYaml },
    });
    await this.syncCredentials();
    return this.admin.rollout(valuesYaml);
  }

  /** Deletes the FlyteAdmin pod; the new one reads the stored values and the current Secret (a token rotation needs this). */
  async restartAdmin(): Promise<StartAttempt> {
    const cm = await this.controlPlane
      .admin()
      .get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: CONTROL_PLANE_NAMESPACE, name: VALUES_CONFIGMAP })
      .catch((err: unknown) => {
        throw wrap(err, 'read the values FlyteAdmin was installed with (run helmUpgrade first)');
      });
    await this.syncCredentials();
    return this.admin.restart((cm.data as Record<string, string>)['values-override.yaml'] ?? '');
  }

  /**
   * Lets `ms` of cluster time pass: instantly on a backend with a virtual clock (sim's `elapse`), by waiting
   * otherwise. Scenarios use it where real API servers need time (e.g. the 10 s token authentication cache).
   */
  async elapse(ms: number): Promise<void> {
    const virtual = (this.backend as Backend & { elapse?: (ms: number) => Promise<void> }).elapse;
    if (typeof virtual === 'function') return virtual.call(this.backend, ms);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      this.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(this.signal?.reason ?? new Error('aborted'));
      }, { once: true });
    });
  }

  /** Tears everything down (only when the World owns its cleanup stack; otherwise the owner runs it). */
  async dispose(): Promise<CleanupReport[]> {
    this.unbind?.();
    if (!this.ownsCleanup) return [];
    return this.cleanup.run();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname;
  } catch {
    return endpoint;
  }
}
