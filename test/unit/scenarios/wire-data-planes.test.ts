// The guide's wiring steps (wireDataPlanes in harness/scenarios/steps.ts) on sim, checked as test/support/guide-checks.ts
// defines it; test/integration/process.test.ts runs the same checks on kube-lite.
import { describe, expect, it } from 'vitest';
import { parseTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';
import { wireDataPlanes } from '../../../harness/scenarios/steps.ts';
import { World } from '../../../harness/world.ts';
import { expectChartRbac, expectCredentialsMounted, expectFlyteAdminCreatesWorkflow, expectTokenSecretFilled } from '../../support/guide-checks.ts';
import { flyteAdminClientFor } from '../../support/flyteadmin-client.ts';

const topology = parseTopology(starterTopologyYaml({ dataPlanes: 2 }));
const names = ['dataplane_1', 'dataplane_2'];

describe('wireDataPlanes on sim', () => {
  it('starts the data planes, fills their token Secrets and writes cluster-credentials; the mount follows syncCredentials', async () => {
    await using world = await World.create();
    const target = { world, topology };
    const creds = await wireDataPlanes(target);
    expect([...world.dataPlanes.keys()]).toEqual(names);
    expect(Object.keys(creds)).toEqual(names);
    for (const n of names) await expectTokenSecretFilled(target, n);
    // Not mounted yet: the kubelet's copy changes on the next pod start (helm upgrade) or an explicit sync.
    await expect(flyteAdminClientFor(target, 'dataplane_1')).rejects.toMatchObject({ code: 'ENOENT' });
    await world.syncCredentials();
    for (const n of names) await expectCredentialsMounted(target, n);
  });

  it('gives FlyteAdmin\'s client what the chart\'s ClusterRole grants and 403 for the rest', async () => {
    await using world = await World.create();
    const target = { world, topology };
    await wireDataPlanes(target);
    await world.syncCredentials();
    for (const n of names) {
      await expectFlyteAdminCreatesWorkflow(target, n, 'team1-development', 'wf-guide');
      await expectChartRbac(target, n, 'team1-development');
    }
  });

  it('wires a day-2 data plane without touching the others\' token Secrets', async () => {
    await using world = await World.create();
    const one = { world, topology: parseTopology(starterTopologyYaml({ dataPlanes: 1 })) };
    const first = await wireDataPlanes(one);
    const target = { world, topology };
    const all = await wireDataPlanes(target, ['dataplane_2']);
    expect(all.dataplane_1).toEqual(first.dataplane_1);
    await world.syncCredentials();
    for (const n of names) await expectCredentialsMounted(target, n);
  });
});
