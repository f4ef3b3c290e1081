// An inCluster entry sends executions to the control plane, which has no FlyteWorkflow CRD and no propeller
// while values-controlplane.yaml keeps flytepropeller.enabled: false.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, keyLine, lastSet } from '../util.ts';

export const inClusterWithoutPropeller: Rule = {
  code: 'FMC212',
  severity: 'error',
  summary: 'enabled inCluster cluster while flytepropeller is disabled in the control plane',
  hint: 'set flytepropeller.enabled: true in the control plane values (the guide\'s note), or disable the inCluster entry',
  ref: ['charts/flyte-core/templates/propeller/crds/flyteworkflow.yaml', 'charts/flyte-core/values-controlplane.yaml', 'docs/flyte-behaviour.md#data-plane-rbac'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    const off = lastSet(input.values, ['flytepropeller', 'enabled']);
    if (!off || off.value !== false) return [];
    const out: Finding[] = [];
    c.d.config.clusterConfigs.forEach((cc, i) => {
      const loc = c.d.clusters[i];
      if (!cc.inCluster || !cc.enabled || !loc) return;
      const p = ['flytepropeller', 'enabled'];
      out.push(finding(this, { file: c.artifact.file, path: loc.path, line: loc.line }, `cluster "${cc.name}" runs in the control plane, but ${off.artifact.file}:${keyLine(off.artifact.doc, p) ?? '?'} disables flytepropeller there (no CRD, nothing runs its executions)`));
    });
    return out;
  },
};
