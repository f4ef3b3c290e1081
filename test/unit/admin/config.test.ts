import { describe, expect, it } from 'vitest';
import {
  clustersConfigFromValuesYaml,
  decodeClustersConfig,
  decodeClustersYaml,
  parseGoDuration,
  viperMapKey,
} from '../../../harness/admin/config.ts';
import { InputError } from '../../../harness/errors.ts';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

const values = (clusters: string) => `flyteadmin:\n  enabled: true\nconfigmap:\n  clusters:\n${clusters}`;

describe('decodeClustersConfig: where the section is', () => {
  it('reads configmap.clusters from a flyte-core values file', () => {
    const c = clustersConfigFromValuesYaml(
      values(['    clusterConfigs:', '      - name: dp1', '        enabled: true', '        endpoint: https://a:443'].join('\n')),
      'values-override.yaml',
    );
    expect(c.clusterConfigs).toEqual([{ name: 'dp1', endpoint: 'https://a:443', enabled: true, inCluster: false, auth: { tokenPath: '', certPath: '' } }]);
  });

  it('reads top-level clusters from an admin config file, matching the section key case-insensitively', () => {
    const c = clustersConfigFromValuesYaml('Clusters:\n  defaultExecutionLabel: gpu\n', 'clusters.yaml');
    expect(c.defaultExecutionLabel).toBe('gpu');
  });

  it('returns an empty config and found=false without a clusters section', () => {
    const d = decodeClustersYaml('flyteadmin: {}\nconfigmap:\n  admin: {}\n', 'v.yaml');
    expect(d.found).toBe(false);
    expect(d.config.clusterConfigs).toEqual([]);
    expect(d.config.labelClusterMap.size).toBe(0);
    expect(decodeClustersConfig(null, { file: 'x' }).found).toBe(false);
  });

  it('rejects a document that is not a mapping', () => {
    expect(errorOf(() => decodeClustersConfig([1], { file: 'x.yaml' })).location.file).toBe('x.yaml');
  });
});

describe('decodeClustersConfig: mapstructure semantics', () => {
  it('matches field names case-insensitively', () => {
    const c = clustersConfigFromValuesYaml(
      ['clusters:', '  ClusterConfigs:', '    - NAME: dp1', '      Enabled: true', '      AUTH:', '        TokenPath: /t', '        certpath: /c'].join('\n'),
      'c.yaml',
    );
    expect(c.clusterConfigs[0]).toMatchObject({ name: 'dp1', enabled: true, auth: { tokenPath: '/t', certPath: '/c' } });
  });

  it('defaults enabled and inCluster to false', () => {
    const c = clustersConfigFromValuesYaml(values('    clusterConfigs:\n      - name: dp1\n'), 'v.yaml');
    expect(c.clusterConfigs[0]?.enabled).toBe(false);
    expect(c.clusterConfigs[0]?.inCluster).toBe(false);
  });

  it('reports unknown keys with path and line, including auth.type and wrongly nested keys', () => {
    const text = values(
      [
        '    clusterConfigs:',
        '      - name: dp1',
        '        enabled: true',
        '        auth:',
        '          type: file_path',
        '          tokenPath: /var/run/credentials/t',
        '        labelClusterMap: {}',
        '    tokenpath: /x',
      ].join('\n'),
    );
    const d = decodeClustersYaml(text, 'v.yaml');
    expect(d.ignoredKeys.map((k) => [k.path, k.line, k.reason])).toEqual([
      ['configmap.clusters.tokenpath', 12, 'unknown field'],
      ['configmap.clusters.clusterConfigs[0].labelClusterMap', 11, 'unknown field'],
      ['configmap.clusters.clusterConfigs[0].auth.type', 9, 'unknown field'],
    ]);
    expect(d.config.clusterConfigs[0]?.auth.tokenPath).toBe('/var/run/credentials/t');
  });

  it('prefers the exact spelling of a field over other case variants and reports the shadowed one', () => {
    const d = decodeClustersYaml(values('    clusterConfigs:\n      - name: a\n        Name: b\n'), 'v.yaml');
    expect(d.config.clusterConfigs[0]?.name).toBe('a');
    expect(d.ignoredKeys).toEqual([{ path: 'configmap.clusters.clusterConfigs[0].Name', line: 7, key: 'Name', reason: 'shadowed by "name"' }]);
  });

  it('decodes weakly typed scalars as mapstructure does', () => {
    const c = clustersConfigFromValuesYaml(
      values(
        [
          '    clusterConfigs:',
          '      - name: 42',
          '        enabled: "true"',
          '        inCluster: 0',
          '    labelClusterMap:',
          '      a:',
          '        - id: "42"',
          '          weight: "0.5"',
          '        - id: x',
          '          weight: true',
        ].join('\n'),
      ),
      'v.yaml',
    );
    expect(c.clusterConfigs[0]).toMatchObject({ name: '42', enabled: true, inCluster: false });
    expect(c.labelClusterMap.get('a')).toEqual([
      { id: '42', weight: 0.5 },
      { id: 'x', weight: 1 },
    ]);
  });

  it('lifts a single mapping into a one-element list (weak typing)', () => {
    const c = clustersConfigFromValuesYaml(values('    clusterConfigs:\n      name: dp1\n      enabled: true\n'), 'v.yaml');
    expect(c.clusterConfigs.map((x) => x.name)).toEqual(['dp1']);
  });

  it('decodes a per-cluster kubeClientConfig, timeout in milliseconds', () => {
    const d = decodeClustersYaml(values('    clusterConfigs:\n      - name: a\n        kubeClientConfig:\n          qps: 50\n          timeout: 1m30s\n'), 'v.yaml');
    expect(d.config.clusterConfigs[0]?.kubeClientConfig).toEqual({ qps: 50, burst: 0, timeoutMs: 90_000 });
    expect(d.clusters[0]?.fields.get('kubeClientConfig.timeout')?.line).toBe(9);
  });
});

describe('decodeClustersConfig: weights', () => {
  it('converts weights to float32', () => {
    const c = clustersConfigFromValuesYaml(values('    labelClusterMap:\n      a:\n        - id: x\n          weight: 0.1\n        - id: y\n'), 'v.yaml');
    expect(c.labelClusterMap.get('a')).toEqual([
      { id: 'x', weight: Math.fround(0.1) },
      { id: 'y', weight: 0 },
    ]);
    expect(c.labelClusterMap.get('a')?.[0]?.weight).not.toBe(0.1);
  });

  it('keeps out-of-range and NaN weights for lint (admin validates them only for enabled known clusters)', () => {
    const c = clustersConfigFromValuesYaml(values('    labelClusterMap:\n      a:\n        - {id: x, weight: 1.5}\n        - {id: y, weight: .nan}\n'), 'v.yaml');
    const ws = c.labelClusterMap.get('a')?.map((e) => e.weight);
    expect(ws?.[0]).toBe(1.5);
    expect(ws?.[1]).toBeNaN();
  });

  it('rejects a weight that is not a number, naming field and line', () => {
    const text = values('    labelClusterMap:\n      a:\n        - id: x\n          weight: heavy\n');
    const err = errorOf(() => clustersConfigFromValuesYaml(text, 'v.yaml'));
    expect(err.location).toMatchObject({ file: 'v.yaml', path: 'configmap.clusters.labelClusterMap.a[0].weight', line: 8 });
    expect(err.message).toContain('weight must be a number');
    expect(errorOf(() => clustersConfigFromValuesYaml(values('    labelClusterMap:\n      a:\n        - {id: x, weight: [1]}\n'), 'v.yaml')).message).toContain(
      'weight must be a number',
    );
  });

  it('rejects values that mapstructure cannot decode', () => {
    expect(errorOf(() => clustersConfigFromValuesYaml(values('    clusterConfigs:\n      - name: [a]\n'), 'v.yaml')).location.path).toBe(
      'configmap.clusters.clusterConfigs[0].name',
    );
    expect(errorOf(() => clustersConfigFromValuesYaml(values('    clusterConfigs:\n      - enabled: yes\n'), 'v.yaml')).location.path).toBe(
      'configmap.clusters.clusterConfigs[0].enabled',
    );
    expect(errorOf(() => clustersConfigFromValuesYaml(values('    labelClusterMap: gpu\n'), 'v.yaml')).location.line).toBe(5);
    expect(errorOf(() => clustersConfigFromValuesYaml(values('    labelClusterMap:\n      - gpu\n'), 'v.yaml')).location.path).toBe(
      'configmap.clusters.labelClusterMap[0]',
    );
  });
});

describe('decodeClustersConfig: label key case', () => {
  it('lowercases map-form label keys (viper)', () => {
    const d = decodeClustersYaml(values('    labelClusterMap:\n      GPU:\n        - {id: dp1, weight: 1}\n    defaultExecutionLabel: GPU\n'), 'v.yaml');
    expect([...d.config.labelClusterMap.keys()]).toEqual(['gpu']);
    expect(d.config.defaultExecutionLabel).toBe('GPU');
    expect(d.labelForm).toBe('map');
    expect(d.labels[0]).toMatchObject({ written: 'GPU', key: 'gpu', line: 6 });
  });

  it('keeps the original case of map-form keys that contain a dot (flytestdlib restores them)', () => {
    const c = clustersConfigFromValuesYaml(values('    labelClusterMap:\n      Team.GPU:\n        - {id: dp1, weight: 1}\n      CPU:\n        - {id: dp1, weight: 1}\n'), 'v.yaml');
    expect([...c.labelClusterMap.keys()].sort()).toEqual(['Team.GPU', 'cpu']);
    expect(viperMapKey('A.B')).toBe('A.B');
    expect(viperMapKey('AB')).toBe('ab');
  });

  it('keeps case in the list form (a list of one-key maps)', () => {
    const d = decodeClustersYaml(values('    labelClusterMap:\n      - GPU:\n          - {id: dp1, weight: 1}\n      - cpu:\n          - {id: dp2, weight: 0.5}\n'), 'v.yaml');
    expect(d.labelForm).toBe('list');
    expect([...d.config.labelClusterMap.entries()]).toEqual([
      ['GPU', [{ id: 'dp1', weight: 1 }]],
      ['cpu', [{ id: 'dp2', weight: 0.5 }]],
    ]);
    expect(d.labels.map((l) => [l.key, l.line])).toEqual([
      ['GPU', 6],
      ['cpu', 8],
    ]);
  });

  it('collapses map-form labels that differ only in case, keeping the last and reporting it', () => {
    const d = decodeClustersYaml(values('    labelClusterMap:\n      GPU:\n        - {id: a, weight: 1}\n      gpu:\n        - {id: b, weight: 1}\n'), 'v.yaml');
    expect([...d.config.labelClusterMap.entries()]).toEqual([['gpu', [{ id: 'b', weight: 1 }]]]);
    expect(d.collapsedLabels).toEqual([{ label: 'gpu', kept: 'gpu', dropped: 'GPU', path: 'configmap.clusters.labelClusterMap.gpu', line: 8 }]);
    expect(d.labels).toHaveLength(1);
  });

  it('keeps list-form labels that differ only in case apart, and merges repeated keys last-wins', () => {
    const c = clustersConfigFromValuesYaml(values('    labelClusterMap:\n      - GPU: [{id: a, weight: 1}]\n      - gpu: [{id: b, weight: 1}]\n'), 'v.yaml');
    expect([...c.labelClusterMap.keys()]).toEqual(['GPU', 'gpu']);
    const d = decodeClustersYaml(values('    labelClusterMap:\n      - x: [{id: a, weight: 1}]\n      - x: [{id: b, weight: 1}]\n'), 'v.yaml');
    expect(d.config.labelClusterMap.get('x')).toEqual([{ id: 'b', weight: 1 }]);
    expect(d.collapsedLabels).toHaveLength(1);
  });

  it('records lines of label entries for lint', () => {
    const d = decodeClustersYaml(values('    labelClusterMap:\n      a:\n        - id: x\n          weight: 2\n'), 'v.yaml');
    expect(d.labels[0]?.entries[0]).toMatchObject({ id: 'x', weight: 2, rawWeight: 2, line: 7 });
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['0', 0],
    ['-2s', -2000],
  ])('%s = %d ms', (s, ms) => expect(parseGoDuration(s)).toBe(ms));
  it.each(['30', 's', '1d', ''])('rejects %j', (s) => expect(parseGoDuration(s)).toBeUndefined());
});
