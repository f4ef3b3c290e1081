// One World: a backend, the control plane and N data planes, the network between them as FlyteAdmin sees it, the
// credentials directory FlyteAdmin reads (what the chart mounts from the cluster-credentials Secret at
// /var/run/credentials), and the FlyteAdmin model. Everything it starts is registered with a CleanupStack, so
// it goes away on success, failure and Ctrl-C.
import { chmod, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlyteAdmin, type AdminStart, type ProjectSpec, type StartAttempt } from './admin/model.ts';
import { createBackend, type BackendFactoryOptions } from './backends/index.ts';
import { KubeApiError, type Backend, type Cluster, type KubeClient, type KubeObject, type TokenCredentials } from './backends/types.ts';
import { wrap } from './errors.ts';
import { makeSecretDir } from './fsutil.ts';
import { CleanupStack, type CleanupReport } from './lifecycle.ts';
import { InputError } from './errors.ts';
import type { ValuesFile } from './helm/flyte-chart.ts';
import { inInstallOrder, isClusterScoped, modelReleases, type DataPlaneRender, type FlyteReleases } from './helm/releases.ts';
import type { PropellerResult } from './flyte/propeller.ts';
import { adminPodFromObjects } from './flyte/admin-pod.ts';

import { sleep } from './util/wait.ts';
import { hostOf } from './util/net.ts';
import { CREDENTIALS_SECRET, FLYTE_NAMESPACE } from './constants.ts';

export const CONTROL_PLANE_NAMESPACE = FLYTE_NAMESPACE;
/** The chart's values-controlplane.yaml overlay (render writes the same unless the control plane runs workflows). */
const CONTROL_PLANE_OVERLAY = 'flytepropeller:\n  enabled: false\nflyteconnector:\n  enabled: false\n';

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
  /** How the flyte-core releases are rendered: the real chart, or (default) the built-in chart model. */
  releases?: FlyteReleases;
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
  /** How the flyte-core releases render (real chart or chart model); switchChart() changes it for an upgrade. */
  releases: FlyteReleases;
  /** Secrets of the control plane's flyte namespace, as of the last syncCredentials(). */
  private presentSecrets = new Set<string>();
  /** What the last control-plane upgrade rendered: a restarted pod starts from it. */
  private lastStart: AdminStart | undefined;
  private tools: string | undefined;
  /** What the data-plane release rendered for propeller, by data plane. */
  readonly propellers = new Map<string, PropellerResult>();
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
    releases: FlyteReleases;
  }) {
    this.releases = init.releases;
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
        // Only cluster-credentials is mirrored to files; the chart's own Secrets only need to exist.
        secretDir: (name) => (!this.presentSecrets.has(name) ? undefined : name === CREDENTIALS_SECRET ? this.credentialsDir : this.emptyDir),
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
        releases: opts.releases ?? modelReleases(),
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
    const cp = this.controlPlane.admin();
    const secrets = await cp.list({ apiVersion: 'v1', kind: 'Secret', namespace }).catch((err: unknown) => {
      if (err instanceof KubeApiError && err.status === 404) return [];
      throw wrap(err, `list secrets in ${namespace}`);
    });
    this.presentSecrets = new Set(secrets.map((s) => s.metadata.name));
    const s = secrets.find((x) => x.metadata.name === secretName);
    const data = (s?.data as Record<string, string> | undefined) ?? {};
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

  /** Stands for a mounted Secret whose files FlyteAdmin does not read: a path with no files under it. */
  private get emptyDir(): string {
    return join(this.credentialsDir, '.not-mirrored');
  }

  /**
   * Applies a release's objects as `helm upgrade --install` would leave them (helm's kind order; namespaced objects
   * into the release namespace, which is created first).
   */
  private async applyRelease(cluster: Cluster, objects: readonly KubeObject[], namespace = CONTROL_PLANE_NAMESPACE): Promise<void> {
    const k = cluster.admin();
    await k.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    for (const obj of inInstallOrder(objects)) {
      await k.apply(obj).catch((err: unknown) => {
        throw wrap(err, `apply ${obj.kind} ${isClusterScoped(obj.kind) ? '' : `${obj.metadata.namespace ?? namespace}/`}${obj.metadata.name} to ${cluster.spec.name}`);
      });
    }
  }

  /** Later helm upgrades use this chart (a chart upgrade: the releases are then upgraded one by one). */
  switchChart(releases: FlyteReleases): void {
    this.log(`chart: ${this.releases.description} → ${releases.description}`);
    this.releases = releases;
  }

  /**
   * Installs a release: `helm upgrade --install` for real where the cluster is a real API server with a kubeconfig
   * and a chart is in use, else the rendered objects through the cluster's API (sim, chart model).
   */
  private async installRelease(cluster: Cluster, release: 'controlplane' | 'dataplane', values: readonly ValuesFile[], objects: readonly KubeObject[]): Promise<void> {
    const install = this.releases.install;
    if (cluster.kubeconfig && install) {
      const file = join(await this.toolDir(), `${cluster.spec.name}.kubeconfig`);
      await writeFile(file, cluster.kubeconfig(), { mode: 0o600 });
      const t0 = Date.now();
      const status = await install.call(this.releases, release, values, file, this.signal).catch((err: unknown) => {
        throw wrap(err, `helm upgrade --install in ${cluster.spec.name}`);
      });
      this.log(`${cluster.spec.name}: helm ${status.name} revision ${status.revision} ${status.status} (${status.chart}) in ${Date.now() - t0} ms`);
      return;
    }
    await this.applyRelease(cluster, objects);
  }

  /** A 0700 directory for admin kubeconfigs (secrets) and helm's home, removed like the credentials dir. */
  private async toolDir(): Promise<string> {
    if (this.tools === undefined) {
      const dir = makeSecretDir('helm');
      this.cleanup.defer('remove helm dir', () => dir.remove());
      this.tools = dir.path;
    }
    return this.tools;
  }

  /** `helm upgrade --install flyte-core-data` in a data plane with its values-dataplane.yaml (then `more` values files). */
  async installDataPlaneRelease(name: string, valuesDataPlane: string, more: readonly ValuesFile[] = []): Promise<DataPlaneRender> {
    const cluster = this.dataPlane(name);
    const files = [{ name: `dataplanes/${name}/values-dataplane.yaml`, content: valuesDataPlane }, ...more];
    const r = await this.releases.dataPlane(files);
    await this.installRelease(cluster, 'dataplane', files, r.objects);
    this.propellers.set(name, r.propeller);
    return r;
  }

  /**
   * `helm upgrade` of the control plane with values-controlplane.yaml and values-override.yaml: the release's
   * objects go into the control plane, the credentials mount is refreshed from the Secret, and FlyteAdmin rolls when
   * its pod template changed (a failing new pod leaves the old one). Values the chart cannot render fail the start.
   */
  async helmUpgrade(valuesOverride: string, controlPlaneValues = CONTROL_PLANE_OVERLAY): Promise<StartAttempt> {
    const files: ValuesFile[] = [
      { name: 'controlplane/values-controlplane.yaml', content: controlPlaneValues },
      { name: 'controlplane/values-override.yaml', content: valuesOverride },
    ];
    let start: AdminStart;
    try {
      const r = await this.releases.controlPlane(files);
      await this.installRelease(this.controlPlane, 'controlplane', files, r.objects);
      start = { pod: r.admin, values: valuesOverride };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // helm refuses the values: nothing is installed and the pod keeps running as it was.
      start = { pod: { ok: false, reason: err.format() }, values: valuesOverride };
    }
    await this.syncCredentials();
    if (start.pod.ok) this.lastStart = start;
    return this.admin.rollout(start);
  }

  /**
   * Deletes the FlyteAdmin pod; the new one starts from what the control plane holds now (the Deployment and
   * ConfigMaps, as a kubelet would mount them) and the current Secret (a token rotation needs this).
   */
  async restartAdmin(): Promise<StartAttempt> {
    const start = await this.installedAdmin();
    await this.syncCredentials();
    return this.admin.restart(start);
  }

  /** `kubectl rollout restart deployment/flyteadmin`: a new pod with the installed release; a failing one leaves the old. */
  async rolloutRestartAdmin(): Promise<StartAttempt> {
    const start = await this.installedAdmin();
    await this.syncCredentials();
    return this.admin.rollout(start, { restart: true });
  }

  /** The FlyteAdmin pod the control plane would start now: read from its live objects (chart), else the last upgrade. */
  private async installedAdmin(): Promise<AdminStart> {
    if (!this.lastStart) throw new Error('FlyteAdmin was never installed (run helmUpgrade first)');
    if (this.releases.origin !== 'chart') return this.lastStart;
    const cp = this.controlPlane.admin();
    const ns = CONTROL_PLANE_NAMESPACE;
    const live = [
      ...(await cp.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns })),
      ...(await cp.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns })),
    ];
    return { pod: adminPodFromObjects(live), values: this.lastStart.values };
  }

  /**
   * Lets `ms` of cluster time pass: instantly on a backend with a virtual clock (Backend.clock), by waiting
   * otherwise. Scenarios use it where real API servers need time (e.g. the 10 s token authentication cache).
   */
  async elapse(ms: number): Promise<void> {
    if (this.backend.clock) return this.backend.clock.elapse(ms);
    await sleep(ms, this.signal);
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
