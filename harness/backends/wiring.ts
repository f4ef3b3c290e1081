// The multi-cluster guide's wiring steps, backend-agnostic: everything goes through KubeClient and Cluster, so the
// sim and the real backends (process, containers) run the same steps.
//   1. In each data plane: namespace flyte, SA flyteadmin, the ClusterRole/Binding, the FlyteWorkflow CRD and the
//      long-lived token Secret (filled by the cluster's token controller).
//   2. Read token and ca.crt from each data plane.
//   3. Build cluster-credentials in the control plane.
//   4. Write the credential files exactly as the chart mounts that Secret: <root>/var/run/credentials/<name>_token
//      and <name>_cacert (0600).
//   5. Prove the wiring as FlyteAdmin uses it: a client made only of endpoint + token file + CA file.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster, KubeClient, KubeObject } from './types.ts';
import { KubeApiError } from './types.ts';
import {
  CLUSTER_CREDENTIALS_SECRET,
  CREDENTIALS_MOUNT_PATH,
  FLYTE_NAMESPACE,
  FLYTEADMIN_TOKEN_SECRET,
  FLYTEWORKFLOW_API_VERSION,
  clusterCredentialsSecret,
  credentialKeys,
  credentialPaths,
  dataPlaneManifests,
  flyteNamespace,
  flyteWorkflow,
  flyteadminTokenSecret,
  projectDomainNamespace,
  tokenSecretNameFor,
  type ClusterCredential,
} from './manifests.ts';

export interface WiringOptions {
  namespace?: string;
  /** Token Secret name; wireGuide uses the guide's per-cluster name (tokenSecretNameFor) unless this is set. */
  tokenSecretName?: string;
  /** How long to wait for the CRD to serve and the token Secret to fill. Default 60s. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createIfAbsent(client: KubeClient, obj: KubeObject): Promise<KubeObject | undefined> {
  try {
    return await client.create(obj);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 409) return undefined;
    throw err;
  }
}

async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${lastErr ? ` (${lastErr})` : ''}`);
    await sleep(delay);
  }
}

/**
 * Step 1 in one data plane, idempotent: applies the manifests, keeps an existing token Secret (re-applying it would
 * drop its token), and waits until FlyteWorkflows are served.
 */
export async function applyDataPlane(client: KubeClient, opts: WiringOptions = {}): Promise<void> {
  const ns = opts.namespace ?? FLYTE_NAMESPACE;
  for (const obj of dataPlaneManifests({ namespace: ns, tokenSecretName: opts.tokenSecretName })) {
    if (obj.kind === 'Secret') await createIfAbsent(client, obj);
    else await client.apply(obj);
  }
  await poll('the FlyteWorkflow CRD to be served', opts.timeoutMs ?? 60_000, async () => {
    await client.list({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', namespace: ns });
    return true;
  });
}

/** Step 2: the token and CA the cluster's token controller put into the flyteadmin token Secret (raw, decoded). */
export async function readServiceAccountToken(client: KubeClient, opts: WiringOptions = {}): Promise<{ token: string; caCert: string }> {
  const ref = { apiVersion: 'v1', kind: 'Secret', name: opts.tokenSecretName ?? FLYTEADMIN_TOKEN_SECRET, namespace: opts.namespace ?? FLYTE_NAMESPACE };
  return poll(`Secret ${ref.namespace}/${ref.name} to hold a token`, opts.timeoutMs ?? 60_000, async () => {
    const s = await client.get(ref);
    const data = (s.data ?? {}) as Record<string, string>;
    if (!data.token || !data['ca.crt']) return undefined;
    return { token: Buffer.from(data.token, 'base64').toString('utf8'), caCert: Buffer.from(data['ca.crt'], 'base64').toString('utf8') };
  });
}

/** Step 3: cluster-credentials in the control plane (namespace first), replacing any previous version. */
export async function applyClusterCredentials(controlPlane: KubeClient, creds: readonly ClusterCredential[], opts: WiringOptions = {}): Promise<KubeObject> {
  await controlPlane.apply(flyteNamespace({ namespace: opts.namespace }));
  return controlPlane.apply(clusterCredentialsSecret(creds, { namespace: opts.namespace }));
}

/**
 * Step 4: what the kubelet does for a Secret volume: one file per data key, contents = the decoded bytes, under
 * `<root>/var/run/credentials/`. Files are 0600, the directory 0700. Returns key → host path.
 */
export async function writeCredentialFiles(root: string, secret: KubeObject, mountPath = CREDENTIALS_MOUNT_PATH): Promise<Record<string, string>> {
  const dir = join(root, mountPath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const out: Record<string, string> = {};
  for (const [key, b64] of Object.entries((secret.data ?? {}) as Record<string, string>)) {
    const path = join(dir, key);
    await writeFile(path, Buffer.from(b64, 'base64'), { mode: 0o600 });
    await chmod(path, 0o600);
    out[key] = path;
  }
  return out;
}

/** One clusterConfigs entry as FlyteAdmin sees it, plus where the files are on this machine. */
export interface WiredCluster {
  name: string;
  endpoint: string;
  /** Paths inside the pod (what clusterConfigs[].auth gets). */
  tokenPath: string;
  certPath: string;
  /** The same files under the temp root. */
  hostTokenPath: string;
  hostCertPath: string;
}

export interface GuideWiring {
  clusters: WiredCluster[];
  credentialsSecret: KubeObject;
  credentialsRoot: string;
}

/** Steps 1–4 for a control plane and its data planes (data planes in parallel). */
export async function wireGuide(opts: WiringOptions & { controlPlane: Cluster; dataPlanes: readonly Cluster[]; credentialsRoot: string }): Promise<GuideWiring> {
  const log = opts.log ?? (() => undefined);
  const creds = await Promise.all(
    opts.dataPlanes.map(async (c) => {
      const per = { ...opts, tokenSecretName: opts.tokenSecretName ?? tokenSecretNameFor(c.spec.name) };
      await applyDataPlane(c.admin(), per);
      log(`${c.spec.name}: namespace, service account, RBAC, CRD and token Secret ${per.tokenSecretName} applied`);
      const { token, caCert } = await readServiceAccountToken(c.admin(), per);
      log(`${c.spec.name}: token Secret filled by the token controller`);
      return { name: c.spec.name, token, caCert };
    }),
  );
  const cp = opts.controlPlane.admin();
  await applyClusterCredentials(cp, creds, opts);
  // Read back from the control plane, as the volume mount would.
  const secret = await cp.get({ apiVersion: 'v1', kind: 'Secret', name: CLUSTER_CREDENTIALS_SECRET, namespace: opts.namespace ?? FLYTE_NAMESPACE });
  const files = await writeCredentialFiles(opts.credentialsRoot, secret);
  log(`${opts.controlPlane.spec.name}: ${CLUSTER_CREDENTIALS_SECRET} holds ${creds.length} cluster(s); files written under ${opts.credentialsRoot}`);
  const clusters = opts.dataPlanes.map((c) => {
    const keys = credentialKeys(c.spec.name);
    const { tokenPath, certPath } = credentialPaths(c.spec.name);
    return { name: c.spec.name, endpoint: c.endpoint, tokenPath, certPath, hostTokenPath: files[keys.token]!, hostCertPath: files[keys.cacert]! };
  });
  return { clusters, credentialsSecret: secret, credentialsRoot: opts.credentialsRoot };
}

/** A client built only from the endpoint, the token file (verbatim) and the CA file, as FlyteAdmin builds one. */
export async function flyteAdminClient(cluster: Cluster, wired: Pick<WiredCluster, 'endpoint' | 'hostTokenPath' | 'hostCertPath'>): Promise<KubeClient> {
  const [token, caCert] = await Promise.all([readFile(wired.hostTokenPath, 'utf8'), readFile(wired.hostCertPath, 'utf8')]);
  return cluster.withToken({ endpoint: wired.endpoint, token, caCert });
}

export interface AccessCheck {
  cluster: string;
  /** Namespace created (or already there) through the token: cluster resource sync works. */
  namespace: string;
  /** FlyteWorkflow created and read back through the token. */
  workflow: string;
  /** Status of reading Secrets in kube-system through the token: must be 403. */
  secretsStatus: number;
  /** Status of creating a ConfigMap through the token: must be 403. */
  configMapStatus: number;
}

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof KubeApiError) return err.status;
    throw err;
  }
}

/**
 * Step 5 in one data plane: through FlyteAdmin's client, sync the project-domain namespace, create a FlyteWorkflow and
 * read it back, and check that what RBAC does not grant is 403. Throws when the wiring is wrong.
 */
export async function verifyFlyteAdminAccess(
  cluster: Cluster,
  wired: Pick<WiredCluster, 'endpoint' | 'hostTokenPath' | 'hostCertPath'>,
  opts: { project?: string; domain?: string; workflowName?: string } = {},
): Promise<AccessCheck> {
  const client = await flyteAdminClient(cluster, wired);
  const ns = projectDomainNamespace(opts.project ?? 'flytesnacks', opts.domain ?? 'development');
  await createIfAbsent(client, ns);
  const name = opts.workflowName ?? `wiring-${Date.now().toString(36)}`;
  await client.create(flyteWorkflow(name, ns.metadata.name));
  const back = await client.get({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', name, namespace: ns.metadata.name });
  if (back.metadata.name !== name) throw new Error(`${cluster.spec.name}: FlyteWorkflow read back as ${back.metadata.name}`);
  const secretsStatus = await statusOf(client.list({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system' }));
  const configMapStatus = await statusOf(
    client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flyte-mc-should-be-denied', namespace: ns.metadata.name } }),
  );
  if (secretsStatus !== 403 || configMapStatus !== 403) {
    throw new Error(`${cluster.spec.name}: RBAC grants too much: secrets list → ${secretsStatus}, configmap create → ${configMapStatus} (want 403)`);
  }
  return { cluster: cluster.spec.name, namespace: ns.metadata.name, workflow: name, secretsStatus, configMapStatus };
}

export { flyteadminTokenSecret };
