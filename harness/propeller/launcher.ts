// One real flytepropeller per data plane, run as a process next to the cluster's kube-lite processes, with the
// configuration the chart rendered for that data plane (see config.ts for what is overridden, and why). It
// authenticates with a token of its own ServiceAccount, so the chart's ClusterRole decides what it may do. It is
// started when its cluster is ready and stopped/killed with it (ProcessCluster companions), and never outlives us:
// procs.ts kills its process group on exit, and FLYTE_MC_PARENT_PID makes it exit if we die by SIGKILL.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { HttpKubeClient } from '../backends/kube-client.ts';
import { KubeApiError, type KubeObject } from '../backends/types.ts';
import { freePort } from '../util/net.ts';
import { logTail, startProcess, type ManagedProcess } from '../util/process.ts';
import { notYet, waitFor, WaitTimeout } from '../util/wait.ts';
import { propellerLaunchConfig, type Override, type PropellerChartInput, type PropellerLaunchConfig } from './config.ts';

/** The cluster as propeller sees it from inside: the API server itself, its CA and an admin client for setup. */
export interface PropellerHost {
  readonly spec: { name: string };
  readonly directEndpoint: string;
  caCert(): string;
  admin(): HttpKubeClient;
}

export interface PropellerOptions {
  binary: string;
  host: PropellerHost;
  chart: PropellerChartInput;
  /** host:port of the harness's AdminService. */
  adminEndpoint: string;
  /** Local storage root shared with the pod completer. */
  storageRoot: string;
  /** This propeller's directory (config, secrets, kubeconfig, log); removed by dispose(). */
  dir: string;
  /** How long start() waits for /healthcheck. @defaultValue 60000 */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

const TOKEN_SECRET = 'flytepropeller-flyte-mc-token';

export class Propeller {
  readonly opts: PropellerOptions;
  /** Every override applied to the chart's configuration (set by the first start). */
  overrides: Override[] = [];
  config: PropellerLaunchConfig | undefined;
  /** ms from spawn to /healthcheck of the last start. */
  readyMs = 0;
  private proc: ManagedProcess | undefined;
  private profPort = 0;
  private readonly log: (line: string) => void;

  constructor(opts: PropellerOptions) {
    this.opts = opts;
    this.log = (l) => (opts.log ?? (() => {}))(`${opts.host.spec.name}: propeller: ${l}`);
  }

  get logFile(): string {
    return join(this.opts.dir, 'flytepropeller.log');
  }

  /** Process id of the running propeller (undefined when stopped). */
  get pid(): number | undefined {
    return this.proc?.running ? this.proc.pid : undefined;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  get clusterId(): string {
    return this.config?.clusterId ?? 'propeller';
  }

  rssBytes(): number {
    return this.proc?.rssBytes() ?? 0;
  }

  /** A token Secret of the chart's ServiceAccount, filled by the token controller. */
  private async serviceAccountToken(): Promise<string> {
    const { namespace, serviceAccount } = this.opts.chart;
    const admin = this.opts.host.admin();
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: TOKEN_SECRET, namespace, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
    };
    try {
      await admin.create(secret);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 409)) throw err;
    }
    return waitFor(`the token controller to fill ${namespace}/${TOKEN_SECRET} for ServiceAccount ${serviceAccount}`, 30_000, async () => {
      let s: KubeObject;
      try {
        s = await admin.get({ apiVersion: 'v1', kind: 'Secret', name: TOKEN_SECRET, namespace });
      } catch (err) {
        return notYet(`cannot read the Secret: ${err instanceof Error ? err.message : String(err)}`);
      }
      const token = (s.data as Record<string, string> | undefined)?.token;
      // The controller fills it only for a ServiceAccount that exists: the chart must have rendered one.
      return token ? Buffer.from(token, 'base64').toString('utf8') : notYet(`no token yet (does the chart's ServiceAccount ${namespace}/${serviceAccount} exist?)`);
    }, { where: this.opts.host.spec.name, intervalMs: 200 });
  }

  private async writeFiles(): Promise<PropellerLaunchConfig> {
    const dir = this.opts.dir;
    await mkdir(join(dir, 'config'), { recursive: true, mode: 0o700 });
    await mkdir(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
    await mkdir(this.opts.storageRoot, { recursive: true });
    this.profPort ||= await freePort();
    const kubeconfigPath = join(dir, 'kubeconfig');
    const cfg = propellerLaunchConfig(this.opts.chart, {
      dir,
      kubeconfigPath,
      adminEndpoint: this.opts.adminEndpoint,
      storageRoot: this.opts.storageRoot,
      profPort: this.profPort,
    });
    // stow "local" wants the container directory to exist.
    await mkdir(join(this.opts.storageRoot, cfg.container), { recursive: true });
    const token = await this.serviceAccountToken();
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'dp', cluster: { server: this.opts.host.directEndpoint, 'certificate-authority-data': Buffer.from(this.opts.host.caCert()).toString('base64') } }],
      users: [{ name: this.opts.chart.serviceAccount, user: { token } }],
      contexts: [{ name: 'dp', context: { cluster: 'dp', user: this.opts.chart.serviceAccount } }],
      'current-context': 'dp',
    };
    await writeFile(kubeconfigPath, stringify(kubeconfig), { mode: 0o600 });
    for (const [name, text] of Object.entries(cfg.files)) await writeFile(join(dir, 'config', name), text, { mode: 0o600 });
    for (const [path, text] of Object.entries(cfg.secretFiles)) await writeFile(path, text, { mode: 0o600 });
    return cfg;
  }

  /** Starts propeller and resolves when its /healthcheck answers; prints the overrides the first time. */
  async start(): Promise<void> {
    if (this.running) return;
    const first = this.config === undefined;
    const cfg = await this.writeFiles();
    this.config = cfg;
    this.overrides = cfg.overrides;
    if (first) {
      this.log(`cluster-id ${cfg.clusterId} (chart); overrides of the chart's configuration:`);
      for (const o of cfg.overrides) this.log(`  ${o.file} ${o.key}: ${o.from} → ${o.to} (${o.why})`);
    }
    const t0 = Date.now();
    this.proc = startProcess({
      name: 'flytepropeller',
      command: this.opts.binary,
      args: cfg.args,
      logFile: this.logFile,
      cwd: this.opts.dir,
      env: { ...process.env, ...cfg.env, FLYTE_MC_PARENT_PID: String(process.pid) },
    });
    const proc = this.proc;
    const url = `http://127.0.0.1:${this.profPort}/healthcheck`;
    try {
      await waitFor(`flytepropeller to answer ${url}`, this.opts.readyTimeoutMs ?? 60_000, async () => {
        if (!proc.running) throw new Error(`flytepropeller of ${this.opts.host.spec.name} exited during start-up; last log lines:\n${logTail(this.logFile)}`);
        return fetch(url).then(
          (r) => (r.ok ? true : notYet(`HTTP ${r.status}`)),
          (err: unknown) => notYet(err instanceof Error ? err.message : String(err)),
        );
      }, { where: this.opts.host.spec.name, intervalMs: 100 });
    } catch (err) {
      if (!(err instanceof WaitTimeout)) throw err;
      await proc.kill();
      throw new Error(`${err.message}; last log lines:\n${logTail(this.logFile)}`);
    }
    this.readyMs = Date.now() - t0;
    this.log(`ready after ${(this.readyMs / 1000).toFixed(1)}s (pid ${proc.pid})`);
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (this.proc?.running) this.log('stopping');
    await this.proc?.stop(graceMs);
  }

  async kill(): Promise<void> {
    if (this.proc?.running) this.log('killing (SIGKILL)');
    await this.proc?.kill();
  }

  async dispose(): Promise<void> {
    await this.stop(5_000);
    await rm(this.opts.dir, { recursive: true, force: true });
  }
}
