// Everything the harness starts is registered here, and torn down in reverse order on success, failure and
// Ctrl-C. Cleanup errors are collected and reported, never allowed to hide the original failure.

export interface CleanupReport {
  name: string;
  error?: string;
}

export class CleanupStack {
  private readonly steps: { name: string; fn: () => Promise<void> | void }[] = [];
  private readonly reports: CleanupReport[] = [];
  private draining: Promise<void> | undefined;
  private started = false;

  /**
   * Registers a teardown step; it runs before the steps registered earlier. Once cleanup has started (Ctrl-C while
   * something is still starting), a late step runs right away: what was created after the interrupt goes too.
   */
  defer(name: string, fn: () => Promise<void> | void): void {
    this.steps.push({ name, fn });
    if (this.started) void this.run();
  }

  /** Steps not yet run. */
  get size(): number {
    return this.steps.length;
  }

  /** Runs every registered step once, last registered first; resolves when none is left, with all reports so far. */
  run(): Promise<CleanupReport[]> {
    this.started = true;
    this.draining ??= this.drain();
    return this.draining.then(() => [...this.reports]);
  }

  private async drain(): Promise<void> {
    await null; // `draining` is assigned before the loop can end and clear it
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.fn();
        this.reports.push({ name: step.name });
      } catch (err) {
        this.reports.push({ name: step.name, error: (err as Error).message ?? String(err) });
      }
    }
    // Same tick as the last pop(): a step deferred from now on starts a new drain.
    this.draining = undefined;
  }

  /**
   * Ties the stack to a signal (the CLI's Ctrl-C) and to process exit: on abort it runs the cleanup,
   * and synchronous `onExit` hooks (e.g. SIGKILL of child process groups) run if the process exits first.
   */
  bindTo(signal: AbortSignal, onExit?: () => void): () => void {
    const onAbort = () => void this.run();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const exitHook = () => onExit?.();
    if (onExit) process.once('exit', exitHook);
    return () => {
      signal.removeEventListener('abort', onAbort);
      if (onExit) process.removeListener('exit', exitHook);
    };
  }
}
