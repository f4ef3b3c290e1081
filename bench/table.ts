// The rows of `npm run bench`'s closing summary: every figure next to its anchor (the Go oracle in the same run,
// kind's published start-up time, or the previous figure from README) with the ratio between them.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface Row {
  /** What was measured, e.g. "place --names, 400,000 names". */
  what: string;
  /** The figure, with its unit. */
  figure: string;
  /** What it is compared with, with that figure. */
  anchor: string;
  /** figure / anchor where lower is better (time, memory); "×" is appended. Undefined: no like-for-like anchor. */
  ratio?: number;
  /** The goal for the ratio or the figure, e.g. "< 0.2×" or "< 0.3 s". */
  target?: string;
  met?: boolean;
}

/** What a bench module gets: rows it adds go to the summary table. */
export interface BenchContext {
  row(r: Row): void;
}

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.what,
    r.figure,
    r.anchor,
    r.ratio === undefined ? '–' : `${r.ratio < 0.1 ? r.ratio.toFixed(3) : r.ratio.toFixed(2)}×`,
    r.target === undefined ? '' : `${r.target}${r.met === undefined ? '' : r.met ? ' ✓' : ' ✗'}`,
  ]);
  const head = ['benchmark', 'figure', 'anchor', 'ratio', 'target'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...cells.map(line)].join('\n');
}

export const secs = (s: number) => (s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`);
export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface TimedRun {
  seconds: number;
  /** Peak resident memory (VmHWM) as last seen while it ran, bytes; 0 if it ended before the first look. */
  peakRss: number;
  status: number | null;
  stderr: string;
}

/** Runs a whole process (start-up included), stdin from a file, stdout to a file or discarded. */
export function timedRun(command: string, args: readonly string[], opts: { stdin?: string; stdout?: string; cwd?: string } = {}): Promise<TimedRun> {
  const inFd = opts.stdin ? openSync(opts.stdin, 'r') : 'ignore';
  const outFd = opts.stdout ? openSync(opts.stdout, 'w') : 'ignore';
  const t0 = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: [inFd, outFd, 'pipe'], cwd: opts.cwd });
  if (typeof inFd === 'number') closeSync(inFd);
  if (typeof outFd === 'number') closeSync(outFd);
  let peakRss = 0;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024);
    } catch {
      // ended between two looks
    }
  }, 10);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearInterval(poll);
      reject(err);
    });
    child.on('close', (status) => {
      clearInterval(poll);
      resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRss, status, stderr });
    });
  });
}
