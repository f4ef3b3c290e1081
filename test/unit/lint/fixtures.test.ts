// One fixture directory per rule (test/fixtures/lint/<CODE>/) plus the guide's literal examples. Expected findings
// are written next to the input: a YAML comment `# expect CODE PATH` on the line that must be reported, or a line
// `FILE:LINE CODE PATH` in expect.txt (JSON and shell files have no comments lint could ignore).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/errors.ts';
import { lintArtifacts, rules, type ArtifactFile, type Finding } from '../../../harness/lint/index.ts';

const ROOT = join(import.meta.dirname, '../../fixtures/lint');

interface Expected {
  code: string;
  file: string;
  line: number;
  path: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function load(dir: string): { files: ArtifactFile[]; expected: Expected[] } {
  const files: ArtifactFile[] = [];
  const expected: Expected[] = [];
  for (const p of walk(dir).sort()) {
    const rel = relative(dir, p);
    const content = readFileSync(p, 'utf8');
    if (rel === 'expect.txt') {
      for (const l of content.split('\n').filter((x) => x.trim() !== '')) {
        const m = /^(\S+):(\d+) (FMC\d+) (.+)$/.exec(l);
        if (!m) throw new Error(`bad expect line: ${l}`);
        expected.push({ file: m[1] as string, line: Number(m[2]), code: m[3] as string, path: m[4] as string });
      }
      continue;
    }
    content.split('\n').forEach((l, i) => {
      const m = /# expect (FMC\d+) (\S+)\s*$/.exec(l);
      if (m) expected.push({ file: rel, line: i + 1, code: m[1] as string, path: m[2] as string });
    });
    files.push({ path: rel, content });
  }
  return { files, expected };
}

const show = (fs: Finding[]) => fs.map((f) => `${f.file}:${f.line ?? '-'} ${f.code} ${f.path}`).join('\n');

const ruleDirs = readdirSync(ROOT).filter((d) => /^FMC\d+$/.test(d));

describe('lint fixtures: one per rule', () => {
  it('every rule has a fixture directory, and every fixture directory a rule', () => {
    expect(ruleDirs.sort()).toEqual(rules.map((r) => r.code).sort());
  });

  it.each(ruleDirs)('%s fires with file, path and line', (code) => {
    const { files, expected } = load(join(ROOT, code));
    expect(expected.some((e) => e.code === code), 'fixture declares its own code').toBe(true);
    const findings = lintArtifacts(files);
    for (const e of expected) {
      const hit = findings.find((f) => f.code === e.code && f.file === e.file && f.path === e.path && f.line === e.line);
      expect(hit, `expected ${e.file}:${e.line} ${e.code} ${e.path}\nfound:\n${show(findings)}`).toBeDefined();
    }
    const rule = rules.find((r) => r.code === code);
    for (const f of findings.filter((x) => x.code === code)) {
      expect([rule?.severity, rule?.lower?.severity]).toContain(f.severity);
      expect(f.hint).toBe(rule?.hint);
    }
  });

  it('the clean fixture (every kind of artifact, done right) has no findings', () => {
    const { files } = load(join(ROOT, 'clean'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    const findings = lintArtifacts(files);
    expect(show(findings)).toBe('');
  });
});

describe('lint fixtures: the guide as written', () => {
  it.each(['guide', 'guide-day2'])('%s produces the guide-error findings', (dir) => {
    const { files, expected } = load(join(ROOT, dir));
    const findings = lintArtifacts(files);
    for (const e of expected) {
      const hit = findings.find((f) => f.code === e.code && f.file === e.file && f.path === e.path && f.line === e.line);
      expect(hit, `expected ${e.file}:${e.line} ${e.code} ${e.path}\nfound:\n${show(findings)}`).toBeDefined();
    }
  });

  it('the guide mixes up labels and projects: value "project1" is no label (multicluster.rst:497-500)', () => {
    const { files } = load(join(ROOT, 'guide'));
    const f = lintArtifacts(files).find((x) => x.code === 'FMC301');
    expect(f?.message).toContain('label "project1" is not in labelClusterMap');
    expect(f?.message).toContain('every enabled cluster');
  });

  it('the guide\'s day-1 data-plane trust policy is not valid JSON', () => {
    const file = 'dataplane-trust-policy.json';
    const content = readFileSync(join(ROOT, 'guide-malformed', file), 'utf8');
    let err: unknown;
    try {
      lintArtifacts([{ path: file, content }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location.file).toBe(file);
    expect((err as InputError).message).toMatch(/^invalid JSON/);
  });

  it('the guide\'s day-2 values block does not parse as YAML, copied literally (multicluster.rst:636-659)', () => {
    const file = 'values-override-day2.yaml';
    const content = readFileSync(join(ROOT, 'guide-malformed', file), 'utf8');
    let err: unknown;
    try {
      lintArtifacts([{ path: file, content, kind: 'values' }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location).toMatchObject({ file });
    expect((err as InputError).location.line).toBeGreaterThan(0);
  });
});
