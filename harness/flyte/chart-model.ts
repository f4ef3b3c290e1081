// The built-in model of the flyte-core chart, used only where no chart can be had: it gives FlyteAdmin's pods the
// same view (admin-pod.ts) straight from merged values, following charts/flyte-core at v1.16.8:
//   templates/admin/deployment.yaml:94    sync-cluster-resources init container when cluster_resource_manager.enabled
//                                         and not cluster_resource_manager.standalone_deploy
//   templates/admin/deployment.yaml:115   it mounts flyteadmin.additionalVolumeMounts only when labelClusterMap is
//                                         non-empty; the serve container always mounts them
//   templates/clusterresourcesync/deployment.yaml:68-71,86-90
//                                         syncresources mounts Secret `cluster-credentials` at /var/run/credentials,
//                                         only when labelClusterMap is non-empty
// It cannot evaluate `{{ }}` in values (the chart's `tpl`), nor know the chart's own Secrets (db-pass,
// flyte-admin-secrets); test/property/chart-model.test.ts holds it against the real chart.
import type { KubeObject } from '../backends/types.ts';
import { byteOrder, decodeClustersConfig } from '../admin/config.ts';
import { CREDENTIALS_MOUNT, CREDENTIALS_SECRET, FLYTE_NAMESPACE } from '../constants.ts';
import type { AdminPodResult, AdminContainerView, SecretMount } from './admin-pod.ts';
import { digest, isObj, type Obj } from './pod.ts';
import { DEFAULT_PROPELLER_CLUSTER_ID, type PropellerResult } from './propeller.ts';

/** helm's coalesce of values files: maps merge key by key, later files win, `null` deletes a key. */
export function mergeValues(files: readonly Obj[]): Obj {
  const merge = (into: Obj, from: Obj): Obj => {
    for (const [k, v] of Object.entries(from)) {
      if (v === null) delete into[k];
      else if (isObj(v) && isObj(into[k])) into[k] = merge({ ...(into[k] as Obj) }, v);
      else into[k] = v;
    }
    return into;
  };
  return files.reduce<Obj>((acc, f) => merge(acc, f), {});
}

/**
 * The chart writes the clusters section with `toYaml`, which sorts map keys (Go's encoding/json: byte order); the
 * model reads what the chart writes, so labels that collide by case (viper lowercases them) meet the decoder in
 * sorted order, as they do from the real chart. Which one FlyteAdmin keeps is Go map order (random); lint FMC106.
 */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (!isObj(v)) return v;
  const keys = Object.keys(v).sort(byteOrder);
  return Object.fromEntries(keys.map((k) => [k, sortedKeys(v[k])]));
}

/** The values with `configmap.clusters` as the chart writes it into clusters.yaml (keys sorted). */
export function clustersAsRendered(values: Obj): Obj {
  const cm = isObj(values.configmap) ? values.configmap : undefined;
  return cm && 'clusters' in cm ? { ...values, configmap: { ...cm, clusters: sortedKeys(cm.clusters) } } : values;
}

const truthy = (v: unknown, dflt: boolean): boolean => (v === undefined || v === null ? dflt : v !== false && v !== 'false' && v !== 0 && v !== '');

/** FlyteAdmin's pods from the merged values of the control-plane release. */
export function adminPodFromValues(values: Obj, file = 'values-override.yaml'): AdminPodResult {
  const admin = isObj(values.flyteadmin) ? values.flyteadmin : {};
  if (!truthy(admin.enabled, true)) return { ok: false, reason: 'the release renders no flyteadmin Deployment (flyteadmin.enabled is false?)' };
  const decoded = decodeClustersConfig(clustersAsRendered(values), { file, section: 'values' });
  const volumes: { volume: string; secretName: string }[] = [];
  for (const v of Array.isArray(admin.additionalVolumes) ? admin.additionalVolumes : []) {
    if (isObj(v) && isObj(v.secret) && typeof v.name === 'string' && v.secret.optional !== true) volumes.push({ volume: v.name, secretName: String(v.secret.secretName ?? v.name) });
  }
  const mounts: SecretMount[] = [];
  for (const m of Array.isArray(admin.additionalVolumeMounts) ? admin.additionalVolumeMounts : []) {
    if (!isObj(m) || typeof m.name !== 'string' || typeof m.mountPath !== 'string' || m.subPath) continue;
    const vol = volumes.find((v) => v.volume === m.name);
    if (vol) mounts.push({ volume: m.name, secretName: vol.secretName, mountPath: m.mountPath.replace(/\/+$/, '') || '/' });
  }
  const crm = isObj(values.cluster_resource_manager) ? values.cluster_resource_manager : {};
  const crmEnabled = truthy(crm.enabled, true);
  const lcm = isObj(values.configmap) && isObj(values.configmap.clusters) ? values.configmap.clusters.labelClusterMap : undefined;
  const lcmLen = Array.isArray(lcm) ? lcm.length : isObj(lcm) ? Object.keys(lcm).length : 0;
  const view = (container: string, m: SecretMount[]): AdminContainerView => ({
    container,
    mounts: m,
    clusters: decoded.config,
    clustersFound: decoded.found,
    ...(decoded.found ? { clustersSource: file } : {}),
  });
  const syncInit = crmEnabled && !truthy(crm.standalone_deploy, false);
  return {
    ok: true,
    decoded,
    pod: {
      serve: view('flyteadmin', mounts),
      ...(syncInit ? { syncInit: view('sync-cluster-resources', lcmLen > 0 ? mounts : []) } : {}),
      ...(crmEnabled
        ? { syncResources: view('sync-cluster-resources', lcmLen > 0 ? [{ volume: 'cluster-secrets', secretName: CREDENTIALS_SECRET, mountPath: CREDENTIALS_MOUNT }] : []) }
        : {}),
      initContainers: ['run-migrations', ...(admin.initialProjects === undefined || (Array.isArray(admin.initialProjects) && admin.initialProjects.length > 0) ? ['seed-projects'] : []), ...(syncInit ? ['sync-cluster-resources'] : []), 'generate-secrets'],
      volumes,
      podTemplate: digest([values.configmap, admin, crm.enabled, crm.standalone_deploy]),
      origin: 'model',
    },
  };
}

/**
 * propeller as the chart would configure it from merged values: configmap.admin and configmap.catalog over the
 * chart's defaults (charts/flyte-core/values.yaml: flyteadmin:81, datacatalog:89), the cluster id from
 * flytepropeller.clusterName (--propeller.cluster-id) over configmap.core.propeller.cluster-id over "propeller".
 */
export function propellerFromValues(values: Obj): PropellerResult {
  const p = isObj(values.flytepropeller) ? values.flytepropeller : {};
  if (!truthy(p.enabled, true)) return { ok: false, reason: 'the release renders no flytepropeller Deployment (flytepropeller.enabled is false?)' };
  const cm = isObj(values.configmap) ? values.configmap : {};
  const admin = isObj(cm.admin) && isObj(cm.admin.admin) ? cm.admin.admin : {};
  const catalog = isObj(cm.catalog) && isObj(cm.catalog['catalog-cache']) ? cm.catalog['catalog-cache'] : {};
  const core = isObj(cm.core) && isObj(cm.core.propeller) ? cm.core.propeller : {};
  const args = ['flytepropeller', '--config', '/etc/flyte/config/*.yaml'];
  let clusterId = DEFAULT_PROPELLER_CLUSTER_ID;
  let clusterIdFrom: 'args' | 'config' | 'default' = 'default';
  if (typeof core['cluster-id'] === 'string' && core['cluster-id'] !== '') [clusterId, clusterIdFrom] = [core['cluster-id'], 'config'];
  if (p.clusterName !== undefined && p.clusterName !== null && p.clusterName !== '') {
    [clusterId, clusterIdFrom] = [String(p.clusterName), 'args'];
    args.push('--propeller.cluster-id', clusterId);
  }
  return {
    ok: true,
    propeller: {
      adminEndpoint: String(admin.endpoint ?? 'flyteadmin:81'),
      adminInsecure: admin.insecure === undefined ? true : truthy(admin.insecure, true),
      catalogEndpoint: String(catalog.endpoint ?? 'datacatalog:89'),
      catalogType: String(catalog.type ?? 'datacatalog'),
      clusterId,
      clusterIdFrom,
      configFiles: {},
      args,
    },
  };
}

/**
 * What the data-plane release leaves in a cluster for FlyteAdmin (charts/flyte-core/templates/admin/rbac.yaml and
 * templates/propeller/crds/flyteworkflow.yaml): the flyte namespace, the FlyteWorkflow CRD, the flyteadmin
 * ServiceAccount and the chart's ClusterRole (every verb on its resource list) with its binding.
 */
export function dataPlaneObjectsModel(namespace = FLYTE_NAMESPACE): KubeObject[] {
  const role = `${namespace}-flyteadmin`;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'flyteworkflows.flyte.lyft.com' },
      spec: {
        group: 'flyte.lyft.com',
        names: { kind: 'FlyteWorkflow', plural: 'flyteworkflows', singular: 'flyteworkflow', shortNames: ['fly'], categories: ['all'] },
        scope: 'Namespaced',
        versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flyteadmin', namespace } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: role },
      rules: [
        {
          apiGroups: ['', 'flyte.lyft.com', 'rbac.authorization.k8s.io'],
          resources: ['configmaps', 'flyteworkflows', 'namespaces', 'pods', 'resourcequotas', 'roles', 'rolebindings', 'secrets', 'services', 'serviceaccounts', 'spark-role', 'limitranges'],
          verbs: ['*'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${role}-binding` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: 'flyteadmin', namespace }],
    },
  ];
}
