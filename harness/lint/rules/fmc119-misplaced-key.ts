// Admin's config is not strict, so a clusters field at the wrong nesting level (the guide's mis-indented
// day-2 block) is silently ignored, and so is a clusters section outside `configmap.clusters` in Helm values.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, getIn, isObj, keyLine } from '../util.ts';
import { CLUSTERS_FIELD_NAMES } from './shared.ts';
import { isAuthType } from './fmc118-auth-type-ignored.ts';

const SECTION_KEYS = ['clusterConfigs', 'labelClusterMap', 'defaultExecutionLabel'];

export const misplacedKey: Rule = {
  code: 'FMC119',
  severity: 'error',
  summary: 'a clusters field at the wrong nesting level: FlyteAdmin ignores it without a word',
  hint: 'indent it where it belongs: configmap.clusters.{labelClusterMap,clusterConfigs,defaultExecutionLabel}, clusterConfigs[].{name,endpoint,enabled,inCluster,auth,kubeClientConfig}',
  ref: ['flyteadmin/cmd/entrypoints/root.go:76-87', 'docs/deployment/deployment/multicluster.rst:636-659', 'docs/flyte-behaviour.md#clusters-config'],
  check(input) {
    const out: Finding[] = [];
    const c = clustersOf(input);
    if (c) {
      for (const k of c.d.ignoredKeys) {
        if (k.reason !== 'unknown field' || isAuthType(k.path) || !CLUSTERS_FIELD_NAMES.has(k.key.toLowerCase())) continue;
        out.push(finding(this, { file: c.artifact.file, path: k.path, line: k.line }, `"${k.key}" is a clusters field, but not at this level, so it is ignored`));
      }
    }
    // Helm values: the chart renders only configmap.clusters into clusters.yaml.
    for (const v of input.values) {
      const data = v.doc.data;
      if (!isObj(data) || v.clusters.base[0] !== 'configmap') continue;
      const places: (string | number)[][] = [['clusters'], ['flyteadmin', 'clusters'], ...SECTION_KEYS.flatMap((k) => [[k], ['configmap', k], ['flyteadmin', k]])];
      for (const p of places) {
        if (getIn(data, p) === undefined) continue;
        out.push(finding(this, { file: v.file, path: p, line: keyLine(v.doc, p) }, `the chart renders only configmap.clusters into FlyteAdmin's clusters.yaml; "${p.join('.')}" is ignored`));
      }
    }
    return out;
  },
};
