// PostgreSQL for the real FlyteAdmin: a throwaway cluster (initdb into a temp dir) on a free loopback port, TCP
// only (no Unix socket), trust authentication bound to 127.0.0.1, durability off (fsync, synchronous_commit,
// full_page_writes) since the data is thrown away. PostgreSQL refuses to run as root, so as root it runs as the
// `postgres` system user (or `nobody`). Registered with the cleanup stack: stopped and its data dir removed on
// success, failure and Ctrl-C.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CleanupStack } from '../../lifecycle.ts';
import { freePort } from '../../util/net.ts';
import { runToCompletion, startProcess } from '../../util/process.ts';

export interface PostgresOptions {
  cleanup: CleanupStack;
  log?: (line: string) => void;
  /** Database FlyteAdmin uses. @defaultValue 'flyteadmin' */
  database?: string;
}

export interface Postgres {
  host: '127.0.0.1';
  port: number;
  user: string;
  database: string;
  /** Where the throwaway cluster lives (removed on cleanup). */
  root: string;
  /** Runs one SQL statement with psql and returns its unaligned, tuples-only output. */
  query(sql: string, database?: string): string;
  stop(): Promise<void>;
}

const SEARCH_DIRS = ['/usr/local/bin', '/usr/lib/postgresql'];

/** Absolute path of a PostgreSQL program, or undefined. */
export function findPgBinary(name: 'initdb' | 'postgres' | 'psql'): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  if (existsSync(join(SEARCH_DIRS[0]!, name))) return join(SEARCH_DIRS[0]!, name);
  if (existsSync(SEARCH_DIRS[1]!)) {
    for (const v of readdirSync(SEARCH_DIRS[1]!).sort().reverse()) {
      const p = join(SEARCH_DIRS[1]!, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

/** Why PostgreSQL cannot be launched here, or undefined. */
export function postgresUnavailableReason(): string | undefined {
  const missing = (['initdb', 'postgres', 'psql'] as const).filter((n) => !findPgBinary(n));
  return missing.length > 0 ? `PostgreSQL programs not found: ${missing.join(', ')}` : undefined;
}

function systemUser(names: readonly string[]): { name: string; uid: number; gid: number } | undefined {
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of names) {
    const line = passwd.find((l) => l.startsWith(`${name}:`));
    if (!line) continue;
    const f = line.split(':');
    return { name, uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

export async function startPostgres(opts: PostgresOptions): Promise<Postgres> {
  const log = opts.log ?? (() => undefined);
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(reason);
  const initdb = findPgBinary('initdb')!;
  const postgresBin = findPgBinary('postgres')!;
  const psql = findPgBinary('psql')!;
  const database = opts.database ?? 'flyteadmin';
  const user = 'flyteadmin';

  const root = await mkdtemp(join(tmpdir(), 'flyte-mc-pg-'));
  opts.cleanup.defer(`remove PostgreSQL dir ${root}`, () => rm(root, { recursive: true, force: true }));
  const data = join(root, 'data');
  await mkdir(data, { mode: 0o700 });
  let ids: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    const su = systemUser(['postgres', 'nobody']);
    if (!su) throw new Error('running as root and no postgres or nobody user to run PostgreSQL as');
    await chmod(root, 0o711);
    await chown(data, su.uid, su.gid);
    ids = { uid: su.uid, gid: su.gid };
  }
  await runToCompletion({
    name: 'initdb',
    command: initdb,
    args: ['-D', data, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
    logFile: join(root, 'initdb.log'),
    cwd: root,
    ...ids,
    timeoutMs: 120_000,
  });

  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = startProcess({
      name: 'postgres',
      command: postgresBin,
      args: [
        '-D', data, '-p', String(port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
      ],
      logFile: join(root, 'postgres.log'),
      cwd: root,
      ...ids,
    });
    try {
      await proc.waitForLine(/database system is ready to accept connections/, 60_000);
    } catch (err) {
      lastErr = err;
      await proc.kill();
      if (/could not bind|Address already in use/.test(proc.tail())) continue;
      throw err;
    }
    opts.cleanup.defer(`stop PostgreSQL on 127.0.0.1:${port}`, async () => {
      await proc.stop(10_000, 'SIGINT');
    });
    const query = (sql: string, db = database) =>
      execFileSync(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-XAtqc', sql], {
        encoding: 'utf8',
        timeout: 30_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
    query(`CREATE DATABASE ${database}`, 'postgres');
    log(`postgres: ready on 127.0.0.1:${port} (database ${database}, throwaway dir ${root})`);
    return {
      host: '127.0.0.1',
      port,
      user,
      database,
      root,
      query,
      stop: async () => {
        await proc.stop(10_000, 'SIGINT');
      },
    };
  }
  throw lastErr instanceof Error ? lastErr : new Error('could not start PostgreSQL');
}
