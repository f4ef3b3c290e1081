// Supervision of the Python emulators the harness starts (moto, LocalStack's runtime): each runs in its own process
// group; stop() ends the group (TERM, then KILL). It is also registered with the caller's CleanupStack, stopped when
// the caller's AbortSignal fires (Ctrl-C), killed by a process 'exit' hook, and started through its venv's python
// with PR_SET_PDEATHSIG, so the kernel kills it even if this process is SIGKILLed: nothing is left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import type { CleanupStack } from '../harness/lifecycle.ts';

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

/**
 * `python -c …` that asks the kernel to SIGKILL it when its parent dies, checks the parent is still this process
 * (it may have died before the prctl), then execs argv (the pdeathsig setting survives exec).
 */
function pdeathsigArgs(python: string, argv: readonly string[]): string[] {
  const script = [
    'import ctypes, os, signal, sys',
    'ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG',
    'if os.getppid() != int(os.environ["FLYTE_MC_PARENT_PID"]): sys.exit(1)',
    'os.execv(sys.argv[1], sys.argv[1:])',
  ].join('\n');
  return ['-c', script, ...argv];
}

/** A fresh FLYTE_MC_OWNER marker: tests find leftovers by it (processesOwnedBy). */
export function newOwner(prefix: string): string {
  return process.env.FLYTE_MC_OWNER ?? `${prefix}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface SpawnSupervisedOptions {
  /** Names the process in cleanup steps and errors ("moto", "LocalStack"). */
  name: string;
  /** The program and its arguments; argv[0] is an absolute path. */
  argv: readonly string[];
  /** A python that sets PR_SET_PDEATHSIG and execs argv; without it argv runs directly (no SIGKILL guard). */
  python?: string;
  /** The child's whole environment; FLYTE_MC_OWNER and FLYTE_MC_PARENT_PID are added. */
  env: NodeJS.ProcessEnv;
  owner: string;
  signal?: AbortSignal;
  cleanup?: Pick<CleanupStack, 'defer'>;
  /** Grace between TERM and KILL. */
  stopGraceMs?: number;
  /** Runs after the process group is gone, inside stop() (e.g. removing its private directory). */
  afterStop?: () => Promise<void> | void;
}

export interface Supervised {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 20 lines of output, ANSI colours removed. */
  tail(): string[];
  /** Called with every output line (stdout and stderr). */
  onLine(fn: (line: string) => void): void;
  /** Idempotent. */
  stop(): Promise<void>;
  /** Resolves with `ready`'s value, or stops the process and rejects (timeout, early exit, abort) with its output. */
  whenReady<T>(what: string, timeoutMs: number, ready: (done: (v: T) => void) => (() => void) | void): Promise<T>;
}

export function spawnSupervised(o: SpawnSupervisedOptions): Supervised {
  o.signal?.throwIfAborted();
  installExitHook();
  const env = { ...o.env, FLYTE_MC_OWNER: o.owner, FLYTE_MC_PARENT_PID: String(process.pid) };
  const [cmd, args] = o.python ? [o.python, pdeathsigArgs(o.python, o.argv)] : [o.argv[0]!, o.argv.slice(1)];
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  live.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => (live.delete(child), r())));

  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let buf = '';
  const onData = (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      // eslint-disable-next-line no-control-regex
      const line = buf.slice(0, nl).replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
      buf = buf.slice(nl + 1);
      lines.push(line);
      if (lines.length > 20) lines.shift();
      for (const fn of listeners) fn(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      o.signal?.removeEventListener('abort', onAbort);
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), o.stopGraceMs ?? 5_000);
      await exited;
      clearTimeout(timer);
      // The group may hold children (werkzeug's reloader, worker processes); make sure none survive the leader.
      killGroup(child, 'SIGKILL');
      await o.afterStop?.();
    })();
    return stopping;
  };
  const onAbort = () => void stop();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  o.cleanup?.defer(`stop ${o.name} (pid ${child.pid})`, stop);

  const whenReady = <T>(what: string, timeoutMs: number, ready: (done: (v: T) => void) => (() => void) | void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let settled = false;
      let dispose: (() => void) | void;
      const timeout = setTimeout(() => fail(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        dispose?.();
        void stop().then(() => reject(new Error(`${err.message}${lines.length > 0 ? `; its output ended with:\n${lines.join('\n')}` : ''}`)));
      };
      child.once('error', (err) => fail(err));
      child.once('exit', (code, sig) => fail(new Error(`${o.name} exited during start (${sig ?? `code ${code}`})`)));
      o.signal?.addEventListener('abort', () => fail(new Error(`interrupted while starting ${o.name}`)), { once: true });
      dispose = ready((v) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        dispose?.();
        resolve(v);
      });
      if (settled) dispose?.();
    });

  return { child, pid: child.pid!, tail: () => [...lines], onLine: (fn) => void listeners.push(fn), stop, whenReady };
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
