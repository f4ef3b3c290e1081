// One way to poll: waitFor(what, timeoutMs, probe) retries the probe until it yields a value, and a timeout says
// what was awaited, where, for how long, and the last reason it was not there yet.

/** A probe's "not yet", with the reason shown if the wait times out. */
export class NotYet {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

export const notYet = (reason: string): NotYet => new NotYet(reason);

export interface WaitOptions {
  /** Where the thing is awaited (a cluster, an address), for the message. */
  where?: string;
  /** Pause between probes; a function gets the number of probes made so far (1, 2, …), for a backoff. @defaultValue 200 */
  intervalMs?: number | ((probes: number) => number);
  signal?: AbortSignal;
  /**
   * Waits out the pauses instead of a timer, e.g. World.elapse so a virtual clock moves. The timeout then counts
   * the pauses asked of it, not the wall clock: a virtual clock returns at once and the wall clock would not move.
   */
  sleep?: (ms: number) => Promise<void>;
}

/** Pauses that double from `firstMs` up to `maxMs`: quick when the thing is nearly there, few probes when not. */
export const backoff = (firstMs: number, maxMs: number) => (probes: number): number => Math.min(firstMs * 2 ** (probes - 1), maxMs);

export class WaitTimeout extends Error {
  constructor(what: string, timeoutMs: number, opts: WaitOptions, last: string | undefined) {
    const where = opts.where ? ` on ${opts.where}` : '';
    const why = last ? `; last: ${last.length > 300 ? `${last.slice(0, 300)}…` : last}` : '';
    super(`timed out after ${formatDuration(timeoutMs)} waiting for ${what}${where}${why}`);
    this.name = 'WaitTimeout';
  }
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `probe` until it returns something other than undefined or a NotYet, and returns that. An exception from
 * the probe ends the wait at once (a process that died is no reason to keep polling); a probe that wants to retry
 * on an error returns notYet(message) instead.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | NotYet | undefined> | T | NotYet | undefined,
  opts: WaitOptions = {},
): Promise<T> {
  const start = Date.now();
  let slept = 0;
  const elapsed = () => (opts.sleep ? slept : Date.now() - start);
  let last: string | undefined;
  for (let probes = 1; ; probes++) {
    opts.signal?.throwIfAborted();
    const r = await probe();
    if (r instanceof NotYet) last = r.reason;
    else if (r !== undefined) return r;
    const left = timeoutMs - elapsed();
    if (left <= 0) throw new WaitTimeout(what, timeoutMs, opts, last);
    const interval = opts.intervalMs ?? 200;
    const pause = Math.min(typeof interval === 'function' ? interval(probes) : interval, left);
    if (opts.sleep) {
      await opts.sleep(pause);
      slept += pause;
    } else await sleep(pause, opts.signal);
  }
}
