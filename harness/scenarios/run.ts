// Runs scenarios in-process (what `flyte-mc run` and the zx wrappers call): one World per scenario, torn down
// whatever happens, and a ScenarioResult with steps, execution counts, distribution and violations.
import { CleanupStack } from '../lifecycle.ts';
import { ExpectationError, ScenarioContext, type Scenario, type ScenarioOptions, type ScenarioResult } from './context.ts';
import { auditSurvival } from './steps.ts';

export async function runScenario(scenario: Scenario, opts: ScenarioOptions & { dataPlanesPinned?: boolean }): Promise<ScenarioResult> {
  const t0 = performance.now();
  // Not bound to the signal: Ctrl-C stops the scenario at its next step (ScenarioContext.step), and the cleanup
  // runs after that, so nothing is torn down under a running step (a FlyteAdmin panic is no interrupt report).
  const cleanup = opts.cleanup ?? new CleanupStack();
  let dataPlanes = opts.dataPlanesPinned ? opts.dataPlanes : (scenario.dataPlanes ?? opts.dataPlanes);
  if (dataPlanes < (scenario.minDataPlanes ?? 1)) {
    opts.log(`[${scenario.name}] needs at least ${scenario.minDataPlanes} data planes; using ${scenario.minDataPlanes} instead of ${dataPlanes}`);
    dataPlanes = scenario.minDataPlanes ?? 1;
  }
  let ctx: ScenarioContext | undefined;
  let error: string | undefined;
  opts.log(`[${scenario.name}] ${scenario.summary}`);
  for (const e of scenario.expectations) opts.log(`[${scenario.name}]   expects: ${e}`);
  try {
    ctx = await ScenarioContext.create(scenario, { ...opts, dataPlanes, cleanup });
    await scenario.run(ctx);
    if (ctx.survival.checked === 0) await auditSurvival(ctx);
  } catch (err) {
    if (opts.signal?.aborted) {
      // What fails after an interrupt (a cluster stopped under a running step) is a consequence of it, not a finding.
      error = 'interrupted';
    } else error = err instanceof ExpectationError ? err.message : ((err as Error).message ?? String(err));
    if (!(err instanceof ExpectationError) && error !== 'interrupted') opts.log(`[${scenario.name}] error: ${error}`);
  } finally {
    if (!opts.cleanup) {
      const reports = await cleanup.run();
      for (const r of reports) if (r.error) opts.log(`[${scenario.name}] cleanup ${r.name} failed: ${r.error}`);
    }
  }
  const result = summarise(scenario, opts, ctx, error, performance.now() - t0);
  if (opts.signal?.aborted) {
    result.interrupted = true;
    result.passed = false;
  }
  const findings = result.violations.filter((v) => v.message !== 'interrupted').length;
  opts.log(`[${scenario.name}] ${result.interrupted ? 'INTERRUPTED' : result.passed ? 'PASSED' : 'FAILED'} in ${Math.round(result.ms)} ms${findings ? ` (${findings} violations)` : ''}`);
  return result;
}

/** The ScenarioResult of a context (steps, executions by cluster and label, distribution, violations). */
export function summarise(scenario: Scenario, opts: ScenarioOptions, ctx: ScenarioContext | undefined, error: string | undefined, ms: number): ScenarioResult {
  const byCluster: Record<string, number> = {};
  const byLabel: Record<string, Record<string, number>> = {};
  let failed = 0;
  const phases: ScenarioResult['phases'] = [];
  if (ctx) {
    const ex = ctx.world.admin.executions;
    for (let i = 0; i < ex.size; i++) {
      const c = ex.clusterAt(i) || '(none)';
      byCluster[c] = (byCluster[c] ?? 0) + 1;
      const l = ex.labelAt(i) || '(no request label)';
      (byLabel[l] ??= {})[c] = (byLabel[l]?.[c] ?? 0) + 1;
      if (ex.phaseAt(i) === 'FAILED') failed++;
    }
    for (const p of ctx.phases) {
      const counts: Record<string, number> = {};
      const to = Math.min(p.to, ex.size);
      for (let i = p.from; i < to; i++) {
        const c = ex.clusterAt(i) || '(none)';
        counts[c] = (counts[c] ?? 0) + 1;
      }
      phases.push({ name: p.name, byCluster: counts, total: to - p.from });
    }
  }
  const violations = [...(ctx?.violations ?? [])];
  if (error && !violations.some((v) => v.message === error)) violations.push({ step: ctx?.steps[ctx.steps.length - 1]?.name ?? '(setup)', message: error });
  return {
    scenario: scenario.name,
    backend: opts.backend,
    chart: ctx?.world.releases.description ?? opts.releases?.description ?? 'the built-in chart model',
    passed: violations.length === 0 && error === undefined,
    expectations: scenario.expectations,
    steps: ctx?.steps ?? [],
    executions: { total: ctx?.world.admin.executions.size ?? 0, lost: ctx?.lost ?? 0, failed, byCluster, byLabel },
    distribution: ctx?.distribution ?? [],
    phases,
    survival: ctx?.survival ?? { checked: 0, terminable: 0, stranded: 0 },
    violations,
    ms,
    ...(error ? { error } : {}),
  };
}

/** The summary table: executions per label and cluster, expected vs observed share, survival. */
export function summaryTable(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const r of results) {
    lines.push(`${r.scenario} on ${r.backend}: ${r.interrupted ? 'INTERRUPTED' : r.passed ? 'PASSED' : 'FAILED'} — ${r.executions.total} executions, ${r.executions.failed} failed at creation, ${r.executions.lost} lost; survival ${r.survival.terminable}/${r.survival.checked} live executions terminable (${r.survival.stranded} stranded)`);
    if (r.distribution.length > 0) {
      const head = ['phase', 'label', 'cluster', 'executions', 'expected', 'observed', 'p-value'];
      const rows = r.distribution.map((d) => [d.phase, d.label, d.cluster, String(d.count), pct(d.expected), pct(d.observed), d.pValue < 1e-4 ? d.pValue.toExponential(1) : d.pValue.toFixed(3)]);
      const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
      const fmt = (row: string[]) => `  ${row.map((c, i) => (i >= 3 ? c.padStart(w[i] as number) : c.padEnd(w[i] as number))).join('  ')}`;
      lines.push(fmt(head), fmt(w.map((n) => '-'.repeat(n))), ...rows.map(fmt));
    }
    for (const v of r.violations) lines.push(`  ✗ ${v.step}: ${v.message}`);
    lines.push('');
  }
  return lines.join('\n');
}
