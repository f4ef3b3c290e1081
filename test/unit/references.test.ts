// References a user can follow: lint rules, messages and comments cite Flyte's sources at the v1.16.8 tag, an issue
// or PR, a URL, or a section of this repository's docs/ — never a document that is not in the repository.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../harness/lint/index.ts';
import { skipTier } from '../support/prereq.ts';

const ROOT = join(import.meta.dirname, '../..');
const SKIP_DIRS = new Set(['.git', 'node_modules', '.venv', '.cache', 'coverage', 'out', 'report']);

function repoFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...repoFiles(p));
    else if (st.isFile() && st.size < 2_000_000) out.push(p);
  }
  return out;
}

const SELF = relative(ROOT, import.meta.filename);
const textFiles = repoFiles()
  .map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }))
  .filter((f) => !f.text.includes('\u0000'));

/** GitHub's heading anchors: lowercased, punctuation dropped, spaces to dashes. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    anchors.add(m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return anchors;
}

// The section sign and the internal notes' names, built from parts so this file does not match itself.
const SECTION = String.fromCharCode(0xa7);
const INTERNAL = [new RegExp(SECTION), new RegExp(['facts', `(doc|document|${SECTION})`].join('[ -]?'), 'i'), new RegExp(['multicluster', 'facts'].join('-'), 'i'), new RegExp(['', 'work', 'shared', ''].join('/'))];

/** Upstream sources: flyteorg/flyte paths at the tag (with lines for code), other modules at their version. */
const FLYTE_PATH = /^(flyteadmin|flytestdlib|flytectl|flytepropeller|flyteidl|charts\/flyte-core|docs\/deployment)\/[\w./-]+(:\d+(-\d+)?(,\d+(-\d+)?)*)?$/;
const MODULE_PATH = /^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+ [\w./-]+:\d+(-\d+)?$/;
const ISSUE = /^[\w.-]+\/[\w.-]+( PR)? #?\d+$|^[\w.-]+\/[\w.-]+#\d+$/;
const URL = /^https:\/\/\S+$/;
const OUR_DOC = /^docs\/[\w-]+\.md#[\w-]+$/;

function docAnchorProblem(ref: string): string | undefined {
  const [file, anchor] = ref.split('#') as [string, string];
  const p = join(ROOT, file);
  if (!existsSync(p)) return `${ref}: ${file} does not exist`;
  if (!anchorsOf(readFileSync(p, 'utf8')).has(anchor)) return `${ref}: ${file} has no heading with anchor #${anchor}`;
  return undefined;
}

function refProblem(ref: string): string | undefined {
  if (OUR_DOC.test(ref)) return docAnchorProblem(ref);
  if (FLYTE_PATH.test(ref) || MODULE_PATH.test(ref) || ISSUE.test(ref) || URL.test(ref)) return undefined;
  return `${ref}: neither an upstream path, an issue/PR, a URL nor a docs/ anchor`;
}

describe('references', () => {
  it('no file cites a document the repository does not have', () => {
    const hits = textFiles.flatMap((f) =>
      f.text.split('\n').flatMap((line, i) => (INTERNAL.some((re) => re.test(line)) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('every lint rule cites at least one followable reference', () => {
    const problems = rules.flatMap((r) => (r.ref.length === 0 ? [`${r.code}: no reference`] : r.ref.flatMap((x) => refProblem(x) ?? []).map((p) => `${r.code}: ${p}`)));
    expect(problems).toEqual([]);
  });

  it('every docs/*.md#anchor cited anywhere exists', () => {
    const cited = new Set(textFiles.filter((f) => f.path !== SELF).flatMap((f) => [...f.text.matchAll(/\bdocs\/[\w-]+\.md#[\w-]+/g)].map((m) => m[0])));
    expect(cited.size).toBeGreaterThan(10);
    expect([...cited].flatMap((c) => docAnchorProblem(c) ?? [])).toEqual([]);
  });

  it('the reference checker rejects what a user cannot follow', () => {
    expect(refProblem(`${SECTION}1.5`)).toBeDefined();
    expect(refProblem('guide (IAM roles)')).toBeDefined();
    expect(refProblem('docs/flyte-behaviour.md#no-such-section')).toMatch(/no heading/);
    expect(refProblem('flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go:86-159')).toBeUndefined();
    expect(refProblem('flyteorg/flyte PR #3993')).toBeUndefined();
    expect(refProblem('docs/flyte-behaviour.md#label-case')).toBeUndefined();
  });

  // The chart and the guide live in flyteorg/flyte's root module; when `go mod download` has fetched it, every cited
  // line range must lie inside the cited file.
  const moduleDir = join(process.env['GOMODCACHE'] ?? join(homedir(), 'go/pkg/mod'), 'github.com/flyteorg/flyte@v1.16.8');
  const missing = existsSync(join(moduleDir, 'charts/flyte-core')) ? undefined : `${moduleDir} not downloaded (go mod download github.com/flyteorg/flyte@v1.16.8)`;
  it.skipIf(skipTier('chart and guide line references', missing))('chart and guide references point inside the files at v1.16.8', () => {
    const cited = new Set<string>();
    for (const f of textFiles) for (const m of f.text.matchAll(/\b((?:charts\/flyte-core|docs\/deployment)\/[\w./-]+\.(?:yaml|rst|tpl))(?::([\d,-]+))?/g)) cited.add(`${m[1]}:${m[2] ?? ''}`);
    for (const r of rules) for (const x of r.ref) if (/^(charts|docs\/deployment)\//.test(x)) cited.add(x.includes(':') ? x : `${x}:`);
    const problems: string[] = [];
    for (const c of cited) {
      const [file, lines] = c.split(':') as [string, string];
      const p = join(moduleDir, file);
      if (!existsSync(p)) {
        problems.push(`${file} is not in flyteorg/flyte v1.16.8`);
        continue;
      }
      const count = readFileSync(p, 'utf8').split('\n').length;
      const highest = Math.max(0, ...lines.split(/[,-]/).filter(Boolean).map(Number));
      if (highest > count) problems.push(`${c}: ${file} has ${count} lines`);
    }
    expect(cited.size).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});
