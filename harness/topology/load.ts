// Reads flyte-mc.yaml into a validated Topology. Every problem becomes one InputError naming file, field and line.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isScalar, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.ts';
import { TopologySchema, type Topology } from './schema.ts';

export type PathSegment = string | number;

/** `dataPlanes[1].endpoint` from `['dataPlanes', 1, 'endpoint']`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A parsed YAML document that can answer "which line is this field on". */
export class YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  private constructor(file: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  /** Parses YAML text; syntax errors and duplicate keys become an InputError with a line. */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
    const first = doc.errors[0];
    if (first) {
      const pos = first.linePos?.[0];
      const msg = (first.message.split('\n')[0] ?? first.message).replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`invalid YAML: ${msg}`, { file, line: pos?.line, column: pos?.col });
    }
    return new YamlSource(file, doc, lines);
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line of the value at `path`, or of its nearest existing ancestor. */
  lineOf(path: readonly PathSegment[], key?: string): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (!node) continue;
      if (key !== undefined && n === path.length && isMap(node)) {
        const item = node.items.find((it) => isScalar(it.key) && it.key.value === key);
        const range = (item?.key as Node | undefined)?.range;
        if (range) return this.lines.linePos(range[0]).line;
      }
      if (node.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  /** Turns the first zod issue into an InputError pointing at the offending field. */
  issueToError(issue: z.core.$ZodIssue): InputError {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      const full = formatPath([...path, key]);
      return new InputError(`unknown field "${key}"`, { file: this.file, path: full, line: this.lineOf(path, key) });
    }
    return new InputError(issue.message, { file: this.file, path: formatPath(path) || '(root)', line: this.lineOf(path) });
  }
}

/** Validates a parsed topology document; semantic checks that make the model unusable are errors here too. */
export function parseTopology(text: string, file = 'flyte-mc.yaml'): Topology {
  const src = YamlSource.parse(text, file);
  const raw = src.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('must be a YAML mapping with apiVersion, controlPlane, dataPlanes, labels and aws', { file, line: 1 });
  }
  const result = TopologySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (!issue) throw new InputError('invalid topology', { file });
    throw src.issueToError(issue);
  }
  checkNames(result.data, src);
  return result.data;
}

export async function loadTopology(file: string): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? 'error'})`, { file });
  }
  return parseTopology(text, file);
}

/** Cluster names must be unique: backends, credentials keys and the executions table are keyed by them. */
function checkNames(t: Topology, src: YamlSource): void {
  const seen = new Map<string, number>();
  const names = [...t.dataPlanes.map((d) => d.name)];
  t.dataPlanes.forEach((dp, i) => {
    const prev = seen.get(dp.name);
    if (prev !== undefined) {
      throw new InputError(`duplicate data plane name "${dp.name}" (also dataPlanes[${prev}])`, {
        file: src.file,
        path: `dataPlanes[${i}].name`,
        line: src.lineOf(['dataPlanes', i, 'name']),
      });
    }
    seen.set(dp.name, i);
  });
  if (t.controlPlane.runsWorkflows && seen.has(t.controlPlane.name)) {
    throw new InputError(`control plane name "${t.controlPlane.name}" is also a data plane name`, {
      file: src.file,
      path: 'controlPlane.name',
      line: src.lineOf(['controlPlane', 'name']),
    });
  }
  names.push(t.controlPlane.name);
  for (const cluster of Object.keys(t.aws.oidcProviders)) {
    if (!names.includes(cluster)) {
      throw new InputError(`no cluster named "${cluster}" (clusters: ${names.join(', ')})`, {
        file: src.file,
        path: formatPath(['aws', 'oidcProviders', cluster]),
        line: src.lineOf(['aws', 'oidcProviders'], cluster),
      });
    }
  }
}
