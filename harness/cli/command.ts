// The contract every `flyte-mc` sub-command implements, and the small helpers they share.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';

/** Where a command writes. Tests pass buffers; the CLI passes the process streams. */
export interface Io {
  /** false: the sink is full; a command writing a stream waits for drain() before writing more. */
  stdout(text: string): boolean | void;
  /** Resolves when stdout can take more (backpressure); absent for in-memory sinks, which never fill. */
  drain?(): Promise<void>;
  /** Progress and diagnostics; never secrets. */
  stderr(text: string): void;
  /** An AbortSignal fired on Ctrl-C / SIGTERM so long commands can clean up and stop. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  /** Full usage text, printed by `flyte-mc help NAME` and with usage errors. */
  usage: string;
  /** Ctrl-C is how the command normally ends (`up`): its own exit code stands. */
  stopsOnInterrupt?: boolean;
  /** Returns the exit code: 0 ok, 1 a check failed (lint errors, drift, scenario failure), 2 bad input. */
  run(args: string[], io: Io): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** util.parseArgs with usage errors instead of TypeErrors. */
export function parseFlags<T extends Options>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing required flag --${flag}`);
  return value;
}

/** Parses a whole-number flag within bounds, naming the flag in the error. */
export function intFlag(value: string | undefined, flag: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return def;
  const n = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export function memoryIo(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => {
      out.push(t);
    },
    stderr: (t) => {
      err.push(t);
    },
    signal: new AbortController().signal,
  };
}
