// The kubeconfig backend against existing clusters: the container backend starts a control plane and two data
// planes, a kubeconfig is written for them, and the guide scenario runs through `--backend kubeconfig` with the
// control plane reaching the data planes by their network aliases. Afterwards the clusters hold nothing labelled
// with that run, an object that existed before is untouched, and --dry-run writes nothing.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerBackend } from '../../harness/backends/index.ts';
import { createContainerBackend, type ContainerBackend, type ContainerCluster } from '../../harness/backends/container/index.ts';
import { LABEL_RUN } from '../../harness/backends/docker.ts';
import { buildKubeconfig, createKubeconfigBackend } from '../../harness/backends/kubeconfig/index.ts';
import type { KubeObject } from '../../harness/backends/types.ts';
import { findScenario, runScenario } from '../../harness/scenarios/index.ts';
import { skipTier } from '../support/prereq.ts';

const skip = skipTier('kubeconfig backend on container clusters', await createContainerBackend({ sweepStale: false }).unavailableReason());

const KINDS = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
];

async function labelledWith(c: ContainerCluster, runId: string): Promise<string[]> {
  const out: string[] = [];
  for (const k of KINDS) {
    for (const o of await c.admin().list(k)) {
      if (o.metadata.labels?.[LABEL_RUN] === runId && !o.metadata.deletionTimestamp) out.push(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    }
  }
  return out;
}

describe.skipIf(skip)('kubeconfig backend on clusters the container backend started', () => {
  let containers: ContainerBackend;
  let clusters: ContainerCluster[] = [];
  let dir = '';
  let kubeconfigPath = '';
  const preexisting: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flyte', labels: { owner: 'someone-else' } } };

  beforeAll(async () => {
    containers = createContainerBackend({ log: () => {} });
    clusters = [
      await containers.createCluster({ name: 'controlplane', role: 'control-plane' }),
      await containers.createCluster({ name: 'dataplane_1', role: 'data-plane' }),
      await containers.createCluster({ name: 'dataplane_2', role: 'data-plane' }),
    ];
    // Someone else's flyte namespace in dataplane_2: the run may use it, never delete it.
    await clusters[2]!.admin().create(preexisting);
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-kubeconfig-'));
    kubeconfigPath = join(dir, 'kubeconfig');
    const entries = clusters.map((c) => ({ context: `kl-${c.alias}`, server: c.hostEndpoint, caCert: c.caCert(), ...adminCreds(c) }));
    await writeFile(kubeconfigPath, buildKubeconfig(entries), { mode: 0o600 });
    await chmod(kubeconfigPath, 0o600);
  });
  afterAll(async () => {
    await containers?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function adminCreds(c: ContainerCluster): { clientCert: string; clientKey: string } {
    const kc = c.kubeconfig();
    const field = (k: string) => Buffer.from(new RegExp(`${k}: (\\S+)`).exec(kc)?.[1] ?? '', 'base64').toString();
    return { clientCert: field('client-certificate-data'), clientKey: field('client-key-data') };
  }

  const env = () => ({
    FLYTE_MC_KUBECONFIG: kubeconfigPath,
    FLYTE_MC_CONTROL_PLANE: 'kl-controlplane',
    FLYTE_MC_DATA_PLANES: 'kl-dataplane-1,kl-dataplane-2',
    FLYTE_MC_ENDPOINTS: `dataplane_1=${clusters[1]!.endpoint},dataplane_2=${clusters[2]!.endpoint}`,
  });

  it('runs the guide and removes only what it created', async () => {
    Object.assign(process.env, env());
    let runId = '';
    registerBackend({
      name: 'kubeconfig',
      summary: 'existing clusters from a kubeconfig',
      create: (o) => {
        const b = createKubeconfigBackend(o);
        runId = b.runId;
        return b;
      },
    });
    const lines: string[] = [];
    const r = await runScenario(findScenario('guide')!, { backend: 'kubeconfig', dataPlanes: 2, executions: 200, seed: 1, log: (l) => lines.push(l) });
    if (!r.passed) console.log(lines.join('\n'));
    expect(r.violations).toEqual([]);
    expect(lines.join('\n')).toContain('the control plane reaches it as https://dataplane-1:6443');
    expect(runId).not.toBe('');
    for (const c of clusters) expect(await labelledWith(c, runId), c.spec.name).toEqual([]);
    const ns = await clusters[2]!.admin().get({ apiVersion: 'v1', kind: 'Namespace', name: 'flyte' });
    expect(ns.metadata.labels?.owner).toBe('someone-else');
    expect(ns.metadata.deletionTimestamp).toBeUndefined();
  }, 300_000);

  it('--dry-run prints what it would create and creates nothing', async () => {
    const lines: string[] = [];
    const b = createKubeconfigBackend({ ...envOpts(env()), dryRun: true, log: (l) => lines.push(l) });
    const dp = await b.createCluster({ name: 'dataplane_1', role: 'data-plane' });
    await dp.admin().apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flyteadmin', namespace: 'flyte' } });
    await b.dispose();
    expect(lines.some((l) => l.includes('[dry-run] dataplane_1 (kl-dataplane-1): would create ServiceAccount flyte/flyteadmin'))).toBe(true);
    await expect(clusters[1]!.admin().get({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'flyteadmin', namespace: 'flyte' })).rejects.toMatchObject({ status: 404 });
  });
});

function envOpts(e: Record<string, string>) {
  return { kubeconfig: e.FLYTE_MC_KUBECONFIG, controlPlane: e.FLYTE_MC_CONTROL_PLANE, dataPlanes: e.FLYTE_MC_DATA_PLANES, endpoints: e.FLYTE_MC_ENDPOINTS };
}
