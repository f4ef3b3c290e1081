// guide and day2-add-cluster against a real FlyteAdmin (tools/flyteadmin) with process-backend data planes
// (kube-lite): every execution's FlyteWorkflow location and reported cluster compared with harness/placement.
// The data planes are wired by the guide's own steps (wireDataPlanes) over a World on the process backend. Skips,
// printing the exact blocker, when the FlyteAdmin binary, PostgreSQL, the mount namespace or kube-lite is missing.
import { describe, expect, it } from 'vitest';
import { CleanupStack } from '../../harness/lifecycle.ts';
import { parseTopology, type Topology } from '../../harness/topology/index.ts';
import { RealAdmin, realAdminUnavailableReason } from '../../harness/tiers/real-admin/launcher.ts';
import { runDay2, runGuide, type PlaneHandle } from '../../harness/tiers/real-admin/scenario.ts';
import { loadProcessTier } from '../../harness/tiers/real-admin/process-tier.ts';
import { World } from '../../harness/world.ts';
import { skipTier } from '../support/prereq.ts';

function topologyYaml(planes: string[], labels: string, extra = ''): string {
  return `apiVersion: flyte-mc/v1alpha1
controlPlane:
  ingressEndpoint: flyte.example.com:443
  datacatalogEndpoint: datacatalog.example.com:89
dataPlanes:
${planes.map((p) => `  - name: ${p}`).join('\n')}
labels:
${labels}
executionClusterLabels:
  - project: flytesnacks
    domain: development
    value: label2
projects:
  - name: flytesnacks
    domains: [development, staging]
${extra}aws:
  accountId: "123456789012"
  region: us-east-2
  bucket: my-flyte-bucket
`;
}

const GUIDE = parseTopology(
  topologyYaml(
    ['dataplane_1', 'dataplane_2'],
    `  label1:
    - {cluster: dataplane_1, weight: 0.75}
    - {cluster: dataplane_2, weight: 0.25}
  label2:
    - {cluster: dataplane_2, weight: 1}`,
  ),
);
const ADDED = parseTopology(
  topologyYaml(
    ['dataplane_1', 'dataplane_2', 'dataplane_3'],
    `  label1:
    - {cluster: dataplane_1, weight: 0.5}
    - {cluster: dataplane_3, weight: 0.5}
  label2:
    - {cluster: dataplane_2, weight: 1}
  label3:
    - {cluster: dataplane_3, weight: 1}`,
  ),
);
const REMOVED = parseTopology(
  topologyYaml(
    ['dataplane_2', 'dataplane_3'],
    `  label1:
    - {cluster: dataplane_3, weight: 1}
  label2:
    - {cluster: dataplane_2, weight: 1}
  label3:
    - {cluster: dataplane_3, weight: 1}`,
  ),
);

const adminReason = realAdminUnavailableReason();
const proc = adminReason ? {} : await loadProcessTier();
const reason = adminReason ?? proc.reason;

describe.skipIf(skipTier('real FlyteAdmin', reason))('real FlyteAdmin: guide and day2-add-cluster', () => {
  it('places every execution where the model predicts (≥ 500 compared, 0 disagreements)', { timeout: 1_800_000 }, async () => {
    const tier = proc.tier!;
    const log = (l: string) => console.log(`[real-admin] ${l}`);
    const cleanup = new CleanupStack();
    try {
      // The World registers the backend, its clusters and the credentials dir with the test's cleanup stack.
      const world = await World.create({ backend: tier.createProcessBackend({ log }), cleanup, log });
      await tier.wire({ world, topology: GUIDE });
      const handles = (): PlaneHandle[] => [...world.dataPlanes].map(([name, c]) => ({ name, client: c.admin() }));

      const t0 = Date.now();
      const admin = await RealAdmin.start({
        topology: GUIDE,
        endpoints: world.endpoints(),
        credentialsDir: world.credentialsDir,
        cleanup,
        log,
      });
      log(`cold start to serving: ${Date.now() - t0} ms (${JSON.stringify(admin.timings)})`);
      const guide = await runGuide(admin, handles(), { log, executions: 360 });

      // Day 2: the added cluster goes through the same steps; cluster-credentials then holds all three.
      await tier.wire({ world, topology: ADDED }, ['dataplane_3']);
      const dp2 = world.dataPlane('dataplane_2');
      const day2 = await runDay2(admin, {
        log,
        guide,
        withAdded: { topology: ADDED as Topology, endpoints: world.endpoints(), planes: handles() },
        withRemoved: { topology: REMOVED as Topology, endpoints: world.endpoints(), removed: 'dataplane_1' },
        makeUnreachable: dp2.partition
          ? { plane: 'dataplane_2', cut: () => dp2.partition!.cut(), restore: () => dp2.partition!.heal() }
          : { plane: 'dataplane_2', cut: () => dp2.lifecycle!.stop(), restore: () => dp2.lifecycle!.start() },
        executions: 150,
      });
      const compared = guide.report.compared + day2.report.compared;
      log(`compared ${compared} executions, ${guide.report.disagreements.length + day2.report.disagreements.length} disagreement(s)`);
      expect(compared).toBeGreaterThanOrEqual(500);
      expect(guide.report.disagreements.length + day2.report.disagreements.length).toBe(0);
      expect(day2.removedTerminate?.length ?? 0).toBeGreaterThan(0);
      expect(day2.unreachableRestartError).toMatch(/clusterresource sync/);
    } finally {
      const failed = (await cleanup.run()).filter((r) => r.error);
      expect(failed).toEqual([]);
    }
  });
});
