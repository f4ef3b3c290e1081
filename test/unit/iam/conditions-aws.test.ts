// The condition evaluator against AWS's documented behaviour. Every row's expectation is read from the page and
// section it cites (AWS Identity and Access Management User Guide), not from the evaluator.
import { describe, expect, it } from 'vitest';
import { evaluateCondition, requestContext, type ContextEntry } from '../../../harness/iam/conditions.ts';

const OPERATORS = 'IAM User Guide, IAM JSON policy elements: Condition operators';
const STRING = `${OPERATORS}, String condition operators`;
const ABSENT = `${OPERATORS}, introduction ("If the key that you specify in a policy condition is not present in the request context…")`;
const IF_EXISTS = `${OPERATORS}, ...IfExists condition operators`;
const NULL = `${OPERATORS}, Condition operator to check existence of condition keys`;
const ARN = `${OPERATORS}, Amazon Resource Name (ARN) condition operators`;
const CONDITION = 'IAM User Guide, IAM JSON policy elements: Condition ("Context key names are not case-sensitive…")';
const SETS = 'IAM User Guide, Single-valued vs. multivalued context keys, Set operators for multivalued context keys';
const MULTI = 'IAM User Guide, Condition with multiple context keys or values';

const SUB = 'oidc.eks.us-east-2.amazonaws.com/id/ABC:sub';
const single = (name: string, value: string): ContextEntry => ({ name, values: [value], multivalued: false });
const multi = (name: string, values: string[]): ContextEntry => ({ name, values, multivalued: true });

interface Row {
  doc: string;
  what: string;
  operator: string;
  key: string;
  policy: string[];
  context: ContextEntry[];
  holds: boolean;
}

const rows: Row[] = [
  // String operators: exact and case-sensitive; IgnoreCase; wildcards * (any run, also empty) and ? (one character).
  { doc: STRING, what: 'StringEquals is exact', operator: 'StringEquals', key: SUB, policy: ['system:serviceaccount:flyte:flytepropeller'], context: [single(SUB, 'system:serviceaccount:flyte:flytepropeller')], holds: true },
  { doc: STRING, what: 'StringEquals is case-sensitive on values', operator: 'StringEquals', key: SUB, policy: ['system:serviceaccount:flyte:FlytePropeller'], context: [single(SUB, 'system:serviceaccount:flyte:flytepropeller')], holds: false },
  { doc: STRING, what: 'StringEquals does not expand wildcards', operator: 'StringEquals', key: SUB, policy: ['system:serviceaccount:*:default'], context: [single(SUB, 'system:serviceaccount:team1:default')], holds: false },
  { doc: STRING, what: 'StringEqualsIgnoreCase ignores case', operator: 'StringEqualsIgnoreCase', key: SUB, policy: ['SYSTEM:ServiceAccount:flyte:FLYTEPROPELLER'], context: [single(SUB, 'system:serviceaccount:flyte:flytepropeller')], holds: true },
  { doc: STRING, what: 'StringLike * matches any run of characters', operator: 'StringLike', key: SUB, policy: ['system:serviceaccount:*:default'], context: [single(SUB, 'system:serviceaccount:team1-development:default')], holds: true },
  { doc: STRING, what: 'StringLike * matches the empty run', operator: 'StringLike', key: SUB, policy: ['system:serviceaccount:flyte:flytepropeller*'], context: [single(SUB, 'system:serviceaccount:flyte:flytepropeller')], holds: true },
  { doc: STRING, what: 'StringLike * also spans colons', operator: 'StringLike', key: SUB, policy: ['system:*'], context: [single(SUB, 'system:serviceaccount:flyte:default')], holds: true },
  { doc: STRING, what: 'StringLike ? matches exactly one character', operator: 'StringLike', key: 'k', policy: ['team?'], context: [single('k', 'team1')], holds: true },
  { doc: STRING, what: 'StringLike ? does not match zero characters', operator: 'StringLike', key: 'k', policy: ['team?'], context: [single('k', 'team')], holds: false },
  { doc: STRING, what: 'StringLike ? does not match two characters', operator: 'StringLike', key: 'k', policy: ['team?'], context: [single('k', 'team12')], holds: false },
  { doc: STRING, what: 'StringLike ? matches one non-BMP character', operator: 'StringLike', key: 'k', policy: ['a?b'], context: [single('k', 'a\u{1F600}b')], holds: true },
  { doc: STRING, what: 'StringLike is case-sensitive', operator: 'StringLike', key: SUB, policy: ['system:serviceaccount:*:Default'], context: [single(SUB, 'system:serviceaccount:team1:default')], holds: false },
  { doc: STRING, what: 'StringNotLike holds when no pattern matches', operator: 'StringNotLike', key: SUB, policy: ['system:serviceaccount:kube-system:*'], context: [single(SUB, 'system:serviceaccount:flyte:default')], holds: true },
  { doc: STRING, what: 'StringNotLike fails when a pattern matches', operator: 'StringNotLike', key: SUB, policy: ['system:serviceaccount:flyte:*'], context: [single(SUB, 'system:serviceaccount:flyte:default')], holds: false },
  // Absent keys.
  { doc: ABSENT, what: 'a positive operator on an absent key is false', operator: 'StringLike', key: SUB, policy: ['*'], context: [], holds: false },
  { doc: ABSENT, what: 'a negated operator on an absent key is true', operator: 'StringNotLike', key: SUB, policy: ['*'], context: [], holds: true },
  { doc: ABSENT, what: 'StringNotEquals on an absent key is true', operator: 'StringNotEquals', key: 'aud', policy: ['sts.amazonaws.com'], context: [], holds: true },
  { doc: ABSENT, what: 'ArnNotLike on an absent key is true', operator: 'ArnNotLike', key: 'aws:SourceArn', policy: ['arn:aws:iam::123456789012:*'], context: [], holds: true },
  // ...IfExists: absent key → true; present key → the operator as usual.
  { doc: IF_EXISTS, what: 'IfExists on an absent key is true', operator: 'StringEqualsIfExists', key: 'aud', policy: ['sts.amazonaws.com'], context: [], holds: true },
  { doc: IF_EXISTS, what: 'IfExists on a present key checks it', operator: 'StringEqualsIfExists', key: 'aud', policy: ['sts.amazonaws.com'], context: [single('aud', 'other')], holds: false },
  { doc: IF_EXISTS, what: 'StringLikeIfExists on a present matching key', operator: 'StringLikeIfExists', key: SUB, policy: ['system:serviceaccount:*'], context: [single(SUB, 'system:serviceaccount:flyte:default')], holds: true },
  // Null: "true" = the key is absent, "false" = it is present.
  { doc: NULL, what: 'Null true holds for an absent key', operator: 'Null', key: 'aud', policy: ['true'], context: [], holds: true },
  { doc: NULL, what: 'Null true fails for a present key', operator: 'Null', key: 'aud', policy: ['true'], context: [single('aud', 'sts.amazonaws.com')], holds: false },
  { doc: NULL, what: 'Null false holds for a present key', operator: 'Null', key: 'aud', policy: ['false'], context: [single('aud', 'sts.amazonaws.com')], holds: true },
  { doc: NULL, what: 'Null false fails for an absent key', operator: 'Null', key: 'aud', policy: ['false'], context: [], holds: false },
  // Key names are case-insensitive; values keep the operator's case rule.
  { doc: CONDITION, what: 'key names match case-insensitively', operator: 'StringEquals', key: 'OIDC.EKS.US-EAST-2.AMAZONAWS.COM/id/ABC:SUB', policy: ['system:serviceaccount:flyte:default'], context: [single(SUB, 'system:serviceaccount:flyte:default')], holds: true },
  { doc: CONDITION, what: 'values stay case-sensitive under StringEquals even when the key case differs', operator: 'StringEquals', key: 'AUD', policy: ['STS.amazonaws.com'], context: [single('aud', 'sts.amazonaws.com')], holds: false },
  // Several policy values for one key are OR-ed; for a negated operator, none may match (NOR).
  { doc: `${MULTI}, Evaluation logic for multiple context keys or values`, what: 'several policy values: any one matching suffices', operator: 'StringEquals', key: SUB, policy: ['system:serviceaccount:flyte:flyteadmin', 'system:serviceaccount:flyte:datacatalog'], context: [single(SUB, 'system:serviceaccount:flyte:datacatalog')], holds: true },
  { doc: `${MULTI}, Evaluation logic for negated matching condition operators`, what: 'negated with several values: the request value must match none', operator: 'StringNotEquals', key: 'k', policy: ['a', 'b'], context: [single('k', 'b')], holds: false },
  { doc: `${MULTI}, Evaluation logic for negated matching condition operators`, what: 'negated with several values, matching none', operator: 'StringNotEquals', key: 'k', policy: ['a', 'b'], context: [single('k', 'c')], holds: true },
  // Set operators: a single value is a set of one; missing keys: ForAllValues true, ForAnyValue false.
  { doc: `${SETS}, ForAllValues`, what: 'ForAllValues on a single matching value', operator: 'ForAllValues:StringEquals', key: 'aud', policy: ['sts.amazonaws.com'], context: [single('aud', 'sts.amazonaws.com')], holds: true },
  { doc: `${SETS}, ForAllValues`, what: 'ForAllValues on a single non-matching value', operator: 'ForAllValues:StringEquals', key: 'aud', policy: ['sts.amazonaws.com'], context: [single('aud', 'other')], holds: false },
  { doc: `${SETS}, ForAllValues`, what: 'ForAllValues on a missing key is true', operator: 'ForAllValues:StringEquals', key: 'aud', policy: ['sts.amazonaws.com'], context: [], holds: true },
  { doc: `${SETS}, ForAllValues`, what: 'ForAllValues on an empty set is true', operator: 'ForAllValues:StringEquals', key: 'amr', policy: ['authenticated'], context: [multi('amr', [])], holds: true },
  { doc: `${SETS}, ForAllValues`, what: 'ForAllValues: every request value must match some policy value', operator: 'ForAllValues:StringLike', key: 'amr', policy: ['auth*'], context: [multi('amr', ['authenticated', 'unauthenticated'])], holds: false },
  { doc: `${SETS}, ForAllValues`, what: 'ForAllValues with a negated operator: no request value may match', operator: 'ForAllValues:StringNotLike', key: 'amr', policy: ['un*'], context: [multi('amr', ['authenticated', 'mfa'])], holds: true },
  { doc: `${SETS}, ForAnyValue`, what: 'ForAnyValue on a single matching value', operator: 'ForAnyValue:StringEquals', key: 'aud', policy: ['sts.amazonaws.com'], context: [single('aud', 'sts.amazonaws.com')], holds: true },
  { doc: `${SETS}, ForAnyValue`, what: 'ForAnyValue on a missing key is false', operator: 'ForAnyValue:StringEquals', key: 'aud', policy: ['sts.amazonaws.com'], context: [], holds: false },
  { doc: `${SETS}, ForAnyValue`, what: 'ForAnyValue on an empty set is false', operator: 'ForAnyValue:StringEquals', key: 'amr', policy: ['authenticated'], context: [multi('amr', [])], holds: false },
  { doc: `${SETS}, ForAnyValue`, what: 'ForAnyValue: one request value matching suffices', operator: 'ForAnyValue:StringLike', key: 'amr', policy: ['auth*'], context: [multi('amr', ['unauthenticated', 'authenticated'])], holds: true },
  { doc: `${SETS}, ForAnyValue`, what: 'ForAnyValue with a negated operator: some request value matches none', operator: 'ForAnyValue:StringNotEquals', key: 'amr', policy: ['authenticated'], context: [multi('amr', ['authenticated', 'mfa'])], holds: true },
  { doc: `${SETS}, ForAnyValue`, what: 'ForAnyValue with a negated operator on a missing key is false', operator: 'ForAnyValue:StringNotEquals', key: 'amr', policy: ['authenticated'], context: [], holds: false },
  // ARN operators: the six colon-delimited components are matched separately, each with wildcards, case-sensitively.
  { doc: ARN, what: 'ArnLike with a wildcard in the account and resource components', operator: 'ArnLike', key: 'aws:SourceArn', policy: ['arn:aws:iam::*:role/flyte-*'], context: [single('aws:SourceArn', 'arn:aws:iam::123456789012:role/flyte-dataplane-role')], holds: true },
  { doc: ARN, what: 'ArnLike: a * stays within its component (three components never match six)', operator: 'ArnLike', key: 'aws:SourceArn', policy: ['arn:*:role/flyte-dataplane-role'], context: [single('aws:SourceArn', 'arn:aws:iam::123456789012:role/flyte-dataplane-role')], holds: false },
  { doc: ARN, what: 'ArnLike: the resource component keeps its own colons', operator: 'ArnLike', key: 'aws:SourceArn', policy: ['arn:aws:logs:us-east-2:123456789012:log-group:*'], context: [single('aws:SourceArn', 'arn:aws:logs:us-east-2:123456789012:log-group:/flyte:*')], holds: true },
  { doc: ARN, what: 'ArnEquals is case-sensitive', operator: 'ArnEquals', key: 'aws:SourceArn', policy: ['arn:aws:iam::123456789012:role/Flyte'], context: [single('aws:SourceArn', 'arn:aws:iam::123456789012:role/flyte')], holds: false },
];

describe('IAM condition operators as AWS documents them', () => {
  it.each(rows.map((r) => [`${r.what} (${r.doc})`, r] as const))('%s', (_, r) => {
    const result = evaluateCondition(r.operator, r.key, r.policy, requestContext(r.context));
    expect(result.unsupported ?? false).toBe(false);
    expect(result.holds, result.explanation).toBe(r.holds);
  });
});
