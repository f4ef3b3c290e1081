// The scenario library: every scenario by name, in the order `flyte-mc run --list` shows them.
import type { Scenario } from './context.ts';
import { chartUpgrade } from './scenarios/chart-upgrade.ts';
import { day2AddCluster } from './scenarios/day2.ts';
import { guideAsWritten } from './scenarios/as-written.ts';
import { drainAndRemoveCluster } from './scenarios/drain.ts';
import { guide } from './scenarios/guide.ts';
import { labelTypo, relativeWeights } from './scenarios/labels.ts';
import { childLabelInheritance, emptyLabelMap, labelCase, missingResource, unlabelledTraffic } from './scenarios/reports.ts';
import { clusterIdMismatch, singleToMulti } from './scenarios/migration.ts';
import { tokenRotation } from './scenarios/rotation.ts';
import { syncResourcesCache } from './scenarios/syncresources.ts';

export const scenarios: readonly Scenario[] = [
  guide,
  day2AddCluster,
  drainAndRemoveCluster,
  tokenRotation,
  labelTypo,
  relativeWeights,
  unlabelledTraffic,
  childLabelInheritance,
  labelCase,
  emptyLabelMap,
  missingResource,
  singleToMulti,
  clusterIdMismatch,
  guideAsWritten,
  syncResourcesCache,
  chartUpgrade,
];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}

export { runScenario, summaryTable } from './run.ts';
export type { Scenario, ScenarioOptions, ScenarioResult, DistributionRow, StepRecord, Violation } from './context.ts';
