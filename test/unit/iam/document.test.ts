// Bad policy documents give clear errors: malformed JSON (with line and column), unknown elements and operators,
// wrong types, and trust-policy specific rules.
import { describe, expect, it } from 'vitest';
import { canonicalPolicy, parseOperator, parsePolicyDocument, PolicyDocumentError } from '../../../harness/iam/document.ts';
import { globMatch } from '../../../harness/iam/conditions.ts';

function errorOf(doc: unknown, kind: 'trust' | 'permissions' = 'trust'): PolicyDocumentError {
  try {
    parsePolicyDocument(doc, { file: 'trust.json', kind });
  } catch (err) {
    if (err instanceof PolicyDocumentError) return err;
    throw err;
  }
  throw new Error('expected a PolicyDocumentError');
}

const stmt = (over: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example/id/X' },
  Action: 'sts:AssumeRoleWithWebIdentity',
  ...over,
});
const doc = (...s: unknown[]) => ({ Version: '2012-10-17', Statement: s });

describe('parsePolicyDocument', () => {
  it('reports malformed JSON with line and column', () => {
    const e = errorOf('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}');
    expect(e.format()).toMatch(/^trust\.json:4:\d+: malformed JSON: /);
    expect(errorOf('{"Version": "2012-10-17", "Statement": [').format()).toMatch(/^trust\.json:1:\d+: malformed JSON: Unexpected end of JSON input/);
  });

  it.each([
    [doc(stmt({ Condition: { StringEqualz: { k: 'v' } } })), 'Statement[0].Condition.StringEqualz', 'unknown condition operator "StringEqualz" (did you mean "StringEquals"?)'],
    [doc(stmt({ Condition: { stringequals: { k: 'v' } } })), 'Statement[0].Condition.stringequals', 'case-sensitive: did you mean "StringEquals"'],
    [doc(stmt({ Condition: { 'ForSomeValues:StringLike': { k: 'v' } } })), 'Statement[0].Condition.ForSomeValues:StringLike', 'unknown condition operator'],
    [doc(stmt({ Condition: { 'ForAnyValue:Null': { k: 'true' } } })), 'Statement[0].Condition.ForAnyValue:Null', 'unknown condition operator'],
    [doc(stmt({ Condition: { StringEquals: { k: { nested: 1 } } } })), 'Statement[0].Condition.StringEquals["k"]', 'condition values must be strings (or numbers/booleans), got an object'],
    [doc(stmt({ Condition: { StringEquals: { k: [] } } })), 'Statement[0].Condition.StringEquals["k"]', 'must list at least one value'],
    [doc(stmt({ Condition: { StringEquals: 'k' } })), 'Statement[0].Condition.StringEquals', 'must be an object of condition keys, got a string'],
    [doc(stmt({ Condition: { Null: { k: 'yes' } } })), 'Statement[0].Condition.Null["k"]', 'Null takes "true" or "false"'],
    [doc(stmt({ Effect: 'allow' })), 'Statement[0].Effect', 'must be "Allow" or "Deny", got "allow"'],
    [doc(stmt({ Action: 42 })), 'Statement[0].Action', 'must be a non-empty string, got a number'],
    [doc(stmt({ Action: 'AssumeRoleWithWebIdentity' })), 'Statement[0].Action', 'is not an action'],
    [doc(stmt({ Principal: 'arn:aws:iam::1:root' })), 'Statement[0].Principal', 'must be "*" or an object'],
    [doc(stmt({ Principal: { Federal: 'x' } })), 'Statement[0].Principal.Federal', 'unknown principal type "Federal"'],
    [doc(stmt({ Principal: undefined })), 'Statement[0]', 'needs Principal or NotPrincipal'],
    [doc(stmt({ Resource: '*' })), 'Statement[0].Resource', 'a trust policy must not name a Resource'],
    [doc(stmt({ NotPrincipal: { AWS: '*' }, Principal: undefined })), 'Statement[0].NotPrincipal', 'only be used with "Effect": "Deny"'],
    [doc(stmt({ Conditions: {} })), 'Statement[0].Conditions', 'unknown statement element "Conditions"'],
    [doc(stmt({ Sid: 'a' }), stmt({ Sid: 'a' })), 'Statement[1].Sid', 'duplicate Sid "a"'],
    [{ Version: '2012-10-18', Statement: [stmt()] }, 'Version', 'must be "2012-10-17"'],
    [{ Version: '2012-10-17', Statement: [] }, 'Statement', 'at least one statement'],
    [{ Version: '2012-10-17', Statement: 'x' }, 'Statement', 'must be an object or a list of objects, got a string'],
    [{ Version: '2012-10-17' }, 'Statement', 'is required'],
    [{ Version: '2012-10-17', Statement: [stmt()], Extra: 1 }, 'Extra', 'unknown policy element "Extra"'],
    [[1, 2], '', 'must be a JSON object, got a list'],
  ])('rejects %j at %s', (input, path, message) => {
    const e = errorOf(input);
    expect(e.location.path).toBe(path);
    expect(e.message).toContain(message);
    expect(e.format()).toContain('trust.json');
  });

  it('rejects a Principal in a permissions policy', () => {
    expect(errorOf(doc(stmt({ Resource: '*' })), 'permissions').message).toContain('must not name a Principal');
  });

  it('accepts the guide\'s shapes: single statement object, string or list values, numbers and booleans as condition values', () => {
    const p = parsePolicyDocument({ Version: '2012-10-17', Statement: stmt({ Condition: { StringLike: { 'a:sub': ['x', 'y'] }, NumericLessThan: { n: 5 }, Bool: { b: true } } }) }, { kind: 'trust' });
    expect(p.Statement[0]!.Condition).toEqual({ StringLike: { 'a:sub': ['x', 'y'] }, NumericLessThan: { n: ['5'] }, Bool: { b: ['true'] } });
  });

  it('parses operators with set qualifiers and IfExists', () => {
    expect(parseOperator('ForAllValues:StringNotLikeIfExists')).toEqual({ set: 'ForAllValues', base: 'StringNotLike', ifExists: true });
    expect(parseOperator('Null')).toEqual({ base: 'Null', ifExists: false });
    expect(parseOperator('NullIfExists')).toBeUndefined();
  });

  it('canonical form ignores key order, single-vs-list values and statement/value order', () => {
    const a = doc(stmt({ Condition: { StringLike: { 'x:sub': ['b', 'a'] } } }), stmt({ Effect: 'Deny', Action: ['sts:*'] }));
    const b = { Statement: [{ Action: 'sts:*', Effect: 'Deny', Principal: stmt().Principal }, stmt({ Condition: { StringLike: { 'x:sub': ['a', 'b'] } } })], Version: '2012-10-17' };
    expect(canonicalPolicy(a)).toBe(canonicalPolicy(b));
    expect(canonicalPolicy(a)).not.toBe(canonicalPolicy(doc(stmt())));
  });
});

describe('globMatch', () => {
  it.each([
    ['system:serviceaccount:*:default', 'system:serviceaccount:team1-development:default', true],
    ['system:serviceaccount:*:default', 'system:serviceaccount::default', true],
    ['system:serviceaccount:*:default', 'system:serviceaccount:a:b:default', true],
    ['system:serviceaccount:*:default', 'system:serviceaccount:flyte:flyteadmin', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*', '', true],
    ['ABC', 'abc', false],
    ['a*b*c*d', 'axxbxxcxxd', true],
    ['a*b*c*d', 'axxbxxcxx', false],
  ])('%s ~ %s = %s', (p, v, want) => {
    expect(globMatch(p, v)).toBe(want);
  });
});
