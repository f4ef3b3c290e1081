import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { backendNames, createBackend } from '../../../harness/backends/index.ts';
import { KubeApiError } from '../../../harness/backends/types.ts';
import { CleanupStack } from '../../../harness/lifecycle.ts';
import { World } from '../../../harness/world.ts';

const exists = (p: string) => stat(p).then(() => true, () => false);

describe('World', () => {
  it('creates a control plane and data planes on sim and tears everything down', async () => {
    const world = await World.create({ dataPlanes: ['dataplane_1', 'dataplane_2'] });
    expect([...world.dataPlanes.keys()]).toEqual(['dataplane_1', 'dataplane_2']);
    expect(await exists(world.credentialsDir)).toBe(true);
    const dp = world.dataPlane('dataplane_1');
    const reports = await world.dispose();
    expect(reports.every((r) => r.error === undefined)).toBe(true);
    expect(await exists(world.credentialsDir)).toBe(false);
    expect(await dp.admin().list({ apiVersion: 'v1', kind: 'Namespace' }).catch((e: KubeApiError) => e.status)).toBe(0);
  });

  it('mirrors the cluster-credentials Secret into 0600 files and routes clients by endpoint', async () => {
    await using world = await World.create({ dataPlanes: ['dataplane_1'] });
    const cp = world.controlPlane.admin();
    await cp.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flyte' } });
    await cp.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cluster-credentials', namespace: 'flyte' },
      data: { dataplane_1_token: Buffer.from('tok').toString('base64') },
    });
    expect(await world.syncCredentials()).toEqual(['dataplane_1_token']);
    const st = await stat(`${world.credentialsDir}/dataplane_1_token`);
    expect(st.mode & 0o777).toBe(0o600);
    const unknown = world.connect({ endpoint: 'https://nowhere.invalid:443', token: 't', caCert: '' });
    await expect(unknown.list({ apiVersion: 'v1', kind: 'Namespace' })).rejects.toMatchObject({ status: 0 });
  });

  it('cleans up on Ctrl-C through the bound signal', async () => {
    const ac = new AbortController();
    const world = await World.create({ dataPlanes: ['dataplane_1'], signal: ac.signal });
    ac.abort();
    await world.cleanup.run();
    expect(await exists(world.credentialsDir)).toBe(false);
  });

  it('lists sim in the registry and shares a caller-owned cleanup stack', async () => {
    expect(backendNames()).toContain('sim');
    const cleanup = new CleanupStack();
    const world = await World.create({ backend: await createBackend('sim'), cleanup });
    expect(cleanup.size).toBeGreaterThanOrEqual(3);
    expect(await world.dispose()).toEqual([]);
    await cleanup.run();
    expect(await exists(world.credentialsDir)).toBe(false);
  });
});
