// Where the harness finds the programs it runs: the build cache that scripts/setup.d/*.sh fills (never the repo),
// explicit paths and PATH.
import { execFileSync } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** `${FLYTE_MC_CACHE:-$HOME/.cache/flyte-mc}`: kube-lite, helm, the placement oracle and FlyteAdmin builds. */
export function cacheDir(): string {
  return process.env.FLYTE_MC_CACHE || join(homedir(), '.cache', 'flyte-mc');
}

/** True for a regular file this process may execute. */
export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH, or undefined. */
export async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}

/** undefined when `cmd args` runs, else the reason it does not. */
export function commandMissing(cmd: string, args: string[] = ['--version']): string | undefined {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch (err) {
    return `${cmd} is not available (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}
