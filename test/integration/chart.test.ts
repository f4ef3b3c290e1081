// The real flyte-core chart (Flyte v1.16.8's module): what it renders where our earlier chart model was wrong, the
// built-in chart model held against it on random values, and every scenario on sim with the chart installed.
import fc from 'fast-check';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../harness/backends/types.ts';
import type { AdminContainerView, AdminPodResult } from '../../harness/flyte/admin-pod.ts';
import { adminPodFromValues, mergeValues } from '../../harness/flyte/chart-model.ts';
import { findObject } from '../../harness/flyte/manifests.ts';
import { resolveFlyteChart, templateRelease } from '../../harness/helm/flyte-chart.ts';
import { parseTopology, starterTopologyYaml } from '../../harness/topology/index.ts';
import { render } from '../../harness/render/index.ts';
import { runScenario, scenarios } from '../../harness/scenarios/index.ts';
import { chartUnavailable, realChart, realReleases } from '../support/chart.ts';
import { skipTier } from '../support/prereq.ts';

const skip = skipTier('chart', chartUnavailable);
const OVERLAY = { flytepropeller: { enabled: false }, flyteconnector: { enabled: false } };

function guideFiles(): Map<string, string> {
  const t = parseTopology(starterTopologyYaml({ dataPlanes: 2 }));
  return new Map(render(t, { endpoints: { dataplane_1: 'https://dp1.example:6443', dataplane_2: 'https://dp2.example:6443' } }).map((f) => [f.path, f.content]));
}

async function controlPlane(values: Record<string, unknown>[]): Promise<KubeObject[]> {
  const r = await templateRelease(realChart!, 'controlplane', values.map((v, i) => ({ name: `values-${i}.yaml`, content: stringify(v) })));
  return r.objects;
}

describe.skipIf(skip)('the real flyte-core chart: where the earlier chart model diverged', () => {
  it('writes clusters.yaml with tpl (toYaml .): keys sorted, comments gone, {{ }} evaluated', async () => {
    const files = guideFiles();
    const values = files.get('controlplane/values-override.yaml') as string;
    const withTemplate = values.replace('https://dp1.example:6443', 'https://dp1.{{ .Release.Namespace }}.example:6443');
    const r = await templateRelease(realChart!, 'controlplane', [{ name: 'values-override.yaml', content: withTemplate }]);
    const text = (findObject(r.objects, 'ConfigMap', 'flyte-admin-clusters-config')?.data as Record<string, string>)['clusters.yaml'] as string;
    expect(text).not.toContain('#');
    expect(text).toContain('https://dp1.flyte.example:6443');
    expect(text.indexOf('clusterConfigs')).toBeLessThan(text.indexOf('labelClusterMap'));
    // In the values the map comes first; the chart's toYaml sorts it after clusterConfigs.
    expect(values.indexOf('labelClusterMap')).toBeLessThan(values.indexOf('clusterConfigs'));
  });

  it('writes labels that collide by case in sorted order (toYaml), so the model must read them in that order too', async () => {
    // Found by the chart-model property (seed 866489297): {Gpu: [dataplane_1], GPU: []}. Which label FlyteAdmin then
    // keeps is Go map order (lint FMC106); what matters here is that model and chart hand the decoder the same text.
    const values = { configmap: { clusters: { labelClusterMap: { Gpu: [{ id: 'dataplane_1', weight: 1 }], GPU: [] }, clusterConfigs: [] } } };
    const { adminPodFromObjects } = await import('../../harness/flyte/admin-pod.ts');
    const chart = adminPodFromObjects(await controlPlane([OVERLAY, values]));
    const model = adminPodFromValues(mergeValues([OVERLAY, values]));
    for (const r of [chart, model]) expect(r.ok && r.pod.serve.clusters.labelClusterMap.get('gpu')).toEqual([{ id: 'dataplane_1', weight: 1 }]);
  });

  it('drops the sync init container with cluster_resource_manager.standalone_deploy: true (values-eks.yaml sets it to false)', async () => {
    const values = guideFiles().get('controlplane/values-override.yaml') as string;
    const on = realReleases();
    const a = await on.controlPlane([{ name: 'v.yaml', content: values }]);
    const b = await on.controlPlane([{ name: 'v.yaml', content: `${values}cluster_resource_manager:\n  standalone_deploy: true\n` }]);
    expect(a.admin.ok && a.admin.pod.initContainers).toContain('sync-cluster-resources');
    expect(b.admin.ok && b.admin.pod.initContainers).not.toContain('sync-cluster-resources');
    expect(b.admin.ok && b.admin.pod.syncInit).toBeUndefined();
    const eks = await readFile(join(realChart!.dir as string, 'values-eks.yaml'), 'utf8');
    expect(eks).toMatch(/^\s+standalone_deploy: false/m);
  });

  it('mounts the hard-coded cluster-credentials at /var/run/credentials into syncresources, only with a non-empty labelClusterMap', async () => {
    const values = guideFiles().get('controlplane/values-override.yaml') as string;
    const elsewhere = values.replace('mountPath: /var/run/credentials', 'mountPath: /etc/creds');
    const r = await realReleases().controlPlane([{ name: 'v.yaml', content: elsewhere }]);
    if (!r.admin.ok) throw new Error(r.admin.reason);
    const sr = r.admin.pod.syncResources as AdminContainerView;
    expect(sr.mounts.filter((m) => m.secretName === 'cluster-credentials')).toEqual([{ volume: 'cluster-secrets', secretName: 'cluster-credentials', mountPath: '/var/run/credentials' }]);
    expect(r.admin.pod.serve.mounts.find((m) => m.secretName === 'cluster-credentials')?.mountPath).toBe('/etc/creds');
    const empty = values.replace(/labelClusterMap:\n(\s+.*\n)+?(?=\s+clusterConfigs)/, 'labelClusterMap: {}\n');
    const e = await realReleases().controlPlane([{ name: 'v.yaml', content: empty }]);
    expect(e.admin.ok && e.admin.pod.syncResources?.mounts.some((m) => m.secretName === 'cluster-credentials')).toBe(false);
    expect(e.admin.ok && e.admin.pod.syncInit?.mounts.some((m) => m.secretName === 'cluster-credentials')).toBe(false);
  });

  it('renders identical manifests for identical values, and a Secret-only change leaves the pod template alone', async () => {
    const values = guideFiles().get('controlplane/values-override.yaml') as string;
    const a = await realReleases().controlPlane([{ name: 'v.yaml', content: values }]);
    const b = await realReleases().controlPlane([{ name: 'v.yaml', content: `# a comment only\n${values}` }]);
    const c = await realReleases().controlPlane([{ name: 'v.yaml', content: values.replace('weight: 1', 'weight: 0.5') }]);
    if (!a.admin.ok || !b.admin.ok || !c.admin.ok) throw new Error('values do not render');
    expect(b.admin.pod.podTemplate).toBe(a.admin.pod.podTemplate);
    expect(c.admin.pod.podTemplate).not.toBe(a.admin.pod.podTemplate);
  });

  it('takes propeller\'s cluster id from flytepropeller.clusterName (--propeller.cluster-id), else core.yaml, else "propeller"', async () => {
    const dp = guideFiles().get('dataplanes/dataplane_1/values-dataplane.yaml') as string;
    const r = realReleases();
    const plain = await r.dataPlane([{ name: 'v.yaml', content: dp }]);
    const named = await r.dataPlane([{ name: 'v.yaml', content: dp }, { name: 'name.yaml', content: 'flytepropeller:\n  clusterName: dataplane_1\n' }]);
    const core = await r.dataPlane([{ name: 'v.yaml', content: dp }, { name: 'core.yaml', content: 'configmap:\n  core:\n    propeller:\n      cluster-id: from-core\n' }]);
    expect(plain.propeller?.ok && plain.propeller.propeller).toMatchObject({ clusterId: 'propeller', clusterIdFrom: 'default', adminEndpoint: 'flyte.example.com:443', catalogEndpoint: 'datacatalog.flyte.internal:89' });
    expect(named.propeller?.ok && named.propeller.propeller).toMatchObject({ clusterId: 'dataplane_1', clusterIdFrom: 'args' });
    expect(core.propeller?.ok && core.propeller.propeller).toMatchObject({ clusterId: 'from-core', clusterIdFrom: 'config' });
  });

  it('gives the data plane the chart\'s RBAC: flyteadmin\'s ClusterRole with every verb, and propeller\'s own', async () => {
    const dp = guideFiles().get('dataplanes/dataplane_1/values-dataplane.yaml') as string;
    const r = await realReleases().dataPlane([{ name: 'v.yaml', content: dp }]);
    const admin = findObject(r.objects, 'ClusterRole', 'flyte-flyteadmin');
    expect((admin?.rules as { verbs: string[]; resources: string[] }[])[0]).toMatchObject({ verbs: ['*'] });
    expect((admin?.rules as { resources: string[] }[])[0]?.resources).toContain('flyteworkflows');
    expect(findObject(r.objects, 'ClusterRole', 'flyte-flytepropeller')).toBeDefined();
    expect(findObject(r.objects, 'CustomResourceDefinition', 'flyteworkflows.flyte.lyft.com')?.apiVersion).toBe('apiextensions.k8s.io/v1');
  });

  it('builds a chart directory whose file:// dependency is not built in a cache copy, leaving the directory as it was', async () => {
    const work = await mkdtemp(join(tmpdir(), 'flyte-mc-chartdir-'));
    try {
      await cp(realChart!.dir as string, join(work, 'flyte-core'), { recursive: true });
      await cp(join(dirname(realChart!.dir as string), 'flyteconnector'), join(work, 'flyteconnector'), { recursive: true });
      await rm(join(work, 'flyte-core', 'charts'), { recursive: true, force: true });
      const before = (await readdir(join(work, 'flyte-core'))).sort();
      const r = await resolveFlyteChart(join(work, 'flyte-core'));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.chart.dir).not.toBe(join(work, 'flyte-core'));
      expect((await readdir(join(work, 'flyte-core'))).sort()).toEqual(before);
      const rendered = await templateRelease(r.chart, 'controlplane', []);
      expect(findObject(rendered.objects, 'Deployment', 'flyteadmin')).toBeDefined();
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

/** What placement, credentials and start-up depend on: equal for the model and the chart. */
function projection(r: AdminPodResult, chartSecrets: ReadonlySet<string>) {
  if (!r.ok) return { ok: false };
  const view = (v: AdminContainerView | undefined) =>
    v && {
      clusters: JSON.stringify({ ...v.clusters, labelClusterMap: [...v.clusters.labelClusterMap].sort() }),
      found: v.clustersFound,
      mounts: v.mounts.filter((m) => !chartSecrets.has(m.secretName)).map((m) => `${m.secretName}@${m.mountPath}`),
    };
  return {
    ok: true,
    serve: view(r.pod.serve),
    syncInit: view(r.pod.syncInit),
    syncResources: view(r.pod.syncResources),
    initContainers: r.pod.initContainers,
    volumes: r.pod.volumes.filter((v) => !chartSecrets.has(v.secretName)),
  };
}

const clusterName = fc.constantFrom('dataplane_1', 'dataplane_2', 'DP-3', 'edge');
const valuesArb = fc.record({
  clusters: fc.array(
    fc.record({
      name: clusterName,
      endpoint: fc.constantFrom('https://a:443', 'https://b:6443'),
      enabled: fc.constantFrom(true, false, 'false', undefined),
      inCluster: fc.constantFrom(undefined, false, true),
    }),
    { maxLength: 3 },
  ),
  labels: fc.dictionary(fc.constantFrom('label1', 'GPU', 'Gpu', 'cpu'), fc.array(fc.record({ id: clusterName, weight: fc.constantFrom(1, 0.5, 0, 1e-7, 0.25) }), { maxLength: 3 }), { maxKeys: 3 }),
  defaultLabel: fc.constantFrom(undefined, 'label1', 'GPU'),
  mountPath: fc.constantFrom(undefined, '/var/run/credentials', '/var/run/credentials/', '/etc/creds'),
  crmEnabled: fc.constantFrom(undefined, true, false),
  standalone: fc.constantFrom(undefined, true, false),
});

type GeneratedValues = typeof valuesArb extends fc.Arbitrary<infer T> ? T : never;

function toValues(v: GeneratedValues): Record<string, unknown> {
  return {
    configmap: {
      clusters: {
        labelClusterMap: v.labels,
        clusterConfigs: v.clusters.map((c) => ({
          name: c.name,
          endpoint: c.endpoint,
          ...(c.enabled === undefined ? {} : { enabled: c.enabled }),
          ...(c.inCluster === undefined ? {} : { inCluster: c.inCluster }),
          auth: { tokenPath: `/var/run/credentials/${c.name}_token`, certPath: `/var/run/credentials/${c.name}_cacert` },
        })),
        ...(v.defaultLabel ? { defaultExecutionLabel: v.defaultLabel } : {}),
      },
    },
    ...(v.mountPath
      ? { flyteadmin: { additionalVolumes: [{ name: 'cluster-credentials', secret: { secretName: 'cluster-credentials' } }], additionalVolumeMounts: [{ name: 'cluster-credentials', mountPath: v.mountPath }] } }
      : {}),
    ...(v.crmEnabled === undefined && v.standalone === undefined
      ? {}
      : { cluster_resource_manager: { ...(v.crmEnabled === undefined ? {} : { enabled: v.crmEnabled }), ...(v.standalone === undefined ? {} : { standalone_deploy: v.standalone }) } }),
  };
}

describe.skipIf(skip)('the built-in chart model against the real chart', () => {
  it('gives FlyteAdmin the same view as the chart for random values (clusters, credential mounts, init containers)', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`chart-model property seed ${seed}`);
    await fc.assert(
      fc.asyncProperty(valuesArb, async (v) => {
        const values = toValues(v);
        const objects = await controlPlane([OVERLAY, values]);
        const chartSecrets = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name));
        const { adminPodFromObjects } = await import('../../harness/flyte/admin-pod.ts');
        const chart = projection(adminPodFromObjects(objects), chartSecrets);
        const model = projection(adminPodFromValues(mergeValues([OVERLAY, values])), chartSecrets);
        expect(model).toEqual(chart);
      }),
      { numRuns: 25, seed },
    );
  }, 300_000);
});

describe.skipIf(skip)('every scenario on sim with the real chart installed', () => {
  for (const s of scenarios.filter((x) => x.name !== 'chart-upgrade')) {
    it(`${s.name} passes`, async () => {
      const r = await runScenario(s, { backend: 'sim', dataPlanes: 2, executions: 600, seed: 5, log: () => {}, releases: realReleases() });
      expect(r.violations).toEqual([]);
      expect(r.passed).toBe(true);
      expect(r.chart).toContain('github.com/flyteorg/flyte@v1.16.8');
    });
  }
});
