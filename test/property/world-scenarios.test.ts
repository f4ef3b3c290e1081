// Every scenario passes for any seed and data-plane count: expectations must follow FlyteAdmin's behaviour, not
// one lucky draw of names. fast-check prints the seed and the failing (seed, data planes, scenario) on failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario, scenarios } from '../../harness/scenarios/index.ts';
import { propertyParams } from '../support/seed.ts';

describe('scenarios under any seed and size (sim)', () => {
  it('pass for random --seed, --dataplanes 1..6 and small workloads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 60, max: 400 }), fc.constantFrom(...scenarios), async (seed, dataPlanes, executions, scenario) => {
        const r = await runScenario(scenario, { backend: 'sim', dataPlanes, dataPlanesPinned: true, executions, seed, log: () => {} });
        expect(r.violations, `${scenario.name} seed ${seed} dataplanes ${dataPlanes} executions ${executions}`).toEqual([]);
      }),
      propertyParams('world: scenarios on generated worlds', 40),
    );
  });
});
