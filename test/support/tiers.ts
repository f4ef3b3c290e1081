// The tiers README.md's Tests section says run here, in one list. Under CI=true a skip in one of them fails the run
// (scripts/summarize-tests.ts). Adding a tier is one line: its README row name, what the README claims, and the
// skipTier names that belong to it.
import { appendFileSync } from 'node:fs';

export interface ClaimedTier {
  /** The tier's row in README.md's Tests table, as written there. */
  readme: string;
  /** What the README promises that tier runs. */
  claim: string;
  /** Recognises the first argument of skipTier(...) for tests of this tier. */
  skips: RegExp;
}

export const CLAIMED_TIERS: readonly ClaimedTier[] = [
  { readme: 'placement oracle', claim: '12,000 random cases, TypeScript vs Flyte\'s own code', skips: /^placement oracle/ },
  { readme: 'moto', claim: 'the IAM suite: `iam apply` idempotence, day 2, prune, policy versions, `iam check`', skips: /^moto\b|\(moto\)$/ },
  { readme: 'LocalStack', claim: 'the same IAM suite against LocalStack\'s host process', skips: /^LocalStack$|\(LocalStack\)$/ },
  { readme: 'process', claim: 'the guide\'s wiring on real API servers, scenarios, real-token IAM cases, cleanup', skips: /^process backend|\(process backend\)$/ },
  { readme: 'container, helm', claim: 'container backend and its scenarios, kubeconfig backend, cleanup', skips: /^container backend|on container clusters$|\(container clusters\)$/ },
  { readme: 'container, helm', claim: 'helm template + lint, helm install', skips: /^helm\b/ },
  { readme: 'chart', claim: 'each chart-vs-model divergence against the real chart', skips: /^chart\b|\(chart\)$/ },
  { readme: 'real propeller', claim: 'the guide, day 2 and #1929 on real flytepropeller; propeller\'s compiler behind AdminService', skips: /^flytepropeller\b|^real propeller\b/ },
  { readme: 'flytekit', claim: 'flytekit and pyflyte against `flyte-mc up` on sim and on the process backend', skips: /^flytekit\b/ },
];

export interface RecordedSkip {
  tier: string;
  reason: string;
  /** The test file that skipped, when known. */
  file?: string;
}

/** Where skipTier records skips: set by scripts/test.sh (.vitest-skips.jsonl next to .vitest-results.json). */
export const SKIPS_FILE_ENV = 'FLYTE_MC_SKIPS_FILE';

export function recordSkip(skip: RecordedSkip): void {
  const file = process.env[SKIPS_FILE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(skip)}\n`);
}

export function claimedTierOf(tier: string): ClaimedTier | undefined {
  return CLAIMED_TIERS.find((t) => t.skips.test(tier));
}

/** Parses the skips file (one JSON object per line); lines that are not skips are refused by name. */
export function parseSkips(text: string, file: string): RecordedSkip[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const v = JSON.parse(line) as Partial<RecordedSkip>;
      if (typeof v.tier !== 'string' || typeof v.reason !== 'string') throw new Error(`${file}:${i + 1}: not a recorded skip: ${line}`);
      return { tier: v.tier, reason: v.reason, ...(typeof v.file === 'string' ? { file: v.file } : {}) };
    });
}

export interface SkipReport {
  lines: string[];
  /** Skips in tiers the README claims run here. */
  claimedSkips: RecordedSkip[];
}

/** Every skip with its reason (deduplicated: a tier checked by several files is listed once per reason). */
export function skipReport(skips: readonly RecordedSkip[]): SkipReport {
  const seen = new Set<string>();
  const lines: string[] = [];
  const claimedSkips: RecordedSkip[] = [];
  for (const s of skips) {
    const key = `${s.tier}\0${s.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const claimed = claimedTierOf(s.tier);
    if (claimed) claimedSkips.push(s);
    lines.push(`skipped ${s.tier}${claimed ? ` [README tier "${claimed.readme}"]` : ''}: ${s.reason}`);
  }
  return { lines, claimedSkips };
}

/** vitest's JSON results, as far as the summary reads them. */
export interface VitestResults {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults?: { name: string; assertionResults?: { status: string }[] }[];
}

/** Files whose skipped tests no skipTier call explains (a bare it.skip or skipIf), so they are listed too. */
export function unexplainedSkips(results: VitestResults, skips: readonly RecordedSkip[], root: string): string[] {
  const explained = new Set(skips.flatMap((s) => (s.file ? [s.file] : [])));
  return (results.testResults ?? []).flatMap((f) => {
    const n = (f.assertionResults ?? []).filter((a) => a.status === 'pending' || a.status === 'skipped' || a.status === 'todo').length;
    const file = f.name.startsWith(`${root}/`) ? f.name.slice(root.length + 1) : f.name;
    return n > 0 && !explained.has(file) ? [`skipped ${n} test(s) in ${file}: no reason recorded (not through skipTier)`] : [];
  });
}
