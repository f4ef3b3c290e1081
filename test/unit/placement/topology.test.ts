// clustersConfigFromTopology and the in-memory attribute resolver.
import { describe, expect, it } from 'vitest';
import { clustersConfigFromTopology, inMemoryLabelResolver, labelRowsFromTopology } from '../../../harness/placement/index.ts';
import { parseTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';
import { parse, stringify } from 'yaml';

function topo(edit: (t: Record<string, any>) => void) {
  const t = parse(starterTopologyYaml({ dataPlanes: 2 })) as Record<string, any>;
  edit(t);
  return parseTopology(stringify(t));
}

describe('clustersConfigFromTopology: the rendered values-override.yaml as FlyteAdmin decodes it', () => {
  it('data planes in order, then the control plane as an enabled inCluster entry; auto endpoints are placeholders', () => {
    const t = topo((t) => {
      t.controlPlane.runsWorkflows = true;
      t.dataPlanes[1].enabled = false;
      t.dataPlanes[1].endpoint = 'https://dp2.example.com:6443';
    });
    const c = clustersConfigFromTopology(t);
    expect(c.clusterConfigs).toEqual([
      { name: 'dataplane_1', endpoint: 'https://<dataplane_1-kube-api-endpoint>:443', enabled: true, inCluster: false, auth: { tokenPath: '/var/run/credentials/dataplane_1_token', certPath: '/var/run/credentials/dataplane_1_cacert' } },
      { name: 'dataplane_2', endpoint: 'https://dp2.example.com:6443', enabled: false, inCluster: false, auth: { tokenPath: '/var/run/credentials/dataplane_2_token', certPath: '/var/run/credentials/dataplane_2_cacert' } },
      { name: 'controlplane', endpoint: '', enabled: true, inCluster: true, auth: { tokenPath: '', certPath: '' } },
    ]);
  });

  it('label keys as viper reads them: lowercased unless dotted; the default label value is kept as written; weights float32', () => {
    const t = topo((t) => {
      t.labels = { GPU: [{ cluster: 'dataplane_1', weight: 0.1 }, { cluster: 'dataplane_2', weight: 0.3 }], 'Team.A': [{ cluster: 'dataplane_2', weight: 1e-7 }] };
      t.defaultExecutionLabel = 'GPU';
    });
    const c = clustersConfigFromTopology(t);
    expect([...c.labelClusterMap.keys()]).toEqual(['gpu', 'Team.A']);
    expect(c.labelClusterMap.get('gpu')).toEqual([
      { id: 'dataplane_1', weight: 0.10000000149011612 },
      { id: 'dataplane_2', weight: 0.30000001192092896 },
    ]);
    expect(c.labelClusterMap.get('Team.A')).toEqual([{ id: 'dataplane_2', weight: 1.0000000116860974e-7 }]);
    expect(c.defaultExecutionLabel).toBe('GPU');
  });

  it('keys that collide by case collapse into one, the last written wins', () => {
    const t = topo((t) => {
      t.labels = { Gpu: [{ cluster: 'dataplane_1', weight: 1 }], gpu: [{ cluster: 'dataplane_2', weight: 1 }] };
    });
    expect([...clustersConfigFromTopology(t).labelClusterMap]).toEqual([['gpu', [{ id: 'dataplane_2', weight: 1 }]]]);
  });

  it('no control-plane entry by default, empty default label', () => {
    const c = clustersConfigFromTopology(topo(() => {}));
    expect(c.clusterConfigs.map((x) => x.name)).toEqual(['dataplane_1', 'dataplane_2']);
    expect(c.defaultExecutionLabel).toBe('');
  });
});

describe('inMemoryLabelResolver', () => {
  const r = inMemoryLabelResolver([
    { project: 'p', value: 'proj' },
    { project: 'p', domain: 'd', value: 'pd-old' },
    { project: 'p', domain: 'd', value: 'pd' },
    { project: 'p', domain: 'd', workflow: 'w', value: 'wf' },
    { project: 'P', domain: 'd', value: 'upper' },
  ]);

  it('workflow > project-domain > project; later rows with the same key replace earlier ones', () => {
    expect(r('p', 'd', 'w')).toEqual({ value: 'wf', level: 'workflow', priority: 100 });
    expect(r('p', 'd', 'other')).toEqual({ value: 'pd', level: 'project-domain', priority: 10 });
    expect(r('p', 'd', '')).toEqual({ value: 'pd', level: 'project-domain', priority: 10 });
    expect(r('p', 'x', 'w')).toEqual({ value: 'proj', level: 'project', priority: 5 });
  });

  it('matches case-sensitively and returns undefined when nothing matches', () => {
    expect(r('P', 'd', '')?.value).toBe('upper');
    expect(r('q', 'd', 'w')).toBeUndefined();
  });

  it('takes rows from a topology: project-domain rows without a workflow key, workflow rows with it', () => {
    const t = topo((t) => {
      t.executionClusterLabels = [
        { project: 'team1', domain: 'development', value: 'label1' },
        { project: 'team1', domain: 'development', workflow: 'wf.a', value: 'label2' },
      ];
    });
    const rows = labelRowsFromTopology(t);
    expect(rows).toEqual([
      { project: 'team1', domain: 'development', value: 'label1' },
      { project: 'team1', domain: 'development', workflow: 'wf.a', value: 'label2' },
    ]);
    expect('workflow' in rows[0]!).toBe(false);
    expect(inMemoryLabelResolver(rows)('team1', 'development', 'wf.a')?.value).toBe('label2');
  });
});
