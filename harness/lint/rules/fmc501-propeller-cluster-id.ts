// A propeller cluster-id (flytepropeller.clusterName, else configmap.core.propeller.cluster-id) other than "propeller" must equal the admin cluster name byte for byte, or
// every event is rejected as IncompatibleCluster and workflows are aborted.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, getIn, keyLine } from '../util.ts';

const CONFIG_PATH = ['configmap', 'core', 'propeller', 'cluster-id'];
/** Rendered as `--propeller.cluster-id`, which wins over core.yaml (charts/flyte-core/templates/propeller/deployment.yaml:65-68). */
const NAME_PATH = ['flytepropeller', 'clusterName'];

export const propellerClusterId: Rule = {
  code: 'FMC501',
  severity: 'error',
  summary: 'data-plane propeller cluster-id differs from the admin cluster name: its events are rejected and workflows aborted',
  hint: 'set flytepropeller.clusterName (or configmap.core.propeller.cluster-id) to the clusterConfigs name exactly, or leave both unset ("propeller")',
  ref: ['flyteadmin/pkg/manager/impl/validation/shared_execution.go:31-43', 'flytepropeller/pkg/controller/config/config.go:121,180', 'charts/flyte-core/templates/propeller/deployment.yaml:65-68', 'docs/flyte-behaviour.md#events'],
  check(input) {
    const out: Finding[] = [];
    const c = clustersOf(input);
    const names = c?.d.config.clusterConfigs.map((x) => x.name) ?? [];
    for (const m of input.manifests) {
      if (!m.propeller?.ok || m.propeller.propeller.clusterId === 'propeller' || !c || names.includes(m.propeller.propeller.clusterId)) continue;
      const p = m.propeller.propeller;
      const line = m.sources[m.objects.findIndex((o) => o.kind === 'Deployment' && o.metadata.name === 'flytepropeller')]?.line;
      out.push(finding(this, { file: m.file, path: `(flytepropeller ${p.clusterIdFrom === 'args' ? '--propeller.cluster-id' : 'core.yaml propeller.cluster-id'})`, line }, `cluster-id "${p.clusterId}" is not a clusterConfigs name (${names.join(', ') || 'none'})`));
    }
    for (const dv of input.dataplaneValues) {
      const byName = getIn(dv.doc.data, NAME_PATH);
      const PATH = byName !== undefined && byName !== null && byName !== '' ? NAME_PATH : CONFIG_PATH;
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
