import { execFileSync } from 'node:child_process';

/** undefined when `cmd args` runs, else why not. */
export function commandMissing(cmd: string, args: string[] = ['--version']): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch (err) {
    return `${cmd} is not available (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}
