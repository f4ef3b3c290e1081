// IAM condition evaluation against a request context, following the documented rules:
// - condition key names are case-insensitive; StringEquals/StringLike values are case-sensitive;
// - a key absent from the request context makes a positive operator false and a negated one (StringNotEquals,
//   StringNotLike, …) true, except `…IfExists` (absent → true) and `Null` (tests presence);
// - several values for one key are OR-ed (negated operators: the request value must match none of them);
//   several keys and several operators are AND-ed;
// - `ForAnyValue:` is true when some request value satisfies the operator (absent key → false),
//   `ForAllValues:` when every request value does (absent key or no values → true);
// - ArnEquals/ArnLike match each of the six colon-delimited ARN components separately.
// test/unit/iam/conditions-aws.test.ts checks these rules row by row against AWS's IAM User Guide. Pure: no I/O.
import { parseOperator } from './document.ts';

/** One request-context key: its name as shown, and its values (several for multivalued keys such as `amr`). */
export interface ContextEntry {
  name: string;
  values: readonly string[];
  multivalued: boolean;
}

/** Request context keyed by the lower-cased key name (IAM matches key names case-insensitively). */
export type RequestContext = ReadonlyMap<string, ContextEntry>;

export function requestContext(entries: readonly ContextEntry[]): RequestContext {
  return new Map(entries.map((e) => [e.name.toLowerCase(), e]));
}

export interface ConditionResult {
  operator: string;
  key: string;
  values: readonly string[];
  holds: boolean;
  /** Set when this evaluator cannot judge the operator; the statement then counts as not decidable. */
  unsupported?: boolean;
  explanation: string;
}

const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

/**
 * IAM's glob: `*` any run of characters (also empty), `?` exactly one character; everything else literal and
 * case-sensitive. Characters are code points, so `?` also matches one astral character (two UTF-16 units).
 */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = [...(ignoreCase ? pattern.toLowerCase() : pattern)];
  const v = [...(ignoreCase ? value.toLowerCase() : value)];
  // Iterative wildcard match with backtracking on the last `*`, linear in practice and never exponential.
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = vi;
    } else if (star >= 0) {
      pi = star + 1;
      vi = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** The six colon-delimited ARN components (the resource keeps its own colons); undefined for fewer. */
function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(':');
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** ArnEquals/ArnLike: each of the six components matched on its own, with wildcards, case-sensitively. */
function arnMatch(pattern: string, value: string): boolean {
  const p = arnComponents(pattern);
  const v = arnComponents(value);
  return p !== undefined && v !== undefined && p.every((part, i) => globMatch(part, v[i]!));
}

function num(s: string): number | undefined {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

function date(s: string): number | undefined {
  const n = num(s);
  if (n !== undefined) return n * 1000; // epoch seconds
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** Positive comparison of one request value with one policy value; undefined when the operator is not supported. */
function compare(base: string, req: string, pol: string): boolean | undefined {
  switch (base) {
    case 'StringEquals':
      return req === pol;
    case 'StringEqualsIgnoreCase':
      return req.toLowerCase() === pol.toLowerCase();
    case 'StringLike':
      return globMatch(pol, req);
    case 'Bool':
      return req.toLowerCase() === pol.toLowerCase();
    case 'ArnEquals':
    case 'ArnLike':
      return arnMatch(pol, req);
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals':
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const parse = base.startsWith('Date') ? date : num;
      const a = parse(req);
      const b = parse(pol);
      if (a === undefined || b === undefined) return false;
      const rel = base.replace(/^(Numeric|Date)/, '');
      return rel === 'Equals' ? a === b : rel === 'LessThan' ? a < b : rel === 'LessThanEquals' ? a <= b : rel === 'GreaterThan' ? a > b : a >= b;
    }
    default:
      return undefined; // IpAddress, BinaryEquals: not meaningful for web identity keys
  }
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: readonly string[]) => (xs.length === 1 ? q(xs[0]!) : `[${xs.map(q).join(', ')}]`);

/** Evaluates one `operator: { key: values }` entry against the request context. */
export function evaluateCondition(operator: string, key: string, values: readonly string[], ctx: RequestContext, absentKeyHint?: (key: string) => string): ConditionResult {
  const parts = parseOperator(operator);
  const base = { operator, key, values };
  if (!parts) return { ...base, holds: false, unsupported: true, explanation: `${operator} is not a condition operator` };
  const entry = ctx.get(key.toLowerCase());
  const shownKey = q(key);
  if (parts.base === 'Null') {
    const wantAbsent = values.includes('true');
    const wantPresent = values.includes('false');
    const holds = entry ? wantPresent : wantAbsent;
    return { ...base, holds, explanation: `Null ${shownKey}: the key is ${entry ? 'present' : 'absent'} → ${holds}` };
  }
  const negatedOf = NEGATED[parts.base];
  const positive = negatedOf ?? parts.base;
  if (!entry) {
    const holds = parts.ifExists || parts.set === 'ForAllValues' || (!parts.set && negatedOf !== undefined);
    const why = parts.ifExists
      ? 'IfExists passes on an absent key'
      : parts.set === 'ForAllValues'
        ? 'ForAllValues passes on an absent key'
        : negatedOf && !parts.set
          ? 'a negated operator passes on an absent key'
          : 'an absent key never matches';
    const hint = absentKeyHint?.(key) ?? '';
    return { ...base, holds, explanation: `${operator} ${shownKey}: key not in the request context${hint}; ${why} → ${holds}` };
  }
  const probe = compare(positive, entry.values[0] ?? '', values[0] ?? '');
  if (probe === undefined)
    return { ...base, holds: false, unsupported: true, explanation: `${operator} ${shownKey}: operator not supported by this evaluator (cannot judge)` };
  const matchesAny = (v: string) => values.some((p) => compare(positive, v, p) === true);
  const satisfies = (v: string) => (negatedOf ? !matchesAny(v) : matchesAny(v));
  const reqShown = list(entry.values);
  let holds: boolean;
  let how: string;
  if (parts.set === 'ForAllValues') {
    holds = entry.values.every(satisfies);
    how = holds ? 'every request value satisfies it' : `${q(entry.values.find((v) => !satisfies(v))!)} does not`;
  } else if (parts.set === 'ForAnyValue') {
    holds = entry.values.some(satisfies);
    how = holds ? `${q(entry.values.find(satisfies)!)} satisfies it` : 'no request value satisfies it';
  } else if (negatedOf) {
    // A negated operator without a set qualifier: no request value may match any policy value.
    holds = entry.values.every(satisfies);
    const hit = entry.values.find((v) => !satisfies(v));
    how = holds ? `${reqShown} matches none of ${list(values)}` : `${q(hit!)} matches ${list(values.filter((p) => compare(positive, hit!, p)))}`;
  } else {
    holds = entry.values.some(satisfies);
    const hitVal = entry.values.find(satisfies);
    how = holds ? `${q(hitVal!)} matches ${list(values.filter((p) => compare(positive, hitVal!, p)))}` : `${reqShown} matches none of ${list(values)}`;
  }
  return { ...base, holds, explanation: `${operator} ${shownKey}: ${how} → ${holds}` };
}
