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
  /** Pause between probes. @defaultValue 200 */
  intervalMs?: number;
  signal?: AbortSignal;
}

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
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = await probe();
    if (r instanceof NotYet) last = r.reason;
    else if (r !== undefined) return r;
    if (Date.now() >= deadline) throw new WaitTimeout(what, timeoutMs, opts, last);
    await sleep(Math.min(opts.intervalMs ?? 200, Math.max(0, deadline - Date.now())), opts.signal);
  }
}
