// Facts rules share about the decoded clusters section.
import type { AdminClusterConfig, DecodedClusters, LabelLocation } from '../../admin/config.ts';

/** The first clusterConfigs entry with this name (ids match names byte for byte). */
export function clusterNamed(d: DecodedClusters, id: string): AdminClusterConfig | undefined {
  return d.config.clusterConfigs.find((c) => c.name === id);
}

/** An entry admin keeps: its id names a configured, enabled cluster (others are skipped silently: docs/flyte-behaviour.md#label-lists). */
export function liveEntry(d: DecodedClusters, id: string): boolean {
  return clusterNamed(d, id)?.enabled === true;
}

/** Entries that survive admin's filter for a label. */
export function liveEntries(d: DecodedClusters, label: LabelLocation): LabelLocation['entries'] {
  return label.entries.filter((e) => liveEntry(d, e.id));
}

/** Labels admin actually builds (at least one live entry). */
export function liveLabels(d: DecodedClusters): Set<string> {
  return new Set(d.labels.filter((l) => liveEntries(d, l).length > 0).map((l) => l.key));
}

/** Why a float32 weight fails admin's validateEntries, or undefined when it passes (NaN passes but breaks picks). */
export function weightProblem(w: number): string | undefined {
  if (Number.isNaN(w)) return 'weight NaN passes validation but makes the total NaN: every pick lands on the last cluster';
  if (w < 0) return `weight ${w} is negative (admin: "invalid weight")`;
  if (w > 1) return `weight ${w} is above 1 (admin: "invalid weight")`;
  return undefined;
}

/** Every field name of FlyteAdmin's clusters structs, lowercased: an ignored key with one of these names is misplaced. */
export const CLUSTERS_FIELD_NAMES = new Set(
  ['clusterConfigs', 'labelClusterMap', 'defaultExecutionLabel', 'name', 'endpoint', 'enabled', 'inCluster', 'auth', 'tokenPath', 'certPath', 'kubeClientConfig', 'qps', 'burst', 'timeout', 'id', 'weight'].map((k) => k.toLowerCase()),
);
