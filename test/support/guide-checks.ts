// What "the guide's wiring works" means, checked the same way on every backend (sim in test/unit, kube-lite in
// test/integration/process.test.ts) after wireDataPlanes: the token controller filled each rendered token Secret,
// cluster-credentials and its mount hold exactly those bytes, and FlyteAdmin's client (endpoint + token file + CA
// file) can do what the chart's ClusterRole grants and nothing it does not. Expected values come from the guide and
// the chart as docs/flyte-behaviour.md records them, not from the renderer.
import { readFile, stat } from 'node:fs/promises';
import { expect } from 'vitest';
import type { KubeObject } from '../../harness/backends/types.ts';
import { FLYTEWORKFLOW_API_VERSION } from '../../harness/constants.ts';
import type { GuideTarget } from '../../harness/scenarios/steps.ts';
import { clusterConfigOf, flyteAdminClientFor, mountedFile } from './flyteadmin-client.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The guide's token Secret name (`dataplane1-token`) for the names these tests use: dataplane_1 → dataplane-1-token. */
export function guideTokenSecret(cluster: string): string {
  return `${cluster.replace(/_/g, '-')}-token`;
}

/** A minimal FlyteWorkflow as FlyteAdmin creates one for an execution (the CRD keeps unknown fields). */
export function flyteWorkflow(name: string, namespace: string): KubeObject {
  return { apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', metadata: { name, namespace }, spec: { id: `${namespace}:${name}`, nodes: {} }, inputs: {}, executionId: { name } };
}

/** docs/flyte-behaviour.md#credentials-secret: the token controller fills the user's Secret with token, ca.crt, namespace. */
export async function expectTokenSecretFilled(target: GuideTarget, cluster: string): Promise<KubeObject> {
  const dp = target.world.dataPlane(cluster).admin();
  const s = await dp.get({ apiVersion: 'v1', kind: 'Secret', name: guideTokenSecret(cluster), namespace: 'flyte' });
  expect(s.type).toBe('kubernetes.io/service-account-token');
  const sa = await dp.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: 'flyteadmin', namespace: 'flyte' });
  expect(s.metadata.annotations?.['kubernetes.io/service-account.name']).toBe('flyteadmin');
  expect(s.metadata.annotations?.['kubernetes.io/service-account.uid']).toBe(sa.metadata.uid);
  const data = s.data as Record<string, string>;
  expect(Buffer.from(data.namespace!, 'base64').toString()).toBe('flyte');
  expect(Buffer.from(data['ca.crt']!, 'base64').toString()).toBe(target.world.dataPlane(cluster).caCert());
  return s;
}

/**
 * cluster-credentials in the control plane holds the token Secret's `.data.token` and `.data['ca.crt']` unchanged
 * under `<name>_token` / `<name>_cacert`, and the mount (after World.syncCredentials) the decoded bytes, 0600, at the
 * paths the rendered clusterConfigs entry names.
 */
export async function expectCredentialsMounted(target: GuideTarget, cluster: string): Promise<void> {
  const token = (await expectTokenSecretFilled(target, cluster)).data as Record<string, string>;
  const creds = await target.world.controlPlane.admin().get({ apiVersion: 'v1', kind: 'Secret', name: 'cluster-credentials', namespace: 'flyte' });
  const data = creds.data as Record<string, string>;
  expect(data[`${cluster}_token`]).toBe(token.token);
  expect(data[`${cluster}_cacert`]).toBe(token['ca.crt']);
  const entry = clusterConfigOf(target, cluster);
  expect(entry.auth).toEqual({ tokenPath: `/var/run/credentials/${cluster}_token`, certPath: `/var/run/credentials/${cluster}_cacert` });
  expect(entry.endpoint).toBe(target.world.dataPlane(cluster).endpoint);
  for (const [path, value] of [[entry.auth.tokenPath, token.token!], [entry.auth.certPath, token['ca.crt']!]] as const) {
    const file = mountedFile(target, path);
    expect(b64(await readFile(file, 'utf8'))).toBe(value);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  }
}

/** Cluster resource sync and an execution through FlyteAdmin's client: the project-domain namespace, then a FlyteWorkflow in it. */
export async function expectFlyteAdminCreatesWorkflow(target: GuideTarget, cluster: string, namespace: string, workflow: string): Promise<void> {
  const client = await flyteAdminClientFor(target, cluster);
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }).catch((err: { status?: number }) => {
    if (err.status !== 409) throw err;
  });
  await client.create(flyteWorkflow(workflow, namespace));
  const back = await client.get({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', name: workflow, namespace });
  expect(back.metadata.name).toBe(workflow);
  // ... and it is really in that cluster, as the harness's own admin identity sees it.
  const seen = await target.world.dataPlane(cluster).admin().get({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', name: workflow, namespace });
  expect(seen.metadata.uid).toBeTruthy();
}

/**
 * docs/flyte-behaviour.md#data-plane-rbac: the data-plane release binds FlyteAdmin's service account to a ClusterRole
 * with every verb on configmaps, flyteworkflows, namespaces, pods, resourcequotas, roles, rolebindings, secrets,
 * services, serviceaccounts, limitranges (groups "", flyte.lyft.com, rbac.authorization.k8s.io), in every namespace.
 * So the token reads every Secret of the data plane (its own token Secret included) and may delete namespaces; what
 * is outside the list (Deployments, ClusterRoleBindings) is 403. `namespace` must exist and be FlyteAdmin's to use.
 */
export async function expectChartRbac(target: GuideTarget, cluster: string, namespace: string): Promise<void> {
  const client = await flyteAdminClientFor(target, cluster);
  const secrets = await client.list({ apiVersion: 'v1', kind: 'Secret' });
  expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toContain(`flyte/${guideTokenSecret(cluster)}`);
  await expect(client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flyte-mc-rbac-probe', namespace }, data: {} })).resolves.toBeTruthy();
  await expect(client.list({ apiVersion: 'v1', kind: 'Pod', namespace })).resolves.toBeInstanceOf(Array);
  await expect(
    client.apply({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'project-quota', namespace }, spec: { hard: { 'limits.cpu': '8' } } }),
  ).resolves.toBeTruthy();
  await expect(client.list({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow' })).resolves.toBeInstanceOf(Array);
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flyte-mc-rbac-probe' } });
  await expect(client.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'flyte-mc-rbac-probe' })).resolves.toBeUndefined();
  await expect(client.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace })).rejects.toMatchObject({ status: 403, reason: 'Forbidden' });
  await expect(
    client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'flyte-mc-rbac-probe' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'flyteadmin', namespace: 'flyte' }],
    }),
  ).rejects.toMatchObject({ status: 403 });
}
