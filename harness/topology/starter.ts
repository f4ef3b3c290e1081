// The starter topology written by `flyte-mc init`: the guide's example (control plane, dataplane_1 with label1,
// the day-2 dataplane_2 with label2, their execution cluster labels), with the guide's errors corrected.
import { createHash } from 'node:crypto';

export interface StarterOptions {
  /** Number of data planes, 1..100. @defaultValue 2 */
  dataPlanes?: number;
  /** The `$schema` reference, as seen from the file's directory. @defaultValue ./schema/flyte-mc.schema.json (the repository root) */
  schemaRef?: string;
}

/** A stable fake EKS OIDC provider id (32 upper-case hex digits) for a cluster name. */
export function exampleOidcProviderId(cluster: string): string {
  return createHash('sha256').update(`flyte-mc/${cluster}`).digest('hex').slice(0, 32).toUpperCase();
}

export function starterTopologyYaml(opts: StarterOptions = {}): string {
  const n = opts.dataPlanes ?? 2;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new RangeError('starterTopologyYaml: dataPlanes must be an integer from 1 to 100');
  const names = Array.from({ length: n }, (_, i) => `dataplane_${i + 1}`);
  const lines: string[] = [
    `# yaml-language-server: $schema=${opts.schemaRef ?? './schema/flyte-mc.schema.json'}`,
    '# flyte-mc topology: one control plane, the data planes it places executions on, and how labels map to them.',
    '# The guide\'s example (docs/deployment/deployment/multicluster.rst), with its errors corrected.',
    'apiVersion: flyte-mc/v1alpha1',
    'name: flyte',
    'controlPlane:',
    '  name: controlplane',
    '  runsWorkflows: false',
    '  ingressEndpoint: flyte.example.com:443',
    '  datacatalogEndpoint: datacatalog.flyte.internal:89',
    '  cloud: eks',
    'dataPlanes:',
    ...names.flatMap((name) => [`  - name: ${name}`, '    endpoint: auto   # assigned by the backend; an https URL for real clusters', '    enabled: true']),
    '# labelClusterMap. Weights are relative shares, each in [0,1]; keep labels lower-case (FlyteAdmin lowercases map keys).',
    'labels:',
    ...names.flatMap((name, i) => [`  label${i + 1}:`, `    - cluster: ${name}`, '      weight: 1']),
    '# flytectl execution-cluster-label rows. A workflow row names the workflow, not the launch plan.',
    'executionClusterLabels:',
    '  - project: team1',
    '    domain: development',
    '    value: label1',
    '  - project: team1',
    '    domain: development',
    '    workflow: example.training_workflow',
    '    value: label1',
  ];
  if (n >= 2) lines.push('  - project: team1', '    domain: production', '    value: label2');
  lines.push(
    'projects:',
    '  - name: team1',
    '    domains: [development, staging, production]',
    'aws:',
    '  accountId: "123456789012"',
    '  region: us-east-2',
    '  bucket: my-flyte-bucket',
    '  oidcProviders:',
    ...['controlplane', ...names].map((c) => `    ${c}: ${exampleOidcProviderId(c)}`),
    '  trustPolicyStyle: stringLike',
    '',
  );
  return lines.join('\n');
}
