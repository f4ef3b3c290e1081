// LocalStack's own runtime (localstack-core[runtime] from PyPI, in the venv scripts/setup.d/35-localstack.sh builds
// in the cache) as a host process: the IAM/STS emulator where no LocalStack image is present. Supervised like moto
// (mocks/supervise.ts). Its environment is only what keeps it on loopback, quiet and off the network; every
// directory it writes is a private FILESYSTEM_ROOT removed when it stops, except two caches kept beside the venv:
// the service-catalog index (built on the first request, about 3 s) and plux's entry-point cache.
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir } from '../harness/cache.ts';
import { freePort } from '../harness/util/net.ts';
import type { CleanupStack } from '../harness/lifecycle.ts';
import { newOwner, spawnSupervised } from './supervise.ts';

/** The install: <cache>/localstack/<hash>/ with venv/, catalog/ and xdg-cache/ (FLYTE_MC_LOCALSTACK_HOME overrides). */
export function localstackHome(): string | undefined {
  if (process.env.FLYTE_MC_LOCALSTACK_HOME) return process.env.FLYTE_MC_LOCALSTACK_HOME;
  const root = join(cacheDir(), 'localstack');
  try {
    const current = readFileSync(join(root, 'current'), 'utf8').trim();
    return current ? join(root, current) : undefined;
  } catch {
    return undefined;
  }
}

/** undefined when the host-process LocalStack can be started, else why not (for skip messages and the CLI). */
export function localstackProcessMissing(): string | undefined {
  const home = localstackHome();
  const hint = 'run scripts/setup.d/35-localstack.sh (it needs Python >= 3.13 and PyPI)';
  if (!home) return `no LocalStack venv in ${join(cacheDir(), 'localstack')} (no "current" pointer); ${hint}`;
  if (!existsSync(join(home, 'stamp'))) return `the LocalStack venv in ${home} is incomplete (no stamp); ${hint}`;
  return undefined;
}

export interface LocalStackProcess {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  pid: number;
  /** Milliseconds from spawn to IAM and STS reported running by /_localstack/health. */
  startupMs: number;
  owner: string;
  /** LocalStack derives the account from a 12-digit access key ID; these credentials name the requested one. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Whether a service-catalog index from an earlier run was linked in (the first request is then fast). */
  catalogCached: boolean;
  stop(): Promise<void>;
}

export interface StartLocalStackProcessOptions {
  /** The account the returned credentials belong to; default LocalStack's 000000000000. */
  accountId?: string;
  signal?: AbortSignal;
  cleanup?: Pick<CleanupStack, 'defer'>;
  timeoutMs?: number;
  owner?: string;
  /** false: neither use nor save the persistent service-catalog index (for measuring a cold first request). */
  catalogCache?: boolean;
}

const RUN_PREFIX = 'flyte-mc-localstack-';

/** Private roots of running servers, removed by an exit hook when this process exits without stopping them. */
const liveRoots = new Set<string>();
let exitHookInstalled = false;
function removeRootsOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const r of liveRoots) rmSync(r, { recursive: true, force: true });
  });
}

/** Private roots of runs whose Node process died without cleaning up (SIGKILL): the pid in the name is gone. */
export function sweepStaleRoots(): void {
  for (const d of readdirSync(tmpdir())) {
    const m = new RegExp(`^${RUN_PREFIX}(\\d+)-`).exec(d);
    if (!m || Number(m[1]) === process.pid || existsSync(`/proc/${m[1]}`)) continue;
    rmSync(join(tmpdir(), d), { recursive: true, force: true });
  }
}

/** The environment LocalStack gets, and nothing else of ours: each variable closes a way off loopback or a write outside root. */
export function localstackEnv(port: number, root: string, home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? root,
    LANG: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    // Host mode: otherwise it assumes a container and writes to /var/lib/localstack.
    OVERRIDE_IN_DOCKER: '0',
    // The default server (twisted) ignores the host part of GATEWAY_LISTEN and binds 0.0.0.0.
    GATEWAY_SERVER: 'hypercorn',
    GATEWAY_LISTEN: `127.0.0.1:${port}`,
    // Otherwise it serves DNS on 0.0.0.0:53.
    DNS_ADDRESS: '0',
    // No analytics events, no certificate download (it makes a self-signed one instead).
    DISABLE_EVENTS: '1',
    SKIP_SSL_CERT_DOWNLOAD: '1',
    SERVICES: 'iam,sts',
    EAGER_SERVICE_LOADING: '1',
    FILESYSTEM_ROOT: root,
    TMPDIR: join(root, 'tmp'),
    // plux caches entry points in $XDG_CACHE_HOME/plux: keep it beside the venv, not in the user's ~/.cache.
    XDG_CACHE_HOME: join(home, 'xdg-cache'),
  };
}

/** Where LocalStack reads a prebuilt catalog index (its static libs) and where it builds one on the first request. */
const staticLibs = (root: string) => join(root, 'usr', 'lib', 'localstack');
const runtimeCache = (root: string) => join(root, 'var', 'lib', 'localstack', 'cache');
const isCatalog = (f: string) => /^service-catalog-.*\.dill$/.test(f);

async function linkCatalog(home: string, root: string): Promise<boolean> {
  const kept = await readdir(join(home, 'catalog')).catch(() => [] as string[]);
  await mkdir(staticLibs(root), { recursive: true });
  let linked = false;
  for (const f of kept.filter(isCatalog)) {
    await symlink(join(home, 'catalog', f), join(staticLibs(root), f));
    linked = true;
  }
  return linked;
}

/** Keeps a catalog index the run built (atomically: copy beside, then rename). */
async function saveCatalog(home: string, root: string): Promise<void> {
  const built = await readdir(runtimeCache(root)).catch(() => [] as string[]);
  for (const f of built.filter(isCatalog)) {
    const dest = join(home, 'catalog', f);
    if (existsSync(dest)) continue;
    await mkdir(join(home, 'catalog'), { recursive: true });
    const tmp = `${dest}.${process.pid}.tmp`;
    await copyFile(join(runtimeCache(root), f), tmp);
    await rename(tmp, dest);
  }
}

interface Health {
  services?: Record<string, string>;
}

export async function startLocalStackProcess(opts: StartLocalStackProcessOptions = {}): Promise<LocalStackProcess> {
  const reason = localstackProcessMissing();
  if (reason) throw new Error(`cannot start LocalStack: ${reason}`);
  opts.signal?.throwIfAborted();
  const home = localstackHome()!;
  const useCatalog = opts.catalogCache ?? true;
  sweepStaleRoots();
  removeRootsOnExit();
  const root = await mkdtemp(join(tmpdir(), `${RUN_PREFIX}${process.pid}-`));
  liveRoots.add(root);
  let catalogCached = false;
  try {
    await mkdir(join(root, 'tmp'));
    if (useCatalog) catalogCached = await linkCatalog(home, root);
    const port = await freePort();
    const owner = opts.owner ?? newOwner('localstack');
    const python = join(home, 'venv', 'bin', 'python');
    const started = performance.now();
    const proc = spawnSupervised({
      name: 'LocalStack',
      argv: [python, '-m', 'localstack.runtime.main'],
      python,
      env: localstackEnv(port, root, home),
      owner,
      // Its shutdown stops each service in turn; it ends within a few seconds of SIGTERM.
      stopGraceMs: 10_000,
      afterStop: async () => {
        if (useCatalog) await saveCatalog(home, root).catch(() => undefined);
        await rm(root, { recursive: true, force: true });
        liveRoots.delete(root);
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.cleanup ? { cleanup: opts.cleanup } : {}),
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const timeoutMs = opts.timeoutMs ?? 60_000;
    await proc.whenReady<void>('LocalStack did not report IAM and STS running', timeoutMs, (done) => {
      let timer: NodeJS.Timeout | undefined;
      let over = false;
      const poll = async () => {
        try {
          const res = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2_000) });
          const s = ((await res.json()) as Health).services ?? {};
          if (s.iam === 'running' && s.sts === 'running') return done();
        } catch {
          // not listening yet
        }
        if (!over) timer = setTimeout(() => void poll(), 100);
      };
      void poll();
      return () => {
        over = true;
        clearTimeout(timer);
      };
    });
    const startupMs = Math.round(performance.now() - started);
    const accountId = opts.accountId ?? '000000000000';
    return { endpoint, pid: proc.pid, startupMs, owner, credentials: { accessKeyId: accountId, secretAccessKey: 'test' }, catalogCached, stop: proc.stop };
  } catch (err) {
    // A failed start already stopped the process (and its afterStop removed root); a failure before spawn did not.
    await rm(root, { recursive: true, force: true });
    liveRoots.delete(root);
    throw err;
  }
}

/** The time of the first STS request (GetCallerIdentity), which builds the catalog index when none was linked. */
export async function firstRequestMs(ls: Pick<LocalStackProcess, 'endpoint' | 'credentials'>): Promise<number> {
  const sts = new STSClient({ endpoint: ls.endpoint, region: 'us-east-1', credentials: ls.credentials, maxAttempts: 1 });
  try {
    const t0 = performance.now();
    await sts.send(new GetCallerIdentityCommand({}));
    return Math.round(performance.now() - t0);
  } finally {
    sts.destroy();
  }
}

/** `scripts/node mocks/localstack-process.ts warm`: the setup step's smoke test, which also keeps the catalog index. */
async function warm(): Promise<void> {
  const ls = await startLocalStackProcess();
  try {
    const first = await firstRequestMs(ls);
    console.error(`LocalStack healthy in ${ls.startupMs} ms; first request ${first} ms (catalog index ${ls.catalogCached ? 'already kept' : 'built now, kept for later runs'})`);
  } finally {
    await ls.stop();
  }
}

if (import.meta.main && process.argv[2] === 'warm') {
  warm().catch((err: unknown) => {
    console.error(`LocalStack warm-up failed: ${(err as Error).message}`);
    process.exit(1);
  });
}
