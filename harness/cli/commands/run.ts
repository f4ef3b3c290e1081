import { backendNames, createBackend } from '../../backends/index.ts';
import { InputError, UsageError } from '../../errors.ts';
import { checkOutputTarget } from '../../fsutil.ts';
import type { ScenarioResult } from '../../report/types.ts';
import { releasesFromFlags } from '../chart-option.ts';
import { intFlag, parseFlags, type Command } from '../command.ts';

const DEFAULT_EXECUTIONS = 5000;
/** What `flyte-mc run` runs with no SCENARIO (bench/sim.ts measures the same). */
export const DEFAULT_SCENARIOS: readonly string[] = ['guide', 'day2-add-cluster'];

/** Backend-specific flags, passed through only when given (backends also read FLYTE_MC_* variables). */
function backendOptionsFrom(v: {
  image?: string;
  kubeconfig?: string;
  'control-plane'?: string;
  'data-planes'?: string;
  endpoint?: string[];
  'dry-run'?: boolean;
}): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (v.image !== undefined) o.image = v.image;
  if (v.kubeconfig !== undefined) o.kubeconfig = v.kubeconfig;
  if (v['control-plane'] !== undefined) o.controlPlane = v['control-plane'];
  if (v['data-planes'] !== undefined) o.dataPlanes = v['data-planes'];
  if (v.endpoint !== undefined) o.endpoints = v.endpoint.join(',');
  if (v['dry-run'] !== undefined) o.dryRun = v['dry-run'];
  return o;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run scenarios (the guide, day 2, drains, rotations, real-world reports) against a backend',
  usage: `Usage: flyte-mc run [SCENARIO...] [--backend sim] [--dataplanes N] [--executions M] [--seed S]
                    [--chart REF | --chart-model] [--upgrade-to REF]
                    [--report DIR] [--junit FILE] [--force] [--list] [--quiet]
                    [--image IMAGE] [--kubeconfig FILE --control-plane CTX --data-planes CTX1,CTX2
                     [--endpoint NAME=URL]... [--dry-run]]

Runs scenarios in-process, each in its own World (control plane + data planes + the FlyteAdmin model), torn
down afterwards. With no SCENARIO: ${DEFAULT_SCENARIOS.join(' then ')} on sim, 2 → 3 data planes,
${DEFAULT_EXECUTIONS} executions each (~${DEFAULT_EXECUTIONS * DEFAULT_SCENARIOS.length} in all). Prints a summary table; exit 1 when a scenario fails.
  --backend NAME     ${backendNames().join(' | ')} (default sim)
  --dataplanes N     data planes at the start, 1..100 (default: the scenario's own, usually 2)
  --executions M     executions per scenario workload, 1..100000000 (default ${DEFAULT_EXECUTIONS})
  --seed S           seed of execution names and simulated credentials (default 1)
  --chart REF        the flyte-core chart the releases render with: a directory, a .tgz, oci://..., or
                     https://repo#chart (default: flyte-core of github.com/flyteorg/flyte ${'v1.16.8'}, fetched with
                     go mod download on first use; without Go the built-in chart model is used and reported)
  --chart-model      use the built-in chart model instead of a chart
  --upgrade-to REF   chart-upgrade: the chart to upgrade to (same forms as --chart; default: the --chart one)
  --report DIR       write DIR/report.json and DIR/report.html (charts as inline SVG)
  --junit FILE       write JUnit XML for CI
  --force            let --report / --junit replace files flyte-mc did not write (never the current directory)
  --list             list the scenarios and exit
  --quiet            no progress lines, only the summary
  --image IMAGE      container / k3s backends: the cluster image (must be present locally; nothing is pulled)
  --kubeconfig FILE  kubeconfig backend: the kubeconfig holding the contexts below
  --control-plane CTX, --data-planes CTX1,CTX2
                     kubeconfig backend: contexts (FILE#CTX takes a context from another file)
  --endpoint NAME=URL
                     kubeconfig backend: clusterConfigs endpoint of a cluster when the control plane reaches it
                     by another address than the kubeconfig's server (repeatable)
  --dry-run          kubeconfig backend: print what would be created, change nothing
`,
  async run(args, io) {
    // Loaded here so that other commands do not pay for the scenario library.
    const { findScenario, runScenario, scenarios, summaryTable } = await import('../../scenarios/index.ts');
    const { JUNIT_MARKER, REPORT_FILES, writeJunit, writeReport } = await import('../../report/index.ts');
    const { values, positionals } = parseFlags(
      args,
      {
        backend: { type: 'string', default: 'sim' },
        dataplanes: { type: 'string' },
        executions: { type: 'string' },
        seed: { type: 'string' },
        report: { type: 'string' },
        junit: { type: 'string' },
        force: { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        image: { type: 'string' },
        kubeconfig: { type: 'string' },
        'control-plane': { type: 'string' },
        'data-planes': { type: 'string' },
        endpoint: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        chart: { type: 'string' },
        'chart-model': { type: 'boolean', default: false },
        'upgrade-to': { type: 'string' },
      },
      true,
    );
    if (values.list) {
      const w = Math.max(...scenarios.map((s) => s.name.length));
      io.stdout(`${scenarios.map((s) => `${s.name.padEnd(w)}  ${s.summary}${s.reference ? ` [${s.reference}]` : ''}`).join('\n')}\n`);
      return 0;
    }
    const names = positionals.length > 0 ? positionals : DEFAULT_SCENARIOS;
    const chosen = names.map((n) => {
      const s = findScenario(n);
      if (!s) throw new UsageError(`unknown scenario "${n}" (known: ${scenarios.map((x) => x.name).join(', ')})`);
      return s;
    });
    const backend = values.backend ?? 'sim';
    if (!backendNames().includes(backend)) throw new UsageError(`unknown backend "${backend}" (known: ${backendNames().join(', ')})`);
    const dataPlanes = intFlag(values.dataplanes, 'dataplanes', 2, 1, 100);
    const executions = intFlag(values.executions, 'executions', DEFAULT_EXECUTIONS, 1, 100_000_000);
    const seed = intFlag(values.seed, 'seed', 1, 0, 2 ** 32 - 1);
    if (values.dataplanes !== undefined) {
      const short = chosen.filter((s) => dataPlanes < (s.minDataPlanes ?? 1));
      if (short.length > 0) {
        throw new UsageError(short.map((s) => `${s.name} needs at least ${s.minDataPlanes} data planes (its steps use dataplane_1..${s.minDataPlanes}); --dataplanes ${dataPlanes} is too few`).join('; '));
      }
    }
    const backendOptions = backendOptionsFrom(values);
    // Every check that can fail is done before the first scenario starts: outputs, then the backend.
    const force = values.force ?? false;
    if (values.report !== undefined) await checkOutputTarget({ flag: '--report', path: values.report, kind: 'dir', willWrite: REPORT_FILES }, { force });
    if (values.junit !== undefined) await checkOutputTarget({ flag: '--junit', path: values.junit, kind: 'file', marker: JUNIT_MARKER }, { force });
    if (values.report !== undefined && values.junit !== undefined) {
      const { resolve, relative } = await import('node:path');
      const rel = relative(resolve(values.report), resolve(values.junit));
      if (rel === '' || (REPORT_FILES as readonly string[]).includes(rel)) throw new UsageError(`--junit ${values.junit} is --report's directory or one of its files; give them different paths`);
    }
    const probe = await createBackend(backend, { ...backendOptions, log: () => {} });
    try {
      const why = await probe.unavailableReason();
      if (why) throw new InputError(`unavailable: ${why}`, { path: `--backend ${backend}` });
    } finally {
      await probe.dispose();
    }
    const log = values.quiet ? () => {} : (line: string) => io.stderr(`${line}\n`);
    const releases = await releasesFromFlags({ chart: values.chart, chartModel: values['chart-model'] }, (l) => io.stderr(`${l}\n`), log);
    let upgradeTo: typeof releases | undefined;
    if (values['upgrade-to'] !== undefined) {
      const { chartReleases } = await import('../../helm/releases.ts');
      const { resolveFlyteChart } = await import('../../helm/flyte-chart.ts');
      const r = await resolveFlyteChart(values['upgrade-to'], { log });
      if (!r.ok) throw new UsageError(`--upgrade-to ${values['upgrade-to']}: ${r.reason}`);
      upgradeTo = chartReleases(r.chart, { cloud: 'eks' });
    }
    log(`chart: ${releases.description}${upgradeTo ? `; upgrading to ${upgradeTo.description}` : ''}`);
    const t0 = performance.now();
    const results: ScenarioResult[] = [];
    for (const s of chosen) {
      if (io.signal.aborted) break;
      results.push(await runScenario(s, { backend, dataPlanes, dataPlanesPinned: values.dataplanes !== undefined, executions, seed, log, signal: io.signal, backendOptions, releases, ...(upgradeTo ? { upgradeTo } : {}) }));
    }
    io.stdout(`\n${summaryTable(results)}`);
    const passed = results.filter((r) => r.passed).length;
    io.stdout(`${passed}/${results.length} scenarios passed in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
    const command = `flyte-mc run ${args.join(' ')}`.trim();
    // An interrupted run writes no reports: half a run is not a result, and the targets stay as they were.
    if (io.signal.aborted) return 130;
    if (values.report) {
      const files = await writeReport(values.report, results, { command, force, signal: io.signal });
      io.stderr(`wrote ${files.join(', ')}\n`);
    }
    if (values.junit) {
      await writeJunit(values.junit, results, { force, signal: io.signal });
      io.stderr(`wrote ${values.junit}\n`);
    }
    return passed === results.length && results.length === chosen.length ? 0 : 1;
  },
};
