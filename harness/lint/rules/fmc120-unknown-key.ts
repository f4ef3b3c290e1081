// Unknown or misspelt keys in the clusters section are ignored silently (StrictMode is off).
import type { Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';
import { CLUSTERS_FIELD_NAMES } from './shared.ts';
import { isAuthType } from './fmc118-auth-type-ignored.ts';

export const unknownKey: Rule = {
  code: 'FMC120',
  severity: 'warning',
  summary: 'unknown key in the clusters section: FlyteAdmin ignores it',
  hint: 'check the spelling against clusters.{clusterConfigs,labelClusterMap,defaultExecutionLabel}',
  ref: ['flyteadmin/cmd/entrypoints/root.go:76-87', 'docs/flyte-behaviour.md#clusters-config'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    return c.d.ignoredKeys
      .filter((k) => !isAuthType(k.path) && (k.reason !== 'unknown field' || !CLUSTERS_FIELD_NAMES.has(k.key.toLowerCase())))
      .map((k) => finding(this, { file: c.artifact.file, path: k.path, line: k.line }, `"${k.key}" is ignored (${k.reason})`));
  },
};
