// The process backend on real API servers: the guide's wiring end to end (token Secrets filled by the real token
// controller, cluster-credentials, credential files), FlyteAdmin's view (endpoint + token file + CA file), RBAC denials,
// partition through the proxy, kill + restart with state kept, and a clean teardown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessBackend, type ProcessBackend, type ProcessCluster } from '../../harness/backends/process/index.ts';
import { flyteAdminClient, verifyFlyteAdminAccess, wireGuide, type GuideWiring } from '../../harness/backends/wiring.ts';
import { FLYTEWORKFLOW_API_VERSION, credentialKeys, flyteWorkflow, tokenSecretNameFor } from '../../harness/backends/manifests.ts';
import { KubeApiError } from '../../harness/backends/types.ts';
import { skipTier } from '../support/prereq.ts';
import { listeners } from '../support/procs.ts';

const backend: ProcessBackend = createProcessBackend({ log: (l) => console.log(`[process] ${l}`), graceMs: 10_000 });
const skip = skipTier('process backend', await backend.unavailableReason());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie waiting for a reaper is not running.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe.skipIf(skip)('process backend', () => {
  let cp: ProcessCluster;
  let dps: ProcessCluster[];
  let credRoot: string;
  let wiring: GuideWiring;

  beforeAll(async () => {
    credRoot = await mkdtemp(join(tmpdir(), 'flyte-mc-creds-'));
    const all = await backend.createClusters([
      { name: 'controlplane', role: 'control-plane' },
      { name: 'dataplane_1', role: 'data-plane' },
      { name: 'dataplane_2', role: 'data-plane' },
    ]);
    cp = all[0]!;
    dps = all.slice(1);
    wiring = await wireGuide({ controlPlane: cp, dataPlanes: dps, credentialsRoot: credRoot, log: (l) => console.log(`[wiring] ${l}`) });
  }, 600_000);

  afterAll(async () => {
    const all = backend.list();
    const pids = all.flatMap((c) => c.processes().map((p) => p.pid));
    const ports = all.flatMap((c) => [c.ports.api, c.ports.etcdClient, c.ports.etcdPeer, c.proxyPort]);
    const root = backend.tempRoot;
    await backend.dispose();
    await rm(credRoot, { recursive: true, force: true });
    // Nothing left behind: processes, ports, temp dirs.
    expect(pids.filter(alive)).toEqual([]);
    // Ports: none held by this process (the proxies) or by the cluster processes.
    for (const p of ports) expect(listeners(p).filter((pid) => pid === process.pid || pids.includes(pid))).toEqual([]);
    if (root) expect(existsSync(root)).toBe(false);
  }, 120_000);

  it('serves the pinned release on loopback with RBAC and its own issuer per cluster', async () => {
    const v = await cp.admin().getJson<{ gitVersion: string }>('/version');
    expect(v.gitVersion).toMatch(/^v1\.3[45]\.\d+$/);
    expect(new Set([cp, ...dps].map((c) => c.issuer)).size).toBe(3);
    const oidc = await cp.admin().getJson<{ issuer: string; jwks_uri: string }>('/.well-known/openid-configuration');
    expect(oidc.issuer).toBe(cp.issuer);
    expect(oidc.jwks_uri.startsWith('https://127.0.0.1:')).toBe(true);
    expect(new Set([cp, ...dps].map((c) => c.caCert())).size).toBe(3);
  });

  it('has the token controller fill the guide\'s long-lived token Secret in every data plane', async () => {
    for (const dp of dps) {
      const name = tokenSecretNameFor(dp.spec.name);
      const s = await dp.admin().get({ apiVersion: 'v1', kind: 'Secret', name, namespace: 'flyte' });
      expect(s.type).toBe('kubernetes.io/service-account-token');
      const sa = await dp.admin().get({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'flyteadmin', namespace: 'flyte' });
      // Written by the real token controller: the SA's uid, and data.namespace next to token and ca.crt.
      expect(s.metadata.annotations?.['kubernetes.io/service-account.uid']).toBe(sa.metadata.uid);
      const data = s.data as Record<string, string>;
      expect(Buffer.from(data.namespace!, 'base64').toString()).toBe('flyte');
      expect(Buffer.from(data['ca.crt']!, 'base64').toString()).toBe(dp.caCert());
    }
  });

  it('writes cluster-credentials and the files exactly as the chart mounts them', async () => {
    const data = wiring.credentialsSecret.data as Record<string, string>;
    for (const dp of dps) {
      const k = credentialKeys(dp.spec.name);
      const w = wiring.clusters.find((c) => c.name === dp.spec.name)!;
      expect(w.tokenPath).toBe(`/var/run/credentials/${k.token}`);
      expect(w.certPath).toBe(`/var/run/credentials/${k.cacert}`);
      expect(w.hostTokenPath).toBe(join(credRoot, 'var/run/credentials', k.token));
      expect(await readFile(w.hostTokenPath, 'utf8')).toBe(Buffer.from(data[k.token]!, 'base64').toString('utf8'));
      expect(await readFile(w.hostCertPath, 'utf8')).toBe(dp.caCert());
      expect((await stat(w.hostTokenPath)).mode & 0o777).toBe(0o600);
      expect((await stat(w.hostCertPath)).mode & 0o777).toBe(0o600);
      expect(w.endpoint).toBe(dp.endpoint);
    }
  });

  it('lets a client built only from endpoint, token file and CA file create FlyteWorkflows in every data plane, and nothing RBAC does not grant', async () => {
    for (const dp of dps) {
      const w = wiring.clusters.find((c) => c.name === dp.spec.name)!;
      const check = await verifyFlyteAdminAccess(dp, w, { workflowName: 'wf-guide' });
      expect(check).toMatchObject({ namespace: 'flytesnacks-development', secretsStatus: 403, configMapStatus: 403 });
      // ... and the object is really in that cluster, seen by the admin identity.
      const seen = await dp.admin().get({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', name: 'wf-guide', namespace: 'flytesnacks-development' });
      expect(seen.metadata.uid).toBeTruthy();
    }
  });

  it('grants FlyteAdmin exactly its verbs: quotas and cross-namespace FlyteWorkflow lists yes, namespace deletion no', async () => {
    const dp = dps[0]!;
    const w = wiring.clusters.find((c) => c.name === dp.spec.name)!;
    const client = await flyteAdminClient(dp, w);
    await expect(
      client.apply({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'project-quota', namespace: 'flytesnacks-development' }, spec: { hard: { 'limits.cpu': '8' } } }),
    ).resolves.toBeTruthy();
    await expect(client.list({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow' })).resolves.toBeInstanceOf(Array);
    await expect(client.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'flytesnacks-development' })).rejects.toMatchObject({ status: 403, reason: 'Forbidden' });
    await expect(client.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'flytesnacks-development' })).rejects.toMatchObject({ status: 403 });
  });

  it('rejects a token from one data plane on another (distinct service-account keys)', async () => {
    const [a, b] = dps as [ProcessCluster, ProcessCluster];
    const wa = wiring.clusters.find((c) => c.name === a.spec.name)!;
    const token = await readFile(wa.hostTokenPath, 'utf8');
    const wrong = b.withToken({ endpoint: b.endpoint, token, caCert: b.caCert() });
    await expect(wrong.list({ apiVersion: 'v1', kind: 'Namespace' })).rejects.toMatchObject({ status: 401 });
    // and the CA of one cluster does not verify another's serving cert
    const badCa = b.withToken({ endpoint: b.endpoint, token, caCert: a.caCert() });
    await expect(badCa.list({ apiVersion: 'v1', kind: 'Namespace' })).rejects.toMatchObject({ status: 0 });
  });

  it('partition cuts the control plane path only; healing restores it', async () => {
    const dp = dps[0]!;
    const w = wiring.clusters.find((c) => c.name === dp.spec.name)!;
    const viaProxy = await flyteAdminClient(dp, w);
    await dp.partition.cut();
    const err = await viaProxy.get({ apiVersion: 'v1', kind: 'Namespace', name: 'flytesnacks-development' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(0);
    // The harness's admin client goes direct.
    await expect(dp.admin().get({ apiVersion: 'v1', kind: 'Namespace', name: 'flyte' })).resolves.toBeTruthy();
    await dp.partition.heal();
    await expect(viaProxy.get({ apiVersion: 'v1', kind: 'Namespace', name: 'flytesnacks-development' })).resolves.toBeTruthy();
  });

  it('kill then start keeps the cluster state', async () => {
    const dp = dps[1]!;
    await dp.admin().create(flyteWorkflow('wf-before-kill', 'flytesnacks-development'));
    const before = dp.processes().map((p) => p.pid);
    await dp.lifecycle.kill();
    expect(before.filter(alive)).toEqual([]);
    await expect(dp.admin().get({ apiVersion: 'v1', kind: 'Namespace', name: 'flyte' })).rejects.toMatchObject({ status: 0 });
    await dp.lifecycle.start();
    const wf = await dp.admin().get({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', name: 'wf-before-kill', namespace: 'flytesnacks-development' });
    expect(wf.metadata.name).toBe('wf-before-kill');
    // The token issued before the kill still works (same key, same Secret).
    const w = wiring.clusters.find((c) => c.name === dp.spec.name)!;
    await expect((await flyteAdminClient(dp, w)).list({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', namespace: 'flytesnacks-development' })).resolves.toHaveLength(2);
  }, 240_000);

  it('stop is graceful (SIGTERM) and start brings the cluster back', async () => {
    const dp = dps[0]!;
    const procs = [...dp.processes()];
    await dp.lifecycle.stop();
    for (const p of procs) expect((await p.exited).signal === 'SIGKILL').toBe(false);
    await dp.lifecycle.start();
    await expect(dp.admin().get({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'flyteadmin', namespace: 'flyte' })).resolves.toBeTruthy();
  }, 240_000);
});
