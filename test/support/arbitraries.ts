// fast-check generators of valid topologies, shared by property tests. By default they are sane: they pass
// TopologySchema and avoid every footgun lint reports as an error (at least one enabled cluster, label keys that
// viper keeps as written - lower case, or dotted in any case -, weights in [0,1] with one positive as a float32 per
// label, ECL values that are labels, distinct endpoints, propeller cluster-id equal to the name). With `wild: true`
// they also write labels in any case, keys that collide by case, and the same cluster twice in a label: the
// footguns lint must report.
import fc from 'fast-check';
import { TopologySchema, type Topology, type TopologyInput } from '../../harness/topology/index.ts';

export interface TopologyArbOptions {
  /** @defaultValue 1 */
  minDataPlanes?: number;
  /** @defaultValue 6 */
  maxDataPlanes?: number;
  /** Labels of any case, case collisions, repeated ids in a label. @defaultValue false */
  wild?: boolean;
}

const CONTROL_PLANE = 'controlplane';

/** Cluster names as FlyteAdmin accepts them (case kept), never the control plane's name. */
export const clusterNameArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('dataplane', 'dp', 'gpu', 'Cpu', 'east.1'), fc.constantFrom('_', '-', ''), fc.integer({ min: 1, max: 99 }))
  .map(([stem, sep, n]) => `${stem}${sep}${n}`);

/** Label keys viper keeps as written: lower case, or dotted (flytestdlib restores dotted keys) in any case. */
export const labelNameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,4}\.[A-Za-z0-9]{1,4}$/) },
);

/** Label keys of any case; viper lowercases the undotted ones. */
export const anyCaseLabelNameArb: fc.Arbitrary<string> = fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/), labelNameArb);

/**
 * Weights over float32's range as YAML writes them: thousandths, exponent forms (1e-7, 1e-45: float32's smallest
 * subnormal; 1e-46 becomes 0), values that round to 1, and any double in [0,1] (tiny ones become 0 as in Go).
 */
export const weightArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000) },
  { weight: 1, arbitrary: fc.constantFrom(1e-7, 2.5e-8, 1e-10, 1e-38, 1e-45, 1e-46, 3e-39, 0.99999997, 1 / 3) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
);

/** A weight that stays positive as a float32 (at least one per label, so no label is all zero). */
export const positiveWeightArb: fc.Arbitrary<number> = weightArb.filter((w) => Math.fround(w) > 0);

/** The same key with its case changed, so that viper folds the two together. */
const caseTwin = (label: string): string => {
  const flipped = [...label].map((ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase())).join('');
  return flipped === label ? `${label}X`.toUpperCase() : flipped;
};

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
      labelNames: opts.wild
        ? fc.tuple(fc.uniqueArray(anyCaseLabelNameArb, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([ls, twin]) =>
            twin && !ls.includes(caseTwin(ls[0]!)) ? [...ls, caseTwin(ls[0]!)] : ls,
          )
        : fc.uniqueArray(labelNameArb, { minLength: 1, maxLength: 4, selector: (l) => (l.includes('.') ? l : l.toLowerCase()) }),
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
      const clusterList = opts.wild
        ? fc.array(fc.constantFrom(...workflowClusters), { minLength: 1, maxLength: workflowClusters.length + 2 })
        : fc.uniqueArray(fc.constantFrom(...workflowClusters), { minLength: 1, maxLength: workflowClusters.length });
      const labels = fc.tuple(
        ...g.labelNames.map(() =>
          clusterList.chain((cs) =>
            fc.tuple(fc.constant(cs), fc.array(weightArb, { minLength: cs.length, maxLength: cs.length }), fc.nat({ max: cs.length - 1 }), positiveWeightArb),
          ),
        ),
      );
      return fc.tuple(fc.constant(g), planes, labels);
    })
    .chain(([g, planes, labelParts]) => {
      const labels: Record<string, { cluster: string; weight: number }[]> = {};
      g.labelNames.forEach((label, i) => {
        const [clusters, weights, positive, positiveWeight] = labelParts[i] as [string[], number[], number, number];
        labels[label] = clusters.map((cluster, j) => ({ cluster, weight: j === positive ? positiveWeight : (weights[j] as number) }));
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
