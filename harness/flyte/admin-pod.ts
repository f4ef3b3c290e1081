// What FlyteAdmin's pods run with, read from the objects the flyte-core chart rendered (see pod.ts for how a pod
// is read): for each FlyteAdmin process, its Secret mounts and the clusters section of its merged config, decoded
// as FlyteAdmin decodes it.
//   flyteadmin Deployment  (charts/flyte-core/templates/admin/deployment.yaml): `serve` container and the
//                          `sync-cluster-resources` init container (`clusterresource sync`)
//   syncresources          (charts/flyte-core/templates/clusterresourcesync/deployment.yaml): `clusterresource run`
// Pure; the same view comes from the built-in chart model (chart-model.ts) where no chart is available.
import type { KubeObject } from '../backends/types.ts';
import { decodeClustersConfig, type AdminClustersConfig, type DecodedClusters } from '../admin/config.ts';
import { findObject } from './manifests.ts';
import { containerConfig, containerRunning, digest, isObj, list, mountsOf, podSpec, secretOf, type Obj, type SecretMount } from './pod.ts';

export type { SecretMount } from './pod.ts';

/** One FlyteAdmin process (a container) as configured. */
export interface AdminContainerView {
  container: string;
  mounts: SecretMount[];
  clusters: AdminClustersConfig;
  /** False when no config file it reads has a clusters section (FlyteAdmin then runs single-cluster). */
  clustersFound: boolean;
  /** Where the clusters section came from (`ConfigMap flyte-admin-clusters-config clusters.yaml`). */
  clustersSource?: string;
  /**
   * Cluster resource templates (files of the ConfigMap mounted at cluster_resources.templatePath, in name order)
   * and cluster_resources.customData per domain; absent where the process has none (or with the chart model).
   */
  resources?: { templates: { file: string; text: string }[]; customData: Record<string, Record<string, string>> };
}

export interface AdminPodSpec {
  /** The serve container: placement, credentials for executions. */
  serve: AdminContainerView;
  /** The `sync-cluster-resources` init container; undefined when the pod has none. */
  syncInit?: AdminContainerView;
  /** The `syncresources` Deployment's container; undefined when the release has none. */
  syncResources?: AdminContainerView;
  /** Init containers in order. */
  initContainers: string[];
  /** Secret volumes of the flyteadmin pod that must exist for it to start (not `optional`). */
  volumes: { volume: string; secretName: string }[];
  /** Changes exactly when `helm upgrade` would start a new flyteadmin pod (a digest of the pod template). */
  podTemplate: string;
  /** `chart`: read from rendered objects; `model`: the built-in chart model. */
  origin: 'chart' | 'model';
}

/** Why the release cannot give FlyteAdmin a pod, or the pod. */
export type AdminPodResult = { ok: true; pod: AdminPodSpec; decoded: DecodedClusters } | { ok: false; reason: string };

function containerView(objects: readonly KubeObject[], c: Obj, volumes: Obj[]): AdminContainerView & { decoded: DecodedClusters } {
  const { merged, sourceOf } = containerConfig(objects, c, volumes);
  const clustersSource = sourceOf('clusters');
  const resources = resourcesOf(objects, c, volumes, merged);
  const decoded = decodeClustersConfig(merged, { file: clustersSource ?? 'flyteadmin config', section: 'admin' });
  return {
    container: String(c.name),
    mounts: mountsOf(c, volumes),
    clusters: decoded.config,
    clustersFound: decoded.found,
    ...(clustersSource ? { clustersSource } : {}),
    ...(resources ? { resources } : {}),
    decoded,
  };
}

/** flyteadmin's default cluster_resources.templatePath (flyteadmin/pkg/runtime/cluster_resource_provider.go). */
const DEFAULT_TEMPLATE_PATH = '/etc/flyte/clusterresource/templates';

function resourcesOf(objects: readonly KubeObject[], c: Obj, volumes: Obj[], config: Obj): AdminContainerView['resources'] {
  const cr = Object.entries(config).find(([k]) => k.toLowerCase() === 'cluster_resources')?.[1];
  const crObj = isObj(cr) ? cr : {};
  const path = String(Object.entries(crObj).find(([k]) => k.toLowerCase() === 'templatepath')?.[1] ?? DEFAULT_TEMPLATE_PATH).replace(/\/+$/, '');
  const mount = list(c.volumeMounts).find((m) => typeof m.mountPath === 'string' && m.mountPath.replace(/\/+$/, '') === path);
  const volume = mount && volumes.find((v) => v.name === mount.name);
  const cmName = volume && isObj(volume.configMap) ? String(volume.configMap.name) : undefined;
  const cm = cmName ? findObject(objects, 'ConfigMap', cmName) : undefined;
  if (!cm || !isObj(cm.data)) return undefined;
  const templates = Object.keys(cm.data)
    .sort()
    .map((file) => ({ file, text: String((cm.data as Obj)[file]) }));
  // customData: a list of {domain: [{key: {value}}]} (viper's slice-to-map form) or a map of the same.
  const customData: Record<string, Record<string, string>> = {};
  const raw = Object.entries(crObj).find(([k]) => k.toLowerCase() === 'customdata')?.[1];
  const domains: [string, unknown][] = Array.isArray(raw) ? raw.filter(isObj).flatMap((x) => Object.entries(x)) : isObj(raw) ? Object.entries(raw) : [];
  for (const [domain, entries] of domains) {
    const out: Record<string, string> = (customData[domain] ??= {});
    const pairs: [string, unknown][] = Array.isArray(entries) ? entries.filter(isObj).flatMap((x) => Object.entries(x)) : isObj(entries) ? Object.entries(entries) : [];
    for (const [key, v] of pairs) out[key] = String(isObj(v) ? v.value : v);
  }
  return { templates, customData };
}

const plain = ({ decoded: _decoded, ...view }: AdminContainerView & { decoded: DecodedClusters }): AdminContainerView => view;

/** FlyteAdmin's pods from one release's rendered objects (the control-plane release). */
export function adminPodFromObjects(objects: readonly KubeObject[]): AdminPodResult {
  try {
    return readAdminPod(objects);
  } catch (err) {
    // A clusters section FlyteAdmin cannot decode stops it at start.
    return { ok: false, reason: (err as Error).message };
  }
}

function readAdminPod(objects: readonly KubeObject[]): AdminPodResult {
  const deployment = findObject(objects, 'Deployment', 'flyteadmin');
  if (!deployment) return { ok: false, reason: 'the release renders no flyteadmin Deployment (flyteadmin.enabled is false?)' };
  const spec = podSpec(deployment);
  const serveC = containerRunning(spec.containers, ['serve']);
  if (!serveC) return { ok: false, reason: 'the flyteadmin Deployment has no container running `flyteadmin serve`' };
  const serveFull = containerView(objects, serveC, spec.volumes);
  const syncC = containerRunning(spec.initContainers, ['clusterresource', 'sync']);
  const sr = findObject(objects, 'Deployment', 'syncresources');
  const srSpec = sr ? podSpec(sr) : undefined;
  const srC = srSpec ? containerRunning(srSpec.containers, ['clusterresource', 'run']) : undefined;
  const volumes = spec.volumes.flatMap((v) => {
    const s = secretOf(v);
    return s && !s.optional ? [{ volume: String(v.name), secretName: s.secretName }] : [];
  });
  const template = isObj(deployment.spec) ? deployment.spec.template : undefined;
  const pod: AdminPodSpec = {
    serve: plain(serveFull),
    ...(syncC ? { syncInit: plain(containerView(objects, syncC, spec.volumes)) } : {}),
    ...(srC && srSpec ? { syncResources: plain(containerView(objects, srC, srSpec.volumes)) } : {}),
    initContainers: spec.initContainers.map((c) => String(c.name)),
    volumes,
    podTemplate: digest(template),
    origin: 'chart',
  };
  return { ok: true, pod, decoded: serveFull.decoded };
}
