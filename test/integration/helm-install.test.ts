// helm upgrade --install for real, against kube-lite clusters in containers: the real flyte-core chart
// with render()'s values in the guide's order, data plane then control plane, then the rollout wait and "all pods
// in flyte are Running". kube-lite has no scheduler or kubelet, so a stand-in "kubelet" in the test marks the pods
// Running and Ready through the status subresource; the real ReplicaSet and Deployment controllers then roll out.
// Without it the wait fails and names the pods that are not Running.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainerBackend, type ContainerBackend, type ContainerCluster } from '../../harness/backends/container/index.ts';
import { writeTreeAtomic } from '../../harness/fsutil.ts';
import { findHelm, helmUnavailableReason, installFlyteCore, parseChartRef, waitForPodsRunning, type HelmTarget } from '../../harness/helm/index.ts';
import { render } from '../../harness/render/index.ts';
import { parseTopology, starterTopologyYaml } from '../../harness/topology/index.ts';
import type { KubeObject } from '../../harness/backends/types.ts';
import { skipTier } from '../support/prereq.ts';
import { notYet, waitFor } from '../../harness/util/wait.ts';
import { chartUnavailable, realChart } from '../support/chart.ts';

/** The real flyte-core chart (Flyte v1.16.8's module, prepared by scripts/setup.d/47-flyte-chart.sh). */
const CHART = realChart?.dir ?? '';

const skip =
  skipTier('helm install', await helmUnavailableReason()) ||
  skipTier('helm install (chart)', chartUnavailable) ||
  skipTier('helm install (container clusters)', await createContainerBackend({ sweepStale: false }).unavailableReason());

/** Marks every pod of `namespace` Running and Ready, as a kubelet would, until stopped (the promise: its loop has ended). */
function standInKubelet(c: ContainerCluster, namespace: string): () => Promise<void> {
  let on = true;
  const loop = async () => {
    while (on) {
      const pods = await c.admin().list({ apiVersion: 'v1', kind: 'Pod', namespace }).catch(() => [] as KubeObject[]);
      for (const p of pods) {
        if ((p.status as { phase?: string } | undefined)?.phase === 'Running') continue;
        const now = new Date().toISOString();
        const containers = ((p.spec as { containers: { name: string; image: string }[] }).containers ?? []).map((k) => ({
          name: k.name, image: k.image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } },
        }));
        const status = {
          phase: 'Running',
          startTime: now,
          conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
          containerStatuses: containers,
        };
        await c.admin().raw('PUT', `/api/v1/namespaces/${namespace}/pods/${p.metadata.name}/status`, { ...p, status }).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  const done = loop();
  return () => {
    on = false;
    return done;
  };
}

describe.skipIf(skip)('helm upgrade --install of the real flyte-core chart on container clusters', () => {
  let backend: ContainerBackend;
  let cp: ContainerCluster;
  let dp: ContainerCluster;
  let dir = '';
  const target = async (c: ContainerCluster): Promise<HelmTarget> => {
    const file = join(dir, `${c.alias}.kubeconfig`);
    await writeFile(file, c.kubeconfig(), { mode: 0o600 });
    return { name: c.spec.name, kubeconfig: file, client: c.admin() };
  };

  beforeAll(async () => {
    backend = createContainerBackend({ log: () => {} });
    cp = await backend.createCluster({ name: 'controlplane', role: 'control-plane' });
    dp = await backend.createCluster({ name: 'dataplane_1', role: 'data-plane' });
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-helm-install-'));
    const t = parseTopology(starterTopologyYaml({ dataPlanes: 1 }));
    await writeTreeAtomic(join(dir, 'out'), render(t, { endpoints: { [dp.spec.name]: dp.endpoint } }));
  });
  afterAll(async () => {
    await backend?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('installs data plane then control plane, waits for rollout and Running pods, upgrades', async () => {
    const helm = (await findHelm()) as string;
    const stops = [standInKubelet(cp, 'flyte'), standInKubelet(dp, 'flyte')];
    const lines: string[] = [];
    try {
      const opts = {
        helm,
        chart: parseChartRef(CHART),
        renderedDir: join(dir, 'out'),
        cloudValues: join(CHART, 'values-eks.yaml'),
        helmHome: join(dir, 'helm-home'),
        waitOptions: { timeoutMs: 120_000, pollMs: 500 },
        log: (l: string) => lines.push(l),
      };
      const targets = { controlPlane: await target(cp), dataPlanes: [await target(dp)] };
      const first = await installFlyteCore(opts, targets);
      expect(first.map((r) => [r.name, r.revision, r.status])).toEqual([['flyte-core-data', 1, 'deployed'], ['flyte-core', 1, 'deployed']]);
      const again = await installFlyteCore(opts, targets);
      expect(again.map((r) => r.revision)).toEqual([2, 2]);
      console.log(`[helm] ${lines.join(' | ')}`);
    } finally {
      await Promise.all(stops.map((s) => s()));
    }
    const cm = await cp.admin().get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'flyte', name: 'flyte-admin-clusters-config' });
    expect((cm.data as Record<string, string>)['clusters.yaml']).toContain(dp.endpoint);
    await dp.admin().get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'flyteworkflows.flyte.lyft.com' });
  }, 300_000);

  it('without a kubelet, the Running check fails naming the pods', async () => {
    // The real chart's upgrade can leave a replacement pod behind the first test's kubelet: settle first.
    const stop = standInKubelet(cp, 'flyte');
    try {
      await waitForPodsRunning(cp.admin(), 'flyte', { timeoutMs: 30_000, pollMs: 250 });
    } finally {
      await stop();
    }
    await expect(waitForPodsRunning(cp.admin(), 'flyte', { timeoutMs: 0 })).resolves.toBeUndefined();
    // Scale a fresh Deployment: its pod stays Pending (nothing schedules it).
    await cp.admin().apply({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'unscheduled', namespace: 'flyte' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'u' } }, template: { metadata: { labels: { app: 'u' } }, spec: { containers: [{ name: 'u', image: 'flyte-mc/busybox:local' }] } } },
    });
    // The Deployment and ReplicaSet controllers create its pod after a moment: wait for it to exist first.
    await waitFor('the unscheduled pod to be created', 30_000, async () =>
      (await cp.admin().list({ apiVersion: 'v1', kind: 'Pod', namespace: 'flyte' })).some((p) => p.metadata.name.startsWith('unscheduled-')) || notYet('no pod yet'),
    );
    await expect(waitForPodsRunning(cp.admin(), 'flyte', { timeoutMs: 5_000, pollMs: 250 })).rejects.toThrow(/timed out after 5 s waiting for all pods Running in namespace flyte; last: .*pod\/unscheduled-\S+: Pending \(not scheduled\)/);
  }, 60_000);
});
