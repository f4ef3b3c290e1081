// `npm run bench`: runs every bench/*.ts module that exports run(), in name order, in one process,
// so figures and ratios printed side by side come from the same machine and moment.
import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';

const only = process.argv.slice(2);
const here = import.meta.dirname;
const modules = (await readdir(here))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.includes(basename(f, '.ts')))
  .sort();
let failed = 0;
for (const file of modules) {
  const mod = (await import(`./${file}`)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') continue;
  console.log(`\n=== bench/${file}`);
  try {
    await mod.run();
  } catch (err) {
    failed++;
    console.log(`bench/${file} failed: ${(err as Error).message}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
