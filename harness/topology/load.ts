// Reads flyte-mc.yaml into a validated Topology. Every problem becomes one InputError naming file, field and line.
import { LineCounter, parseDocument, isMap, isScalar, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.ts';
import { readInputFile } from '../fsutil.ts';
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

/** Resource limits of YAML input: a file this large or an alias count this high is refused, not processed. */
export const MAX_YAML_CHARS = 64 * 2 ** 20;
export const MAX_ALIAS_COUNT = 100;

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

  /**
   * Parses YAML text: the one place user YAML is parsed. Syntax errors, duplicate keys, several documents where one
   * is expected, and resource limits (size, aliases) become an InputError with the file and line.
   */
  static parse(text: string, file: string): YamlSource {
    if (text.length > MAX_YAML_CHARS) {
      throw new InputError(`is ${(text.length / 2 ** 20).toFixed(1)} MiB; YAML input is limited to ${MAX_YAML_CHARS / 2 ** 20} MiB`, { file });
    }
    const lines = new LineCounter();
    // Unique keys are checked below in one pass: the library's own check compares each key with every other (O(n²)).
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: true });
    const first = doc.errors[0];
    if (first) {
      const pos = first.linePos?.[0];
      const msg =
        first.code === 'MULTIPLE_DOCS'
          ? 'holds more than one YAML document (a "---" line in the middle); this file must be a single document'
          : `invalid YAML: ${(first.message.split('\n')[0] ?? first.message).replace(/ at line \d+, column \d+:?$/, '')}`;
      throw new InputError(msg, { file, line: pos?.line, column: pos?.col });
    }
    const src = new YamlSource(file, doc, lines);
    src.checkUniqueKeys();
    return src;
  }

  private position(node: Node | undefined): { line?: number; column?: number } {
    if (!node?.range) return {};
    const { line, col } = this.lines.linePos(node.range[0]);
    return { line, column: col };
  }

  private checkUniqueKeys(): void {
    visit(this.doc, {
      Map: (_key, map) => {
        const seen = new Set<unknown>();
        for (const item of map.items) {
          const k = isScalar(item.key) ? item.key.value : item.key;
          if (seen.has(k)) {
            throw new InputError(`invalid YAML: Map keys must be unique (duplicate key ${JSON.stringify(String(k))})`, { file: this.file, ...this.position(item.key as Node) });
          }
          seen.add(k);
        }
      },
    });
  }

  /** The plain data; an alias bomb (aliases expanding too often) is an InputError at the first alias. */
  toJS(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      if (!(err instanceof ReferenceError) || !/alias/i.test(err.message)) throw err;
      let at: Node | undefined;
      visit(this.doc, {
        Alias: (_k, node) => {
          at = node as unknown as Node;
          return visit.BREAK;
        },
      });
      throw new InputError(`its aliases (*name) expand too often (limit ${MAX_ALIAS_COUNT} per anchor; an alias bomb?)`, { file: this.file, ...this.position(at) });
    }
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
  return parseTopology(await readInputFile(file), file);
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

/** Parses JSON input; a syntax error is an InputError with the file, line and column. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    let line: number | undefined;
    let column: number | undefined;
    if (lc) {
      line = Number(lc[1]);
      column = Number(lc[2]);
    } else if (pos) {
      const before = text.slice(0, Number(pos[1])).split('\n');
      line = before.length;
      column = (before[before.length - 1] as string).length + 1;
    } else if (/^Unexpected token '(.+?)'/.test(msg)) {
      // No position in this V8 message: the first occurrence of the token is where it went wrong in practice.
      const i = Math.max(0, text.indexOf(/^Unexpected token '(.+?)'/.exec(msg)![1]!));
      const before = text.slice(0, i).split('\n');
      line = before.length;
      column = (before[before.length - 1] as string).length + 1;
    } else if (/Unexpected end of JSON input/.test(msg)) {
      const all = text.split('\n');
      line = all.length;
      column = (all[all.length - 1] as string).length + 1;
    }
    // V8 quotes the text around the error ("...eyJ..." is not valid JSON): never echo input, it may be a token.
    const what = msg
      .replace(/,\s*".*" is not valid JSON$/s, '')
      .replace(/ in JSON at position.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '')
      .replace(/^Unexpected token '([^']*)'/, (_m, c: string) => (/^[\x21-\x7e]$/.test(c) ? `Unexpected token '${c}'` : 'Unexpected character'));
    throw new InputError(`invalid JSON: ${what}`, { file, line, column });
  }
}
