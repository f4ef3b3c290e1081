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

  it('lintTopology reports no errors for any valid topology', () => {
    fc.assert(
      fc.property(topologyArb(), (t) => {
        const errors = lintTopology(t).filter((f) => f.severity === 'error');
        expect(errors.map((f) => `${f.file}:${f.line} ${f.code} ${f.path}: ${f.message}`)).toEqual([]);
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
        // render writes a placeholder for `endpoint: auto`; clusterConfigs order does not matter to FlyteAdmin (lists are sorted by name).
        const endpoints = expected.clusterConfigs.map((c) => (c.endpoint === 'auto' ? { ...c, endpoint: endpointPlaceholder(c.name) } : c));
        expect([...decoded.clusterConfigs].sort(byName)).toEqual([...endpoints].sort(byName));
        expect(decoded.labelClusterMap).toEqual(expected.labelClusterMap);
        expect(decoded.defaultExecutionLabel).toBe(expected.defaultExecutionLabel);
      }),
      { numRuns: 150 },
    );
  });
});
