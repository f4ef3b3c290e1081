// Each lint rule stays silent on a near miss: its own fixture (test/fixtures/lint/<CODE>/) with the footgun edited
// to the closest configuration FlyteAdmin, the chart, flytectl or IAM handle as intended. An edit that no longer
// finds its text fails loudly, so a changed fixture cannot turn a near miss into a vacuous pass.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintArtifacts, rules, type ArtifactFile } from '../../../harness/lint/index.ts';

const ROOT = join(import.meta.dirname, '../../fixtures/lint');

function filesOf(dir: string): ArtifactFile[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return walk(dir)
    .sort()
    .filter((p) => !p.endsWith('expect.txt'))
    .map((p) => ({ path: relative(dir, p), content: readFileSync(p, 'utf8') }));
}

type Edit = (content: string) => string;
/** Replaces exact text, which must be there. */
const sub = (from: string | RegExp, to: string): Edit => (c) => {
  const hit = typeof from === 'string' ? c.includes(from) : from.test(c);
  if (!hit) throw new Error(`near-miss edit: ${String(from)} not in the fixture`);
  return typeof from === 'string' ? c.split(from).join(to) : c.replace(from, to);
};
/** Edits the line marked `# expect CODE` (the footgun's line). */
const marked = (code: string, from: string, to: string): Edit => (c) => {
  const lines = c.split('\n');
  const i = lines.findIndex((l) => l.includes(`# expect ${code}`));
  if (i < 0 || !lines[i]!.includes(from)) throw new Error(`near-miss edit: no "${from}" on the line marked ${code}`);
  lines[i] = lines[i]!.replace(from, to);
  return lines.join('\n');
};
const dropMarked = (code: string): Edit => (c) => {
  const lines = c.split('\n');
  const i = lines.findIndex((l) => l.includes(`# expect ${code}`));
  if (i < 0) throw new Error(`near-miss edit: no line marked ${code}`);
  return lines.filter((_, j) => j !== i).join('\n');
};
const yamlValue = (text: string, key: string) => new RegExp(`^\\s*${key}: (\\S+)`, 'm').exec(text)?.[1] ?? '';
const cleanCa = yamlValue(readFileSync(join(ROOT, 'clean/secrets.yaml'), 'utf8'), 'dataplane_1_cacert');
const json = (edit: (doc: any) => void): Edit => (c) => {
  const doc = JSON.parse(c);
  edit(doc);
  return `${JSON.stringify(doc, null, 2)}\n`;
};
const SA = 'oidc.eks.us-east-2.amazonaws.com/id/AAAA1111:sub';

/** Per rule: what the near miss is, and the edits (by file) that make it from the rule's fixture. */
const nearMisses: Record<string, { why: string; edits: Record<string, Edit[]> }> = {
  FMC101: { why: 'a weight written 1.00000001 is float32 1: accepted', edits: { 'values-override.yaml': [marked('FMC101', '1.5', '1.00000001')] } },
  FMC102: { why: 'a disabled cluster with a weight of exactly 1', edits: { 'values-override.yaml': [marked('FMC102', 'weight: 3', 'weight: 1')] } },
  FMC103: { why: 'relative weights that do sum to 1', edits: { 'values-override.yaml': [sub(/weight: 1\n(\s+- id: dataplane_2\n\s+)weight: 1\n/, 'weight: 0.5\n$1weight: 0.5\n')] } },
  FMC104: { why: 'a tiny but positive weight (1e-7) is not zero', edits: { 'values-override.yaml': [sub('weight: 0\n', 'weight: 1e-7\n')] } },
  FMC105: { why: 'a dotted key keeps its capitals (flytestdlib restores dotted keys)', edits: { 'values-override.yaml': [marked('FMC105', 'Label1:', 'Team.Label1:')] } },
  FMC106: { why: 'dotted keys that differ only in case stay two labels', edits: { 'values-override.yaml': [sub('      GPU:\n', '      GPU.x:\n'), marked('FMC106', 'gpu:', 'gpu.x:')] } },
  FMC107: { why: 'defaultExecutionLabel names the label exactly', edits: { 'values-override.yaml': [marked('FMC107', 'label2', 'label1')] } },
  FMC108: { why: 'a label with a disabled cluster and an enabled one lives', edits: { 'values-override.yaml': [sub('          weight: 1\n    defaultExecutionLabel', '          weight: 1\n        - id: dataplane_1\n          weight: 1\n    defaultExecutionLabel')] } },
  FMC109: { why: 'the id with the configured name (dataplane_1, not dataplane-1)', edits: { 'values-override.yaml': [marked('FMC109', 'dataplane-1', 'dataplane_1')] } },
  FMC110: { why: 'the listed cluster is enabled', edits: { 'values-override.yaml': [sub('        enabled: false', '        enabled: true')] } },
  FMC111: { why: 'the cluster in no label is covered by defaultExecutionLabel', edits: { 'values-override.yaml': [sub('    clusterConfigs:', '    defaultExecutionLabel: label1\n    clusterConfigs:')] } },
  FMC112: { why: 'a disabled cluster that says enabled: false', edits: { 'values-override.yaml': [sub('        endpoint: https://dp2.example.com:443\n', '        endpoint: https://dp2.example.com:443\n        enabled: false\n')] } },
  FMC113: { why: 'one cluster enabled', edits: { 'values-override.yaml': [sub('enabled: false', 'enabled: true')] } },
  FMC114: { why: 'names that differ in case are two clusters (FlyteAdmin compares them exactly)', edits: { 'values-override.yaml': [marked('FMC114', 'dataplane_1', 'Dataplane_1')] } },
  FMC115: { why: 'an id that differs in case is another id', edits: { 'values-override.yaml': [marked('FMC115', 'dataplane_1', 'Dataplane_1')] } },
  FMC116: { why: 'the same host on another port is another API server', edits: { 'values-override.yaml': [marked('FMC116', 'https://DP1.example.com', 'https://dp1.example.com:6443')] } },
  FMC117: { why: 'kubeClientConfig with a timeout', edits: { 'values-override.yaml': [sub('          qps: 50\n', '          qps: 50\n          timeout: 30s\n')] } },
  FMC118: { why: 'auth with only tokenPath and certPath', edits: { 'values-override.yaml': [dropMarked('FMC118')] } },
  FMC119: { why: 'tokenPath where it belongs, under auth', edits: { 'values-override.yaml': [dropMarked('FMC119'), sub('        auth:\n          certPath', '        auth:\n          tokenPath: /var/run/credentials/dataplane_1_token\n          certPath')] } },
  FMC120: { why: 'no misspelt key left', edits: { 'values-override.yaml': [dropMarked('FMC120')] } },
  FMC201: { why: 'a labelClusterMap with one label', edits: { 'values-override.yaml': [sub(/labelClusterMap: \{\}.*\n/, 'labelClusterMap:\n      label1:\n        - id: dataplane_1\n          weight: 1\n')] } },
  FMC202: { why: 'the credentials volume from Secret cluster-credentials', edits: { 'values-override.yaml': [marked('FMC202', 'flyte-admin-secrets', 'cluster-credentials')] } },
  FMC203: { why: 'the sync init container takes additionalVolumeMounts, no extra key', edits: { 'values-override.yaml': [sub(/  initContainerClusterSyncAdditionalVolumeMounts:.*\n    - name: cluster-credentials\n      mountPath: \/etc\/credentials\n/, '')] } },
  FMC204: { why: 'certPath directly under /var/run/credentials', edits: { 'values-override.yaml': [marked('FMC204', '/etc/credentials/', '/var/run/credentials/')] } },
  FMC205: { why: 'certPath names the key the Secret has', edits: { 'values-override.yaml': [marked('FMC205', '/dataplane_1_ca ', '/dataplane_1_cacert ')] } },
  FMC206: { why: 'the same base64 text under data:, where base64 belongs', edits: { 'secrets.yaml': [sub('\nstringData:\n', '\ndata:\n')] } },
  FMC207: { why: 'the same raw token under stringData:, where raw text belongs', edits: { 'secrets.yaml': [sub('\ndata:\n', '\nstringData:\n')] } },
  FMC208: { why: 'a CA that decodes to PEM', edits: { 'secrets.yaml': [sub(/dataplane_1_cacert: \S+/, `dataplane_1_cacert: ${cleanCa}`)] } },
  FMC209: {
    why: 'the same token without its trailing newline',
    edits: {
      'secrets.yaml': [
        (c) => {
          const v = yamlValue(c, 'dataplane_1_token');
          const token = Buffer.from(v, 'base64').toString('utf8');
          if (!token.endsWith('\n')) throw new Error('near-miss edit: FMC209 token has no trailing newline');
          return sub(v, Buffer.from(token.trimEnd()).toString('base64'))(c);
        },
      ],
    },
  },
  FMC210: { why: 'the Secret named cluster-credentials', edits: { 'secrets.yaml': [marked('FMC210', 'flyte-cluster-credentials', 'cluster-credentials')] } },
  FMC211: { why: 'a CA that is not empty', edits: { 'secrets.yaml': [marked('FMC211', '""', cleanCa)] } },
  FMC212: { why: 'an inCluster entry with propeller on in the control plane', edits: { 'values-override.yaml': [sub('flytepropeller:\n  enabled: false', 'flytepropeller:\n  enabled: true')] } },
  FMC301: { why: 'the ECL value written as the label is', edits: { 'ecl.yaml': [marked('FMC301', 'Label1', 'label1')] } },
  FMC302: { why: 'only the keys flytectl knows', edits: { 'ecl.yaml': [dropMarked('FMC302')] } },
  FMC303: { why: 'a workflow row with its domain', edits: { 'ecl.yaml': [sub('project: team1\n', 'domain: development\nproject: team1\n')] } },
  FMC304: { why: 'a non-empty value', edits: { 'ecl.yaml': [marked('FMC304', '""', 'label1')] } },
  FMC305: { why: 'the second file targets another domain of the same project', edits: { 'ecl-b.yaml': [marked('FMC305', 'development', 'staging')] } },
  FMC401: { why: 'well-formed keys <provider>:aud and <provider>:sub', edits: { 'dataplane-trust-policy.json': [sub('AAAA1111.:', 'AAAA1111:')] } },
  FMC402: { why: 'the condition keys name the statement\'s own provider', edits: { 'dataplane-trust-policy.json': [sub('BBBB2222:aud', 'AAAA1111:aud')] } },
  FMC403: {
    why: 'one statement per data plane provider',
    edits: {
      'dataplane-trust-policy.json': [
        json((doc) => {
          const second = JSON.parse(JSON.stringify(doc.Statement[0]).replaceAll('AAAA1111', 'BBBB2222'));
          doc.Statement.push(second);
        }),
      ],
    },
  },
  FMC404: { why: 'a service account whose name only starts like flyteadmin\'s', edits: { 'dataplane-trust-policy.json': [sub('system:serviceaccount:flyte:flyteadmin', 'system:serviceaccount:flyte:flyteadmin-sync')] } },
  FMC405: { why: 'any namespace but one service-account name (the guide\'s default)', edits: { 'dataplane-trust-policy.json': [sub('system:serviceaccount:*:*', 'system:serviceaccount:*:default')] } },
  FMC406: { why: 'StringEquals with literal namespaces only', edits: { 'dataplane-trust-policy.json': [sub('system:serviceaccount:*:default', 'system:serviceaccount:team1-development:default')] } },
  FMC407: { why: 'the bucket ARN and its objects, no prefix wildcard', edits: { 'permissions-policy.json': [sub('my-bucket*"', 'my-bucket"'), sub('my-bucket*/*', 'my-bucket/*')] } },
  FMC408: {
    why: 'flytepropeller and a namespace\'s default service account, listed literally',
    edits: { 'dataplane-trust-policy.json': [json((doc) => void doc.Statement[0].Condition.StringEquals[SA].push('system:serviceaccount:team1-development:default'))] },
  },
  FMC501: {
    why: 'cluster-id and clusterName equal to the names, underscore and all',
    edits: { 'dataplanes/dataplane_1/values-dataplane.yaml': [marked('FMC501', 'dataplane-1', 'dataplane_1')], 'dataplanes/dataplane_2/values-dataplane.yaml': [marked('FMC501', 'dp2', 'dataplane_2')] },
  },
  FMC213: { why: 'propeller off in the control plane, but clusterConfigs to send executions to', edits: { 'values-controlplane.yaml': [sub('flyteconnector:\n  enabled: false\n', 'flyteconnector:\n  enabled: false\nconfigmap:\n  clusters:\n    labelClusterMap: {}\n    clusterConfigs:\n      - name: dataplane_1\n        endpoint: https://dp1.example:443\n        enabled: true\n        auth:\n          tokenPath: /var/run/credentials/dataplane_1_token\n          certPath: /var/run/credentials/dataplane_1_cacert\n')] } },
  FMC214: {
    why: 'cluster-credentials mounted at /var/run/credentials',
    edits: { 'manifests.yaml': [sub('        - name: clusters-config-volume\n          mountPath: /etc/flyte/config\n', '        - name: clusters-config-volume\n          mountPath: /etc/flyte/config\n        - name: cluster-credentials\n          mountPath: /var/run/credentials\n'), sub('      volumes:\n', '      volumes:\n      - name: cluster-credentials\n        secret:\n          secretName: cluster-credentials\n')] },
  },
  FMC505: { why: 'the control plane\'s ingress as the admin endpoint', edits: { 'manifests.yaml': [sub('endpoint: flyteadmin:81', 'endpoint: flyte.example.com:443')] } },
  FMC506: { why: 'no Ingress in the data plane', edits: { 'manifests.yaml': [sub(/---\napiVersion: networking\.k8s\.io\/v1\n[\s\S]*$/, '')] } },
  FMC502: { why: 'the values file flyte-core ships (values-controlplane.yaml)', edits: { 'commands.sh': [sub('values-eks-controlplane.yaml', 'values-controlplane.yaml')] } },
  FMC503: { why: '--create-namespace with the namespace given by -n', edits: { 'commands.sh': [sub('--create-namespace flyte', '--create-namespace')] } },
  FMC504: { why: 'only --attrFile', edits: { 'commands.sh': [sub('  -p project1 -d development \\\n  example.training_workflow \\\n', '')] } },
  FMC901: { why: 'a real endpoint in place of the placeholder', edits: { 'values-override.yaml': [marked('FMC901', 'https://<your-dataplane1-kubeapi-endpoint>:443', 'https://dp1.example.com:443')] } },
};

describe('lint near misses: each rule stays silent', () => {
  it('every rule has a near miss', () => {
    expect(Object.keys(nearMisses).sort()).toEqual(rules.map((r) => r.code).sort());
  });

  it.each(Object.entries(nearMisses).map(([code, n]) => [`${code}: ${n.why}`, code, n] as const))('%s', (_, code, n) => {
    const files = filesOf(join(ROOT, code));
    const before = lintArtifacts(files);
    expect(before.some((f) => f.code === code), 'the fixture itself must fire').toBe(true);
    const edited = files.map((f) => ({ ...f, content: (n.edits[f.path] ?? []).reduce((c, e) => e(c), f.content) }));
    for (const file of Object.keys(n.edits)) expect(files.some((f) => f.path === file), file).toBe(true);
    const after = lintArtifacts(edited).filter((f) => f.code === code);
    expect(after.map((f) => `${f.file}:${f.line} ${f.path}: ${f.message}`)).toEqual([]);
  });
});
