// Real FlyteAdmin with 3 process-backend data planes: time from cold start (PostgreSQL, migrate, sync, serve) to the
// first execution whose FlyteWorkflow is found in a data plane, and executions created per second through the API.
// Prints why it is skipped when the tier is unavailable.
import { CleanupStack } from '../harness/lifecycle.ts';
import { parseTopology } from '../harness/topology/index.ts';
import { RealAdmin, realAdminUnavailableReason } from '../harness/tiers/real-admin/launcher.ts';
import { loadProcessTier } from '../harness/tiers/real-admin/process-tier.ts';
import { createAll, locateWorkflowsFor, plan, registerAll } from '../harness/tiers/real-admin/scenario.ts';
import { World } from '../harness/world.ts';

const PLANES = ['dataplane_1', 'dataplane_2', 'dataplane_3'];
const N = Number(process.env.REAL_ADMIN_BENCH_EXECUTIONS ?? 300);

const TOPOLOGY = parseTopology(`apiVersion: flyte-mc/v1alpha1
controlPlane:
  ingressEndpoint: flyte.example.com:443
  datacatalogEndpoint: datacatalog.example.com:89
dataPlanes:
${PLANES.map((p) => `  - name: ${p}`).join('\n')}
labels:
  label1:
${PLANES.map((p) => `    - {cluster: ${p}, weight: 1}`).join('\n')}
defaultExecutionLabel: label1
projects:
  - name: flytesnacks
    domains: [development]
aws:
  accountId: "123456789012"
  region: us-east-2
  bucket: my-flyte-bucket
`);

export async function run(): Promise<void> {
  const reason = realAdminUnavailableReason() ?? (await loadProcessTier()).reason;
  if (reason) {
    console.log(`real-admin: skipped: ${reason}`);
    return;
  }
  const { tier } = await loadProcessTier();
  const cleanup = new CleanupStack();
  try {
    const t0 = Date.now();
    // One cluster at a time, as the World starts them; the guide's steps then wire all three.
    const world = await World.create({ backend: tier!.createProcessBackend({}), cleanup, dataPlanes: PLANES });
    await tier!.wire({ world, topology: TOPOLOGY });
    const tClusters = Date.now();
    const admin = await RealAdmin.start({ topology: TOPOLOGY, endpoints: world.endpoints(), credentialsDir: world.credentialsDir, cleanup });
    await registerAll(admin, TOPOLOGY, () => undefined);
    const handles = [...world.dataPlanes].map(([name, c]) => ({ name, client: c.admin() }));
    const [first] = plan(TOPOLOGY, 'first', 1);
    await createAll(admin, [first!]);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const where = await locateWorkflowsFor(handles, [first!]);
      if (where.size > 0) break;
      if (Date.now() > deadline) throw new Error('the first execution did not appear in any data plane within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const tFirst = Date.now();
    console.log(`real-admin: 3 data planes up and wired in ${tClusters - t0} ms`);
    console.log(`real-admin: FlyteAdmin cold start to first placed execution ${tFirst - tClusters} ms (${JSON.stringify(admin.timings)})`);
    const batch = plan(TOPOLOGY, 'bench', N);
    const tb = Date.now();
    await createAll(admin, batch, { concurrency: 8 });
    const ms = Date.now() - tb;
    console.log(`real-admin: ${N} executions created in ${ms} ms: ${((N * 1000) / ms).toFixed(1)} executions/s (concurrency 8)`);
  } finally {
    await cleanup.run();
  }
}
