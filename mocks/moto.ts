// Launches moto's server (moto[server] from PyPI, installed into .venv by scripts/setup.d/30-moto.sh) as a child
// process on a free loopback port, as the IAM/STS emulator `flyte-mc iam` runs against by default.
// The server runs in its own process group; stop() ends the group (TERM, then KILL). It is also registered with the
// caller's CleanupStack, stopped when the caller's AbortSignal fires (Ctrl-C), killed by a process 'exit' hook, and
// started with PR_SET_PDEATHSIG so the kernel kills it even if this process is SIGKILLed: nothing is left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CleanupStack } from '../harness/lifecycle.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The moto_server console script in the project's virtual environment (FLYTE_MC_MOTO_SERVER overrides). */
export function motoServerPath(): string {
  return process.env.FLYTE_MC_MOTO_SERVER ?? join(repoRoot, '.venv', 'bin', 'moto_server');
}

/** undefined when moto can be started, else why not (for skip messages). */
export function motoMissing(): string | undefined {
  const bin = motoServerPath();
  return existsSync(bin) ? undefined : `${bin} not found; run scripts/setup.d/30-moto.sh (python3 -m venv .venv + pip install -r requirements-moto.txt)`;
}

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  pid: number;
  /** Milliseconds from spawn to the server accepting requests. */
  startupMs: number;
  /** A marker in the server's environment (FLYTE_MC_OWNER) that tests use to find leftovers. */
  owner: string;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** The account moto's default credentials belong to (MOTO_ACCOUNT_ID); default moto's 123456789012. */
  accountId?: string;
  /** Aborting stops the server (Ctrl-C in the CLI). */
  signal?: AbortSignal;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Overrides the FLYTE_MC_OWNER marker (default: FLYTE_MC_OWNER from the environment, else a fresh one). */
  owner?: string;
  /** The run's cleanup stack (harness/lifecycle.ts); stop() is registered on it. */
  cleanup?: Pick<CleanupStack, 'defer'>;
}

/** The venv's python, which execs moto_server after asking the kernel to SIGKILL it when its parent dies. */
function launchArgs(bin: string, args: string[]): { cmd: string; argv: string[] } {
  const python = join(dirname(bin), 'python');
  if (!existsSync(python)) return { cmd: bin, argv: args };
  const script = [
    'import ctypes, os, signal, sys',
    'ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG',
    'if os.getppid() != int(os.environ["FLYTE_MC_PARENT_PID"]): sys.exit(1)',
    'os.execv(sys.argv[1], sys.argv[1:])',
  ].join('\n');
  return { cmd: python, argv: ['-c', script, bin, ...args] };
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
  });
}

export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const reason = motoMissing();
  if (reason) throw new Error(`cannot start moto: ${reason}`);
  opts.signal?.throwIfAborted();
  installExitHook();
  const owner = opts.owner ?? process.env.FLYTE_MC_OWNER ?? `moto-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, FLYTE_MC_OWNER: owner, FLYTE_MC_PARENT_PID: String(process.pid), PYTHONUNBUFFERED: '1' };
  if (opts.accountId) env.MOTO_ACCOUNT_ID = opts.accountId;
  const { cmd, argv } = launchArgs(motoServerPath(), ['--host', '127.0.0.1', '--port', '0']);
  const child = spawn(cmd, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  live.add(child);
  const tail: string[] = [];
  const exited = new Promise<void>((r) => child.once('exit', () => (live.delete(child), r())));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      opts.signal?.removeEventListener('abort', onAbort);
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      // The group may hold werkzeug's reloader or other children; make sure none survive the leader.
      killGroup(child, 'SIGKILL');
    })();
    return stopping;
  };
  const onAbort = () => void stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  opts.cleanup?.defer(`stop moto (pid ${child.pid})`, stop);

  const endpoint = await new Promise<string>((resolveStart, reject) => {
    const timeout = setTimeout(() => fail(new Error(`moto did not start within ${opts.timeoutMs ?? 30_000} ms`)), opts.timeoutMs ?? 30_000);
    const fail = (err: Error) => {
      clearTimeout(timeout);
      void stop().then(() => reject(new Error(`${err.message}${tail.length > 0 ? `; its output ended with:\n${tail.join('\n')}` : ''}`)));
    };
    let buf = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        // eslint-disable-next-line no-control-regex
        const line = buf.slice(0, nl).replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
        buf = buf.slice(nl + 1);
        tail.push(line);
        if (tail.length > 20) tail.shift();
        const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) {
          clearTimeout(timeout);
          resolveStart(m[1]!);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => fail(err));
    child.once('exit', (code, sig) => fail(new Error(`moto exited during start (${sig ?? `code ${code}`})`)));
    opts.signal?.addEventListener('abort', () => fail(new Error('interrupted while starting moto')), { once: true });
  });
  const startupMs = Math.round(performance.now() - started);
  opts.log?.(`moto ${endpoint} ready in ${startupMs} ms (pid ${child.pid})`);
  return { endpoint, pid: child.pid!, startupMs, owner, stop };
}

/** Pids of processes whose environment carries FLYTE_MC_OWNER=owner (Linux /proc); for leak checks in tests. */
export async function processesOwnedBy(owner: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const out: number[] = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const env = await readFile(`/proc/${d}/environ`, 'latin1');
      const stat = await readFile(`/proc/${d}/stat`, 'latin1');
      if (/\) Z /.test(stat)) continue; // zombies hold no resources and are reaped by their parent
      if (env.split('\0').includes(`FLYTE_MC_OWNER=${owner}`)) out.push(Number(d));
    } catch {
      // gone or not ours to read
    }
  }
  return out;
}
