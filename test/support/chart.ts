// The real flyte-core chart for tests (scripts/setup.d/47-flyte-chart.sh puts it in the cache), or why it is missing.
import { resolveFlyteChart, type FlyteChart } from '../../harness/helm/flyte-chart.ts';
import { chartReleases, modelReleases, type FlyteReleases } from '../../harness/helm/releases.ts';

const resolved = await resolveFlyteChart(undefined).catch((err: Error) => ({ ok: false as const, reason: err.message }));

/** Why the chart tier skips, or undefined when the real chart is there. */
export const chartUnavailable: string | undefined = resolved.ok ? undefined : resolved.reason;

export const realChart: FlyteChart | undefined = resolved.ok ? resolved.chart : undefined;

/** The real chart's releases (the guide's values-eks.yaml first, as in COMMANDS.md). */
export function realReleases(): FlyteReleases {
  if (!realChart) throw new Error(`no chart: ${chartUnavailable}`);
  return chartReleases(realChart, { cloud: 'eks' });
}

/** Both ways a run can render the releases: the built-in model always, the real chart where it is available. */
export const releaseModes: { name: string; releases: () => FlyteReleases }[] = [
  { name: 'chart model', releases: () => modelReleases() },
  ...(realChart ? [{ name: 'real chart', releases: realReleases }] : []),
];
