// The two flyte-core releases of the guide as a run renders them: with the real chart (`helm template`, cached), or
// with the built-in chart model where no chart can be had. Either way the result is read by harness/flyte, so
// FlyteAdmin's model and propeller get their view from the same reader.
import type { KubeObject } from '../backends/types.ts';
import { InputError } from '../errors.ts';
import { adminPodFromObjects, type AdminPodResult } from '../flyte/admin-pod.ts';
import { adminPodFromValues, dataPlaneObjectsModel, mergeValues, propellerFromValues } from '../flyte/chart-model.ts';
import { FLYTE_NAMESPACE } from '../constants.ts';
import { isObj, type Obj } from '../flyte/pod.ts';
import { propellerFromObjects, type PropellerResult } from '../flyte/propeller.ts';
import { YamlSource } from '../topology/index.ts';
import { dirname, join } from 'node:path';
import { cloudValues, RELEASE_NAMES, templateRelease, withValuesFiles, type FlyteChart, type Release, type ValuesFile } from './flyte-chart.ts';
import { helmUpgradeInstall, type ReleaseStatus } from './helm.ts';

export interface ControlPlaneRender {
  /** What the release puts into the control plane (with the chart model: only propeller's CRD and RBAC when it is on). */
  objects: KubeObject[];
  admin: AdminPodResult;
}

export interface DataPlaneRender {
  objects: KubeObject[];
  propeller: PropellerResult;
}

export interface FlyteReleases {
  /** `chart`: the real chart through helm; `model`: the built-in chart model. */
  readonly origin: 'chart' | 'model';
  readonly description: string;
  /** Renders the control-plane release with these values files (helm's order, later wins). */
  controlPlane(values: readonly ValuesFile[]): Promise<ControlPlaneRender>;
  dataPlane(values: readonly ValuesFile[]): Promise<DataPlaneRender>;
  /** `helm upgrade --install` for real into the cluster of `kubeconfig` (a 0600 file); only with a chart. */
  install?(release: Release, values: readonly ValuesFile[], kubeconfig: string, signal?: AbortSignal): Promise<ReleaseStatus>;
}

/** Values files parsed as helm would (bad YAML is an InputError naming the file and line). */
function parseValues(values: readonly ValuesFile[]): Obj[] {
  return values.map((v) => {
    const raw = YamlSource.parse(v.content, v.name).toJS();
    if (raw === null || raw === undefined) return {};
    if (!isObj(raw)) throw new InputError('values must be a mapping', { file: v.name });
    return raw;
  });
}

export function chartReleases(chart: FlyteChart, opts: { cloud?: 'eks' | 'gcp'; namespace?: string } = {}): FlyteReleases {
  const namespace = opts.namespace ?? FLYTE_NAMESPACE;
  let cloud: Promise<ValuesFile[]> | undefined;
  const withCloud = async (values: readonly ValuesFile[]): Promise<ValuesFile[]> => [...(await (cloud ??= opts.cloud ? cloudValues(chart, opts.cloud) : Promise.resolve([]))), ...values];
  return {
    origin: 'chart',
    description: chart.description,
    async controlPlane(values) {
      parseValues(values);
      const r = await templateRelease(chart, 'controlplane', await withCloud(values), namespace);
      return { objects: withNamespace(r.objects, namespace), admin: adminPodFromObjects(r.objects) };
    },
    async dataPlane(values) {
      parseValues(values);
      const r = await templateRelease(chart, 'dataplane', await withCloud(values), namespace);
      const propeller = propellerFromObjects(r.objects);
      return { objects: withNamespace(r.objects, namespace), propeller };
    },
    async install(release, values, kubeconfig, signal) {
      return withValuesFiles(await withCloud(values), dirname(kubeconfig), (paths) =>
        helmUpgradeInstall(
          { release: RELEASE_NAMES[release], chart: chart.ref, namespace, valuesFiles: paths, createNamespace: true },
          { bin: chart.helm, kubeconfig, ...(signal ? { signal } : {}), home: join(dirname(kubeconfig), 'helm-home') },
        ),
      );
    },
  };
}

export function modelReleases(opts: { namespace?: string } = {}): FlyteReleases {
  const namespace = opts.namespace ?? FLYTE_NAMESPACE;
  return {
    origin: 'model',
    description: 'the built-in chart model (no flyte-core chart available)',
    async controlPlane(values) {
      const merged = mergeValues(parseValues(values));
      const propeller = isObj(merged.flytepropeller) ? merged.flytepropeller.enabled : undefined;
      const objects = propeller === false || propeller === 'false' ? [] : dataPlaneObjectsModel(namespace);
      return { objects, admin: adminPodFromValues(merged, values.at(-1)?.name) };
    },
    async dataPlane(values) {
      return { objects: dataPlaneObjectsModel(namespace), propeller: propellerFromValues(mergeValues(parseValues(values))) };
    },
  };
}

/** Kinds that live outside namespaces (the ones flyte-core renders, plus Namespace). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'PriorityClass', 'StorageClass']);

/** helm install -n NS puts namespaced objects without a namespace into NS. */
function withNamespace(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  return objects.map((o) => (CLUSTER_SCOPED.has(o.kind) || o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } }));
}

/** Install order, as helm sorts kinds (releaseutil.InstallOrder): namespaces and CRDs first, workloads last. */
const INSTALL_ORDER = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'Secret', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'Deployment', 'Ingress'];
export function inInstallOrder(objects: readonly KubeObject[]): KubeObject[] {
  const rank = (k: string): number => {
    const i = INSTALL_ORDER.indexOf(k);
    return i < 0 ? INSTALL_ORDER.length : i;
  };
  return [...objects].sort((a, b) => rank(a.kind) - rank(b.kind));
}

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}
