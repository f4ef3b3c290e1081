// Locates the Go placement oracle (tools/placement-oracle, built by scripts/setup.d/20-placement-oracle.sh) and
// runs it. Flyte's own flytestdlib code answers; see tools/placement-oracle/main.go.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../../harness/cache.ts';

export function placementOraclePath(): string {
  return path.join(cacheDir(), 'bin', 'placement-oracle');
}

/** undefined when the oracle binary is present, else why not. */
export function placementOracleMissing(): string | undefined {
  const bin = placementOraclePath();
  return existsSync(bin) ? undefined : `${bin} is absent (run scripts/setup.d/20-placement-oracle.sh; needs Go)`;
}

export interface OracleCase {
  name: string;
  entries: { id: string; weight: number }[];
}

/** One oracle process for the whole batch. */
export function oracleBatch(cases: readonly OracleCase[]): (string | { error: string })[] {
  const out = execFileSync(placementOraclePath(), ['batch'], {
    input: JSON.stringify(cases),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  return JSON.parse(out) as (string | { error: string })[];
}

export interface OracleBench {
  placements: number;
  seconds: number;
  perSecond: number;
  microsPerCall: number;
  counts: Record<string, number>;
}

export function oracleBench(n: number): OracleBench {
  const r = spawnSync(placementOraclePath(), ['bench', String(n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`placement-oracle bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleBench;
}
