// The chart mounts the credentials into the sync init container and syncresources only when
// labelClusterMap is non-empty; with remote clusters and an empty map both crash reading the token.
import type { Rule } from '../types.ts';
import { clustersOf, finding, getIn, isObj, keyLine, lastSet } from '../util.ts';

export const emptyLabelMap: Rule = {
  code: 'FMC201',
  severity: 'error',
  summary: 'empty labelClusterMap with remote clusters: the chart mounts no credentials into cluster-resource sync, which crash-loops',
  hint: 'add at least one label (list form works too), or disable cluster_resource_manager',
  ref: ['charts/flyte-core/templates/admin/deployment.yaml:115-119', 'charts/flyte-core/templates/clusterresourcesync/deployment.yaml:68-71,86-90', 'flyteorg/flyte PR #3993', 'docs/flyte-behaviour.md#chart-credentials'],
  check(input) {
    const c = clustersOf(input);
    if (!c || c.d.base[0] !== 'configmap') return [];
    const remote = c.d.config.clusterConfigs.filter((x) => !x.inCluster);
    if (remote.length === 0) return [];
    if (lastSet(input.values, ['cluster_resource_manager', 'enabled'])?.value === false) return [];
    const lcm = getIn(c.artifact.doc.data, [...c.d.base, 'labelClusterMap']);
    const size = Array.isArray(lcm) ? lcm.length : isObj(lcm) ? Object.keys(lcm).length : 0;
    if (size > 0) return [];
    const path = lcm === undefined ? c.d.base : [...c.d.base, 'labelClusterMap'];
    return [
      finding(this, { file: c.artifact.file, path, line: keyLine(c.artifact.doc, path) }, `labelClusterMap is empty while ${remote.length} remote cluster(s) are configured: "Failed to get auth token" in sync-cluster-resources and syncresources`),
    ];
  },
};
