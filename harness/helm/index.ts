export { findHelm, helmUnavailableReason, helmVersion } from './binary.ts';
export { parseChartRef, chartArgs, describeChart, type ChartRef, type ParseChartOptions } from './chart.ts';
export { runHelm, helmTemplate, helmUpgradeInstall, helmUninstall, HelmError, type HelmOptions, type ReleaseOptions, type UpgradeOptions, type ReleaseStatus } from './helm.ts';
export { waitForRollout, waitForPodsRunning, rolloutPending, podsNotRunning, type WaitOptions } from './rollout.ts';
export {
  installFlyteCore,
  installDataPlane,
  installControlPlane,
  dataPlaneValuesFiles,
  controlPlaneValuesFiles,
  CONTROL_PLANE_RELEASE,
  DATA_PLANE_RELEASE,
  type FlyteCoreOptions,
  type HelmTarget,
} from './flyte.ts';
