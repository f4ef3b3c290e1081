// The claimed-tier list, skipTier's record and the closing summary's CI verdict.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipTier } from '../../support/prereq.ts';
import { CLAIMED_TIERS, SKIPS_FILE_ENV, claimedTierOf, parseSkips, skipReport, unexplainedSkips } from '../../support/tiers.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'flyte-mc-tiers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function testFiles(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(path.join(d, e.name)) : e.name.endsWith('.test.ts') ? [path.join(d, e.name)] : [],
  );
}

/** Literal first arguments of skipTier(...) in the test files (template literals up to their first ${). */
const skipNames = testFiles(path.join(root, 'test')).flatMap((f) =>
  [...readFileSync(f, 'utf8').matchAll(/skipTier\(\s*(['`])([^'`$]+)/g)].map((m) => ({ file: path.relative(root, f), name: m[2]! })),
).filter((s) => !s.file.endsWith('tiers.test.ts'));

describe('claimed tiers', () => {
  it('each is a row of README.md\'s Tests table', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const tests = readme.slice(readme.indexOf('## Tests'), readme.indexOf('## Layout'));
    for (const t of CLAIMED_TIERS) expect(tests, t.readme).toContain(`| ${t.readme} |`);
  });

  it('each recognises at least one skipTier call in the suite, so none is dead', () => {
    for (const t of CLAIMED_TIERS) expect(skipNames.filter((s) => t.skips.test(s.name)).map((s) => s.file), t.claim).not.toEqual([]);
  });

  it('sorts the suite\'s tier names: claimed ones by README row, the ones README says skip here unclaimed', () => {
    const byName = new Map(skipNames.map((s) => [s.name, claimedTierOf(s.name)?.readme]));
    expect(byName.get('placement oracle')).toBe('placement oracle');
    expect(byName.get('moto')).toBe('moto');
    expect(byName.get('process backend cleanup')).toBe('process');
    expect(byName.get('iam with real service-account tokens (process backend)')).toBe('process');
    expect(byName.get('kubeconfig backend on container clusters')).toBe('container, helm');
    expect(byName.get('helm template')).toBe('container, helm');
    for (const unclaimed of ['k3s backend', 'real FlyteAdmin', 'docker compose up', 'LocalStack (']) {
      expect(byName.has(unclaimed), unclaimed).toBe(true);
      expect(byName.get(unclaimed), unclaimed).toBeUndefined();
    }
  });
});

describe('skipTier', () => {
  it('records tier, reason and the calling file where FLYTE_MC_SKIPS_FILE points; returns false with no reason', () => {
    const file = path.join(dir, 'skips.jsonl');
    const old = process.env[SKIPS_FILE_ENV];
    process.env[SKIPS_FILE_ENV] = file;
    try {
      expect(skipTier('process backend', undefined)).toBe(false);
      expect(skipTier('process backend', 'kube-lite is absent')).toBe(true);
    } finally {
      if (old === undefined) delete process.env[SKIPS_FILE_ENV];
      else process.env[SKIPS_FILE_ENV] = old;
    }
    expect(parseSkips(readFileSync(file, 'utf8'), file)).toEqual([
      { tier: 'process backend', reason: 'kube-lite is absent', file: 'test/unit/support/tiers.test.ts' },
    ]);
  });
});

describe('summarize-tests.ts', () => {
  const results = path.join(dir, 'results.json');
  writeFileSync(results, JSON.stringify({ numPassedTests: 7, numFailedTests: 0, numPendingTests: 2, numTodoTests: 0 }));
  const summarize = (skips: object[], ci: boolean) => {
    const skipsFile = path.join(dir, `skips-${skips.length}-${ci}.jsonl`);
    writeFileSync(skipsFile, skips.map((s) => `${JSON.stringify(s)}\n`).join(''));
    const env = { ...process.env, CI: ci ? 'true' : '' };
    return spawnSync(process.execPath, [path.join(root, 'scripts/summarize-tests.ts'), results, skipsFile], { env, encoding: 'utf8' });
  };
  const claimed = { tier: 'placement oracle', reason: 'placement-oracle is absent (needs Go)' };
  const unclaimed = { tier: 'k3s backend', reason: 'no k3s image' };

  it('under CI=true a claimed tier\'s skip fails the run, after listing every skip with its reason', () => {
    const r = summarize([claimed, unclaimed, claimed], true);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'skipped placement oracle [README tier "placement oracle"]: placement-oracle is absent (needs Go)',
      'skipped k3s backend: no k3s image',
      `CI: README.md says these tiers run here, but they skipped: placement oracle (claimed tiers: test/support/tiers.ts, ${CLAIMED_TIERS.length} entries)`,
      'vitest: 7 passed, 0 failed, 2 skipped',
      '',
    ]);
  });

  it('passes under CI=true when only unclaimed tiers skipped, and outside CI whatever skipped', () => {
    expect(summarize([unclaimed], true).status).toBe(0);
    const local = summarize([claimed], false);
    expect(local.status).toBe(0);
    expect(local.stdout).toContain('skipped placement oracle [README tier "placement oracle"]: placement-oracle is absent');
  });

  it('also lists files whose skips no skipTier call explains', () => {
    const results = {
      numPassedTests: 1, numFailedTests: 0, numPendingTests: 3, numTodoTests: 0,
      testResults: [
        { name: '/repo/test/integration/a.test.ts', assertionResults: [{ status: 'skipped' }, { status: 'skipped' }] },
        { name: '/repo/test/integration/b.test.ts', assertionResults: [{ status: 'skipped' }, { status: 'passed' }] },
        { name: '/repo/test/unit/c.test.ts', assertionResults: [{ status: 'passed' }] },
      ],
    };
    expect(unexplainedSkips(results, [{ tier: 'k3s backend', reason: 'no image', file: 'test/integration/b.test.ts' }], '/repo')).toEqual([
      'skipped 2 test(s) in test/integration/a.test.ts: no reason recorded (not through skipTier)',
    ]);
  });

  it('lists each tier and reason once', () => {
    expect(skipReport([claimed, claimed, unclaimed]).lines).toHaveLength(2);
  });
});
