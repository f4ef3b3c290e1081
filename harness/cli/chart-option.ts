// `--chart REF | --chart-model`, as `run` and `up` read them: the real flyte-core chart by default (fetched on first
// use), the built-in chart model when asked for or when no chart can be had (said on stderr), a usage error when a
// chart that was named cannot be used.
import { UsageError } from '../errors.ts';
import type { FlyteReleases } from '../helm/releases.ts';

export async function releasesFromFlags(flags: { chart?: string; chartModel?: boolean }, warn: (line: string) => void, log: (line: string) => void): Promise<FlyteReleases> {
  if (flags.chartModel && flags.chart !== undefined) throw new UsageError('--chart and --chart-model exclude each other');
  const { chartReleases, modelReleases } = await import('../helm/releases.ts');
  if (flags.chartModel) return modelReleases();
  const { resolveFlyteChart } = await import('../helm/flyte-chart.ts');
  const r = await resolveFlyteChart(flags.chart, { log });
  if (r.ok) return chartReleases(r.chart, { cloud: 'eks' });
  if (flags.chart !== undefined) throw new UsageError(`--chart ${flags.chart}: ${r.reason}`);
  warn(`no flyte-core chart: ${r.reason}; using the built-in chart model`);
  return modelReleases();
}
