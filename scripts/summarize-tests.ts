// Prints vitest's JSON results as one closing line, "vitest: N passed, N failed, N skipped", preceded by every tier
// skip with its reason (recorded by skipTier). Under CI=true a skip in a tier README.md claims runs here exits 1.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLAIMED_TIERS, parseSkips, skipReport, unexplainedSkips, type VitestResults } from '../test/support/tiers.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: summarize-tests.ts RESULTS.json [SKIPS.jsonl]');
const skipsFile = process.argv[3] ?? path.join(path.dirname(file), '.vitest-skips.jsonl');
let data: VitestResults;
try {
  data = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('vitest: 0 passed, 1 failed (no results file: the run did not finish)');
  process.exit(1);
}
const skips = existsSync(skipsFile) ? parseSkips(readFileSync(skipsFile, 'utf8'), skipsFile) : [];
const report = skipReport(skips);
for (const line of [...report.lines, ...unexplainedSkips(data, skips, process.cwd())]) console.log(line);
let rc = 0;
if (process.env.CI === 'true' && report.claimedSkips.length > 0) {
  const tiers = [...new Set(report.claimedSkips.map((s) => s.tier))].join(', ');
  console.log(`CI: README.md says these tiers run here, but they skipped: ${tiers} (claimed tiers: test/support/tiers.ts, ${CLAIMED_TIERS.length} entries)`);
  rc = 1;
}
console.log(`vitest: ${data.numPassedTests} passed, ${data.numFailedTests} failed, ${data.numPendingTests + data.numTodoTests} skipped`);
process.exit(rc);
