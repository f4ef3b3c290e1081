// The process backend on real API servers: the guide's wiring through the canonical steps (wireDataPlanes over a
// World: the data-plane release, token Secrets filled by the real token controller, cluster-credentials and its
// mount), FlyteAdmin's view (endpoint + token file + CA file) and the chart's RBAC as a real authorizer applies it,
// partition through the proxy, kill + restart with state kept, and a clean teardown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createProcessBackend, ProcessCluster, type ProcessBackend } from '../../harness/backends/process/index.ts';
import { KubeApiError, type Cluster } from '../../harness/backends/types.ts';
import { FLYTEWORKFLOW_API_VERSION } from '../../harness/constants.ts';
import { wireDataPlanes, type GuideTarget } from '../../harness/scenarios/steps.ts';
import { parseTopology, starterTopologyYaml } from '../../harness/topology/index.ts';
import { World } from '../../harness/world.ts';
import { clusterConfigOf, flyteAdminClientFor, mountedFile } from '../support/flyteadmin-client.ts';
import { expectChartRbac, expectCredentialsMounted, expectFlyteAdminCreatesWorkflow, expectTokenSecretFilled, flyteWorkflow } from '../support/guide-checks.ts';
import { skipTier } from '../support/prereq.ts';
import { listeners } from '../support/procs.ts';

/** The starter topology's first project-domain: where cluster resource sync would put executions. */
const PROJECT_NS = 'team1-development';

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

/** The World's clusters are the backend's own; the tests below use what only a process cluster has (pids, ports). */
function processCluster(c: Cluster): ProcessCluster {
  if (!(c instanceof ProcessCluster)) throw new Error(`${c.spec.name} is not a process-backend cluster`);
  return c;
}

describe.skipIf(skip)('process backend', () => {
  let world: World;
  let target: GuideTarget;
  let cp: ProcessCluster;
  let dps: ProcessCluster[];

  beforeAll(async () => {
    world = await World.create({ backend, log: (l) => console.log(`[world] ${l}`) });
    target = { world, topology: parseTopology(starterTopologyYaml({ dataPlanes: 2 })) };
    await wireDataPlanes(target);
    // FlyteAdmin is not started here: mirror cluster-credentials into the mount as the kubelet would for its pod.
    await world.syncCredentials();
    cp = processCluster(world.controlPlane);
    dps = [...world.dataPlanes.values()].map(processCluster);
  }, 600_000);

  afterAll(async () => {
    const all = backend.list();
    const pids = all.flatMap((c) => c.processes().map((p) => p.pid));
    const ports = all.flatMap((c) => [c.ports.api, c.ports.etcdClient, c.ports.etcdPeer, c.proxyPort]);
    const root = backend.tempRoot;
    // The World owns the cleanup stack (backend, credentials dir); without one, beforeAll failed before it existed.
    const reports = world ? await world.dispose() : (await backend.dispose(), []);
    expect(reports.filter((r) => r.error)).toEqual([]);
    // Nothing left behind: processes, ports, temp dirs, the credentials mount.
    expect(pids.filter(alive)).toEqual([]);
    // Ports: none held by this process (the proxies) or by the cluster processes.
    for (const p of ports) expect(listeners(p).filter((pid) => pid === process.pid || pids.includes(pid))).toEqual([]);
    if (root) expect(existsSync(root)).toBe(false);
    if (world) expect(existsSync(world.credentialsDir)).toBe(false);
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
    for (const dp of dps) await expectTokenSecretFilled(target, dp.spec.name);
  });

  it('writes cluster-credentials and the files exactly as the chart mounts them', async () => {
    for (const dp of dps) await expectCredentialsMounted(target, dp.spec.name);
  });

  it('lets a client built only from endpoint, token file and CA file create FlyteWorkflows in every data plane', async () => {
    for (const dp of dps) await expectFlyteAdminCreatesWorkflow(target, dp.spec.name, PROJECT_NS, 'wf-guide');
  });

  it('grants FlyteAdmin what the chart\'s ClusterRole grants (every Secret, namespace deletion) and 403 outside it', async () => {
    for (const dp of dps) await expectChartRbac(target, dp.spec.name, PROJECT_NS);
  });

  it('rejects a token from one data plane on another (distinct service-account keys)', async () => {
    const [a, b] = dps as [ProcessCluster, ProcessCluster];
    const token = await readFile(mountedFile(target, clusterConfigOf(target, a.spec.name).auth.tokenPath), 'utf8');
    const wrong = b.withToken({ endpoint: b.endpoint, token, caCert: b.caCert() });
    await expect(wrong.list({ apiVersion: 'v1', kind: 'Namespace' })).rejects.toMatchObject({ status: 401 });
    // and the CA of one cluster does not verify another's serving cert
    const badCa = b.withToken({ endpoint: b.endpoint, token, caCert: a.caCert() });
    await expect(badCa.list({ apiVersion: 'v1', kind: 'Namespace' })).rejects.toMatchObject({ status: 0 });
  });

  it('partition cuts the control plane path only; healing restores it', async () => {
    const dp = dps[0]!;
    const viaProxy = await flyteAdminClientFor(target, dp.spec.name);
    await dp.partition.cut();
    const err = await viaProxy.get({ apiVersion: 'v1', kind: 'Namespace', name: PROJECT_NS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(0);
    // The harness's admin client goes direct.
    await expect(dp.admin().get({ apiVersion: 'v1', kind: 'Namespace', name: 'flyte' })).resolves.toBeTruthy();
    await dp.partition.heal();
    await expect(viaProxy.get({ apiVersion: 'v1', kind: 'Namespace', name: PROJECT_NS })).resolves.toBeTruthy();
  });

  it('kill then start keeps the cluster state', async () => {
    const dp = dps[1]!;
    await dp.admin().create(flyteWorkflow('wf-before-kill', PROJECT_NS));
    const before = dp.processes().map((p) => p.pid);
    await dp.lifecycle.kill();
    expect(before.filter(alive)).toEqual([]);
    await expect(dp.admin().get({ apiVersion: 'v1', kind: 'Namespace', name: 'flyte' })).rejects.toMatchObject({ status: 0 });
    await dp.lifecycle.start();
    const wf = await dp.admin().get({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', name: 'wf-before-kill', namespace: PROJECT_NS });
    expect(wf.metadata.name).toBe('wf-before-kill');
    // The token issued before the kill still works (same key, same Secret): wf-guide and wf-before-kill.
    const client = await flyteAdminClientFor(target, dp.spec.name);
    await expect(client.list({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', namespace: PROJECT_NS })).resolves.toHaveLength(2);
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
