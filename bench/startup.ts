// CLI start-up: whole-process runs (Node start, module loading, the command, exit), repeated; min and median.
// The anchor in the same run is the same command with what the CLI used to load before every command: all command
// modules and the libraries `iam` imported at the top (AWS SDK, testcontainers through LocalStack, jose).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { starterTopologyYaml } from '../harness/topology/index.ts';
import { median, secs, type BenchContext } from './table.ts';

const root = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);
const TARGET = 0.3;
/** `flyte-mc place --topology t.yaml --label label1 a` before commands loaded lazily (issue 15, 2 cores). */
const PREVIOUS_PLACE = 1.38;

const eagerModules = [
  ...['init', 'render', 'lint', 'schema', 'place', 'distribution', 'diff', 'iam', 'run'].map((c) => `harness/cli/commands/${c}.ts`),
  'harness/iam/aws.ts',
  'harness/iam/evaluate.ts',
  'harness/iam/jwks.ts',
  'mocks/moto.ts',
  'mocks/localstack.ts',
].map((f) => pathToFileURL(path.join(root, f)).href);
eagerModules.push(import.meta.resolve('jose'));
const eagerImport = `data:text/javascript,await Promise.all(${JSON.stringify(eagerModules)}.map((u) => import(u)));`;

function times(runs: number, argsFor: () => string[], pre: string[] = []): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const args = argsFor();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...pre, path.join(root, 'harness/cli/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`flyte-mc ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().split('\n')[0]}`);
    out.push(s);
  }
  return out;
}

function nodeAlone(): number[] {
  return Array.from({ length: RUNS }, () => {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  });
}

export async function run(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'flyte-mc-bench-startup-'));
  try {
    const topo = path.join(dir, 'flyte-mc.yaml');
    writeFileSync(topo, starterTopologyYaml({ dataPlanes: 3 }));
    let n = 0;
    const commands: { name: string; args: () => string[] }[] = [
      { name: '--help', args: () => ['--help'] },
      { name: 'place', args: () => ['place', '--topology', topo, '--label', 'label1', 'a'] },
      { name: 'lint', args: () => ['lint', '--topology', topo] },
      { name: 'render', args: () => ['render', '--topology', topo, '--out', path.join(dir, `out-${n++}`)] },
      { name: 'distribution', args: () => ['distribution', '--topology', topo, '--label', 'label1', '--samples', '1000'] },
      { name: 'diff', args: () => ['diff', '--before', topo, '--after', topo, '--samples', '1000'] },
    ];
    const bare = nodeAlone().sort((a, b) => a - b);
    console.log(`node -e 0: min ${secs(bare[0]!)}, median ${secs(median(bare))} (${RUNS} runs)`);
    for (const c of commands) {
      const lazy = times(RUNS, c.args);
      const eager = times(Math.max(3, RUNS >> 1), c.args, ['--import', eagerImport]);
      const min = Math.min(...lazy);
      const eagerMin = Math.min(...eager);
      console.log(`flyte-mc ${c.name}: min ${secs(min)}, median ${secs(median(lazy))}; with every command loaded first (as before): min ${secs(eagerMin)}, median ${secs(median(eager))}`);
      ctx.row({
        what: `start-up: flyte-mc ${c.name}`,
        figure: `${secs(min)} min, ${secs(median(lazy))} med`,
        anchor: `all commands loaded (as before) ${secs(eagerMin)} min${c.name === 'place' ? `; before: ${secs(PREVIOUS_PLACE)}` : ''}`,
        ratio: min / eagerMin,
        target: `< ${TARGET} s`,
        met: min < TARGET,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
