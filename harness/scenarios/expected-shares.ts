// A second, deliberately simple reading of the shares FlyteAdmin's weights stand for, straight from the values file
// the serving pod started with. It shares no code with harness/admin/config.ts or harness/placement, so scenario
// distribution checks do not grade the model with itself. The rules (flyteadmin random_cluster_selector.go and
// flytestdlib random/weighted_random_list.go at v1.16.8): weights are relative; an id listed twice counts twice;
// ids that are not enabled clusterConfigs are dropped, and a label left with none is gone; a label that is not
// mapped falls back to defaultExecutionLabel, then to every enabled cluster equally; when all weights of a list
// are zero each entry counts equally. Map-form label keys are lowercased as viper does (dotted keys are kept);
// the list form keeps the keys' case.
import { parse } from 'yaml';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export interface ExpectedShares {
  /** The label whose list applies; null when every enabled cluster shares equally. */
  list: string | null;
  shares: Map<string, number>;
}

/** Expected share per cluster for executions whose label candidate is `label` ('' for none). */
export function expectedShares(valuesYaml: string, label: string): ExpectedShares {
  const clusters = obj(obj(obj(parse(valuesYaml)).configmap).clusters);
  const configs = Array.isArray(clusters.clusterConfigs) ? clusters.clusterConfigs.map(obj) : [];
  const enabled = configs.filter((c) => c.enabled === true).map((c) => String(c.name));
  const labels = new Map<string, Obj[]>();
  const lcm = clusters.labelClusterMap;
  const pairs = Array.isArray(lcm)
    ? lcm.flatMap((item) => Object.entries(obj(item)))
    : Object.entries(obj(lcm)).map(([k, v]) => [k.includes('.') ? k : k.toLowerCase(), v] as const);
  for (const [key, entries] of pairs) labels.set(key, (Array.isArray(entries) ? entries : []).map(obj).filter((e) => enabled.includes(String(e.id))));
  const live = (l: string) => l !== '' && (labels.get(l)?.length ?? 0) > 0;
  const fallback = typeof clusters.defaultExecutionLabel === 'string' ? clusters.defaultExecutionLabel : '';
  const chosen = live(label) ? label : live(fallback) ? fallback : null;
  const entries = chosen === null ? enabled.map((id) => ({ id, weight: 0 })) : labels.get(chosen)!;
  const weights = entries.map((e) => ({ id: String(e.id), weight: Math.fround(Number(e.weight ?? 0)) }));
  const total = weights.reduce((a, e) => a + e.weight, 0);
  const shares = new Map<string, number>();
  for (const e of weights) shares.set(e.id, (shares.get(e.id) ?? 0) + (total === 0 ? 1 / weights.length : e.weight / total));
  return { list: chosen, shares };
}
