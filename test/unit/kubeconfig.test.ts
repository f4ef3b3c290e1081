// The kubeconfig backend's pure parts: reading contexts (inline data, files, tokens, exec plugins), writing a
// kubeconfig for harness-started clusters, options from flags or environment, the context a cluster maps to, and
// the tracking client (labels what it creates, refuses to delete anything else, dry-run touches nothing).
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kubeconfig, buildKubeconfig, resolveKubeconfigOptions, createKubeconfigBackend, TrackingKubeClient, Ledger } from '../../harness/backends/kubeconfig/index.ts';
import { KubeApiError, type KubeClient, type KubeObject, type ObjectRef } from '../../harness/backends/types.ts';

const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';

describe('Kubeconfig', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-kc-'));
    await writeFile(join(dir, 'ca.crt'), CA);
    await writeFile(join(dir, 'token'), 'file-token\n');
    await writeFile(join(dir, 'plugin.mjs'), `process.stdout.write(JSON.stringify({ kind: 'ExecCredential', status: { token: 'exec-' + process.env.WHO } }))`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips what buildKubeconfig writes', async () => {
    const text = buildKubeconfig([
      { context: 'cp', server: 'https://127.0.0.1:1', caCert: CA, clientCert: 'CERT', clientKey: 'KEY' },
      { context: 'dp1', server: 'https://127.0.0.1:2', caCert: CA, token: 'tok' },
    ]);
    const kc = Kubeconfig.parse(text);
    expect(kc.contexts()).toEqual(['cp', 'dp1']);
    expect(kc.currentContext).toBe('cp');
    expect(await kc.resolve('cp')).toMatchObject({ server: 'https://127.0.0.1:1', caCert: CA, clientCert: 'CERT', clientKey: 'KEY' });
    expect(await kc.resolve('dp1')).toMatchObject({ server: 'https://127.0.0.1:2', token: 'tok' });
  });

  it('reads files relative to the kubeconfig, tokenFile and exec plugins', async () => {
    const text = `
clusters:
- name: c
  cluster: { server: "https://example.invalid:6443", certificate-authority: ca.crt }
users:
- name: f
  user: { tokenFile: token }
- name: e
  user:
    exec:
      command: ${process.execPath}
      args: [${join(dir, 'plugin.mjs')}]
      env: [{ name: WHO, value: me }]
contexts:
- { name: file, context: { cluster: c, user: f } }
- { name: exec, context: { cluster: c, user: e, namespace: ns1 } }
`;
    await writeFile(join(dir, 'config'), text);
    const kc = await Kubeconfig.load(join(dir, 'config'));
    expect(await kc.resolve('file')).toMatchObject({ caCert: CA, token: 'file-token' });
    expect(await kc.resolve('exec')).toMatchObject({ token: 'exec-me', namespace: 'ns1' });
  });

  it('says which context is missing and refuses insecure or plain-http clusters', async () => {
    const kc = Kubeconfig.parse(buildKubeconfig([{ context: 'a', server: 'https://x:1', caCert: CA, token: 't' }]), 'kc.yaml');
    await expect(kc.resolve('b')).rejects.toThrow(/context "b" not found \(have: a\)/);
    const insecure = Kubeconfig.parse(`clusters: [{name: c, cluster: {server: "https://x", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\n`);
    await expect(insecure.resolve('a')).rejects.toThrow(/insecure-skip-tls-verify/);
    const http = Kubeconfig.parse(`clusters: [{name: c, cluster: {server: "http://x"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\n`);
    await expect(http.resolve('a')).rejects.toThrow(/must be https/);
  });
});

describe('kubeconfig backend options', () => {
  it('takes flags over the environment', () => {
    const env = { FLYTE_MC_KUBECONFIG: '/env/kc', FLYTE_MC_CONTROL_PLANE: 'envcp', FLYTE_MC_DATA_PLANES: 'a, b', FLYTE_MC_ENDPOINTS: 'dataplane_1=https://dp1:6443', FLYTE_MC_DRY_RUN: '1' };
    expect(resolveKubeconfigOptions({}, env)).toEqual({ kubeconfig: '/env/kc', controlPlane: 'envcp', dataPlanes: ['a', 'b'], endpoints: { dataplane_1: 'https://dp1:6443' }, dryRun: true });
    expect(resolveKubeconfigOptions({ kubeconfig: '/flag', dataPlanes: 'x,y', dryRun: false }, env)).toMatchObject({ kubeconfig: '/flag', dataPlanes: ['x', 'y'], dryRun: false });
  });

  it('maps data planes to contexts in order, or pinned by name', () => {
    const b = createKubeconfigBackend({ kubeconfig: 'k', controlPlane: 'cp', dataPlanes: ['dataplane_3=c3', 'c1', 'c2'] });
    expect(b.contextFor({ name: 'controlplane', role: 'control-plane' })).toBe('cp');
    expect(b.contextFor({ name: 'dataplane_1', role: 'data-plane' })).toBe('c1');
    expect(b.contextFor({ name: 'dataplane_3', role: 'data-plane' })).toBe('c3');
    expect(b.contextFor({ name: 'dataplane_2', role: 'data-plane' })).toBe('c2');
    expect(() => b.contextFor({ name: 'dataplane_4', role: 'data-plane' })).toThrow(/no context left for data plane dataplane_4/);
  });

  it('takes FILE#CONTEXT from per-cluster kubeconfigs (compose writes one per cluster, all "default")', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-kc-files-'));
    try {
      for (const n of ['cp', 'dp1']) await writeFile(join(dir, `${n}.yaml`), buildKubeconfig([{ context: 'default', server: 'https://127.0.0.1:1', caCert: CA, token: n }]));
      const ok = createKubeconfigBackend({ controlPlane: `${dir}/cp.yaml#default`, dataPlanes: [`${dir}/dp1.yaml#`] });
      expect(await ok.unavailableReason()).toBeUndefined();
      const bad = createKubeconfigBackend({ controlPlane: `${dir}/cp.yaml#nope`, dataPlanes: [`${dir}/dp1.yaml#`] });
      expect(await bad.unavailableReason()).toMatch(/context nope is not in .*cp\.yaml \(have: default\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('explains what is missing', async () => {
    expect(await createKubeconfigBackend({ controlPlane: 'x', dataPlanes: 'y' }).unavailableReason().then((r) => r ?? '', () => '')).toMatch(/kubeconfig|KUBECONFIG/);
  });
});

/** An in-memory KubeClient holding some pre-existing objects. */
function memoryClient(existing: KubeObject[]): KubeClient & { objects: Map<string, KubeObject>; writes: string[] } {
  const key = (r: ObjectRef | KubeObject) => ('metadata' in r ? `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}` : `${r.kind}/${r.namespace ?? ''}/${r.name}`);
  const objects = new Map(existing.map((o) => [key(o), o]));
  const writes: string[] = [];
  const nf = (r: ObjectRef) => new KubeApiError(404, 'NotFound', `${key(r)} not found`);
  return {
    objects,
    writes,
    async get(r) {
      const o = objects.get(key(r));
      if (!o) throw nf(r);
      return o;
    },
    async list(k) {
      return [...objects.values()].filter((o) => o.kind === k.kind && (!k.namespace || o.metadata.namespace === k.namespace));
    },
    async create(o) {
      if (objects.has(key(o))) throw new KubeApiError(409, 'AlreadyExists', 'exists');
      writes.push(`create ${key(o)}`);
      objects.set(key(o), o);
      return o;
    },
    async apply(o) {
      writes.push(`apply ${key(o)}`);
      objects.set(key(o), o);
      return o;
    },
    async delete(r) {
      if (!objects.delete(key(r))) throw nf(r);
      writes.push(`delete ${key(r)}`);
    },
  };
}

const cm = (name: string, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'flyte', ...(labels ? { labels } : {}) } });
const ref = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'flyte' });

describe('TrackingKubeClient', () => {
  const opts = { runId: 'run1', cluster: 'dp1', dryRun: false, caCert: CA, log: () => {} };

  it('labels what it creates and deletes only that', async () => {
    const inner = memoryClient([cm('theirs', { team: 'x' })]);
    const ledger = new Ledger();
    const c = new TrackingKubeClient(inner, ledger, opts);
    await c.create(cm('mine'));
    await c.apply(cm('also-mine'));
    await c.apply(cm('theirs', { team: 'x', changed: 'yes' }));
    expect(inner.objects.get('ConfigMap/flyte/mine')?.metadata.labels).toEqual({ 'org.flyte-mc.run-id': 'run1', 'app.kubernetes.io/managed-by': 'flyte-mc' });
    expect(inner.objects.get('ConfigMap/flyte/theirs')?.metadata.labels).toEqual({ team: 'x', changed: 'yes' });
    await c.apply(cm('theirs', { other: '1' }));
    expect(inner.objects.get('ConfigMap/flyte/theirs')?.metadata.labels).toEqual({ team: 'x', changed: 'yes', other: '1' });
    expect(ledger.list().map((r) => r.name)).toEqual(['mine', 'also-mine']);
    await expect(c.delete(ref('theirs'))).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/did not create it/) });
    await c.delete(ref('mine'));
    expect(inner.objects.has('ConfigMap/flyte/theirs')).toBe(true);
    expect(inner.objects.has('ConfigMap/flyte/mine')).toBe(false);
  });

  it('dry run: prints, echoes, fills token Secrets, writes nothing', async () => {
    const inner = memoryClient([cm('theirs')]);
    const lines: string[] = [];
    const c = new TrackingKubeClient(inner, new Ledger(), { ...opts, dryRun: true, log: (l) => lines.push(l) });
    await c.create(cm('mine'));
    await c.apply(cm('theirs'));
    const secret = await c.create({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 't', namespace: 'flyte' } });
    expect(Object.keys(secret.data as object).sort()).toEqual(['ca.crt', 'token']);
    expect((await c.get(ref('mine'))).metadata.name).toBe('mine');
    await expect(c.create(cm('mine'))).rejects.toMatchObject({ status: 409 });
    await c.delete(ref('mine'));
    expect(inner.writes).toEqual([]);
    expect(lines).toEqual([
      '[dry-run] dp1: would create ConfigMap flyte/mine',
      '[dry-run] dp1: would replace ConfigMap flyte/theirs (exists; not created by this run)',
      '[dry-run] dp1: would create Secret flyte/t',
      '[dry-run] dp1: would delete ConfigMap flyte/mine',
    ]);
  });
});
