import { describe, expect, it } from 'vitest';
import { createSimBackend } from '../../../harness/backends/sim/index.ts';
import { KubeApiError, type Cluster, type KubeClient, type KubeObject } from '../../../harness/backends/types.ts';

const CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'flyteworkflows.flyte.lyft.com' },
  spec: {
    group: 'flyte.lyft.com',
    names: { kind: 'FlyteWorkflow', plural: 'flyteworkflows' },
    scope: 'Namespaced',
    versions: [{ name: 'v1alpha1', served: true, storage: true }],
  },
};
const fw = (name: string, namespace = 'team1-development'): KubeObject => ({
  apiVersion: 'flyte.lyft.com/v1alpha1',
  kind: 'FlyteWorkflow',
  metadata: { name, namespace, labels: { 'execution-id': name } },
  spec: { workflow: 'wf' },
});
const rbac = 'rbac.authorization.k8s.io/v1';
const role: KubeObject = {
  apiVersion: rbac,
  kind: 'ClusterRole',
  metadata: { name: 'flyte-flyteadmin' },
  rules: [
    { apiGroups: ['flyte.lyft.com'], resources: ['flyteworkflows'], verbs: ['create', 'get', 'delete', 'list'] },
    { apiGroups: [''], resources: ['namespaces', 'resourcequotas'], verbs: ['create', 'get', 'list', 'update'] },
  ],
};
const binding: KubeObject = {
  apiVersion: rbac,
  kind: 'ClusterRoleBinding',
  metadata: { name: 'flyte-flyteadmin-binding' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'flyte-flyteadmin' },
  subjects: [{ kind: 'ServiceAccount', name: 'flyteadmin', namespace: 'flyte' }],
};
const tokenSecret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'kubernetes.io/service-account-token',
  metadata: { name: 'dataplane-1-token', namespace: 'flyte', annotations: { 'kubernetes.io/service-account.name': 'flyteadmin' } },
};

async function status(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof KubeApiError) return `${err.status} ${err.reason}`;
    throw err;
  }
}

async function dataPlane(): Promise<{ c: Cluster; k: KubeClient; token: () => Promise<string> }> {
  const c = await createSimBackend({ seed: 't' }).createCluster({ name: 'dataplane_1', role: 'data-plane' });
  const k = c.admin();
  await k.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flyte' } });
  await k.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flyteadmin', namespace: 'flyte' } });
  const token = async () => {
    const s = await k.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-1-token' });
    return Buffer.from((s.data as Record<string, string>).token as string, 'base64').toString();
  };
  return { c, k, token };
}

describe('sim API server', () => {
  it('fills a service-account token Secret with token, CA and namespace after creation', async () => {
    const { c, k } = await dataPlane();
    const created = await k.create(tokenSecret);
    expect(created.data).toBeUndefined();
    const s = await k.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-1-token' });
    const data = s.data as Record<string, string>;
    expect(Buffer.from(data['ca.crt'] as string, 'base64').toString()).toBe(c.caCert());
    expect(Buffer.from(data.namespace as string, 'base64').toString()).toBe('flyte');
    expect(Buffer.from(data.token as string, 'base64').toString()).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(s.metadata.annotations?.['kubernetes.io/service-account.uid']).toBeTruthy();
  });

  it('deletes a token Secret whose service account does not exist, as the token controller does', async () => {
    const { k } = await dataPlane();
    await k.create({ ...tokenSecret, metadata: { ...tokenSecret.metadata, annotations: { 'kubernetes.io/service-account.name': 'nobody' } } });
    expect(await status(k.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-1-token' }))).toBe('404 NotFound');
  });

  it('authenticates tokens (401), authorizes with stored RBAC (403), serves kinds only with their CRD (404)', async () => {
    const { c, k, token } = await dataPlane();
    await k.create(tokenSecret);
    const creds = { endpoint: c.endpoint, token: await token(), caCert: c.caCert() };
    const admin = c.withToken(creds);
    expect(await status(c.withToken({ ...creds, token: 'wrong' }).list({ apiVersion: 'v1', kind: 'Namespace' }))).toBe('401 Unauthorized');
    const forbidden = await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team1-development' } }).catch((e) => e);
    expect(forbidden).toBeInstanceOf(KubeApiError);
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).toBe(
      'namespaces is forbidden: User "system:serviceaccount:flyte:flyteadmin" cannot create resource "namespaces" in API group "" at the cluster scope',
    );
    await k.create(role);
    await k.create(binding);
    expect(await status(admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team1-development' } }))).toBe('ok');
    expect(await status(admin.create(fw('a1')))).toBe('404 NotFound');
    await k.create(CRD);
    expect(await status(admin.create(fw('a1')))).toBe('ok');
    expect(await status(admin.create(fw('a1')))).toBe('409 AlreadyExists');
    expect(await status(admin.create(fw('a2', 'team1-production')))).toBe('404 NotFound');
    expect(await status(admin.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-1-token' }))).toBe('403 Forbidden');
    // Revoking the binding takes effect on the next request.
    await k.delete({ apiVersion: rbac, kind: 'ClusterRoleBinding', name: 'flyte-flyteadmin-binding' });
    expect(await status(admin.create(fw('a3')))).toBe('403 Forbidden');
  });

  it('invalidates a token when its Secret is deleted (rotation) and issues a different one', async () => {
    const { c, k, token } = await dataPlane();
    await k.create(role);
    await k.create(binding);
    await k.create(tokenSecret);
    const old = await token();
    const ref = { apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-1-token' };
    await k.delete(ref);
    await k.create(tokenSecret);
    const fresh = await token();
    expect(fresh).not.toBe(old);
    const ns = { apiVersion: 'v1', kind: 'Namespace' };
    expect(await status(c.withToken({ endpoint: c.endpoint, token: old, caCert: c.caCert() }).list(ns))).toBe('401 Unauthorized');
    expect(await status(c.withToken({ endpoint: c.endpoint, token: fresh, caCert: c.caCert() }).list(ns))).toBe('ok');
  });

  it('keeps accepting a revoked token for 10 s after its last successful check (apiserver token cache)', async () => {
    let now = 1_000_000;
    const c = await createSimBackend({ seed: 't', now: () => now }).createCluster({ name: 'dataplane_1', role: 'data-plane' });
    const k = c.admin();
    await k.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flyte' } });
    await k.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flyteadmin', namespace: 'flyte' } });
    await k.create(role);
    await k.create(binding);
    await k.create(tokenSecret);
    const s = await k.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-1-token' });
    const token = Buffer.from((s.data as Record<string, string>).token as string, 'base64').toString();
    const client = c.withToken({ endpoint: c.endpoint, token, caCert: c.caCert() });
    const ns = { apiVersion: 'v1', kind: 'Namespace' };
    expect(await status(client.list(ns))).toBe('ok');
    await k.delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-1-token' });
    now += 9_999;
    expect(await status(client.list(ns))).toBe('ok');
    now += 2;
    expect(await status(client.list(ns))).toBe('401 Unauthorized');
  });

  it('fails like Go clients do on a wrong CA, a token with a newline, a stopped or partitioned cluster', async () => {
    const { c, k, token } = await dataPlane();
    await k.create(role);
    await k.create(binding);
    await k.create(tokenSecret);
    const creds = { endpoint: c.endpoint, token: await token(), caCert: c.caCert() };
    const ns = { apiVersion: 'v1', kind: 'Namespace' };
    expect(await status(c.withToken({ ...creds, caCert: '' }).list(ns))).toBe('0 TLSError');
    expect(await status(c.withToken({ ...creds, token: `${creds.token}\n` }).list(ns))).toBe('0 ClientError');
    await c.partition!.cut();
    expect(await status(c.withToken(creds).list(ns))).toBe('0 Unreachable');
    expect(await status(k.list(ns))).toBe('ok');
    await c.partition!.heal();
    await c.lifecycle!.stop();
    expect(await status(c.withToken(creds).list(ns))).toBe('0 Unreachable');
    await c.lifecycle!.start();
    expect(await status(c.withToken(creds).list(ns))).toBe('ok');
  });

  it('keeps resourceVersions, rejects stale updates (409 Conflict), folds stringData into data, validates names', async () => {
    const { k } = await dataPlane();
    const cm = await k.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'flyte' }, data: { a: '1' } });
    const v2 = await k.apply({ ...cm, data: { a: '2' } });
    expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(cm.metadata.resourceVersion));
    expect(v2.metadata.uid).toBe(cm.metadata.uid);
    expect(await status(k.apply({ ...cm, data: { a: '3' } }))).toBe('409 Conflict');
    const s = await k.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'flyte' }, stringData: { t: 'abc' } });
    expect(s.data).toEqual({ t: 'YWJj' });
    expect(await status(k.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', namespace: 'flyte' }, data: { t: 'not base64!' } }))).toBe(
      '400 BadRequest',
    );
    expect(await status(k.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Team1_dev' } }))).toBe('422 Invalid');
    expect(await status(k.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'flyte', name: 'nope' }))).toBe('404 NotFound');
  });

  it('stores FlyteWorkflows compactly and materialises them faithfully; namespace deletion removes them', async () => {
    const { k } = await dataPlane();
    await k.create(CRD);
    await k.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team1-development' } });
    const created = await k.create(fw('abc'));
    const got = await k.get({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow', namespace: 'team1-development', name: 'abc' });
    expect(got).toEqual(created);
    expect(got.metadata.labels).toEqual({ 'execution-id': 'abc' });
    for (let i = 0; i < 100; i++) await k.create(fw(`n${i}`));
    expect((await k.list({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow' })).length).toBe(101);
    await k.delete({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow', namespace: 'team1-development', name: 'n5' });
    expect((await k.list({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow', namespace: 'team1-development' })).length).toBe(100);
    await k.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'team1-development' });
    expect((await k.list({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow' })).length).toBe(0);
    await k.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'flyteworkflows.flyte.lyft.com' });
    expect(await status(k.list({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow' }))).toBe('404 NotFound');
  });
});

describe('sim API server validation', () => {
  it('rejects invalid label keys and values with 422 as the API server does', async () => {
    const k = (await createSimBackend().createCluster({ name: 'x', role: 'data-plane' })).admin();
    const cm = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${Object.keys(labels).length}${Object.values(labels)[0]?.length ?? 0}`, namespace: 'default', labels } });
    expect(await status(k.create(cm({ 'workflow-name': '.flytegen.train' })))).toBe('422 Invalid');
    expect(await status(k.create(cm({ 'workflow-name': 'x'.repeat(64) })))).toBe('422 Invalid');
    expect(await status(k.create(cm({ 'bad key!': 'v' })))).toBe('422 Invalid');
    expect(await status(k.create(cm({ 'app.kubernetes.io/managed-by': 'flyte-mc' })))).toBe('ok');
  });
});
