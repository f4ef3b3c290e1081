// Errors callers branch on. Everything else is a plain Error wrapped with "failed to <verb> <noun>".

/** Where in an input file a problem sits. `path` is a dotted field path such as `dataPlanes[1].weight`. */
export interface InputLocation {
  file?: string;
  path?: string;
  line?: number;
  column?: number;
}

/** Bad user input (file, flag or value): the CLI prints it as one line and exits 2. */
export class InputError extends Error {
  readonly location: InputLocation;
  constructor(message: string, location: InputLocation = {}) {
    super(message);
    this.name = 'InputError';
    this.location = location;
  }

  /** `file:line:col: path: message`, leaving out what is unknown. */
  format(): string {
    const { file, path, line, column } = this.location;
    let where = file ?? '';
    if (file && line !== undefined) where += `:${line}${column !== undefined ? `:${column}` : ''}`;
    const parts = [where, path].filter((p) => p && p.length > 0);
    return parts.length > 0 ? `${parts.join(': ')}: ${this.message}` : this.message;
  }
}

/** A command line that does not parse: printed with the command's usage, exit 2. */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The abort reason of a Ctrl-C (SIGINT) or SIGTERM: the command stops at its next step, cleans up, exits 130. */
export class Interrupted extends Error {
  constructor(signal = 'SIGINT') {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }
}

/** The abort reason when stdout or stderr is a closed pipe (`| head -1`): stop quietly, clean up. */
export class OutputClosed extends Error {
  constructor(stream: string) {
    super(`${stream} closed (EPIPE)`);
    this.name = 'OutputClosed';
  }
}

/** Exit status after an interrupt (128 + SIGINT), and after a closed output pipe (128 + SIGPIPE, as if killed by it). */
export const EXIT_INTERRUPTED = 130;
export const EXIT_PIPE_CLOSED = 141;

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Wraps an error at a boundary: `failed to start cluster dataplane_1: <cause>`. */
export function wrap(err: unknown, what: string): Error {
  if (err instanceof InputError) return err;
  return new Error(`failed to ${what}: ${errorMessage(err)}`, { cause: err });
}

/** The InputError for a file that cannot be read, naming it: not found, a directory, or the system's code. */
export function unreadableFile(err: unknown, file: string): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  return new InputError(code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory; give a file' : `cannot read file (${code ?? (err as Error).message ?? 'error'})`, { file });
}
