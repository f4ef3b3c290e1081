// Property: whatever valid topology we render, lint finds no errors in it, and FlyteAdmin's view of the rendered
// values-override.yaml (our decoder) is the clusters model the topology stands for (harness/placement).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clustersConfigFromValuesYaml } from '../../harness/admin/config.ts';
import { lintTopology } from '../../harness/lint/index.ts';
import { clustersConfigFromTopology, type ClusterConfig } from '../../harness/placement/index.ts';
import { render } from '../../harness/render/index.ts';
import { endpointPlaceholder } from '../../harness/render/names.ts';
import { TopologySchema } from '../../harness/topology/index.ts';
import { topologyArb } from '../support/arbitraries.ts';

const byName = (a: ClusterConfig, b: ClusterConfig) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

describe('lint ∘ render', () => {
  it('generated topologies pass TopologySchema', () => {
    fc.assert(fc.property(topologyArb(), (t) => {
        expect(TopologySchema.safeParse(t).success).toBe(true);
      }), { numRuns: 50 });
  });

  it('lintTopology reports no errors for any valid topology, except the placement changes the topology itself makes', () => {
    fc.assert(
      fc.property(topologyArb(), (t) => {
        // A label whose clusters are all disabled, yet an ECL row or the default routes to it, places elsewhere than
        // written: that is the topology's error (FMC108), and lint must report exactly those.
        const enabled = new Set([...t.dataPlanes.filter((d) => d.enabled).map((d) => d.name), ...(t.controlPlane.runsWorkflows ? [t.controlPlane.name] : [])]);
        const routed = new Set([...t.executionClusterLabels.map((r) => r.value), ...(t.defaultExecutionLabel ? [t.defaultExecutionLabel] : [])]);
        const dead = Object.entries(t.labels).filter(([l, es]) => routed.has(l) && !es.some((e) => enabled.has(e.cluster))).map(([l]) => l);
        const errors = lintTopology(t).filter((f) => f.severity === 'error');
        const deadFound = errors.filter((f) => f.code === 'FMC108').map((f) => /label "([^"]*)"/.exec(f.message)?.[1]);
        expect(deadFound.sort()).toEqual(dead.sort());
        // A label whose live weights are all 0 asks for a drain and gets an even spread (FMC104): also the topology's.
        const zero = Object.entries(t.labels).filter(([, es]) => { const live = es.filter((e) => enabled.has(e.cluster)); return live.length > 0 && live.every((e) => e.weight === 0); }).map(([l]) => l);
        expect(errors.filter((f) => f.code === 'FMC104').map((f) => /label "([^"]*)"/.exec(f.message)?.[1]).sort()).toEqual(zero.sort());
        // Two ECL rows for one target with different labels: the later replaces the earlier (FMC305), once per later row.
        const firstValue = new Map<string, string>();
        let conflicts = 0;
        for (const r of t.executionClusterLabels) {
          const key = JSON.stringify([r.project, r.domain ?? '', r.workflow ?? '']);
          const prev = firstValue.get(key);
          if (prev !== undefined && prev !== r.value) conflicts++;
          firstValue.set(key, r.value);
        }
        expect(errors.filter((f) => f.code === 'FMC305')).toHaveLength(conflicts);
        const others = errors.filter((f) => !['FMC104', 'FMC108', 'FMC305'].includes(f.code));
        expect(others.map((f) => `${f.file}:${f.line} ${f.code} ${f.path}: ${f.message}`)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('the rendered values-override.yaml decodes to clustersConfigFromTopology(t)', () => {
    fc.assert(
      fc.property(topologyArb(), (t) => {
        const file = render(t).find((f) => f.path === 'controlplane/values-override.yaml');
        expect(file).toBeDefined();
        const decoded = clustersConfigFromValuesYaml(file?.content ?? '', 'controlplane/values-override.yaml');
        const expected = clustersConfigFromTopology(t);
        // render writes a placeholder for `endpoint: auto`; clusterConfigs order does not matter to FlyteAdmin (§5.1).
        const endpoints = expected.clusterConfigs.map((c) => (c.endpoint === 'auto' ? { ...c, endpoint: endpointPlaceholder(c.name) } : c));
        expect([...decoded.clusterConfigs].sort(byName)).toEqual([...endpoints].sort(byName));
        expect(decoded.labelClusterMap).toEqual(expected.labelClusterMap);
        expect(decoded.defaultExecutionLabel).toBe(expected.defaultExecutionLabel);
      }),
      { numRuns: 150 },
    );
  });
});
