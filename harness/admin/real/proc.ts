// Child processes of the real-admin tier (PostgreSQL, FlyteAdmin): each in its own process group, output kept in a
// log file and a short in-memory tail for error messages, stopped by pid (group) on cleanup and on process exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface ManagedOptions {
  /** Short name for messages ("postgres", "flyteadmin serve"). */
  name: string;
  cmd: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Output (stdout+stderr) is appended here. */
  logFile: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TAIL_LINES = 60;

/** A running child process; `exited` resolves when it ends (never rejects). */
export class Managed {
  readonly name: string;
  readonly logFile: string;
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private tailLines: string[] = [];
  private partial = '';
  private exit: Exit | undefined;
  private readonly exitHook: () => void;
  private readonly listeners = new Set<(line: string) => void>();

  constructor(opts: ManagedOptions) {
    this.name = opts.name;
    this.logFile = opts.logFile;
    this.log = createWriteStream(opts.logFile, { flags: 'a', mode: 0o600 });
    this.child = spawn(opts.cmd, [...opts.args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
    const onData = (buf: Buffer) => {
      this.log.write(buf);
      const text = this.partial + buf.toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        this.tailLines.push(line);
        for (const l of this.listeners) l(line);
      }
      if (this.tailLines.length > TAIL_LINES * 2) this.tailLines = this.tailLines.slice(-TAIL_LINES);
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exitHook = () => this.killGroup('SIGKILL');
    process.once('exit', this.exitHook);
    this.exited = new Promise<Exit>((resolve) => {
      const done = (e: Exit) => {
        if (this.exit) return;
        this.exit = e;
        process.removeListener('exit', this.exitHook);
        if (this.partial) this.tailLines.push(this.partial);
        this.log.end();
        resolve(e);
      };
      this.child.once('exit', (code, signal) => done({ code, signal }));
      this.child.once('error', (err) => {
        this.tailLines.push(`spawn error: ${err.message}`);
        done({ code: -1, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The last lines of output (for error messages). */
  tail(n = 25): string {
    return this.tailLines.slice(-n).join('\n');
  }

  /** Calls fn for every further output line; returns an unsubscribe function. */
  onLine(fn: (line: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves when a line matches, rejects when the process exits first or the timeout passes. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string> {
    const seen = this.tailLines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`${this.name}: no line matching ${re} within ${timeoutMs} ms\n${this.tail()}`)), timeoutMs);
      const off = this.onLine((l) => {
        if (re.test(l)) finish(undefined, l);
      });
      void this.exited.then((e) => finish(new Error(`${this.name} exited (${describeExit(e)}) before ${re}\n${this.tail()}`)));
      let done = false;
      function finish(err?: Error, line?: string) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        off();
        if (err) reject(err);
        else resolve(line!);
      }
    });
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (this.exit || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  /** Sends `signal` to the process group, then SIGKILL after `graceMs`; resolves when it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.killGroup(signal);
    const timer = setTimeout(() => this.killGroup('SIGKILL'), graceMs);
    const e = await this.exited;
    clearTimeout(timer);
    return e;
  }
}

export function describeExit(e: Exit): string {
  return e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
}

/** Runs a command to completion; rejects with the output tail when it fails. */
export async function runToCompletion(opts: ManagedOptions & { timeoutMs?: number }): Promise<Managed> {
  const m = new Managed(opts);
  const timer = opts.timeoutMs ? setTimeout(() => void m.stop('SIGKILL', 0), opts.timeoutMs) : undefined;
  const e = await m.exited;
  if (timer) clearTimeout(timer);
  if (e.code !== 0) throw new Error(`${opts.name} failed (${describeExit(e)}):\n${m.tail()}`);
  return m;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
