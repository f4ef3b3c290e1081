// The container flavour on the local Docker engine: kube-lite clusters as containers started by testcontainers'
// GenericContainer on one run network. Checks the network alias (in-network reachability, serving cert valid for
// the alias), the mapped port bound to 127.0.0.1, the FlyteAdmin-view client, partition, stop/start keeping state,
// then the guide and day2-add-cluster scenarios. Skips with the reason when Docker or the image is missing.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { connect } from 'node:tls';
import { getContainerRuntimeClient } from 'testcontainers';
import { createContainerBackend, type ContainerBackend, type ContainerCluster } from '../../harness/backends/container/index.ts';
import { listLabelled } from '../../harness/backends/docker.ts';
import { KubeApiError } from '../../harness/backends/types.ts';
import { findScenario, runScenario } from '../../harness/scenarios/index.ts';
import { skipTier } from '../support/prereq.ts';

const skip = skipTier('container backend', await createContainerBackend({ sweepStale: false }).unavailableReason());

async function execIn(containerId: string, script: string): Promise<string> {
  const client = await getContainerRuntimeClient();
  const r = await client.container.exec(client.container.getById(containerId), ['sh', '-c', script]);
  return r.output;
}

/** TLS handshake to the host port, verifying the serving cert for `servername` with the cluster CA. */
function verifyTls(port: number, servername: string, ca: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername, ca }, () => {
      s.end();
      resolve();
    });
    s.once('error', reject);
  });
}

describe.skipIf(skip)('container backend', () => {
  let backend: ContainerBackend;
  let cp: ContainerCluster;
  let dp: ContainerCluster;
  const log: string[] = [];

  beforeAll(async () => {
    backend = createContainerBackend({ log: (l) => log.push(l) });
    const t0 = Date.now();
    cp = await backend.createCluster({ name: 'controlplane', role: 'control-plane' });
    dp = await backend.createCluster({ name: 'dataplane_1', role: 'data-plane' });
    console.log(`[container] 2 clusters ready in ${Date.now() - t0} ms (${JSON.stringify(cp.timings)}, ${JSON.stringify(dp.timings)})`);
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it('labels the containers and the network with the run id', async () => {
    const mine = await listLabelled(backend.runId);
    expect(mine.containers.map((c) => c.name).sort()).toEqual([cp.containerName, dp.containerName].sort());
    expect(mine.networks).toHaveLength(1);
  });

  it('gives clusterConfigs the aliased endpoint, and the control plane reaches it by alias', async () => {
    expect(dp.endpoint).toBe('https://dataplane-1:6443');
    expect(await execIn(cp.containerId, 'nc -w 3 dataplane-1 6443 </dev/null && echo reachable')).toContain('reachable');
    expect(await execIn(cp.containerId, 'nc -w 3 dataplane-9 6443 </dev/null || echo unknown')).toContain('unknown');
    await verifyTls(dp.hostPort, 'dataplane-1', dp.caCert());
    await expect(verifyTls(dp.hostPort, 'dataplane-2', dp.caCert())).rejects.toThrow(/altnames|Hostname/i);
  });

  it('maps the API port to 127.0.0.1 only', async () => {
    const client = await getContainerRuntimeClient();
    const info = await client.container.inspect(client.container.getById(dp.containerId));
    const bindings = info.HostConfig.PortBindings?.['6443/tcp'] as { HostIp: string; HostPort: string }[];
    expect(bindings).toEqual([{ HostIp: '127.0.0.1', HostPort: String(dp.hostPort) }]);
  });

  it('serves a FlyteAdmin-style token client on the aliased endpoint, cut by partition()', async () => {
    const admin = dp.admin();
    await admin.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'probe', namespace: 'default' } });
    await admin.apply({
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
      metadata: { name: 'probe-token', namespace: 'default', annotations: { 'kubernetes.io/service-account.name': 'probe' } },
    });
    let token = '';
    for (let i = 0; i < 50 && !token; i++) {
      const s = await admin.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'probe-token' });
      token = Buffer.from(((s.data as Record<string, string> | undefined)?.token ?? ''), 'base64').toString();
      if (!token) await new Promise((r) => setTimeout(r, 200));
    }
    const asAdmin = dp.withToken({ endpoint: dp.endpoint, token, caCert: dp.caCert() });
    // Authenticated but not authorized: a 403 from the real apiserver proves the token and CA were used.
    await expect(asAdmin.list({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system' })).rejects.toMatchObject({ status: 403 });
    await dp.partition.cut();
    try {
      const err = await asAdmin.list({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeApiError);
      expect((err as KubeApiError).status).toBe(0);
      expect(await execIn(cp.containerId, 'nc -w 3 dataplane-1 6443 </dev/null || echo cut')).toContain('cut');
      // The harness's own admin path (mapped port) is not part of the partition.
      expect((await admin.raw('GET', '/readyz')).status).toBe(200);
    } finally {
      await dp.partition.heal();
    }
    expect(await execIn(cp.containerId, 'nc -w 3 dataplane-1 6443 </dev/null && echo reachable')).toContain('reachable');
    await expect(asAdmin.list({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system' })).rejects.toMatchObject({ status: 403 });
  });

  it('keeps state across stop/start and kill/start, on the same host port', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'survives' };
    await dp.admin().apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survives', namespace: 'default' }, data: { k: 'v' } });
    await dp.lifecycle.stop();
    await dp.lifecycle.start();
    expect(((await dp.admin().get(ref)).data as Record<string, string>).k).toBe('v');
    await dp.lifecycle.kill();
    await dp.lifecycle.start();
    expect(((await dp.admin().get(ref)).data as Record<string, string>).k).toBe('v');
  }, 180_000);
});

describe.skipIf(skip)('scenarios on the container backend', () => {
  for (const name of ['guide', 'day2-add-cluster']) {
    it(name, async () => {
      const lines: string[] = [];
      const r = await runScenario(findScenario(name)!, { backend: 'container', dataPlanes: 2, executions: 300, seed: 1, log: (l) => lines.push(l) });
      if (!r.passed) console.log(lines.join('\n'));
      expect(r.violations).toEqual([]);
      expect(r.passed).toBe(true);
      const left = await listLabelled();
      expect(left.containers.filter((c) => c.owner.endsWith(`/${process.pid}`))).toEqual([]);
    }, 300_000);
  }
});
