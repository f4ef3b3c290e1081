// Properties of render and lint over generated topologies: sane ones lint clean; wild ones (labels of any case,
// keys that collide by case, a cluster twice in a label) get exactly the findings their footguns call for; and the
// rendered values-override.yaml decodes to what a plain reading of viper's rules expects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clustersConfigFromValuesYaml } from '../../harness/admin/config.ts';
import { lintTopology } from '../../harness/lint/index.ts';
import { clustersConfigFromTopology } from '../../harness/placement/index.ts';
import { render } from '../../harness/render/index.ts';
import { TopologySchema, type Topology } from '../../harness/topology/index.ts';
import { topologyArb, topologyInputArb } from '../support/arbitraries.ts';
import { propertyParams } from '../support/seed.ts';

const VALUES = 'controlplane/values-override.yaml';
const valuesOf = (t: Topology) => render(t).find((f) => f.path === VALUES)!.content;

/** viper's map-key rule, written out independently: lowercase unless the key has a dot. */
const folded = (key: string) => (key.includes('.') ? key : key.toLowerCase());

/** The label keys FlyteAdmin ends up with, and which written key each keeps (the last one written, as the model does). */
function foldLabels(t: Topology): Map<string, { kept: string; dropped: string[] }> {
  const out = new Map<string, { kept: string; dropped: string[] }>();
  for (const written of Object.keys(t.labels)) {
    const prev = out.get(folded(written));
    // Of keys that collapse, the one the chart writes last (byte order) is kept (docs/flyte-behaviour.md#label-case).
    if (prev && Buffer.compare(Buffer.from(written), Buffer.from(prev.kept)) < 0) {
      prev.dropped.push(written);
      continue;
    }
    out.delete(folded(written));
    out.set(folded(written), { kept: written, dropped: prev ? [...prev.dropped, prev.kept] : [] });
  }
  return out;
}

// Regression case: the shrunk counterexample this property found while place/distribution/diff still built the
// selector from the topology as written (label "A" kept its capital; FlyteAdmin reads it as "a").
const KNOWN_LABEL_CASE_BUG: Topology = TopologySchema.parse({
  apiVersion: 'flyte-mc/v1alpha1',
  controlPlane: { ingressEndpoint: 'flyte.example.com:443', datacatalogEndpoint: 'datacatalog.flyte.internal:89' },
  dataPlanes: [{ name: 'dataplane_1', endpoint: 'auto', enabled: true }],
  labels: { A: [{ cluster: 'dataplane_1', weight: 0.001 }], 'A.a': [{ cluster: 'dataplane_1', weight: 1e-7 }] },
  aws: { accountId: '123456789012', region: 'us-east-2', bucket: 'my-flyte-bucket' },
});

describe('lint ∘ render', () => {
  it('generated inputs (sane and wild) pass TopologySchema', () => {
    fc.assert(
      fc.property(fc.oneof(topologyInputArb(), topologyInputArb({ wild: true })), (input) => {
        const r = TopologySchema.safeParse(input);
        expect(r.error?.issues ?? []).toEqual([]);
      }),
      propertyParams('schema accepts generated inputs', 100),
    );
  });

  it('the wild generator really writes the footguns: capitals, case collisions, repeated ids, exponent weights', () => {
    const sample = fc.sample(topologyArb({ wild: true }), { numRuns: 300, seed: 7 });
    const has = (p: (t: Topology) => boolean) => sample.filter(p).length;
    expect(has((t) => Object.keys(t.labels).some((k) => folded(k) !== k))).toBeGreaterThan(30);
    expect(has((t) => [...foldLabels(t).values()].some((f) => f.dropped.length > 0))).toBeGreaterThan(30);
    expect(has((t) => Object.values(t.labels).some((es) => new Set(es.map((e) => e.cluster)).size < es.length))).toBeGreaterThan(30);
    expect(has((t) => /weight: [0-9.]+e-/.test(valuesOf(t)))).toBeGreaterThan(10);
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
        // A label whose live weights are all 0 (as float32: 5e-324 is 0) asks for a drain and gets an even spread (FMC104): also the topology's.
        const zero = Object.entries(t.labels).filter(([, es]) => { const live = es.filter((e) => enabled.has(e.cluster)); return live.length > 0 && live.every((e) => Math.fround(e.weight) === 0); }).map(([l]) => l);
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
      propertyParams('sane topologies lint clean', 150),
    );
  });

  it('wild topologies: FMC105 for each kept key viper changes, FMC106 for each collision, FMC115 for each repeated id', () => {
    fc.assert(
      fc.property(topologyArb({ wild: true }), (t) => {
        const want: string[] = [];
        for (const [key, { kept, dropped }] of foldLabels(t)) {
          if (kept !== key) want.push(`FMC105 ${kept}`);
          for (const d of dropped) want.push(`FMC106 ${d} ${kept}`);
          const ids = t.labels[kept]!.map((e) => e.cluster);
          for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) for (let n = ids.filter((x) => x === id).length; n > 1; n--) want.push(`FMC115 ${key} ${id}`);
        }
        const got = lintTopology(t)
          .filter((f) => f.file === VALUES && ['FMC105', 'FMC106', 'FMC115'].includes(f.code))
          .map((f) => {
            const q = [...f.message.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
            return f.code === 'FMC105' ? `FMC105 ${q[0]}` : f.code === 'FMC106' ? `FMC106 ${q[0]} ${q[1]}` : `FMC115 ${q[0]} ${q[1]}`;
          });
        expect(got.sort()).toEqual(want.sort());
      }),
      propertyParams('wild topologies get their findings', 150),
    );
  });

  it('the rendered values-override.yaml decodes to viper\'s reading of the topology, and place uses exactly that', () => {
    fc.assert(
      fc.property(topologyArb({ wild: true }), (t) => {
        const decoded = clustersConfigFromValuesYaml(valuesOf(t), VALUES);
        const clusters = [...t.dataPlanes.map((d) => [d.name, d.enabled, false]), ...(t.controlPlane.runsWorkflows ? [[t.controlPlane.name, true, true]] : [])];
        expect(decoded.clusterConfigs.map((c) => [c.name, c.enabled, c.inCluster])).toEqual(clusters);
        const labels = [...foldLabels(t)].map(([key, { kept }]) => [key, t.labels[kept]!.map((e) => ({ id: e.cluster, weight: Math.fround(e.weight) }))]);
        expect([...decoded.labelClusterMap]).toEqual(labels);
        expect(decoded.defaultExecutionLabel).toBe(t.defaultExecutionLabel ?? '');
        expect(clustersConfigFromTopology(t)).toEqual(decoded);
      }),
      propertyParams('decode(render(t)) is viper\'s reading', 150, [[KNOWN_LABEL_CASE_BUG]]),
    );
  });
});
