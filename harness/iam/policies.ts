// The guide's IAM documents as pure functions of the topology, corrected where the guide is wrong:
// condition keys are "<issuer host/path>:aud|sub" (the guide writes "<provider>.:aud"), and the S3 resources name
// the bucket exactly (the guide's "<bucket>*" also matches every bucket that starts with the same name).
import type { Topology } from '../topology/index.ts';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: { Federated: string } | { AWS: string | string[] } | { Service: string | string[] };
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Issuer URL per cluster name, e.g. from a backend; otherwise derived from aws.oidcProviders. */
export type IssuerMap = Readonly<Record<string, string>>;

const STS_AUDIENCE = 'sts.amazonaws.com';

/** `https://oidc.eks.<region>.amazonaws.com/id/<ID>`, or a placeholder that lint reports when the id is unknown. */
export function issuerUrl(t: Topology, cluster: string, issuers: IssuerMap = {}): string {
  const given = issuers[cluster];
  if (given) return given;
  const id = t.aws.oidcProviders[cluster] ?? `<${cluster}-oidc-provider-id>`;
  return `https://oidc.eks.${t.aws.region}.amazonaws.com/id/${id}`;
}

/** The issuer without its scheme: what IAM calls the provider and prefixes condition keys with. */
export function issuerHostPath(issuer: string): string {
  return issuer.replace(/^https:\/\//, '').replace(/\/$/, '');
}

export function oidcProviderArn(t: Topology, issuer: string): string {
  return `arn:aws:iam::${t.aws.accountId}:oidc-provider/${issuerHostPath(issuer)}`;
}

export function roleArn(t: Topology, roleName: string): string {
  return `arn:aws:iam::${t.aws.accountId}:role/${roleName}`;
}

export function permissionsPolicy(t: Topology): PolicyDocument {
  const bucket = `arn:aws:s3:::${t.aws.bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FlyteBlobStorage',
        Effect: 'Allow',
        Action: ['s3:DeleteObject*', 's3:GetObject*', 's3:ListBucket', 's3:PutObject*'],
        Resource: [bucket, `${bucket}/*`],
      },
    ],
  };
}

function webIdentityStatement(t: Topology, issuer: string, subjects: string[], subjectOperator: 'StringEquals' | 'StringLike'): PolicyStatement {
  const key = issuerHostPath(issuer);
  const condition: PolicyStatement['Condition'] =
    subjectOperator === 'StringEquals'
      ? { StringEquals: { [`${key}:aud`]: STS_AUDIENCE, [`${key}:sub`]: subjects } }
      : { StringEquals: { [`${key}:aud`]: STS_AUDIENCE }, StringLike: { [`${key}:sub`]: subjects } };
  return {
    Effect: 'Allow',
    Principal: { Federated: oidcProviderArn(t, issuer) },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
  };
}

export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Trusted by flyteadmin and datacatalog in the control plane. */
export function controlPlaneTrustPolicy(t: Topology, issuers: IssuerMap = {}): PolicyDocument {
  const ns = t.controlPlane.namespace;
  const subjects = [serviceAccountSubject(ns, 'flyteadmin'), serviceAccountSubject(ns, 'datacatalog')];
  return {
    Version: '2012-10-17',
    Statement: [webIdentityStatement(t, issuerUrl(t, t.controlPlane.name, issuers), subjects, 'StringEquals')],
  };
}

/** Project-domain namespaces, as FlyteAdmin's default namespace template `{{ project }}-{{ domain }}` names them. */
export function projectDomainNamespaces(t: Topology): string[] {
  const set = new Set<string>();
  for (const p of t.projects) for (const d of p.domains) set.add(`${p.name}-${d}`);
  for (const row of t.executionClusterLabels) set.add(`${row.project}-${row.domain}`);
  return [...set].sort();
}

/** Clusters where flytepropeller runs task pods: every data plane, plus the control plane when it runs workflows. */
export function workflowClusters(t: Topology): string[] {
  return [...t.dataPlanes.map((d) => d.name), ...(t.controlPlane.runsWorkflows ? [t.controlPlane.name] : [])];
}

/** Trusted by flytepropeller and the default SA of task namespaces, one statement per workflow cluster's provider. */
export function dataPlaneTrustPolicy(t: Topology, issuers: IssuerMap = {}): PolicyDocument {
  const ns = t.controlPlane.namespace;
  const propeller = serviceAccountSubject(ns, 'flytepropeller');
  const stringLike = t.aws.trustPolicyStyle === 'stringLike';
  const subjects = stringLike
    ? [propeller, serviceAccountSubject('*', 'default')]
    : [propeller, ...projectDomainNamespaces(t).map((n) => serviceAccountSubject(n, 'default'))];
  return {
    Version: '2012-10-17',
    Statement: workflowClusters(t).map((c) =>
      webIdentityStatement(t, issuerUrl(t, c, issuers), subjects, stringLike ? 'StringLike' : 'StringEquals'),
    ),
  };
}
