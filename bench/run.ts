// `npm run bench`: runs the registered benchmarks in order, in one process, so figures and ratios printed side by
// side come from the same machine and moment, then prints one summary table of every row they added.
// Add a benchmark with one line in BENCHES: a module exporting run(ctx) that calls ctx.row(...) per figure.
// `npm run bench -- NAME...` runs only those.
import { formatTable, type BenchContext, type Row } from './table.ts';

type BenchModule = { run(ctx: BenchContext): Promise<void> };

const BENCHES: { name: string; load: () => Promise<BenchModule> }[] = [
  { name: 'startup', load: () => import('./startup.ts') },
  { name: 'placement', load: () => import('./placement.ts') },
  { name: 'sim', load: () => import('./sim.ts') },
  { name: 'process', load: () => import('./process.ts') },
  { name: 'chart', load: () => import('./chart.ts') },
  { name: 'propeller', load: () => import('./propeller.ts') },
  { name: 'up', load: () => import('./up.ts') },
  { name: 'iam', load: () => import('./iam.ts') },
  { name: 'lint', load: () => import('./lint.ts') },
  { name: 'real-admin', load: () => import('./real-admin.ts') },
];

const only = process.argv.slice(2);
const unknown = only.filter((n) => !BENCHES.some((b) => b.name === n));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')} (have: ${BENCHES.map((b) => b.name).join(', ')})`);
  process.exit(2);
}
const rows: Row[] = [];
const ctx: BenchContext = { row: (r) => void rows.push(r) };
let failed = 0;
for (const b of BENCHES.filter((x) => only.length === 0 || only.includes(x.name))) {
  console.log(`\n=== bench/${b.name}.ts`);
  try {
    await (await b.load()).run(ctx);
  } catch (err) {
    failed++;
    console.log(`bench/${b.name}.ts failed: ${(err as Error).message}`);
    rows.push({ what: `${b.name}`, figure: 'FAILED', anchor: (err as Error).message.split('\n')[0]!.slice(0, 60) });
  }
}
const os = await import('node:os');
console.log(`\n=== summary (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)} at the end, Node ${process.version})\n${formatTable(rows)}`);
process.exitCode = failed > 0 ? 1 : 0;
