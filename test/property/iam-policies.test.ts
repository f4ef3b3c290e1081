// Lint link: for generated valid topologies, the rendered trust policies (harness/iam/policies.ts) let the intended
// service accounts in and keep flyteadmin out of the data-plane role, as judged by the AWS-semantics evaluator; and
// any data-plane trust policy the linter (harness/lint) passes without errors or warnings keeps that promise too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopologySchema, type Topology } from '../../harness/topology/index.ts';
import { desiredIam, providerClusters, type DesiredIam } from '../../harness/iam/desired.ts';
import { evaluateTrustPolicy, webIdentityContext } from '../../harness/iam/evaluate.ts';
import { requestContext } from '../../harness/iam/conditions.ts';
import { parsePolicyDocument } from '../../harness/iam/document.ts';
import { projectDomainNamespaces, serviceAccountSubject, workflowClusters, type PolicyDocument } from '../../harness/iam/policies.ts';
import { lintArtifacts, lintTopology } from '../../harness/lint/index.ts';
import { propertyParams } from '../support/seed.ts';

const dns = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const hexId = fc.stringMatching(/^[0-9A-F]{32}$/);

/** Valid topologies: 1-5 data planes, optional workflow-running control plane, projects, both trust styles. */
const topologyArb: fc.Arbitrary<Topology> = fc
  .record({
    n: fc.integer({ min: 1, max: 5 }),
    runsWorkflows: fc.boolean(),
    namespace: fc.constantFrom('flyte', 'flyte-system', 'ops'),
    projects: fc.uniqueArray(dns, { minLength: 0, maxLength: 3 }),
    domains: fc.uniqueArray(fc.constantFrom('development', 'staging', 'production', 'qa'), { minLength: 1, maxLength: 3 }),
    style: fc.constantFrom('stringLike', 'stringEquals'),
    ids: fc.array(hexId, { minLength: 6, maxLength: 6 }),
    region: fc.constantFrom('us-east-2', 'eu-west-1', 'ap-southeast-2'),
  })
  .map((r) => {
    const names = Array.from({ length: r.n }, (_, i) => `dataplane_${i + 1}`);
    return TopologySchema.parse({
      apiVersion: 'flyte-mc/v1alpha1',
      controlPlane: { name: 'controlplane', runsWorkflows: r.runsWorkflows, ingressEndpoint: 'flyte.example.com:443', datacatalogEndpoint: 'dc:89', namespace: r.namespace },
      dataPlanes: names.map((name) => ({ name })),
      labels: Object.fromEntries(names.map((name, i) => [`label${i + 1}`, [{ cluster: name, weight: 1 }]])),
      projects: r.projects.map((name) => ({ name, domains: r.domains })),
      aws: {
        accountId: '123456789012',
        region: r.region,
        bucket: 'my-flyte-bucket',
        oidcProviders: Object.fromEntries(['controlplane', ...names].map((c, i) => [c, r.ids[i]!])),
        trustPolicyStyle: r.style,
      },
    });
  });

function decide(d: DesiredIam, policy: PolicyDocument, cluster: string, ns: string, name: string) {
  const provider = d.providers.find((p) => p.cluster === cluster)!;
  const claims = { iss: provider.issuer, sub: serviceAccountSubject(ns, name), aud: ['sts.amazonaws.com'] };
  const ctx = requestContext(webIdentityContext({ arn: provider.arn, url: provider.url, clientIds: provider.clientIds }, claims, 'sts.amazonaws.com'));
  return evaluateTrustPolicy(parsePolicyDocument(policy, { kind: 'trust' }), { principalArn: provider.arn, context: ctx });
}

/** The intent of the guide's roles, judged by the evaluator. Returns the first violation, or undefined. */
function violation(t: Topology, d: DesiredIam, dataPolicy: PolicyDocument): string | undefined {
  const ns = t.controlPlane.namespace;
  for (const c of workflowClusters(t)) {
    if (decide(d, dataPolicy, c, ns, 'flytepropeller').decision !== 'Allow') return `flytepropeller on ${c} denied`;
    for (const pd of projectDomainNamespaces(t)) if (decide(d, dataPolicy, c, pd, 'default').decision !== 'Allow') return `default in ${pd} on ${c} denied`;
  }
  for (const c of providerClusters(t)) if (decide(d, dataPolicy, c, ns, 'flyteadmin').decision !== 'Deny') return `flyteadmin on ${c} allowed into the data-plane role`;
  return undefined;
}

describe('rendered trust policies (harness/iam/policies.ts)', () => {
  it('let the intended service accounts in and keep flyteadmin out of the data-plane role', () => {
    fc.assert(
      fc.property(topologyArb, dns, (t, other) => {
        const d = desiredIam(t);
        const [control, data] = d.roles;
        const ns = t.controlPlane.namespace;
        expect(violation(t, d, data!.trustPolicy)).toBeUndefined();
        // Control plane role: flyteadmin and datacatalog of the control plane, nobody else.
        expect(decide(d, control!.trustPolicy, 'controlplane', ns, 'flyteadmin').decision).toBe('Allow');
        expect(decide(d, control!.trustPolicy, 'controlplane', ns, 'datacatalog').decision).toBe('Allow');
        expect(decide(d, control!.trustPolicy, 'controlplane', ns, 'flytepropeller').decision).toBe('Deny');
        for (const c of workflowClusters(t)) if (c !== 'controlplane') expect(decide(d, control!.trustPolicy, c, ns, 'flyteadmin').decision).toBe('Deny');
        // StringEquals lists exactly the project-domain namespaces; StringLike (the guide) admits any namespace's default.
        const listed = projectDomainNamespaces(t).includes(`${other}-zz`);
        const stranger = decide(d, data!.trustPolicy, t.dataPlanes[0]!.name, `${other}-zz`, 'default').decision;
        expect(stranger).toBe(t.aws.trustPolicyStyle === 'stringLike' || listed ? 'Allow' : 'Deny');
        // Another SA in the release namespace never gets in.
        expect(decide(d, data!.trustPolicy, t.dataPlanes[0]!.name, ns, `${other}x`).decision).toBe('Deny');
        // And the linter passes what the renderer produces (no IAM errors).
        expect(lintTopology(t).filter((f) => f.code.startsWith('FMC4') && f.severity === 'error')).toEqual([]);
      }),
      propertyParams('iam: rendered trust policies', 150),
    );
  });
});

/** Edits a rendered data-plane trust policy the way people edit them by hand (and the guide's own mistakes). */
type Mutation =
  | { op: 'add-subject'; value: string }
  | { op: 'drop-subject'; index: number }
  | { op: 'operator'; to: 'StringEquals' | 'StringLike' }
  | { op: 'typo-dot' }
  | { op: 'drop-aud' }
  | { op: 'drop-statement'; index: number }
  | { op: 'swap-provider' };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('add-subject' as const),
    value: fc.constantFrom(
      'system:serviceaccount:flyte:flyteadmin',
      'system:serviceaccount:*:flyteadmin',
      'system:serviceaccount:*:*',
      'system:serviceaccount:flyte:*',
      'system:serviceaccount:fly*:*',
      'system:serviceaccount:*',
      '*',
      'system:serviceaccount:flyte:flyte*',
      'system:serviceaccount:*admin',
      'system:serviceaccount:team1-development:default',
    ),
  }),
  fc.record({ op: fc.constant('drop-subject' as const), index: fc.nat(5) }),
  fc.record({ op: fc.constant('operator' as const), to: fc.constantFrom('StringEquals' as const, 'StringLike' as const) }),
  fc.constant({ op: 'typo-dot' as const }),
  fc.constant({ op: 'drop-aud' as const }),
  fc.record({ op: fc.constant('drop-statement' as const), index: fc.nat(4) }),
  fc.constant({ op: 'swap-provider' as const }),
);

function mutate(policy: PolicyDocument, muts: readonly Mutation[]): PolicyDocument {
  const p = structuredClone(policy) as { Version: '2012-10-17'; Statement: { Condition: Record<string, Record<string, string | string[]>>; Principal: { Federated: string } }[] };
  for (const m of muts) {
    if (m.op === 'drop-statement') {
      if (p.Statement.length > 1) p.Statement.splice(m.index % p.Statement.length, 1);
      continue;
    }
    if (m.op === 'swap-provider') {
      if (p.Statement.length > 1) [p.Statement[0]!.Principal, p.Statement[1]!.Principal] = [p.Statement[1]!.Principal, p.Statement[0]!.Principal];
      continue;
    }
    for (const s of p.Statement) {
      const cond = s.Condition;
      const subOp = Object.keys(cond).find((op) => Object.keys(cond[op]!).some((k) => k.endsWith(':sub')));
      const subKey = subOp ? Object.keys(cond[subOp]!).find((k) => k.endsWith(':sub')) : undefined;
      if (m.op === 'add-subject' && subOp && subKey) cond[subOp]![subKey] = [...[cond[subOp]![subKey]!].flat(), m.value];
      if (m.op === 'drop-subject' && subOp && subKey) {
        const vals = [cond[subOp]![subKey]!].flat();
        if (vals.length > 1) vals.splice(m.index % vals.length, 1);
        cond[subOp]![subKey] = vals;
      }
      if (m.op === 'operator' && subOp && subKey && subOp !== m.to) {
        const v = cond[subOp]![subKey]!;
        delete cond[subOp]![subKey];
        if (Object.keys(cond[subOp]!).length === 0) delete cond[subOp];
        cond[m.to] = { ...(cond[m.to] ?? {}), [subKey]: v };
      }
      if (m.op === 'typo-dot')
        for (const op of Object.keys(cond)) cond[op] = Object.fromEntries(Object.entries(cond[op]!).map(([k, v]) => [k.replace(/:(aud|sub)$/, '.:$1'), v]));
      if (m.op === 'drop-aud')
        for (const op of Object.keys(cond)) {
          for (const k of Object.keys(cond[op]!)) if (k.endsWith(':aud')) delete cond[op]![k];
          if (Object.keys(cond[op]!).length === 0) delete cond[op];
        }
    }
  }
  return p as unknown as PolicyDocument;
}

function lintPasses(t: Topology, policy: PolicyDocument): { passes: boolean; codes: string[] } {
  const findings = lintArtifacts([{ path: 'iam/dataplane-trust-policy.json', content: JSON.stringify(policy, null, 2), kind: 'trust-policy' }], { topology: t });
  return { passes: !findings.some((f) => f.severity === 'error' || f.severity === 'warning'), codes: findings.map((f) => f.code) };
}

describe('lint link: any data-plane trust policy the linter passes (no errors, no warnings)', () => {
  it('lets the intended service accounts in and keeps flyteadmin out, whatever the edit', () => {
    // Edits: the guide's ".:aud" typo, a provider swapped or missing, wildcards under StringEquals, subject patterns
    // that admit flyteadmin, dropped subjects, a dropped aud condition. FMC404/FMC408 judge with the same evaluator.
    fc.assert(
      fc.property(topologyArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (t, muts) => {
        const d = desiredIam(t);
        const policy = mutate(d.roles[1]!.trustPolicy, muts);
        const lint = lintPasses(t, policy);
        fc.pre(lint.passes);
        const v = violation(t, d, policy);
        if (v) throw new Error(`the linter passes a policy that the evaluator faults (${v}) after ${JSON.stringify(muts)}`);
      }),
      propertyParams('iam: lint link', 300),
    );
  });
});
