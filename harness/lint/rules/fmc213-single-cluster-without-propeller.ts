// Without clusterConfigs FlyteAdmin runs single-cluster and creates every FlyteWorkflow in its own cluster
// (flyteadmin/pkg/executioncluster/impl/factory.go at v1.16.8); with flytepropeller disabled there (the chart's
// values-controlplane.yaml), that cluster has no CRD and nothing runs the executions.
import type { Finding, Rule } from '../types.ts';
import { clustersOf, finding, keyLine, lastSet } from '../util.ts';

export const singleClusterWithoutPropeller: Rule = {
  code: 'FMC213',
  severity: 'error',
  summary: 'control plane with flytepropeller disabled and no clusterConfigs: FlyteAdmin runs single-cluster with nothing to run workflows',
  hint: 'add the data planes to configmap.clusters.clusterConfigs (values-override.yaml), or keep flytepropeller enabled in the control plane',
  ref: ['flyteadmin/pkg/executioncluster/impl/factory.go:10-32', 'charts/flyte-core/values-controlplane.yaml'],
  check(input) {
    const out: Finding[] = [];
    const off = lastSet(input.values, ['flytepropeller', 'enabled']);
    const adminOff = lastSet(input.values, ['flyteadmin', 'enabled']);
    if (off && (off.value === false || off.value === 'false') && !(adminOff && adminOff.value === false)) {
      const c = clustersOf(input);
      if (!c || c.d.config.clusterConfigs.length === 0) {
        const p = ['flytepropeller', 'enabled'];
        out.push(finding(this, { file: off.artifact.file, path: p, line: keyLine(off.artifact.doc, p) }, `flytepropeller is disabled here and ${c ? `${c.artifact.file} has no clusterConfigs` : 'no values file has a clusters section'}: FlyteAdmin places every execution in the control plane, where nothing runs it`));
      }
    }
    for (const m of input.manifests) {
      if (!m.admin?.ok || m.propeller) continue;
      if (m.admin.pod.serve.clusters.clusterConfigs.length === 0) {
        out.push(finding(this, { file: m.file, path: '(flyteadmin Deployment)' , line: m.sources[m.objects.findIndex((o) => o.kind === 'Deployment' && o.metadata.name === 'flyteadmin')]?.line }, 'the release runs flyteadmin with no clusterConfigs and renders no flytepropeller: executions are created in a cluster that runs none'));
      }
    }
    return out;
  },
};
