// The k3s backend (K3sContainer per cluster, one network, aliases): runs wherever a k3s image is present locally
// and skips with the reason elsewhere (no registry here, so no image). Checks the aliased endpoints and kubeconfigs,
// the guide and day2-add-cluster scenarios, and that no container or network of the run is left.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { listLabelled } from '../../harness/backends/docker.ts';
import { createK3sBackend, k3sHostProblems, type K3sBackend } from '../../harness/backends/k3s/index.ts';
import type { Cluster } from '../../harness/backends/types.ts';
import { findScenario, runScenario } from '../../harness/scenarios/index.ts';
import { skipTier } from '../support/prereq.ts';

describe('k3s preflight', () => {
  it('names each missing host requirement with what to do', async () => {
    const problems = await k3sHostProblems('flyte-mc/no-such-k3s:0', { rootless: true, cgroupVersion: '2' }, async () => 128);
    expect(problems.join('\n')).toMatch(/not present locally \(nothing is pulled\)/);
    expect(problems.join('\n')).toMatch(/rootless/);
    expect(problems.join('\n')).toMatch(/max_user_instances is 128.*sysctl -w fs.inotify.max_user_instances=512/);
  });
});

const skip = skipTier('k3s backend', await createK3sBackend().unavailableReason().catch((e: Error) => e.message));

describe.skipIf(skip)('k3s backend', () => {
  let backend: K3sBackend;
  let cp: Cluster & { kubeconfig(): string; aliasedKubeconfig(): string };
  let dp: Cluster & { kubeconfig(): string; aliasedKubeconfig(): string };

  beforeAll(async () => {
    backend = createK3sBackend({ log: (l) => console.log(`[k3s] ${l}`) });
    cp = (await backend.createCluster({ name: 'controlplane', role: 'control-plane' })) as typeof cp;
    dp = (await backend.createCluster({ name: 'dataplane_1', role: 'data-plane' })) as typeof dp;
  }, 600_000);
  afterAll(async () => {
    await backend?.dispose();
    expect(await listLabelled(backend.runId)).toEqual({ containers: [], networks: [] });
  });

  it('gives the control plane the aliased endpoint and the harness the mapped port', () => {
    expect(dp.endpoint).toBe('https://dataplane-1:6443');
    expect(dp.aliasedKubeconfig()).toContain('server: https://dataplane-1:6443');
    expect(dp.kubeconfig()).not.toContain('dataplane-1:6443');
  });

  it('answers the admin client', async () => {
    const ns = await cp.admin().list({ apiVersion: 'v1', kind: 'Namespace' });
    expect(ns.map((n) => n.metadata.name)).toContain('kube-system');
  });
});

describe.skipIf(skip)('scenarios on k3s', () => {
  for (const name of ['guide', 'day2-add-cluster']) {
    it(name, async () => {
      const lines: string[] = [];
      const r = await runScenario(findScenario(name)!, { backend: 'k3s', dataPlanes: 2, executions: 300, seed: 1, log: (l) => lines.push(l) });
      if (!r.passed) console.log(lines.join('\n'));
      expect(r.violations).toEqual([]);
    }, 900_000);
  }
});
