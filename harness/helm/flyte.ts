// The guide's helm steps for flyte-core, on any clusters the harness can write a kubeconfig for:
//   data plane  : helm upgrade --install flyte-core-data CHART -n flyte --values CLOUD --values dataplanes/<dp>/values-dataplane.yaml
//   control pl. : helm upgrade --install flyte-core      CHART -n flyte --values CLOUD --values controlplane/values-controlplane.yaml
//                                                                       --values controlplane/values-override.yaml
// each followed by the rollout wait and "all pods in flyte are Running". The values files are render()'s output
// written to `renderedDir` (flyte-mc render --out DIR).
import { join } from 'node:path';
import type { KubeClient } from '../backends/types.ts';
import type { ChartRef } from './chart.ts';
import { helmUpgradeInstall, type HelmOptions, type ReleaseStatus } from './helm.ts';
import { waitForPodsRunning, waitForRollout, type WaitOptions } from './rollout.ts';

export const CONTROL_PLANE_RELEASE = 'flyte-core';
export const DATA_PLANE_RELEASE = 'flyte-core-data';

export interface HelmTarget {
  /** The clusters' name in the topology (dataplane_1, controlplane). */
  name: string;
  /** Kubeconfig file (0600) helm uses for this cluster. */
  kubeconfig: string;
  kubeContext?: string;
  /** Where the waits read Deployments and Pods. */
  client: KubeClient;
}

export interface FlyteCoreOptions {
  helm: string;
  chart: ChartRef;
  /** Directory holding render()'s files. */
  renderedDir: string;
  /** The cloud values file (e.g. the chart's values-eks.yaml), first in the values order. */
  cloudValues?: string;
  namespace?: string;
  /** Rollout + pods Running waits; false only installs. Default true. */
  wait?: boolean;
  waitOptions?: WaitOptions;
  /** Isolated helm home (see HelmOptions.home). */
  helmHome?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export function dataPlaneValuesFiles(o: Pick<FlyteCoreOptions, 'renderedDir' | 'cloudValues'>, dp: string): string[] {
  return [...(o.cloudValues ? [o.cloudValues] : []), join(o.renderedDir, 'dataplanes', dp, 'values-dataplane.yaml')];
}

export function controlPlaneValuesFiles(o: Pick<FlyteCoreOptions, 'renderedDir' | 'cloudValues'>): string[] {
  return [
    ...(o.cloudValues ? [o.cloudValues] : []),
    join(o.renderedDir, 'controlplane', 'values-controlplane.yaml'),
    join(o.renderedDir, 'controlplane', 'values-override.yaml'),
  ];
}

async function install(o: FlyteCoreOptions, target: HelmTarget, release: string, valuesFiles: string[]): Promise<ReleaseStatus> {
  const namespace = o.namespace ?? 'flyte';
  const log = o.log ?? (() => {});
  const helmOpts: HelmOptions = {
    bin: o.helm,
    kubeconfig: target.kubeconfig,
    ...(target.kubeContext ? { kubeContext: target.kubeContext } : {}),
    ...(o.helmHome ? { home: o.helmHome } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const t0 = Date.now();
  const status = await helmUpgradeInstall({ release, chart: o.chart, namespace, valuesFiles, createNamespace: true }, helmOpts);
  log(`${target.name}: helm ${release} revision ${status.revision} ${status.status} (${status.chart}) in ${Date.now() - t0}ms`);
  if (o.wait ?? true) {
    const w = { ...o.waitOptions, ...(o.signal ? { signal: o.signal } : {}) };
    await waitForRollout(target.client, namespace, w);
    await waitForPodsRunning(target.client, namespace, w);
    log(`${target.name}: rolled out, all pods in ${namespace} Running (${Date.now() - t0}ms)`);
  }
  return status;
}

export function installDataPlane(o: FlyteCoreOptions, target: HelmTarget): Promise<ReleaseStatus> {
  return install(o, target, DATA_PLANE_RELEASE, dataPlaneValuesFiles(o, target.name));
}

export function installControlPlane(o: FlyteCoreOptions, target: HelmTarget): Promise<ReleaseStatus> {
  return install(o, target, CONTROL_PLANE_RELEASE, controlPlaneValuesFiles(o));
}

/** Data planes first (one at a time: two cores), then the control plane, as the guide orders them. */
export async function installFlyteCore(o: FlyteCoreOptions, targets: { controlPlane: HelmTarget; dataPlanes: readonly HelmTarget[] }): Promise<ReleaseStatus[]> {
  const out: ReleaseStatus[] = [];
  for (const dp of targets.dataPlanes) out.push(await installDataPlane(o, dp));
  out.push(await installControlPlane(o, targets.controlPlane));
  return out;
}
