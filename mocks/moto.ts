// Launches moto's server (moto[server] from PyPI, installed into .venv by scripts/setup.d/30-moto.sh) as a child
// process on a free loopback port, as the IAM/STS emulator `flyte-mc iam` runs against by default.
// It is supervised by mocks/supervise.ts: own process group, cleanup stack, Ctrl-C, exit hook, PR_SET_PDEATHSIG.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CleanupStack } from '../harness/lifecycle.ts';
import { newOwner, processesOwnedBy, spawnSupervised } from './supervise.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The moto_server console script in the project's virtual environment (FLYTE_MC_MOTO_SERVER overrides). */
export function motoServerPath(): string {
  return process.env.FLYTE_MC_MOTO_SERVER ?? join(repoRoot, '.venv', 'bin', 'moto_server');
}

/** undefined when moto can be started, else why not (for skip messages). */
export function motoMissing(): string | undefined {
  const bin = motoServerPath();
  return existsSync(bin) ? undefined : `${bin} not found; run scripts/setup.d/30-moto.sh (python3 -m venv .venv + pip install -r requirements-moto.txt)`;
}

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  pid: number;
  /** Milliseconds from spawn to the server accepting requests. */
  startupMs: number;
  /** A marker in the server's environment (FLYTE_MC_OWNER) that tests use to find leftovers. */
  owner: string;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** The account moto's default credentials belong to (MOTO_ACCOUNT_ID); default moto's 123456789012. */
  accountId?: string;
  /** Aborting stops the server (Ctrl-C in the CLI). */
  signal?: AbortSignal;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Overrides the FLYTE_MC_OWNER marker (default: FLYTE_MC_OWNER from the environment, else a fresh one). */
  owner?: string;
  /** The run's cleanup stack (harness/lifecycle.ts); stop() is registered on it. */
  cleanup?: Pick<CleanupStack, 'defer'>;
}

export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const reason = motoMissing();
  if (reason) throw new Error(`cannot start moto: ${reason}`);
  const owner = opts.owner ?? newOwner('moto');
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };
  if (opts.accountId) env.MOTO_ACCOUNT_ID = opts.accountId;
  const bin = motoServerPath();
  const python = join(dirname(bin), 'python');
  const proc = spawnSupervised({
    name: 'moto',
    argv: [bin, '--host', '127.0.0.1', '--port', '0'],
    ...(existsSync(python) ? { python } : {}),
    env,
    owner,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.cleanup ? { cleanup: opts.cleanup } : {}),
  });
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const endpoint = await proc.whenReady<string>('moto did not start', timeoutMs, (done) =>
    proc.onLine((line) => {
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) done(m[1]!);
    }),
  );
  const startupMs = Math.round(performance.now() - started);
  opts.log?.(`moto ${endpoint} ready in ${startupMs} ms (pid ${proc.pid})`);
  return { endpoint, pid: proc.pid, startupMs, owner, stop: proc.stop };
}

export { processesOwnedBy };
