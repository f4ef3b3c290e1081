// Parsing and validating IAM policy documents (permissions and trust policies) the way IAM's own validator would
// reject them: malformed JSON, unknown elements, unknown condition operators and wrongly typed values become one
// PolicyDocumentError naming the document, the element path and (for JSON syntax errors) the line and column.
// Pure: no I/O.
import { InputError } from '../errors.ts';

export type ConditionValues = readonly string[];

/** A statement in normal form: single values become one-element lists, condition values become strings. */
export interface ParsedStatement {
  index: number;
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  /** `'*'` for `"Principal": "*"`, else principal type → values. */
  Principal?: '*' | Readonly<Record<string, readonly string[]>>;
  NotPrincipal?: '*' | Readonly<Record<string, readonly string[]>>;
  Action?: readonly string[];
  NotAction?: readonly string[];
  Resource?: readonly string[];
  NotResource?: readonly string[];
  /** operator (as written) → key (as written) → values. */
  Condition: Readonly<Record<string, Readonly<Record<string, ConditionValues>>>>;
}

export interface ParsedPolicy {
  Version: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: readonly ParsedStatement[];
}

export class PolicyDocumentError extends InputError {
  constructor(message: string, where: { file?: string; path?: string; line?: number; column?: number } = {}) {
    super(message, where);
    this.name = 'PolicyDocumentError';
  }
}

/** Condition operator families IAM accepts. Each may take `ForAnyValue:`/`ForAllValues:` and `IfExists`. */
export const CONDITION_OPERATORS: readonly string[] = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress',
  'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike',
];

export interface OperatorParts {
  set?: 'ForAnyValue' | 'ForAllValues';
  base: string;
  ifExists: boolean;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts; undefined when IAM would reject the operator. */
export function parseOperator(op: string): OperatorParts | undefined {
  let rest = op;
  let set: OperatorParts['set'];
  const m = /^(ForAnyValue|ForAllValues):(.*)$/.exec(rest);
  if (m) {
    set = m[1] as OperatorParts['set'];
    rest = m[2]!;
  }
  if (rest === 'Null') return set ? undefined : { base: 'Null', ifExists: false };
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  if (!CONDITION_OPERATORS.includes(rest)) return undefined;
  return { ...(set ? { set } : {}), base: rest, ifExists };
}

function suggestOperator(op: string): string {
  const bare = op.replace(/^(ForAnyValue|ForAllValues):/i, '').replace(/IfExists$/i, '').toLowerCase();
  const hit = [...CONDITION_OPERATORS, 'Null'].find((o) => o.toLowerCase() === bare);
  if (hit) return ` (operator names are case-sensitive: did you mean "${hit}"?)`;
  const near = [...CONDITION_OPERATORS, 'Null'].find((o) => editDistance(o.toLowerCase(), bare) <= 2);
  return near ? ` (did you mean "${near}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** JSON.parse with the error turned into a PolicyDocumentError with line and column. */
export function parseJsonDocument(text: string, file = 'policy document'): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    const lc = /\(line (\d+) column (\d+)\)/.exec(msg);
    const end = /end of JSON input/.test(msg) ? lineColumn(text, text.length) : {};
    const where = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : pos ? lineColumn(text, Number(pos[1])) : end;
    const clean = msg.replace(/ in JSON at position \d+.*$/s, '').replace(/,? ?"[^"]*"\.\.\. is not valid JSON$/, ' is not valid JSON');
    throw new PolicyDocumentError(`malformed JSON: ${clean}`, { file, ...where });
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const STATEMENT_FIELDS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/**
 * Validates a policy document (already parsed JSON, or JSON text) and returns its normal form.
 * `kind: 'trust'` requires Principal/NotPrincipal in every statement; `kind: 'permissions'` forbids them.
 */
export function parsePolicyDocument(input: unknown, opts: { file?: string; kind?: 'trust' | 'permissions' } = {}): ParsedPolicy {
  const file = opts.file ?? 'policy document';
  const doc = typeof input === 'string' ? parseJsonDocument(input, file) : input;
  const fail = (path: string, message: string): never => {
    throw new PolicyDocumentError(message, { file, path });
  };
  if (!isObject(doc)) return fail('', `a policy document must be a JSON object, got ${typeName(doc)}`);
  for (const k of Object.keys(doc)) if (!['Version', 'Id', 'Statement'].includes(k)) fail(k, `unknown policy element "${k}" (expected Version, Id, Statement)`);
  const version = doc.Version ?? '2008-10-17';
  if (version !== '2012-10-17' && version !== '2008-10-17') fail('Version', `must be "2012-10-17" (or the legacy "2008-10-17"), got ${JSON.stringify(version)}`);
  if (doc.Id !== undefined && typeof doc.Id !== 'string') fail('Id', `must be a string, got ${typeName(doc.Id)}`);
  const raw = doc.Statement;
  if (raw === undefined) fail('Statement', 'is required');
  const list = Array.isArray(raw) ? raw : [raw];
  if (!Array.isArray(raw) && !isObject(raw)) fail('Statement', `must be an object or a list of objects, got ${typeName(raw)}`);
  if (list.length === 0) fail('Statement', 'must contain at least one statement');
  const statements = list.map((s, i) => parseStatement(s, `Statement[${i}]`, i, fail, opts.kind));
  const sids = new Set<string>();
  for (const s of statements) {
    if (s.Sid === undefined) continue;
    if (sids.has(s.Sid)) fail(`Statement[${s.index}].Sid`, `duplicate Sid "${s.Sid}"`);
    sids.add(s.Sid);
  }
  return { Version: version as ParsedPolicy['Version'], ...(typeof doc.Id === 'string' ? { Id: doc.Id } : {}), Statement: statements };
}

type Fail = (path: string, message: string) => never;

function stringList(v: unknown, path: string, fail: Fail): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) fail(path, 'must not be an empty list');
  return list.map((x, i) => (typeof x === 'string' && x.length > 0 ? x : fail(Array.isArray(v) ? `${path}[${i}]` : path, `must be a non-empty string, got ${typeName(x)}`)));
}

function principal(v: unknown, path: string, fail: Fail): '*' | Record<string, string[]> {
  if (v === '*') return '*';
  if (!isObject(v)) return fail(path, `must be "*" or an object such as {"Federated": "arn:aws:iam::…:oidc-provider/…"}, got ${typeName(v)}`);
  const out: Record<string, string[]> = {};
  for (const [k, val] of Object.entries(v)) {
    if (!['AWS', 'Federated', 'Service', 'CanonicalUser'].includes(k)) fail(`${path}.${k}`, `unknown principal type "${k}" (expected AWS, Federated, Service or CanonicalUser)`);
    out[k] = stringList(val, `${path}.${k}`, fail);
  }
  if (Object.keys(out).length === 0) fail(path, 'must name at least one principal');
  return out;
}

function conditionBlock(v: unknown, path: string, fail: Fail): Record<string, Record<string, string[]>> {
  if (!isObject(v)) return fail(path, `must be an object of condition operators, got ${typeName(v)}`);
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, keys] of Object.entries(v)) {
    const opPath = `${path}.${op}`;
    const parts = parseOperator(op);
    if (!parts) fail(opPath, `unknown condition operator "${op}"${suggestOperator(op)}`);
    if (!isObject(keys)) fail(opPath, `must be an object of condition keys, got ${typeName(keys)}`);
    const block: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
      const keyPath = `${opPath}[${JSON.stringify(key)}]`;
      if (key.length === 0) fail(keyPath, 'condition key must not be empty');
      const list = Array.isArray(values) ? values : [values];
      if (list.length === 0) fail(keyPath, 'must list at least one value');
      block[key] = list.map((x, i) => {
        const p = Array.isArray(values) ? `${keyPath}[${i}]` : keyPath;
        if (typeof x === 'string') return x;
        if (typeof x === 'number' || typeof x === 'boolean') return String(x);
        return fail(p, `condition values must be strings (or numbers/booleans), got ${typeName(x)}`);
      });
      if (parts!.base === 'Null') for (const [i, x] of block[key]!.entries()) if (x !== 'true' && x !== 'false') fail(Array.isArray(values) ? `${keyPath}[${i}]` : keyPath, `Null takes "true" or "false", got ${JSON.stringify(x)}`);
      if (parts!.base === 'Bool') for (const [i, x] of block[key]!.entries()) if (x !== 'true' && x !== 'false') fail(Array.isArray(values) ? `${keyPath}[${i}]` : keyPath, `Bool takes "true" or "false", got ${JSON.stringify(x)}`);
    }
    out[op] = block;
  }
  return out;
}

function parseStatement(s: unknown, path: string, index: number, fail: Fail, kind: 'trust' | 'permissions' | undefined): ParsedStatement {
  if (!isObject(s)) return fail(path, `a statement must be an object, got ${typeName(s)}`);
  for (const k of Object.keys(s)) if (!STATEMENT_FIELDS.includes(k)) fail(`${path}.${k}`, `unknown statement element "${k}" (expected one of ${STATEMENT_FIELDS.join(', ')})`);
  if (s.Sid !== undefined && (typeof s.Sid !== 'string' || !/^[A-Za-z0-9]*$/.test(s.Sid))) fail(`${path}.Sid`, 'must be a string of letters and digits');
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') fail(`${path}.Effect`, `must be "Allow" or "Deny", got ${s.Effect === undefined ? 'nothing' : JSON.stringify(s.Effect)}`);
  const pair = (a: string, b: string, required: boolean) => {
    if (s[a] !== undefined && s[b] !== undefined) fail(path, `has both ${a} and ${b}; use one`);
    if (required && s[a] === undefined && s[b] === undefined) fail(path, `needs ${a} or ${b}`);
  };
  pair('Action', 'NotAction', true);
  pair('Principal', 'NotPrincipal', kind === 'trust');
  pair('Resource', 'NotResource', false);
  if (kind === 'permissions' && (s.Principal !== undefined || s.NotPrincipal !== undefined)) fail(`${path}.Principal`, 'a permissions policy must not name a Principal');
  if (kind === 'trust' && (s.Resource !== undefined || s.NotResource !== undefined)) fail(`${path}.${s.Resource !== undefined ? 'Resource' : 'NotResource'}`, 'a trust policy must not name a Resource (the role is the resource)');
  if (s.NotPrincipal !== undefined && s.Effect === 'Allow') fail(`${path}.NotPrincipal`, 'NotPrincipal may only be used with "Effect": "Deny"');
  const out: ParsedStatement = {
    index,
    Effect: s.Effect as 'Allow' | 'Deny',
    Condition: s.Condition === undefined ? {} : conditionBlock(s.Condition, `${path}.Condition`, fail),
  };
  if (typeof s.Sid === 'string') out.Sid = s.Sid;
  if (s.Principal !== undefined) out.Principal = principal(s.Principal, `${path}.Principal`, fail);
  if (s.NotPrincipal !== undefined) out.NotPrincipal = principal(s.NotPrincipal, `${path}.NotPrincipal`, fail);
  if (s.Action !== undefined) out.Action = stringList(s.Action, `${path}.Action`, fail);
  if (s.NotAction !== undefined) out.NotAction = stringList(s.NotAction, `${path}.NotAction`, fail);
  if (s.Resource !== undefined) out.Resource = stringList(s.Resource, `${path}.Resource`, fail);
  if (s.NotResource !== undefined) out.NotResource = stringList(s.NotResource, `${path}.NotResource`, fail);
  for (const a of [...(out.Action ?? []), ...(out.NotAction ?? [])])
    if (a !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) fail(`${path}.${out.Action ? 'Action' : 'NotAction'}`, `"${a}" is not an action ("service:Name", wildcards allowed)`);
  return out;
}

/**
 * A canonical JSON text of a document for comparison: keys sorted, single values as lists, condition values and
 * statements in a stable order. Two documents IAM treats the same compare equal.
 */
export function canonicalPolicy(input: unknown): string {
  const p = parsePolicyDocument(input);
  const sortObj = (o: Readonly<Record<string, readonly string[]>>) =>
    Object.fromEntries(Object.keys(o).sort().map((k) => [k, [...o[k]!].sort()]));
  const stmts = p.Statement.map((s) => {
    const c: Record<string, unknown> = { Effect: s.Effect };
    if (s.Sid) c.Sid = s.Sid;
    for (const k of ['Principal', 'NotPrincipal'] as const) {
      const v = s[k];
      if (v !== undefined) c[k] = v === '*' ? '*' : sortObj(v);
    }
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      const v = s[k];
      if (v !== undefined) c[k] = [...v].sort();
    }
    if (Object.keys(s.Condition).length > 0)
      c.Condition = Object.fromEntries(Object.keys(s.Condition).sort().map((op) => [op, sortObj(s.Condition[op]!)]));
    return JSON.stringify(Object.fromEntries(Object.keys(c).sort().map((k) => [k, c[k]])));
  }).sort();
  return `{"Version":${JSON.stringify(p.Version)},"Statement":[${stmts.join(',')}]}`;
}
