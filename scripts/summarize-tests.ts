// Prints vitest's JSON results as one closing line: "vitest: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: summarize-tests.ts RESULTS.json');
let data: { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
try {
  data = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('vitest: 0 passed, 1 failed (no results file: the run did not finish)');
  process.exit(1);
}
console.log(`vitest: ${data.numPassedTests} passed, ${data.numFailedTests} failed, ${data.numPendingTests + data.numTodoTests} skipped`);
