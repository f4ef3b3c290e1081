// The typed model of one multi-cluster deployment, as written in flyte-mc.yaml.
// The zod schema is the single source: the TypeScript types and the exported JSON Schema derive from it.
import { z } from 'zod';

/** Kubernetes-compatible cluster names as FlyteAdmin stores them (it keeps their case). */
const clusterName = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters (the executions.cluster column)')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, "_", "-" or "." and start with a letter or digit');

const nonEmpty = z.string().min(1, 'must not be empty');

/** A weight as written; range problems that FlyteAdmin itself reports (>1) are lint findings, not parse errors. */
const weight = z
  .number({ error: 'must be a finite number' })
  .refine((w) => Number.isFinite(w), 'must be a finite number (NaN and infinity are not weights)')
  .refine((w) => w >= 0, 'must not be negative');

export const ControlPlaneSchema = z.strictObject({
  name: clusterName.default('controlplane').describe('clusterConfigs name of the control plane when it runs workflows'),
  runsWorkflows: z
    .boolean()
    .default(false)
    .describe('add an inCluster clusterConfigs entry and keep flytepropeller enabled in the control plane'),
  ingressEndpoint: nonEmpty.describe('host:port of the FlyteAdmin ingress that data-plane propellers report to'),
  datacatalogEndpoint: nonEmpty.describe('host:port of datacatalog as reached from the data planes (no ingress, no auth)'),
  cloud: z.enum(['eks', 'gcp']).default('eks').describe('which cloud values file the chart is installed with'),
  valuesFiles: z
    .array(nonEmpty)
    .optional()
    .describe('extra values files passed to every helm command, default values-<cloud>.yaml'),
  namespace: clusterName.default('flyte').describe('namespace of the Flyte release in every cluster'),
});

export const DataPlaneSchema = z.strictObject({
  name: clusterName.describe('clusterConfigs name; executions store it, so renaming strands running executions'),
  endpoint: z
    .union([z.literal('auto'), z.url({ protocol: /^https$/, error: 'must be an https URL or "auto"' })])
    .default('auto')
    .describe('Kubernetes API URL as reached from the control plane; "auto" lets the backend assign it'),
  enabled: z.boolean().default(true).describe('enabled in clusterConfigs (FlyteAdmin defaults to false when omitted)'),
  propellerClusterId: z
    .string()
    .optional()
    .describe('set core.propeller.cluster-id in this data plane; must equal name or events are rejected'),
});

export const LabelEntrySchema = z.strictObject({
  cluster: clusterName.describe('a data plane name (or the control plane name when it runs workflows)'),
  weight: weight.describe('relative share in [0,1]; FlyteAdmin refuses to start on a weight above 1'),
});

export const ExecutionClusterLabelSchema = z.strictObject({
  project: nonEmpty,
  domain: nonEmpty,
  workflow: nonEmpty.optional().describe('workflow name (not the launch plan name); omit for a project-domain row'),
  value: z.string().describe('the label; nothing checks it against labels, a typo falls back silently'),
});

export const ProjectSchema = z.strictObject({
  name: nonEmpty,
  domains: z.array(nonEmpty).min(1).default(['development', 'staging', 'production']),
});

export const AwsSchema = z.strictObject({
  accountId: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/, 'must be an AWS region such as us-east-2'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  oidcProviders: z
    .record(clusterName, z.string().regex(/^[A-Za-z0-9]+$/, 'must be an OIDC provider id (hex digits)'))
    .default({})
    .describe('cluster name -> EKS OIDC provider id; "auto" clusters get theirs from the backend'),
  trustPolicyStyle: z
    .enum(['stringLike', 'stringEquals'])
    .default('stringLike')
    .describe('stringLike: the guide\'s wildcard on the default SA; stringEquals: one entry per project-domain namespace'),
  controlPlaneRoleName: nonEmpty.default('flyte-controlplane-role'),
  dataPlaneRoleName: nonEmpty.default('flyte-dataplane-role'),
  policyName: nonEmpty.default('flyte-policy'),
});

export const TopologySchema = z.strictObject({
  apiVersion: z.literal('flyte-mc/v1alpha1', { error: 'must be "flyte-mc/v1alpha1"' }),
  name: nonEmpty.default('flyte'),
  controlPlane: ControlPlaneSchema,
  dataPlanes: z.array(DataPlaneSchema).min(1, 'needs at least one data plane'),
  labels: z
    .record(z.string().min(1), z.array(LabelEntrySchema))
    .default({})
    .describe('labelClusterMap: label -> weighted clusters'),
  defaultExecutionLabel: z.string().optional().describe('label used when an execution resolves no label'),
  executionClusterLabels: z.array(ExecutionClusterLabelSchema).default([]),
  projects: z.array(ProjectSchema).default([]),
  aws: AwsSchema,
});

export type Topology = z.output<typeof TopologySchema>;
export type TopologyInput = z.input<typeof TopologySchema>;
export type ControlPlane = Topology['controlPlane'];
export type DataPlane = Topology['dataPlanes'][number];
export type LabelEntry = z.output<typeof LabelEntrySchema>;
export type ExecutionClusterLabel = z.output<typeof ExecutionClusterLabelSchema>;
export type Project = z.output<typeof ProjectSchema>;
export type Aws = Topology['aws'];

/** JSON Schema for editors (yaml-language-server); `flyte-mc schema` prints it. */
export function topologyJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://flyte-mc.dev/schema/flyte-mc.schema.json',
    title: 'flyte-mc topology',
    ...z.toJSONSchema(TopologySchema, { io: 'input', target: 'draft-2020-12' }),
  };
}
