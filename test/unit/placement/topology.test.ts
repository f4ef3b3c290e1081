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

describe('clustersConfigFromTopology', () => {
  it('control plane as an enabled inCluster entry when it runs workflows; weights float32; keys as written', () => {
    const t = topo((t) => {
      t.controlPlane.runsWorkflows = true;
      t.dataPlanes[1].enabled = false;
      t.labels = { GPU: [{ cluster: 'dataplane_1', weight: 0.1 }, { cluster: 'controlplane', weight: 0.3 }] };
      t.defaultExecutionLabel = 'GPU';
    });
    const c = clustersConfigFromTopology(t);
    expect(c.clusterConfigs.map((x) => [x.name, x.enabled, x.inCluster])).toEqual([
      ['controlplane', true, true],
      ['dataplane_1', true, false],
      ['dataplane_2', false, false],
    ]);
    expect([...c.labelClusterMap.keys()]).toEqual(['GPU']);
    expect(c.labelClusterMap.get('GPU')).toEqual([
      { id: 'dataplane_1', weight: Math.fround(0.1) },
      { id: 'controlplane', weight: Math.fround(0.3) },
    ]);
    expect(c.defaultExecutionLabel).toBe('GPU');
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

  it('takes rows from a topology', () => {
    const t = topo(() => {});
    expect(labelRowsFromTopology(t)).toEqual(t.executionClusterLabels.map((x) => ({ ...x })));
  });
});
