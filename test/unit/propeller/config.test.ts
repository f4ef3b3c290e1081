// propeller's configuration on this machine: only the documented keys change, each override is reported.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { propellerLaunchConfig, type PropellerChartInput } from '../../../harness/propeller/config.ts';
import { propellerChartObjects } from '../../../harness/propeller/chart-input.ts';
import { shardKey } from '../../../harness/propeller/workflow.ts';
import { localPath } from '../../../harness/propeller/pods.ts';

// The shape flyte-core's templates/propeller/configmap.yaml renders (abridged, values of our own).
const chart: PropellerChartInput = {
  configMap: {
    'admin.yaml': 'admin:\n  clientId: flytepropeller\n  clientSecretLocation: /etc/secrets/client_secret\n  endpoint: flyte.example.com:443\n  insecure: false\nevent:\n  type: admin\n  rate: 500\n',
    'catalog.yaml': 'catalog-cache:\n  endpoint: datacatalog.flyte.internal:89\n  insecure: true\n  type: datacatalog\n',
    'core.yaml': 'propeller:\n  workers: 4\n  prof-port: 10254\n  cluster-id: dp-one\n  rawoutput-prefix: s3://bucket-x/\n',
    'resource_manager.yaml': 'propeller:\n  resourcemanager:\n    type: noop\n',
    'storage.yaml': 'storage:\n  type: minio\n  container: bucket-x\n  stow:\n    kind: s3\n    config:\n      secret_key: miniostorage\n  limits:\n    maxDownloadMBs: 10\n',
  },
  command: ['flytepropeller', '--config', '/etc/flyte/config/*.yaml'],
  secretMounts: { '/etc/secrets/': { client_secret: 'foobar' } },
  namespace: 'flyte',
  serviceAccount: 'flytepropeller',
};
const machine = { dir: '/run/p', kubeconfigPath: '/run/p/kubeconfig', adminEndpoint: '127.0.0.1:4000', storageRoot: '/run/s', profPort: 4001 };

describe('propellerLaunchConfig', () => {
  const cfg = propellerLaunchConfig(chart, machine);
  const file = (n: string) => parse(cfg.files[n] as string);

  it('keeps the chart configuration and overrides only API access, admin endpoint, storage, catalog and ports', () => {
    expect(file('core.yaml').propeller).toEqual({ workers: 4, 'prof-port': 4001, 'cluster-id': 'dp-one', 'rawoutput-prefix': 's3://bucket-x/', 'kube-config': '/run/p/kubeconfig' });
    expect(file('resource_manager.yaml')).toEqual({ propeller: { resourcemanager: { type: 'noop' } } });
    expect(file('admin.yaml')).toEqual({
      admin: { clientId: 'flytepropeller', clientSecretLocation: '/run/p/secrets/client_secret', endpoint: 'dns:///127.0.0.1:4000', insecure: true },
      event: { type: 'admin', rate: 500 },
    });
    expect(file('storage.yaml').storage).toEqual({ type: 'stow', container: 'bucket-x', stow: { kind: 'local', config: { path: '/run/s' } }, limits: { maxDownloadMBs: 10 } });
    expect(file('catalog.yaml')).toEqual({ 'catalog-cache': { type: 'noop' } });
    expect(cfg.args).toEqual(['--config', '/run/p/config/*.yaml']);
    expect(cfg.secretFiles).toEqual({ '/run/p/secrets/client_secret': 'foobar' });
    expect(cfg.clusterId).toBe('dp-one');
    expect(cfg.container).toBe('bucket-x');
  });

  it('reports every override with the chart value, never a secret', () => {
    const keys = cfg.overrides.map((o) => `${o.file}:${o.key}`);
    expect(keys).toEqual([
      'core.yaml:propeller.kube-config',
      'core.yaml:propeller.prof-port',
      'admin.yaml:admin.endpoint',
      'admin.yaml:admin.insecure',
      'admin.yaml:admin.clientSecretLocation',
      'storage.yaml:storage.type',
      'storage.yaml:storage.stow',
      'catalog.yaml:catalog-cache',
      'Deployment:args[1]',
    ]);
    expect(cfg.overrides.find((o) => o.key === 'admin.endpoint')?.from).toBe('flyte.example.com:443');
    expect(JSON.stringify(cfg.overrides)).not.toContain('foobar');
  });

  it('defaults the cluster id to "propeller" when the chart does not set it', () => {
    const c = propellerLaunchConfig({ ...chart, configMap: { ...chart.configMap, 'core.yaml': 'propeller:\n  workers: 4\n' } }, machine);
    expect(c.clusterId).toBe('propeller');
  });
});

describe('propellerChartObjects', () => {
  it('finds the ConfigMap, command, Secret volume and RBAC the flytepropeller Deployment uses', () => {
    const objs = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flytepropeller', namespace: 'flyte' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'auth', namespace: 'flyte' }, stringData: { client_secret: 's' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flyte-propeller-config', namespace: 'flyte' }, data: { 'core.yaml': 'propeller: {}\n' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'flyte-flytepropeller' }, rules: [] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'other' }, rules: [] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, roleRef: { name: 'flyte-flytepropeller' }, subjects: [{ kind: 'ServiceAccount', name: 'flytepropeller', namespace: 'flyte' }] },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'flytepropeller', namespace: 'flyte' },
        spec: {
          template: {
            spec: {
              serviceAccountName: 'flytepropeller',
              containers: [{ name: 'flytepropeller', command: ['flytepropeller', '--config', '/etc/flyte/config/*.yaml'], volumeMounts: [{ name: 'config-volume', mountPath: '/etc/flyte/config' }, { name: 'auth', mountPath: '/etc/secrets/' }] }],
              volumes: [{ name: 'config-volume', projected: { sources: [{ configMap: { name: 'flyte-propeller-config' } }] } }, { name: 'auth', secret: { secretName: 'auth' } }],
            },
          },
        },
      },
    ];
    const { input, rbac } = propellerChartObjects(objs);
    expect(input.configMap).toEqual({ 'core.yaml': 'propeller: {}\n' });
    expect(input.command).toEqual(['flytepropeller', '--config', '/etc/flyte/config/*.yaml']);
    expect(input.secretMounts).toEqual({ '/etc/secrets/': { client_secret: 's' } });
    expect(rbac.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ServiceAccount/flytepropeller', 'ClusterRole/flyte-flytepropeller', 'ClusterRoleBinding/b']);
  });
});

describe('helpers', () => {
  it('shard-key is FNV-32a mod 32 (known vectors: "" → 2166136261, "a" → 0xe40c292c)', () => {
    expect(shardKey('')).toBe(String(2166136261 % 32));
    expect(shardKey('a')).toBe(String(0xe40c292c % 32));
  });
  it('maps storage references into the local root', () => {
    expect(localPath('/r', 's3://b/k/outputs.pb')).toBe('/r/b/k/outputs.pb');
    expect(() => localPath('/r', '/plain')).toThrow(/not a storage reference/);
  });
});
