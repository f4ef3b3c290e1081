// FlyteAdmin reads every cluster's token and CA at start (flyteadmin/pkg/executioncluster/impl/list_targets.go at
// v1.16.8), in each process with its own mounts: serve, the sync-cluster-resources init container
// (charts/flyte-core/templates/admin/deployment.yaml:94-126) and syncresources
// (templates/clusterresourcesync/deployment.yaml). A path no mounted Secret provides stops that process.
import { unreadableCredential } from '../../flyte/inspect.ts';
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';

export const manifestsCredentialsUnreadable: Rule = {
  code: 'FMC214',
  severity: 'error',
  summary: 'rendered manifests: a FlyteAdmin process reads a tokenPath/certPath that no Secret it mounts provides',
  hint: 'mount cluster-credentials at /var/run/credentials (flyteadmin.additionalVolumes/additionalVolumeMounts) and keep labelClusterMap non-empty so the sync init container mounts it too',
  ref: ['charts/flyte-core/templates/admin/deployment.yaml:94-126', 'charts/flyte-core/templates/admin/deployment.yaml:187-196', 'charts/flyte-core/templates/clusterresourcesync/deployment.yaml:68-90'],
  check(input) {
    const out: Finding[] = [];
    for (const m of input.manifests) {
      if (!m.admin?.ok) continue;
      const pod = m.admin.pod;
      const line = m.sources[m.objects.findIndex((o) => o.kind === 'Deployment' && o.metadata.name === 'flyteadmin')]?.line;
      for (const [where, view] of [['flyteadmin Deployment', pod.serve], ['flyteadmin Deployment', pod.syncInit], ['syncresources Deployment', pod.syncResources]] as const) {
        if (!view || view.clusters.clusterConfigs.length === 0) continue;
        const why = unreadableCredential(view);
        if (why) out.push(finding(this, { file: m.file, path: `(${where}: ${view.container})`, line }, why));
      }
    }
    return out;
  },
};
