// fast-check generators of valid, sane topologies: they pass TopologySchema and avoid every footgun lint reports as an
// error (at least one enabled cluster, lower-case labels, weights in [0,1] with a positive one per label, ECL values
// that are labels, distinct endpoints, propeller cluster-id equal to the name). Shared by property tests.
import fc from 'fast-check';
import { TopologySchema, type Topology, type TopologyInput } from '../../harness/topology/index.ts';

export interface TopologyArbOptions {
  /** @defaultValue 1 */
  minDataPlanes?: number;
  /** @defaultValue 6 */
  maxDataPlanes?: number;
}

const CONTROL_PLANE = 'controlplane';

/** Cluster names as FlyteAdmin accepts them (case kept), never the control plane's name. */
export const clusterNameArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('dataplane', 'dp', 'gpu', 'Cpu', 'east.1'), fc.constantFrom('_', '-', ''), fc.integer({ min: 1, max: 99 }))
  .map(([stem, sep, n]) => `${stem}${sep}${n}`);

/** Lower-case labels (FlyteAdmin lowercases map keys), no dots. */
export const labelNameArb: fc.Arbitrary<string> = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);

/** A weight as an operator writes it: thousandths in [0,1], so it survives float32 rounding unchanged in range. */
export const weightArb: fc.Arbitrary<number> = fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000);

const hexId = fc.stringMatching(/^[0-9A-F]{32}$/);

/** Input (pre-defaults) topologies; see `topologyArb` for parsed ones. */
export function topologyInputArb(opts: TopologyArbOptions = {}): fc.Arbitrary<TopologyInput> {
  const min = opts.minDataPlanes ?? 1;
  const max = opts.maxDataPlanes ?? 6;
  return fc
    .record({
      names: fc.uniqueArray(clusterNameArb, { minLength: min, maxLength: max, selector: (n) => n.toLowerCase() }),
      runsWorkflows: fc.boolean(),
      // At least one label: with remote clusters and an empty labelClusterMap the chart crash-loops (lint FMC201).
      labelNames: fc.uniqueArray(labelNameArb, { minLength: 1, maxLength: 4 }),
      style: fc.constantFrom('stringLike' as const, 'stringEquals' as const),
      withOidc: fc.boolean(),
      oidcIds: fc.array(hexId, { minLength: 7, maxLength: 7 }),
      projects: fc.subarray(['team1', 'team2', 'ml']),
      useDefault: fc.boolean(),
    })
    .chain((g) => {
      const workflowClusters = [...g.names, ...(g.runsWorkflows ? [CONTROL_PLANE] : [])];
      const planes = fc.tuple(
        ...g.names.map((name, i) =>
          fc.record({
            enabled: i === 0 ? fc.constant(true) : fc.boolean(),
            endpoint: fc.constantFrom('auto', `https://api-${i}.${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.example.com:6443`),
            pinId: fc.boolean(),
          }),
        ),
      );
      const labels = fc.tuple(
        ...g.labelNames.map(() =>
          fc
            .uniqueArray(fc.constantFrom(...workflowClusters), { minLength: 1, maxLength: workflowClusters.length })
            .chain((cs) => fc.tuple(fc.constant(cs), fc.array(weightArb, { minLength: cs.length, maxLength: cs.length }), fc.nat({ max: cs.length - 1 }))),
        ),
      );
      return fc.tuple(fc.constant(g), planes, labels);
    })
    .chain(([g, planes, labelParts]) => {
      const labels: Record<string, { cluster: string; weight: number }[]> = {};
      g.labelNames.forEach((label, i) => {
        const [clusters, weights, positive] = labelParts[i] as [string[], number[], number];
        labels[label] = clusters.map((cluster, j) => ({ cluster, weight: j === positive ? Math.max(weights[j] as number, 0.25) : (weights[j] as number) }));
      });
      const enabledNames = new Set([...g.names.filter((_, i) => planes[i]?.enabled), ...(g.runsWorkflows ? [CONTROL_PLANE] : [])]);
      const labelled = new Set(Object.values(labels).flatMap((es) => es.map((e) => e.cluster)));
      const labelList = Object.keys(labels);
      // A working default label, or else every enabled cluster in some label (lint FMC111, issue #2882).
      const needDefault = labelList.length > 0 && (g.useDefault || [...enabledNames].some((c) => !labelled.has(c)));
      const ecl =
        labelList.length === 0 || g.projects.length === 0
          ? fc.constant([] as { project: string; domain: string; workflow?: string; value: string }[])
          : fc.array(
              fc.record(
                {
                  project: fc.constantFrom(...g.projects),
                  domain: fc.constantFrom('development', 'staging', 'production'),
                  workflow: fc.constantFrom('example.training_workflow', 'wf.etl'),
                  value: fc.constantFrom(...labelList),
                },
                { requiredKeys: ['project', 'domain', 'value'] },
              ),
              { maxLength: 4 },
            );
      // The default label must reach an enabled cluster, or FlyteAdmin drops it: add one when none qualifies.
      return ecl.map((rows): TopologyInput => {
        let defaultExecutionLabel: string | undefined;
        if (needDefault) {
          const live = labelList.find((l) => labels[l]?.some((e) => enabledNames.has(e.cluster)));
          if (live) defaultExecutionLabel = live;
          else {
            labels.default = [{ cluster: g.names[0] as string, weight: 1 }];
            defaultExecutionLabel = 'default';
          }
        }
        const oidcProviders: Record<string, string> = {};
        if (g.withOidc) [CONTROL_PLANE, ...g.names].forEach((c, i) => (oidcProviders[c] = g.oidcIds[i] as string));
        return {
          apiVersion: 'flyte-mc/v1alpha1',
          controlPlane: { name: CONTROL_PLANE, runsWorkflows: g.runsWorkflows, ingressEndpoint: 'flyte.example.com:443', datacatalogEndpoint: 'datacatalog.flyte.internal:89' },
          dataPlanes: g.names.map((name, i) => {
            const p = planes[i] as { enabled: boolean; endpoint: string; pinId: boolean };
            return { name, endpoint: p.endpoint, enabled: p.enabled, ...(p.pinId ? { propellerClusterId: name } : {}) };
          }),
          labels,
          ...(defaultExecutionLabel !== undefined ? { defaultExecutionLabel } : {}),
          executionClusterLabels: rows,
          projects: g.projects.map((name) => ({ name })),
          aws: { accountId: '123456789012', region: 'us-east-2', bucket: 'my-flyte-bucket', oidcProviders, trustPolicyStyle: g.style },
        };
      });
    });
}

/** Parsed (defaults applied) topologies that pass TopologySchema. */
export function topologyArb(opts: TopologyArbOptions = {}): fc.Arbitrary<Topology> {
  return topologyInputArb(opts).map((input) => TopologySchema.parse(input));
}
