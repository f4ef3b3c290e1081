// Everything the harness starts is registered here, and torn down in reverse order on success, failure and
// Ctrl-C. Cleanup errors are collected and reported, never allowed to hide the original failure.

export interface CleanupReport {
  name: string;
  error?: string;
}

export class CleanupStack {
  private readonly steps: { name: string; fn: () => Promise<void> | void }[] = [];
  private running: Promise<CleanupReport[]> | undefined;

  /** Registers a teardown step; it runs before the steps registered earlier. */
  defer(name: string, fn: () => Promise<void> | void): void {
    if (this.running) throw new Error(`cleanup already started; cannot register "${name}"`);
    this.steps.push({ name, fn });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs every step once (later calls return the same result), last registered first. */
  run(): Promise<CleanupReport[]> {
    this.running ??= (async () => {
      const reports: CleanupReport[] = [];
      for (const step of [...this.steps].reverse()) {
        try {
          await step.fn();
          reports.push({ name: step.name });
        } catch (err) {
          reports.push({ name: step.name, error: (err as Error).message ?? String(err) });
        }
      }
      return reports;
    })();
    return this.running;
  }

  /**
   * Ties the stack to a signal (the CLI's Ctrl-C) and to process exit: on abort it runs the cleanup,
   * and synchronous `onExit` hooks (e.g. SIGKILL of child process groups) run if the process exits first.
   */
  bindTo(signal: AbortSignal, onExit?: () => void): () => void {
    const onAbort = () => void this.run();
    signal.addEventListener('abort', onAbort, { once: true });
    const exitHook = () => onExit?.();
    if (onExit) process.once('exit', exitHook);
    return () => {
      signal.removeEventListener('abort', onAbort);
      if (onExit) process.removeListener('exit', exitHook);
    };
  }
}
