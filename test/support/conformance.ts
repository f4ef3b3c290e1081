// One conformance suite every backend passes (the way fast-check's arbitraries all pass one assertion suite):
// objects (apply/get/list/delete with the API server's status codes), the token controller, a client that
// authenticates as FlyteAdmin does and RBAC's 403s, partition where the cluster has the capability, and cleanup.
// A backend's test file is one call: `await backendConformance('process', () => createBackend('process', opts))`.
import { describe, expect, it } from 'vitest';
import { SA_NAME_ANNOTATION, SA_TOKEN_TYPE } from '../../harness/constants.ts';
import { KubeApiError, type Backend, type Cluster, type KubeClient, type KubeObject } from '../../harness/backends/types.ts';
import { notYet, waitFor } from '../../harness/util/wait.ts';
import { skipTier } from './prereq.ts';

export interface ConformanceOptions {
  /** Budget for the token controller and RBAC to catch up on real API servers. @defaultValue 60000 */
  settleMs?: number;
  /** Budget for creating the cluster. @defaultValue 600000 */
  createMs?: number;
}

const NS = 'fmc-conformance';
const SA = 'conformance';
const ns = (): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
const configMap = (name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data });
const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name });

/** The HTTP status a call fails with (0: unreachable), or 200 when it succeeds. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    if (err instanceof KubeApiError) return err.status;
    throw err;
  }
}

export async function backendConformance(name: string, make: () => Backend | Promise<Backend>, opts: ConformanceOptions = {}): Promise<void> {
  const backend = await make();
  const skip = skipTier(`${name} backend conformance`, await backend.unavailableReason());
  const settleMs = opts.settleMs ?? 60_000;

  describe.skipIf(skip)(`${name} backend conformance`, () => {
    let cluster: Cluster;
    let admin: KubeClient;
    let token = '';
    let caCert = '';
    const asFlyteAdmin = () => cluster.withToken({ endpoint: cluster.endpoint, token, caCert });

    it('creates a cluster whose admin client answers', async () => {
      cluster = await backend.createCluster({ name: 'dataplane_1', role: 'data-plane' });
      admin = cluster.admin();
      expect(cluster.endpoint).toMatch(/^https:\/\//);
      expect(cluster.caCert()).toContain('-----BEGIN CERTIFICATE-----');
      await admin.apply(ns());
    }, opts.createMs ?? 600_000);

    it('apply, get, list and delete objects with the API server\'s status codes', async () => {
      const created = await admin.create(configMap('a', { k: 'v1' }));
      expect(await statusOf(admin.create(configMap('a', { k: 'again' })))).toBe(409);
      const replaced = await admin.apply(configMap('a', { k: 'v2' }));
      expect(replaced.metadata.uid).toBe(created.metadata.uid);
      expect(replaced.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
      expect((await admin.get(cmRef('a'))).data).toEqual({ k: 'v2' });
      await admin.create(configMap('b', { k: 'v' }));
      const inNs = (await admin.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS })).map((o) => o.metadata.name);
      expect(inNs).toEqual(expect.arrayContaining(['a', 'b']));
      const everywhere = (await admin.list({ apiVersion: 'v1', kind: 'ConfigMap' })).filter((o) => o.metadata.namespace === NS).map((o) => o.metadata.name);
      expect(everywhere).toEqual(expect.arrayContaining(['a', 'b']));
      await admin.delete(cmRef('a'));
      expect(await statusOf(admin.get(cmRef('a')))).toBe(404);
      expect(await statusOf(admin.delete(cmRef('a')))).toBe(404);
      expect(await statusOf(admin.create({ ...configMap('c', {}), metadata: { name: 'c', namespace: 'no-such-namespace' } }))).toBe(404);
    });

    it('the token controller fills a service-account token Secret with a token and the cluster CA', async () => {
      await admin.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA, namespace: NS } });
      await admin.create({ apiVersion: 'v1', kind: 'Secret', type: SA_TOKEN_TYPE, metadata: { name: `${SA}-token`, namespace: NS, annotations: { [SA_NAME_ANNOTATION]: SA } } });
      const data = await waitFor(`the token controller to fill ${NS}/${SA}-token`, settleMs, async () => {
        const d = (await admin.get({ apiVersion: 'v1', kind: 'Secret', namespace: NS, name: `${SA}-token` })).data as Record<string, string> | undefined;
        return d?.token && d['ca.crt'] ? d : notYet('not filled yet');
      }, { where: `${name}/${cluster.spec.name}` });
      token = Buffer.from(data.token!, 'base64').toString('utf8');
      caCert = Buffer.from(data['ca.crt']!, 'base64').toString('utf8');
      expect(token.split('.')).toHaveLength(3);
      expect(caCert.trim()).toBe(cluster.caCert().trim());
    });

    it('a client with only endpoint, token and CA authenticates; RBAC answers 403 for what no rule grants', async () => {
      const client = asFlyteAdmin();
      const listCm = () => client.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS });
      expect(await statusOf(listCm())).toBe(403);
      expect(await statusOf(cluster.withToken({ endpoint: cluster.endpoint, token: `${token.slice(0, -4)}AAAA`, caCert }).list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS }))).toBe(401);
      await admin.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'read-configmaps', namespace: NS }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] });
      await admin.apply({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'read-configmaps', namespace: NS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
        subjects: [{ kind: 'ServiceAccount', name: SA, namespace: NS }],
      });
      await waitFor('the RoleBinding to take effect', settleMs, async () => ((await statusOf(listCm())) === 200 ? true : notYet('still 403')), { where: `${name}/${cluster.spec.name}` });
      expect(await statusOf(client.get(cmRef('b')))).toBe(200);
      expect(await statusOf(client.list({ apiVersion: 'v1', kind: 'Secret', namespace: NS }))).toBe(403);
      expect(await statusOf(client.create(configMap('d', {})))).toBe(403);
      expect(await statusOf(client.get({ apiVersion: 'v1', kind: 'Namespace', name: NS }))).toBe(403);
    });

    it('partition cuts the control plane off and heal restores it, where the cluster can be partitioned', async (ctx) => {
      const partition = cluster.partition;
      if (!partition) {
        console.log(`[skip] ${name}: clusters have no partition capability`);
        return ctx.skip();
      }
      const client = asFlyteAdmin();
      await partition.cut();
      expect(await statusOf(client.get(cmRef('b')))).toBe(0);
      await partition.heal();
      await waitFor('the healed cluster to answer', settleMs, async () => ((await statusOf(asFlyteAdmin().get(cmRef('b')))) === 200 ? true : notYet('not yet')), { where: `${name}/${cluster.spec.name}` });
    });

    it.runIf(backend.info.borrowsClusters)('dispose deletes only what the run created; the borrowed cluster keeps answering', async () => {
      const kept = cluster;
      await backend.dispose();
      // The namespace the suite created goes (or is terminating); the cluster itself still serves.
      await waitFor('the run\'s namespace to be deleted', settleMs, async () => {
        const s = await statusOf(kept.admin().get({ apiVersion: 'v1', kind: 'Namespace', name: NS }));
        if (s === 404) return true;
        const o = s === 200 ? await kept.admin().get({ apiVersion: 'v1', kind: 'Namespace', name: NS }) : undefined;
        return o?.metadata.deletionTimestamp ? true : notYet(`namespace ${NS}: ${s}`);
      }, { where: `${name}/${kept.spec.name}` });
      await backend.dispose(); // idempotent
    }, 120_000);

    it.skipIf(backend.info.borrowsClusters)('dispose removes every cluster it created: their APIs stop answering', async () => {
      const gone = cluster;
      await backend.dispose();
      await waitFor('the disposed cluster to stop answering', settleMs, async () => ((await statusOf(gone.admin().get(cmRef('b')))) === 0 ? true : notYet('still answering')), { where: `${name}/${gone.spec.name}` });
      await backend.dispose(); // idempotent
    }, 120_000);
  });
}
