// The IAM resources a topology needs, as data: the permissions policy, both roles (trust policy + attached policy)
// and one OIDC provider per cluster whose service accounts assume a role. Built from policies.ts. Pure.
import type { Topology } from '../topology/index.ts';
import type { OidcProviderRecord } from './evaluate.ts';
import {
  controlPlaneTrustPolicy,
  dataPlaneTrustPolicy,
  issuerHostPath,
  issuerUrl,
  oidcProviderArn,
  permissionsPolicy,
  roleArn,
  workflowClusters,
  type IssuerMap,
  type PolicyDocument,
} from './policies.ts';

export const STS_CLIENT_ID = 'sts.amazonaws.com';

export interface DesiredOidcProvider {
  cluster: string;
  /** https issuer URL. */
  issuer: string;
  /** The issuer without scheme, as IAM stores and prefixes condition keys with. */
  url: string;
  arn: string;
  clientIds: string[];
  /** Server certificate thumbprints; empty lets IAM (or the emulator) decide. */
  thumbprints: string[];
}

export interface DesiredRole {
  name: string;
  arn: string;
  description: string;
  trustPolicy: PolicyDocument;
  attachedPolicyArns: string[];
}

export interface DesiredIam {
  accountId: string;
  policy: { name: string; arn: string; document: PolicyDocument };
  roles: DesiredRole[];
  providers: DesiredOidcProvider[];
}

export function policyArn(t: Topology): string {
  return `arn:aws:iam::${t.aws.accountId}:policy/${t.aws.policyName}`;
}

/** Clusters that need an OIDC provider: the control plane (flyteadmin, datacatalog) and every workflow cluster. */
export function providerClusters(t: Topology): string[] {
  return [...new Set([t.controlPlane.name, ...workflowClusters(t)])];
}

export function desiredIam(t: Topology, issuers: IssuerMap = {}, thumbprints: Readonly<Record<string, string[]>> = {}): DesiredIam {
  const pArn = policyArn(t);
  return {
    accountId: t.aws.accountId,
    policy: { name: t.aws.policyName, arn: pArn, document: permissionsPolicy(t) },
    roles: [
      {
        name: t.aws.controlPlaneRoleName,
        arn: roleArn(t, t.aws.controlPlaneRoleName),
        description: 'Flyte control plane (flyteadmin, datacatalog); managed by flyte-mc',
        trustPolicy: controlPlaneTrustPolicy(t, issuers),
        attachedPolicyArns: [pArn],
      },
      {
        name: t.aws.dataPlaneRoleName,
        arn: roleArn(t, t.aws.dataPlaneRoleName),
        description: 'Flyte data planes (flytepropeller, task pods); managed by flyte-mc',
        trustPolicy: dataPlaneTrustPolicy(t, issuers),
        attachedPolicyArns: [pArn],
      },
    ],
    providers: providerClusters(t).map((cluster) => {
      const issuer = issuerUrl(t, cluster, issuers);
      return {
        cluster,
        issuer,
        url: issuerHostPath(issuer),
        arn: oidcProviderArn(t, issuer),
        clientIds: [STS_CLIENT_ID],
        thumbprints: thumbprints[cluster] ?? [],
      };
    }),
  };
}

/** The providers as the evaluator sees an account's provider list. */
export function providerRecords(d: DesiredIam): OidcProviderRecord[] {
  return d.providers.map((p) => ({ arn: p.arn, url: p.url, clientIds: p.clientIds }));
}
