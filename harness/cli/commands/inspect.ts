import { UsageError } from '../../errors.ts';
import { readInputFile } from '../../fsutil.ts';
import { parseFlags, type Command } from '../command.ts';

const USAGE = `Usage: flyte-mc inspect --values FILE [--values FILE...] [--chart REF] [--release controlplane|dataplane]
                       [--against REF] [--json]

Renders the flyte-core chart with the values files (in helm's order, later wins) and prints what each Flyte
component will run with:
  FlyteAdmin   clusters (clusterConfigs, labelClusterMap, defaultExecutionLabel) as FlyteAdmin decodes them,
               Secret mounts per process (flyteadmin, sync-cluster-resources init, syncresources) as
               secretName@mountPath, init containers, and whether it starts (with the reason when not)
  propeller    admin endpoint, catalog endpoint and cluster id (data-plane release)
  --chart REF        a chart directory, .tgz, oci://... or https://repo#chart (default: flyte-core of
                     github.com/flyteorg/flyte v1.16.8 from the cache, fetched on first use)
  --release R        controlplane (default) or dataplane
  --against REF      also render with chart REF and print only what changes from --chart to it (exit 1 if any)
  --json             the report as JSON
Exit status: 0, 1 when --against finds a change, 2 for bad values or a chart that fails to render.
`;

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'what FlyteAdmin and propeller will run with after the chart renders these values',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseFlags(args, {
      values: { type: 'string', multiple: true },
      chart: { type: 'string' },
      release: { type: 'string', default: 'controlplane' },
      against: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const release = values.release;
    if (release !== 'controlplane' && release !== 'dataplane') throw new UsageError(`--release must be controlplane or dataplane, got "${release}"`);
    const files = values.values ?? [];
    if (files.length === 0) throw new UsageError('missing required flag --values');
    const valuesFiles = await Promise.all(
      files.map(async (name) => {
        return { name, content: await readInputFile(name) };
      }),
    );
    const { resolveFlyteChart } = await import('../../helm/flyte-chart.ts');
    const { chartReleases } = await import('../../helm/releases.ts');
    const { inspectAdmin, inspectPropeller, inspectionLines, diffInspections, formatChange } = await import('../../flyte/inspect.ts');
    const inspect = async (ref: string | undefined, flag: string) => {
      const r = await resolveFlyteChart(ref, { log: (l) => io.stderr(`${l}\n`) });
      if (!r.ok) throw new UsageError(`${flag}: ${r.reason}`);
      const releases = chartReleases(r.chart);
      if (release === 'controlplane') {
        const cp = await releases.controlPlane(valuesFiles);
        return { release, chart: releases.description, flyteadmin: inspectAdmin(cp.admin) } as const;
      }
      const dp = await releases.dataPlane(valuesFiles);
      return { release, chart: releases.description, flytepropeller: inspectPropeller(dp.propeller) } as const;
    };
    const report = await inspect(values.chart, '--chart');
    if (values.against !== undefined) {
      const other = await inspect(values.against, '--against');
      const changes = diffInspections(report, other);
      if (values.json) io.stdout(`${JSON.stringify({ from: report.chart, to: other.chart, changes }, null, 2)}\n`);
      else {
        io.stdout(`${report.chart} → ${other.chart}: ${changes.length === 0 ? 'no change' : `${changes.length} changes`}\n`);
        for (const c of changes) io.stdout(`  ${formatChange(c)}\n`);
      }
      return changes.length === 0 ? 0 : 1;
    }
    if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(`chart: ${report.chart}\nrelease: ${release}\n${inspectionLines(report).join('\n')}\n`);
    return 0;
  },
};
