// A running `flyte-mc up` (the CLI as a user starts it) and flytekit's client driving it (test/flytekit/drive.py in
// the venv scripts/setup.d/65-flytekit.sh makes).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cacheDir, isExecutable } from '../../harness/cache.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The flytekit venv's python, or undefined when setup has not made it. */
export async function flytekitPython(): Promise<string | undefined> {
  try {
    const current = (await readFile(join(cacheDir(), 'flytekit', 'current'), 'utf8')).trim();
    const py = join(cacheDir(), 'flytekit', current, 'venv', 'bin', 'python');
    return current && (await isExecutable(py)) ? py : undefined;
  } catch {
    return undefined;
  }
}

/** No __pycache__ in the checkout (pyflyte imports drive.py to register it). */
const PY_ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

export const FLYTEKIT_MISSING = 'the flytekit venv is not made (scripts/setup.d/65-flytekit.sh)';

export interface UpInfo {
  endpoint: string;
  backend: string;
  dataPlanes: string[];
  propeller: boolean;
  readyMs: number;
  files: { dir: string; flytekitConfig: string; kubeconfigs: Record<string, string>; topology: string };
}

export class RunningUp {
  readonly info: UpInfo;
  readonly child: ChildProcessWithoutNullStreams;
  readonly stderr: string[];
  private readonly lines: string[] = [];
  private readonly waiters: { re: RegExp; resolve: (l: string) => void }[] = [];

  private constructor(child: ChildProcessWithoutNullStreams, info: UpInfo, stderr: string[], rl: ReturnType<typeof createInterface>) {
    this.child = child;
    this.info = info;
    this.stderr = stderr;
    rl.on('line', (l) => {
      this.lines.push(l);
      for (const w of [...this.waiters]) {
        if (w.re.test(l)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    });
  }

  /** Starts `./flyte-mc up ARGS --json` and resolves once it printed its endpoint. */
  static start(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<RunningUp> {
    const child = spawn(join(ROOT, 'flyte-mc'), ['up', '--json', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    createInterface({ input: child.stderr }).on('line', (l) => stderr.push(l));
    const rl = createInterface({ input: child.stdout });
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`flyte-mc up not ready after ${timeoutMs} ms:\n${stderr.slice(-30).join('\n')}`)), timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`flyte-mc up exited (${code}) before it was ready:\n${stderr.slice(-30).join('\n')}`));
      });
      rl.once('line', (l) => {
        clearTimeout(t);
        child.removeAllListeners('exit');
        resolve(new RunningUp(child, JSON.parse(l) as UpInfo, stderr, rl));
      });
    });
  }

  /** Sends a stdin command and resolves with the first later stdout line matching `re`. */
  command(line: string, re: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no "${re}" within ${timeoutMs} ms after "${line}":\n${this.stderr.slice(-30).join('\n')}`)), timeoutMs);
      this.waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
      this.child.stdin.write(`${line}\n`);
    });
  }

  /** Ctrl-C, as a user ends it; resolves with the exit code. */
  stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code));
      this.child.kill(signal);
    });
  }
}

/** Runs drive.py's operations against the session; one result object per operation. */
export function drive(python: string, config: string, ops: readonly Record<string, unknown>[], timeoutMs = 600_000): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [join(ROOT, 'test', 'flytekit', 'drive.py'), config], { cwd: join(ROOT, 'test', 'flytekit'), env: PY_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('exit', (code) => {
      clearTimeout(t);
      if (code !== 0) return reject(new Error(`drive.py exited ${code}:\n${err.slice(-3000)}`));
      resolve(out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
    });
    child.stdin.end(JSON.stringify(ops));
  });
}

/** `pyflyte --config CFG run --remote ARGS` in test/flytekit; resolves with the execution name it printed. */
export function pyflyteRun(python: string, config: string, args: readonly string[], timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(python, '..', 'pyflyte'), ['--config', config, 'run', '--remote', ...args], { cwd: join(ROOT, 'test', 'flytekit'), env: PY_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('exit', (code) => {
      clearTimeout(t);
      const name = /executions\/([a-z0-9-]+)/.exec(out)?.[1];
      if (code !== 0 || !name) return reject(new Error(`pyflyte run --remote exited ${code}:\n${out.slice(-3000)}`));
      resolve(name);
    });
  });
}
