// The guide's procedure as an ordered list of steps, rendered both as COMMANDS.md and as commands.sh,
// so the two can never disagree. Corrected: real file names (values-controlplane.yaml, not
// values-eks-controlplane.yaml), no stray positional arguments, the credentials Secret built from the
// token Secrets with base64 handled by the script instead of the clipboard.
import { oidcProviderArn, issuerUrl, roleArn, workflowClusters, type IssuerMap } from '../iam/policies.ts';
import type { Topology } from '../topology/index.ts';
import { CREDENTIALS_SECRET, caKey, eclFileName, tokenKey, tokenSecretName } from './names.ts';

export interface Step {
  title: string;
  why: string;
  commands: string[];
}

/** Shell variable holding a cluster's kubectl context: dataplane_1 → DATAPLANE_1_CONTEXT. */
export function contextVar(cluster: string): string {
  return `${cluster.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CONTEXT`;
}

export function procedure(t: Topology, issuers: IssuerMap = {}): Step[] {
  const ns = t.controlPlane.namespace;
  const cp = contextVar(t.controlPlane.name);
  const policyArn = `arn:aws:iam::${t.aws.accountId}:policy/${t.aws.policyName}`;
  const steps: Step[] = [];
  steps.push({
    title: 'IAM: OIDC providers',
    why: 'Each cluster\'s service-account issuer must be a registered OIDC provider before a role can trust it.',
    commands: [t.controlPlane.name, ...workflowClusters(t).filter((c) => c !== t.controlPlane.name)].map(
      (c) => `# ${c}: ${oidcProviderArn(t, issuerUrl(t, c, issuers))}\neksctl utils associate-iam-oidc-provider --cluster ${c} --region ${t.aws.region} --approve`,
    ),
  });
  steps.push({
    title: 'IAM: permissions policy and the two roles',
    why: 'The control-plane role is trusted by flyteadmin and datacatalog; the data-plane role by flytepropeller and task pods, one statement per cluster.',
    commands: [
      `aws iam create-policy --policy-name ${t.aws.policyName} --policy-document file://iam/permissions-policy.json`,
      `aws iam create-role --role-name ${t.aws.controlPlaneRoleName} --assume-role-policy-document file://iam/controlplane-trust-policy.json`,
      `aws iam attach-role-policy --role-name ${t.aws.controlPlaneRoleName} --policy-arn ${policyArn}`,
      `aws iam create-role --role-name ${t.aws.dataPlaneRoleName} --assume-role-policy-document file://iam/dataplane-trust-policy.json`,
      `aws iam attach-role-policy --role-name ${t.aws.dataPlaneRoleName} --policy-arn ${policyArn}`,
    ],
  });
  for (const dp of t.dataPlanes) {
    const ctx = contextVar(dp.name);
    steps.push({
      title: `Data plane ${dp.name}: install flyte-core and create the flyteadmin token Secret`,
      why: 'The chart creates the flyteadmin service account and its RBAC; since Kubernetes 1.24 its long-lived token must be requested with a Secret that the token controller fills.',
      commands: [
        `helm upgrade --install flyte-core-data "$CHART" --kube-context "$${ctx}" -n ${ns} --create-namespace --values "$CLOUD_VALUES" --values dataplanes/${dp.name}/values-dataplane.yaml`,
        `kubectl --context "$${ctx}" apply -f dataplanes/${dp.name}/token-secret.yaml`,
      ],
    });
  }
  const fromFiles = t.dataPlanes.flatMap((dp) => {
    const ctx = contextVar(dp.name);
    const secret = tokenSecretName(dp.name);
    return [
      `  --from-file=${tokenKey(dp.name)}=<(token_field "$${ctx}" ${secret} token) \\`,
      `  --from-file=${caKey(dp.name)}=<(token_field "$${ctx}" ${secret} 'ca\\.crt') \\`,
    ];
  });
  steps.push({
    title: `Control plane: the ${CREDENTIALS_SECRET} Secret`,
    why: 'FlyteAdmin reads each data plane\'s token and CA from files mounted from this Secret at /var/run/credentials; the values under data: are the base64 of the raw token and PEM.',
    commands: [
      [`kubectl --context "$${cp}" -n ${ns} create secret generic ${CREDENTIALS_SECRET} \\`, ...fromFiles, `  --dry-run=client -o yaml | kubectl --context "$${cp}" apply -f -`].join('\n'),
    ],
  });
  steps.push({
    title: 'Control plane: install or upgrade flyte-core with the clusters config',
    why: 'The configChecksum annotation restarts FlyteAdmin when configmap.clusters changes; FlyteAdmin reads the clusters config and the credential files only at start.',
    commands: [
      `helm upgrade --install flyte-core "$CHART" --kube-context "$${cp}" -n ${ns} --create-namespace --values "$CLOUD_VALUES" --values controlplane/values-controlplane.yaml --values controlplane/values-override.yaml`,
      `kubectl --context "$${cp}" -n ${ns} rollout status deployment/flyteadmin --timeout=10m`,
      `kubectl --context "$${cp}" -n ${ns} get pods`,
    ],
  });
  if (t.executionClusterLabels.length > 0) {
    steps.push({
      title: 'Execution cluster labels',
      why: 'flytectl reads project, domain and workflow from the file only; -p, -d and positional arguments are ignored by update.',
      commands: t.executionClusterLabels.map((row, i) => `flytectl update execution-cluster-label --attrFile ecl/${eclFileName(i, row)} --force`),
    });
  }
  return steps;
}

const SCRIPT_PRELUDE = `#!/usr/bin/env bash
# Generated by flyte-mc render: the multicluster guide's procedure for this topology, in order.
# Review it first. Set one kubectl context variable per cluster (see below), CHART and CLOUD_VALUES.
set -euo pipefail
cd "$(dirname "$0")"
CHART="\${CHART:-flyteorg/flyte-core}"
CLOUD_VALUES="\${CLOUD_VALUES:?set CLOUD_VALUES to your values-eks.yaml or values-gcp.yaml}"

step() { printf '\\n==> %s\\n' "$*" >&2; }

# Prints one decoded field of a filled service-account-token Secret, waiting for the token controller.
token_field() {
  local ctx="$1" secret="$2" field="$3" value=""
  for _ in $(seq 1 60); do
    value="$(kubectl --context "$ctx" -n NAMESPACE get secret "$secret" -o jsonpath="{.data.$field}")"
    [ -n "$value" ] && break
    sleep 1
  done
  [ -n "$value" ] || { echo "secret $secret has no $field after 60s" >&2; return 1; }
  printf '%s' "$value" | base64 -d
}
`;

export function commandsScript(t: Topology, issuers: IssuerMap = {}): string {
  const clusters = [t.controlPlane.name, ...t.dataPlanes.map((d) => d.name)];
  const checks = clusters.map((c) => `: "\${${contextVar(c)}:?set ${contextVar(c)} to the kubectl context of ${c}}"`);
  const body = procedure(t, issuers).map((s, i) => [`step ${JSON.stringify(`${i + 1}. ${s.title}`)}`, ...s.commands].join('\n'));
  return `${SCRIPT_PRELUDE.replace('NAMESPACE', t.controlPlane.namespace)}${checks.join('\n')}\n\n${body.join('\n\n')}\n`;
}

export function commandsMarkdown(t: Topology, issuers: IssuerMap = {}): string {
  const out = [
    `# Multi-cluster procedure for "${t.name}"`,
    '',
    'Generated by `flyte-mc render`; `commands.sh` runs the same steps. Set `CHART` (default `flyteorg/flyte-core`),',
    '`CLOUD_VALUES` (your `values-eks.yaml` or `values-gcp.yaml`) and one kubectl context variable per cluster:',
    '',
    ...[t.controlPlane.name, ...t.dataPlanes.map((d) => d.name)].map((c) => `- \`${contextVar(c)}\` for ${c}`),
    '',
    `Roles: control plane \`${roleArn(t, t.aws.controlPlaneRoleName)}\`, data plane \`${roleArn(t, t.aws.dataPlaneRoleName)}\`.`,
    '',
  ];
  procedure(t, issuers).forEach((s, i) => {
    // A loop, not a spread: a step can hold a command per ECL row, more arguments than a call may take.
    out.push(`## ${i + 1}. ${s.title}`, '', s.why, '', '```sh');
    for (const c of s.commands) out.push(c);
    out.push('```', '');
  });
  out.push(
    '## Where this differs from the guide',
    '',
    '- Weights are relative shares and each must be in [0,1]; they need not sum to 1 (a weight above 1 stops FlyteAdmin).',
    '- `cluster-credentials` holds the base64 of the raw token and CA under `data:` (the guide mixes `stringData` with base64 values).',
    '- No `initContainerClusterSyncAdditionalVolumeMounts` (no template reads it) and no `auth.type` (FlyteAdmin ignores it).',
    '- Trust-policy condition keys are `<issuer>:aud` / `<issuer>:sub` (the guide writes `<issuer>.:aud`).',
    '- Every cluster has its own endpoint (the guide\'s day-2 example reuses data plane 1\'s).',
    '- The control-plane overlay is `values-controlplane.yaml`; execution cluster labels name existing labels.',
    '',
  );
  return out.join('\n');
}
