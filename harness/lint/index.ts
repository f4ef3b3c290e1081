// flyte-mc lint: checks rendered or hand-written multi-cluster artifacts against what FlyteAdmin, the flyte-core
// chart, flytectl and IAM actually do (docs/flyte-behaviour.md). Pure: callers read the files.
import type { OutputFile } from '../fsutil.ts';
import { render } from '../render/index.ts';
import type { Topology } from '../topology/index.ts';
import { buildInput, type ArtifactFile } from './input.ts';
import { rules } from './rules/index.ts';
import type { Finding, LintInput, Rule, Severity } from './types.ts';

export interface LintOptions {
  /** Rules to run (default: all). */
  rules?: readonly Rule[];
  /** Context for rules that compare against the topology (lintTopology sets it). */
  topology?: Topology;
}

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** Deterministic order: file, line, code, path, message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (x, y) => cmp(x.file, y.file) || cmp(x.line ?? 0, y.line ?? 0) || cmp(x.code, y.code) || cmp(x.path, y.path) || cmp(x.message, y.message),
  );
}

export function runRules(input: LintInput, ruleSet: readonly Rule[] = rules): Finding[] {
  return sortFindings(ruleSet.flatMap((r) => r.check(input)));
}

/** Lints artifact files; kinds come from the files or are detected from path and content. Malformed files throw InputError. */
export function lintArtifacts(files: readonly ArtifactFile[], opts: LintOptions = {}): Finding[] {
  return runRules(buildInput(files, opts.topology), opts.rules);
}

const RENDER_KINDS: [RegExp, ArtifactFile['kind']][] = [
  [/^iam\/permissions-policy\.json$/, 'iam-policy'],
  [/^iam\/.*trust-policy\.json$/, 'trust-policy'],
  [/^controlplane\/values-.*\.yaml$/, 'values'],
  [/^controlplane\/cluster-credentials\.yaml$/, 'secret'],
  [/^dataplanes\/[^/]+\/values-dataplane\.yaml$/, 'dataplane-values'],
  [/^dataplanes\/[^/]+\/token-secret\.yaml$/, 'token-secret'],
  [/^ecl\/.*\.yaml$/, 'ecl'],
  [/^(COMMANDS\.md|commands\.sh)$/, 'commands'],
];

/** Kinds of render()'s paths, in the order Helm sees the control-plane values (values-controlplane before the override). */
export function renderedArtifacts(files: readonly OutputFile[]): ArtifactFile[] {
  const out = files.map((f) => {
    const kind = RENDER_KINDS.find(([re]) => re.test(f.path))?.[1];
    return kind ? { path: f.path, content: f.content, kind } : { path: f.path, content: f.content };
  });
  const rank = (p: string) => (p === 'controlplane/values-controlplane.yaml' ? 0 : p === 'controlplane/values-override.yaml' ? 1 : 2);
  return out.sort((a, b) => rank(a.path) - rank(b.path));
}

/** lintArtifacts(render(t)), with the topology as context (so IAM rules can name missing clusters). */
export function lintTopology(t: Topology, opts: Omit<LintOptions, 'topology'> = {}): Finding[] {
  return lintArtifacts(renderedArtifacts(render(t)), { ...opts, topology: t });
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const n: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity]++;
  return n;
}

/** `file:line: severity CODE path: message (hint: ...)`, one per line, then a summary line. */
export function formatText(findings: readonly Finding[], fileCount?: number): string {
  const lines = sortFindings(findings).map((f) => `${f.file}${f.line !== undefined ? `:${f.line}` : ''}: ${f.severity} ${f.code} ${f.path}: ${f.message} (hint: ${f.hint})`);
  const n = countBySeverity(findings);
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const files = fileCount !== undefined ? ` in ${plural(fileCount, 'file')}` : '';
  lines.push(findings.length === 0 ? `no findings${files}` : `${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}, ${n.info} info${files}`);
  return `${lines.join('\n')}\n`;
}

export function formatJson(findings: readonly Finding[]): string {
  const rows = sortFindings(findings).map((f) => {
    const row: Record<string, unknown> = { code: f.code, severity: f.severity, message: f.message, file: f.file, path: f.path, hint: f.hint };
    if (f.line !== undefined) row.line = f.line;
    return row;
  });
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export { rules } from './rules/index.ts';
export { buildInput, detectKind, type ArtifactFile } from './input.ts';
export type { ArtifactKind, Finding, LintInput, Rule, Severity } from './types.ts';
export { SEVERITY_POLICY } from './types.ts';
