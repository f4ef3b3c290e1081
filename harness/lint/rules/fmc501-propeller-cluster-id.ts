// A propeller cluster-id other than "propeller" must equal the admin cluster name byte for byte, or
// every event is rejected as IncompatibleCluster and workflows are aborted.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, getIn, keyLine } from '../util.ts';

const PATH = ['configmap', 'core', 'propeller', 'cluster-id'];

export const propellerClusterId: Rule = {
  code: 'FMC501',
  severity: 'error',
  summary: 'data-plane propeller cluster-id differs from the admin cluster name: its events are rejected and workflows aborted',
  hint: 'set configmap.core.propeller.cluster-id to the clusterConfigs name exactly, or leave it unset ("propeller")',
  ref: ['flyteadmin/pkg/manager/impl/validation/shared_execution.go:31-43', 'flytepropeller/pkg/controller/config/config.go:121,180', 'docs/flyte-behaviour.md#events'],
  check(input) {
    const out: Finding[] = [];
    const c = clustersOf(input);
    const names = c?.d.config.clusterConfigs.map((x) => x.name) ?? [];
    for (const dv of input.dataplaneValues) {
      const raw = getIn(dv.doc.data, PATH);
      if (raw === undefined || raw === null) continue;
      const id = String(raw);
      if (id === '' || id === 'propeller') continue;
      const at = { file: dv.file, path: PATH, line: keyLine(dv.doc, PATH) };
      if (dv.cluster !== undefined && id !== dv.cluster) {
        out.push(finding(this, at, `cluster-id "${id}" but this data plane is "${dv.cluster}" in FlyteAdmin's clusterConfigs`));
      } else if (dv.cluster === undefined && c && !names.includes(id)) {
        out.push(finding(this, at, `cluster-id "${id}" is not a clusterConfigs name (${names.join(', ') || 'none'})`));
      }
    }
    return out;
  },
};
