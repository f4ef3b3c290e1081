// Docker helpers shared by the container and k3s backends: is an engine there, how testcontainers must be set up on
// this machine (Ryuk, the host it maps ports on), which images exist, and the label-based sweeper.
//
// Every container and network flyte-mc creates carries
//   org.flyte-mc.run-id=<run id>        one id per backend instance (a run)
//   org.flyte-mc.owner=<hostname>/<pid> the process that created it, so a later run can tell leftovers of dead runs
// and goes away through, in order: the backend's dispose() (success, failure, Ctrl-C through the cleanup stack), the
// synchronous exit hook sweepRunSync() (the process exits before dispose finished), Ryuk when its image exists, and
// sweepStale() at the next run's start (the process was SIGKILLed).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { hostname } from 'node:os';
import type Dockerode from 'dockerode';

export const LABEL_RUN = 'org.flyte-mc.run-id';
export const LABEL_OWNER = 'org.flyte-mc.owner';
export const LABEL_CLUSTER = 'org.flyte-mc.cluster';
export const DEFAULT_RYUK_IMAGE = 'testcontainers/ryuk:0.14.0';

/** A short id, unique enough to name a run's containers and networks. */
export function newRunId(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function runLabels(runId: string): Record<string, string> {
  return { [LABEL_RUN]: runId, [LABEL_OWNER]: `${hostname()}/${process.pid}` };
}

let clientPromise: Promise<Dockerode> | undefined;

/** dockerode through testcontainers' runtime detection (DOCKER_HOST, ~/.testcontainers.properties, sockets). */
async function dockerode(): Promise<Dockerode> {
  clientPromise ??= (async () => {
    await prepareTestcontainers();
    const { getContainerRuntimeClient } = await import('testcontainers');
    return (await getContainerRuntimeClient()).container.dockerode;
  })();
  try {
    return await clientPromise;
  } catch (err) {
    clientPromise = undefined;
    throw err;
  }
}

/** Why no Docker engine can be used here, or undefined. */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  try {
    const d = await dockerode();
    await d.ping();
    return undefined;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return `no Docker engine answers (${msg.split('\n')[0]}); start dockerd (scripts/setup.d/50-docker.sh does, as root)`;
  }
}

export interface TestcontainersSetup {
  /** Ryuk (testcontainers' reaper) runs: its image is present and it was not disabled. */
  ryuk: boolean;
  /** Why Ryuk is off, when it is. */
  ryukReason?: string;
  /** Host IP the harness binds mapped ports to ('127.0.0.1' when the engine is on this host), else all interfaces. */
  hostIp?: string;
}

let setupPromise: Promise<TestcontainersSetup> | undefined;

/**
 * Sets testcontainers' environment for this machine, once per process, before its first use:
 * - TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 when the engine runs on this host: testcontainers otherwise uses the
 *   bridge gateway inside a container (/.dockerenv), or runs alpine to find it (no registry here).
 * - TESTCONTAINERS_RYUK_DISABLED=true when Ryuk's image is not present locally (pulling it fails offline); the
 *   harness's own label sweeper covers what Ryuk would have done. A Ryuk image that is present is used.
 */
export function prepareTestcontainers(log: (line: string) => void = () => {}): Promise<TestcontainersSetup> {
  setupPromise ??= (async () => {
    const setup: TestcontainersSetup = { ryuk: true };
    const local = await engineIsLocal();
    if (local && process.env.TESTCONTAINERS_HOST_OVERRIDE === undefined) process.env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
    if (process.env.TESTCONTAINERS_HOST_OVERRIDE === '127.0.0.1' || process.env.TESTCONTAINERS_HOST_OVERRIDE === 'localhost') setup.hostIp = '127.0.0.1';
    if (process.env.TESTCONTAINERS_RYUK_DISABLED === 'true') {
      setup.ryuk = false;
      setup.ryukReason = 'TESTCONTAINERS_RYUK_DISABLED=true';
    } else {
      const image = process.env.RYUK_CONTAINER_IMAGE || DEFAULT_RYUK_IMAGE;
      const present = local ? await rawImageExists(image) : undefined;
      if (present === false) {
        process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
        setup.ryuk = false;
        setup.ryukReason = `Ryuk image ${image} is not present locally`;
        log(`testcontainers: ${setup.ryukReason}; TESTCONTAINERS_RYUK_DISABLED=true, flyte-mc's label sweeper cleans up`);
      }
    }
    return setup;
  })();
  return setupPromise;
}

/** The unix socket of the engine when DOCKER_HOST is unset or unix://, else undefined. */
function localSocket(): string | undefined {
  const dh = process.env.DOCKER_HOST;
  if (dh && !dh.startsWith('unix://')) return undefined;
  const path = dh ? dh.slice('unix://'.length) : '/var/run/docker.sock';
  return existsSync(path) ? path : undefined;
}

/** GET on the local engine's socket; undefined when there is none or it does not answer. */
function rawGet(path: string): Promise<{ status: number; body: string } | undefined> {
  const socketPath = localSocket();
  if (!socketPath) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = request({ socketPath, path, method: 'GET', timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** The engine answers on a local socket and runs in this network namespace (same hostname), so 127.0.0.1 reaches its mapped ports. */
async function engineIsLocal(): Promise<boolean> {
  const res = await rawGet('/info');
  if (!res || res.status !== 200) return false;
  try {
    const name = (JSON.parse(res.body) as { Name?: string }).Name;
    return !existsSync('/.dockerenv') || name === hostname();
  } catch {
    return false;
  }
}

async function rawImageExists(image: string): Promise<boolean | undefined> {
  const res = await rawGet(`/images/${encodeURIComponent(image)}/json`);
  if (!res) return undefined;
  return res.status === 200;
}

/** The image is in the engine's local store (nothing is ever pulled to answer this). */
export async function imageExists(image: string): Promise<boolean> {
  const d = await dockerode();
  try {
    await d.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

export interface Labelled {
  id: string;
  name: string;
  runId: string;
  owner: string;
}

export interface LabelledResources {
  containers: Labelled[];
  networks: Labelled[];
}

/** Containers (any state) and networks carrying flyte-mc's run label, optionally of one run only. */
export async function listLabelled(runId?: string): Promise<LabelledResources> {
  const d = await dockerode();
  const filters = JSON.stringify({ label: [runId ? `${LABEL_RUN}=${runId}` : LABEL_RUN] });
  const [cs, ns] = await Promise.all([d.listContainers({ all: true, filters }), d.listNetworks({ filters })]);
  return {
    containers: cs.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      runId: c.Labels[LABEL_RUN] ?? '',
      owner: c.Labels[LABEL_OWNER] ?? '',
    })),
    networks: ns.map((n) => ({ id: n.Id, name: n.Name, runId: n.Labels?.[LABEL_RUN] ?? '', owner: n.Labels?.[LABEL_OWNER] ?? '' })),
  };
}

export interface SweepOptions {
  /** Only this run's resources. */
  runId?: string;
  /** Only resources whose owner process (on this host) is gone: leftovers of killed runs. */
  stale?: boolean;
}

function ownerIsDead(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes labelled containers (forced, with anonymous volumes), then their networks. Returns what it removed. */
export async function sweep(opts: SweepOptions = {}): Promise<LabelledResources> {
  const d = await dockerode();
  const found = await listLabelled(opts.runId);
  const pick = (r: Labelled) => !opts.stale || ownerIsDead(r.owner);
  const removed: LabelledResources = { containers: [], networks: [] };
  const errors: string[] = [];
  await Promise.all(
    found.containers.filter(pick).map(async (c) => {
      try {
        await d.getContainer(c.id).remove({ force: true, v: true });
        removed.containers.push(c);
      } catch (err) {
        if (!isNotFound(err)) errors.push(`container ${c.name}: ${(err as Error).message}`);
      }
    }),
  );
  for (const n of found.networks.filter(pick)) {
    try {
      await d.getNetwork(n.id).remove();
      removed.networks.push(n);
    } catch (err) {
      if (!isNotFound(err)) errors.push(`network ${n.name}: ${(err as Error).message}`);
    }
  }
  if (errors.length) throw new Error(`failed to sweep docker resources: ${errors.join('; ')}`);
  return removed;
}

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404;
}

/**
 * Synchronous last resort for process 'exit' (no event loop left): removes the run's containers and networks with
 * the docker CLI. Silent when the CLI is missing; sweepStale() of the next run then removes them.
 */
export function sweepRunSync(runId: string): void {
  const run = (args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
  try {
    const ids = run(['ps', '-aq', '--filter', `label=${LABEL_RUN}=${runId}`]).split('\n').filter(Boolean);
    if (ids.length) run(['rm', '-fv', ...ids]);
    const nets = run(['network', 'ls', '-q', '--filter', `label=${LABEL_RUN}=${runId}`]).split('\n').filter(Boolean);
    if (nets.length) run(['network', 'rm', ...nets]);
  } catch {
    // best effort
  }
}

/** Registers sweepRunSync(runId) on process exit; returns the unregister function. */
export function sweepOnExit(runId: string): () => void {
  const hook = () => sweepRunSync(runId);
  process.once('exit', hook);
  return () => process.removeListener('exit', hook);
}
