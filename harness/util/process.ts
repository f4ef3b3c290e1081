// Child processes (kube-lite's components, PostgreSQL, FlyteAdmin). Each runs in its own process group (detached),
// with its output appended to a log file, so stopping it reaches anything it forked: a signal to the group, SIGKILL
// after a grace period. A process-wide registry makes sure nothing
// survives us: on 'exit' every live group gets SIGKILL and every registered temp dir is removed (synchronously), and
// on SIGINT/SIGTERM/SIGHUP the registered async cleanups (backend.dispose) run first.
import { spawn } from 'node:child_process';
import { openSync, closeSync, rmSync, readFileSync } from 'node:fs';
import { notYet, waitFor } from './wait.ts';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  readonly running: boolean;
  readonly logFile: string;
  /** `signal` (SIGTERM) to the group, SIGKILL after `graceMs`. Resolves when the leader has exited. */
  stop(graceMs: number, signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** SIGKILL to the group. */
  kill(): Promise<ExitInfo>;
  /** Resident memory of the leader in bytes (0 when gone). */
  rssBytes(): number;
  /** The last `n` lines of its log (for error messages). */
  tail(n?: number): string;
  /** Resolves with the first log line matching `re`; rejects when the process exits first or the time is up. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
}

const liveGroups = new Set<number>();
const tempDirs = new Set<string>();
const asyncCleanups = new Set<() => Promise<void>>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;
let signalled = false;

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: already gone
  }
}

function onExit(): void {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  liveGroups.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  if (signalled) {
    // Second signal: no more grace.
    onExit();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
  }
  signalled = true;
  process.stderr.write(`flyte-mc: ${sig}: stopping ${liveGroups.size} process group(s)\n`);
  void Promise.allSettled([...asyncCleanups].map((f) => f())).then(() => {
    onExit();
    // If nobody else handles the signal, behave as if we had not caught it. signal-exit's listeners (a
    // testcontainers dependency) do not count: they re-raise only when they are alone, so they wait for us.
    if (process.listenerCount(sig) - signalExitListeners() <= 1) {
      uninstall();
      process.kill(process.pid, sig);
    }
  });
}

/** How many listeners per signal signal-exit v3 and v4 have installed (both keep a count on a global emitter). */
function signalExitListeners(): number {
  const v4 = (globalThis as unknown as Record<symbol, { count?: unknown } | undefined>)[Symbol.for('signal-exit emitter')]?.count;
  const v3 = (process as unknown as { __signal_exit_emitter__?: { count?: unknown } }).__signal_exit_emitter__?.count;
  return (typeof v4 === 'number' ? v4 : 0) + (typeof v3 === 'number' ? v3 : 0);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', onExit);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

function maybeUninstall(): void {
  if (liveGroups.size === 0 && tempDirs.size === 0 && asyncCleanups.size === 0 && !signalled) uninstall();
}

/** Registers a temp dir that is removed at process exit unless released earlier. */
export function trackTempDir(dir: string): () => void {
  install();
  tempDirs.add(dir);
  return () => {
    tempDirs.delete(dir);
    maybeUninstall();
  };
}

/** Registers an async cleanup to run on SIGINT/SIGTERM/SIGHUP. */
export function onInterrupt(fn: () => Promise<void>): () => void {
  install();
  asyncCleanups.add(fn);
  return () => {
    asyncCleanups.delete(fn);
    maybeUninstall();
  };
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr are appended here. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user and group (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

export function startProcess(opts: StartOptions): ManagedProcess {
  install();
  const fd = openSync(opts.logFile, 'a', 0o600);
  let child;
  try {
    child = spawn(opts.command, opts.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    // spawn failed (e.g. ENOENT); the 'error' event follows and must not go unhandled.
    child.once('error', () => undefined);
    throw new Error(`could not start ${opts.name} (${opts.command}): no such executable or not runnable`);
  }
  liveGroups.add(pid);
  let running = true;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      // Anything the leader left in its group goes too.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
      maybeUninstall();
      resolve({ code, signal });
    });
    child.once('error', () => {
      running = false;
      liveGroups.delete(pid);
      resolve({ code: -1, signal: null });
    });
  });
  child.unref();

  const stop = async (graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> => {
    if (!running) return exited;
    killGroup(pid, signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
    const first = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (first === 'timeout') killGroup(pid, 'SIGKILL');
    return exited;
  };
  const tail = (n = 25) => logTail(opts.logFile, n);
  const waitForLine = (re: RegExp, timeoutMs: number) =>
    waitFor(`a log line matching ${re}`, timeoutMs, () => {
      const line = readLog(opts.logFile).split('\n').find((l) => re.test(l));
      if (line !== undefined) return line;
      if (!running) throw new Error(`${opts.name} exited before logging ${re}:\n${tail()}`);
      return notYet(tail(3));
    }, { where: `${opts.name} (${opts.logFile})`, intervalMs: 100 });
  return {
    name: opts.name,
    pid,
    logFile: opts.logFile,
    exited,
    get running() {
      return running;
    },
    stop,
    kill: async () => {
      if (running) killGroup(pid, 'SIGKILL');
      return exited;
    },
    tail,
    waitForLine,
    rssBytes: () => {
      if (!running) return 0;
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : 0;
      } catch {
        return 0;
      }
    },
  };
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The last `n` lines of a log file (for error messages; the processes we start do not log secrets). */
export function logTail(path: string, n = 15): string {
  return readLog(path).trimEnd().split('\n').slice(-n).join('\n');
}

export function describeExit(e: ExitInfo): string {
  return e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
}

/** Runs a command to completion (SIGKILL after `timeoutMs`); rejects with its log's tail when it fails. */
export async function runToCompletion(opts: StartOptions & { timeoutMs?: number }): Promise<ManagedProcess> {
  const p = startProcess(opts);
  const timer = opts.timeoutMs ? setTimeout(() => void p.kill(), opts.timeoutMs) : undefined;
  const e = await p.exited;
  if (timer) clearTimeout(timer);
  if (e.code !== 0) throw new Error(`${opts.name} failed (${describeExit(e)}):\n${p.tail()}`);
  return p;
}
