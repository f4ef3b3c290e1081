// The control plane as processes: PostgreSQL, FlyteAdmin's config from the topology, then what the flyteadmin pod
// does — `migrate run`, `migrate seed-projects`, `clusterresource sync` (the sync-cluster-resources init container,
// which contacts every enabled data plane), and `serve` — all in a private mount namespace where the credential
// files appear at /var/run/credentials (mountns.ts). Auth is off; ports are free loopback ports. Everything
// started is registered with the cleanup stack.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../../cache.ts';
import { wrap } from '../../errors.ts';
import type { CleanupStack } from '../../lifecycle.ts';
import { render } from '../../render/index.ts';
import type { Topology } from '../../topology/index.ts';
import { AdminClient } from './client.ts';
import { adminConfigFiles, clusterResourceTemplates, type AdminPorts } from './config.ts';
import { mountNamespaceUnavailableReason, withCredentialsMount } from './mountns.ts';
import { startPostgres, postgresUnavailableReason, type Postgres } from './postgres.ts';
import { freePort } from '../../util/net.ts';
import { describeExit, runToCompletion, startProcess, type ManagedProcess } from '../../util/process.ts';
import { notYet, waitFor, WaitTimeout } from '../../util/wait.ts';

/** `${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}/flyteadmin`, where scripts/setup.d/60-flyteadmin.sh builds. */
export function flyteadminCacheDir(): string {
  return join(cacheDir(), 'flyteadmin');
}

/** The FlyteAdmin binary: $FLYTEADMIN_BIN, else the newest build in the cache; undefined when there is none. */
export function findFlyteadminBinary(): string | undefined {
  const env = process.env.FLYTEADMIN_BIN;
  if (env) return existsSync(env) ? env : undefined;
  const dir = flyteadminCacheDir();
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSafe(dir)) {
    const p = join(dir, entry, 'flyteadmin');
    if (existsSync(p) && existsSync(join(dir, entry, 'stamp'))) return p;
  }
  return undefined;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).filter((e) => !e.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/** Why the real-admin tier cannot run here (exact blocker), or undefined. */
export function realAdminUnavailableReason(): string | undefined {
  if (!findFlyteadminBinary()) {
    const blocked = join(flyteadminCacheDir(), 'UNAVAILABLE');
    if (existsSync(blocked)) return `no FlyteAdmin binary: ${readFileSync(blocked, 'utf8').trim()}`;
    return 'no FlyteAdmin binary (run scripts/setup.d/60-flyteadmin.sh, or set FLYTEADMIN_BIN)';
  }
  return postgresUnavailableReason() ?? mountNamespaceUnavailableReason();
}

/** FlyteAdmin did not come up: what the chart would show as a crash-looping pod or init container. */
export class AdminStartError extends Error {
  readonly step: 'migrate' | 'seed-projects' | 'clusterresource sync' | 'serve';
  readonly output: string;
  constructor(step: AdminStartError['step'], message: string, output: string) {
    super(`flyteadmin ${step} failed: ${message}\n${output}`);
    this.name = 'AdminStartError';
    this.step = step;
    this.output = output;
  }
}

export interface RealAdminOptions {
  topology: Topology;
  /** Data-plane API endpoints by cluster name (from the backend). */
  endpoints: Readonly<Record<string, string>>;
  /** Holds <name>_token and <name>_cacert (what the chart mounts at /var/run/credentials; World.credentialsDir). */
  credentialsDir: string;
  cleanup: CleanupStack;
  binary?: string;
  log?: (line: string) => void;
  /** Projects seeded before the first sync (default: the topology's projects). */
  seedProjects?: readonly string[];
  /** Deadline for serve to answer on gRPC. @defaultValue 120000 */
  readyTimeoutMs?: number;
}

export interface StartTimings {
  postgresMs: number;
  migrateMs: number;
  syncMs: number;
  serveMs: number;
}

export class RealAdmin {
  readonly binary: string;
  readonly runDir: string;
  readonly configDir: string;
  readonly ports: AdminPorts;
  readonly postgres: Postgres;
  readonly client: AdminClient;
  readonly timings: StartTimings;
  private topology: Topology;
  private endpoints: Readonly<Record<string, string>>;
  private serveProc: ManagedProcess | undefined;
  /** Values given to restartWith; undefined: rendered from the topology. */
  private values: string | undefined;
  private readonly opts: RealAdminOptions;
  private readonly log: (line: string) => void;
  private logSeq = 0;

  private constructor(init: {
    opts: RealAdminOptions;
    binary: string;
    runDir: string;
    ports: AdminPorts;
    postgres: Postgres;
    timings: StartTimings;
  }) {
    this.opts = init.opts;
    this.binary = init.binary;
    this.runDir = init.runDir;
    this.configDir = join(init.runDir, 'config');
    this.ports = init.ports;
    this.postgres = init.postgres;
    this.timings = init.timings;
    this.topology = init.opts.topology;
    this.endpoints = init.opts.endpoints;
    this.log = init.opts.log ?? (() => undefined);
    this.client = new AdminClient(`127.0.0.1:${init.ports.grpc}`);
  }

  /** PostgreSQL, config, migrate, seed, sync, serve; resolves when FlyteAdmin answers on gRPC. */
  static async start(opts: RealAdminOptions): Promise<RealAdmin> {
    const binary = opts.binary ?? findFlyteadminBinary();
    if (!binary) throw new Error(realAdminUnavailableReason() ?? 'no FlyteAdmin binary');
    const t0 = Date.now();
    const postgres = await startPostgres({ cleanup: opts.cleanup, log: opts.log });
    const postgresMs = Date.now() - t0;
    const runDir = await mkdtemp(join(tmpdir(), 'flyte-mc-admin-'));
    opts.cleanup.defer(`remove FlyteAdmin dir ${runDir}`, () => rm(runDir, { recursive: true, force: true }));
    const ports = { http: await freePort(), grpc: await freePort(), profiler: await freePort() };
    const admin = new RealAdmin({ opts, binary, runDir, ports, postgres, timings: { postgresMs, migrateMs: 0, syncMs: 0, serveMs: 0 } });
    opts.cleanup.defer('close FlyteAdmin client', () => admin.client.close());
    opts.cleanup.defer('stop flyteadmin serve', () => admin.stopServe());
    await mkdir(join(runDir, 'storage', 'flyte'), { recursive: true });
    await mkdir(join(runDir, 'templates'), { recursive: true });
    await mkdir(join(runDir, 'cwd'), { recursive: true });
    // <runDir>/mnt/var/run is bind-mounted over /var/run; its credentials entry points at the credentials dir.
    await mkdir(join(runDir, 'mnt', 'var', 'run'), { recursive: true });
    await symlink(opts.credentialsDir, join(runDir, 'mnt', 'var', 'run', 'credentials'));
    for (const f of clusterResourceTemplates()) await writeFile(join(runDir, 'templates', f.name), f.content);
    await admin.writeConfig();
    let t = Date.now();
    await admin.command('migrate', ['migrate', 'run']);
    const seed = opts.seedProjects ?? opts.topology.projects.map((p) => p.name);
    if (seed.length > 0) await admin.command('seed-projects', ['migrate', 'seed-projects', ...seed]);
    admin.timings.migrateMs = Date.now() - t;
    t = Date.now();
    await admin.sync();
    admin.timings.syncMs = Date.now() - t;
    t = Date.now();
    await admin.startServe();
    admin.timings.serveMs = Date.now() - t;
    return admin;
  }

  get currentTopology(): Topology {
    return this.topology;
  }

  /** The clusters.yaml FlyteAdmin was (re)started with. */
  clustersYaml(): string {
    return readFileSync(join(this.configDir, 'clusters.yaml'), 'utf8');
  }

  /** The values-override.yaml the config was last written from. */
  get valuesOverride(): string {
    return this.values ?? this.renderedValues();
  }

  private renderedValues(): string {
    const override = render(this.topology, { endpoints: this.endpoints }).find((f) => f.path === 'controlplane/values-override.yaml');
    if (!override) throw new Error('render produced no controlplane/values-override.yaml');
    return override.content;
  }

  private async writeConfig(): Promise<void> {
    await mkdir(this.configDir, { recursive: true });
    for (const f of adminConfigFiles(this.topology, {
      valuesOverride: this.valuesOverride,
      db: this.postgres,
      ports: this.ports,
      storageDir: join(this.runDir, 'storage'),
      templatesDir: join(this.runDir, 'templates'),
    })) {
      await writeFile(join(this.configDir, f.name), f.content, { mode: 0o600 });
    }
  }

  private argv(args: readonly string[]): { cmd: string; args: string[] } {
    return withCredentialsMount(join(this.runDir, 'mnt'), this.binary, ['--config', join(this.configDir, '*.yaml'), ...args]);
  }

  private env(): NodeJS.ProcessEnv {
    // No proxies, no cloud credentials from the caller's environment: FlyteAdmin only talks to loopback.
    const keep = ['PATH', 'HOME', 'LANG', 'TZ'];
    const env: NodeJS.ProcessEnv = {};
    for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
    return env;
  }

  private async command(step: AdminStartError['step'], args: readonly string[]): Promise<void> {
    const { cmd, args: argv } = this.argv(args);
    try {
      await runToCompletion({
        name: `flyteadmin ${args.join(' ')}`,
        command: cmd,
        args: [...argv],
        env: this.env(),
        cwd: join(this.runDir, 'cwd'),
        logFile: join(this.runDir, `${String(++this.logSeq).padStart(2, '0')}-${step.replace(/ /g, '-')}.log`),
        timeoutMs: 300_000,
      });
      this.log(`flyteadmin ${args.join(' ')}: ok`);
    } catch (err) {
      throw new AdminStartError(step, 'non-zero exit', (err as Error).message);
    }
  }

  /** `flyteadmin clusterresource sync`, as the chart's init container runs it: fails if any enabled data plane fails. */
  sync(): Promise<void> {
    return this.command('clusterresource sync', ['clusterresource', 'sync']);
  }

  private async startServe(): Promise<void> {
    const { cmd, args } = this.argv(['serve']);
    const proc = startProcess({
      name: 'flyteadmin serve',
      command: cmd,
      args: [...args],
      env: this.env(),
      cwd: join(this.runDir, 'cwd'),
      logFile: join(this.runDir, `${String(++this.logSeq).padStart(2, '0')}-serve.log`),
    });
    this.serveProc = proc;
    const where = `grpc 127.0.0.1:${this.ports.grpc}`;
    try {
      await waitFor('flyteadmin serve to answer ListProjects', this.opts.readyTimeoutMs ?? 120_000, async () => {
        if (!proc.running) throw new AdminStartError('serve', `exited (${describeExit(await proc.exited)}) before answering`, proc.tail());
        return this.client.listProjects().then(() => true, (err: Error) => notYet(err.message));
      }, { where });
    } catch (err) {
      if (!(err instanceof WaitTimeout)) throw err;
      await proc.kill();
      throw new AdminStartError('serve', err.message, proc.tail());
    }
    this.log(`flyteadmin serve: answering on grpc 127.0.0.1:${this.ports.grpc}, http 127.0.0.1:${this.ports.http}`);
  }

  async stopServe(): Promise<void> {
    const p = this.serveProc;
    this.serveProc = undefined;
    if (p) await p.stop(15_000);
  }

  /**
   * Day 2: what `helm upgrade` does to the pod when configmap.clusters changes (configChecksum rolls it): stop serve,
   * re-render the config, run the sync init container against every enabled data plane, start serve. When the sync
   * fails (an unreachable data plane), FlyteAdmin stays down and AdminStartError says why.
   */
  async restart(topology: Topology = this.topology, endpoints: Readonly<Record<string, string>> = this.endpoints): Promise<void> {
    this.topology = topology;
    this.endpoints = endpoints;
    this.values = undefined;
    return this.restartServe();
  }

  /** restart() with a values-override.yaml as given (hand-edited or broken), not rendered from the topology. */
  async restartWith(valuesOverride: string): Promise<void> {
    this.values = valuesOverride;
    return this.restartServe();
  }

  private async restartServe(): Promise<void> {
    try {
      await this.stopServe();
      await this.writeConfig();
      await this.sync();
      await this.startServe();
    } catch (err) {
      if (err instanceof AdminStartError) throw err;
      throw wrap(err, 'restart FlyteAdmin');
    }
  }

  /** Log files of this run (for failure reports). */
  logDir(): string {
    return this.runDir;
  }
}
