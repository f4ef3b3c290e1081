// The guide and day-2 flows driven through a real FlyteAdmin, every execution compared with the model.
// The caller provides data planes that are already wired (namespace, service account, RBAC, FlyteWorkflow CRD,
// token Secret; credentials files in the dir FlyteAdmin's mount namespace shows at /var/run/credentials).
import type { KubeClient } from '../../backends/types.ts';
import type { Topology } from '../../topology/index.ts';
import { AdminRpcError, phaseName, reportedCluster } from './client.ts';
import {
  PlacementModel,
  assertAgreement,
  compareExecution,
  locateWorkflows,
  summarize,
  type Comparison,
  type ComparisonReport,
  type ExecutionObservation,
} from './compare.ts';
import type { RealAdmin } from './launcher.ts';
import { minimalEntities } from './workflow.ts';

export interface PlaneHandle {
  name: string;
  /** Cluster-admin client of the data plane (to look for FlyteWorkflow objects). */
  client: KubeClient;
}

export interface Created {
  via: ExecutionObservation['via'];
  project: string;
  domain: string;
  workflow: string;
  name: string;
  label?: string;
}

export interface DriveOptions {
  log?: (line: string) => void;
  /** Requests in flight at once. @defaultValue 8 */
  concurrency?: number;
}

export async function pool<T, R>(items: readonly T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Projects, domains and workflows of a run: the topology's plus one of the harness's own. */
export function runProjects(t: Topology): { project: string; domains: string[] }[] {
  const ps = t.projects.map((p) => ({ project: p.name, domains: [...p.domains] }));
  for (const r of t.executionClusterLabels) {
    const p = ps.find((x) => x.project === r.project);
    if (!p) ps.push({ project: r.project, domains: [r.domain] });
    else if (!p.domains.includes(r.domain)) p.domains.push(r.domain);
  }
  if (ps.length === 0) ps.push({ project: 'flytemc', domains: ['development'] });
  return ps;
}

export const WORKFLOWS = ['wf-a', 'wf-b'] as const;

/** Registers projects, runs the sync (namespaces in every enabled data plane), registers the entities. */
export async function registerAll(admin: RealAdmin, t: Topology, log: (l: string) => void): Promise<void> {
  const projects = runProjects(t);
  // `migrate seed-projects` registered the topology's projects already (with every configured domain).
  const existing = new Set((await admin.client.listProjects()).projects.map((p) => p.id));
  for (const p of projects) if (!existing.has(p.project)) await admin.client.registerProject(p.project, p.domains);
  await admin.sync();
  for (const p of projects) {
    for (const d of p.domains) {
      for (const wf of WORKFLOWS) {
        const e = minimalEntities(p.project, d, wf);
        await ignoreExists(admin.client.createTask(e.task));
        await ignoreExists(admin.client.createWorkflow(e.workflow));
        await ignoreExists(admin.client.createLaunchPlan(e.launchPlan));
      }
    }
  }
  log(`registered ${projects.length} project(s), ${WORKFLOWS.length} workflows and launch plans per project-domain`);
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof AdminRpcError && err.code === 6)) throw err; // ALREADY_EXISTS
  }
}

/** Writes the topology's EXECUTION_CLUSTER_LABEL rows (and extras) through the API and into the model. */
export async function writeLabelRows(
  admin: RealAdmin,
  model: PlacementModel,
  rows: readonly { project: string; domain: string; workflow?: string; value: string }[],
): Promise<void> {
  for (const r of rows) {
    if (r.workflow) await admin.client.setWorkflowLabel(r.project, r.domain, r.workflow, r.value);
    else await admin.client.setProjectDomainLabel(r.project, r.domain, r.value);
    model.setRow(r);
  }
}

/** A varied batch of executions: no label, every mapped label, an unknown label, across workflows and domains. */
export function plan(t: Topology, prefix: string, count: number): Created[] {
  const labels: (string | undefined)[] = [undefined, ...Object.keys(t.labels), 'no-such-label', ''];
  const targets = runProjects(t).flatMap((p) => p.domains.flatMap((d) => WORKFLOWS.map((w) => ({ project: p.project, domain: d, workflow: w }))));
  const out: Created[] = [];
  for (let i = 0; i < count; i++) {
    const tg = targets[i % targets.length]!;
    const label = labels[Math.floor(i / targets.length) % labels.length];
    out.push({ via: 'create', ...tg, name: `${prefix}-${i}`, ...(label !== undefined ? { label } : {}) });
  }
  return out;
}

export async function createAll(admin: RealAdmin, items: readonly Created[], opts: DriveOptions = {}): Promise<void> {
  await pool(items, opts.concurrency ?? 8, async (c) => {
    const e = minimalEntities(c.project, c.domain, c.workflow);
    await admin.client.createExecution({ project: c.project, domain: c.domain, name: c.name, launchPlan: e.launchPlanId, ...(c.label !== undefined ? { label: c.label } : {}) });
  });
}

/** Relaunches or recovers `from` under new names; the spec (with its explicit label) is copied by FlyteAdmin. */
export async function rerunAll(admin: RealAdmin, from: readonly Created[], via: 'relaunch' | 'recover', suffix: string, opts: DriveOptions = {}): Promise<Created[]> {
  const out = from.map((c) => ({ ...c, via, name: `${c.name}-${suffix}` }));
  await pool(out, opts.concurrency ?? 8, async (c, i) => {
    const src = from[i]!;
    const id = { project: src.project, domain: src.domain, name: src.name };
    if (via === 'relaunch') await admin.client.relaunchExecution(id, c.name);
    else await admin.client.recoverExecution(id, c.name);
  });
  return out;
}

/** Reads every execution back, finds its FlyteWorkflow, and compares with the model. */
export async function observeAndCompare(
  admin: RealAdmin,
  model: PlacementModel,
  planes: readonly PlaneHandle[],
  items: readonly Created[],
  opts: DriveOptions & { unreachable?: ReadonlySet<string> } = {},
): Promise<Comparison[]> {
  const namespaces = [...new Set(items.map((c) => `${c.project}-${c.domain}`))];
  const where = await locateWorkflows(new Map(planes.map((p) => [p.name, p.client])), namespaces);
  return pool(items, opts.concurrency ?? 8, async (c) => {
    const e = await admin.client.getExecution({ project: c.project, domain: c.domain, name: c.name });
    const observed: ExecutionObservation = {
      ...c,
      reported: reportedCluster(e),
      phase: phaseName(e),
      ...(e.closure?.error?.message ? { error: e.closure.error.message } : {}),
      foundIn: where.get(`${c.project}-${c.domain}/${c.name}`) ?? [],
    };
    const predicted = model.predict({ name: c.name, project: c.project, domain: c.domain, workflow: c.workflow, ...(c.label !== undefined ? { label: c.label } : {}) });
    return compareExecution(predicted, observed, opts.unreachable);
  });
}

export interface TerminateResult {
  name: string;
  ok: boolean;
  error?: string;
  phaseAfter: string;
}

export async function terminateAll(admin: RealAdmin, items: readonly Created[], opts: DriveOptions = {}): Promise<TerminateResult[]> {
  return pool(items, opts.concurrency ?? 8, async (c) => {
    const id = { project: c.project, domain: c.domain, name: c.name };
    let error: string | undefined;
    try {
      await admin.client.terminateExecution(id, 'flyte-mc');
    } catch (err) {
      error = (err as Error).message;
    }
    const phaseAfter = phaseName(await admin.client.getExecution(id));
    return { name: c.name, ok: error === undefined, ...(error !== undefined ? { error } : {}), phaseAfter };
  });
}

export interface GuideResult {
  model: PlacementModel;
  created: Created[];
  report: ComparisonReport;
  comparisons: Comparison[];
  terminated: TerminateResult[];
  /** Time from the first CreateExecution to the last (for executions/s). */
  createMs: number;
}

/** The guide: labels, attribute rows, executions with and without labels, relaunch, recover, terminate. */
export async function runGuide(admin: RealAdmin, planes: readonly PlaneHandle[], opts: DriveOptions & { executions?: number } = {}): Promise<GuideResult> {
  const log = opts.log ?? (() => undefined);
  const t = admin.currentTopology;
  await registerAll(admin, t, log);
  const model = new PlacementModel(admin.clustersYaml());
  const [first] = runProjects(t);
  const labels = Object.keys(t.labels);
  const extraRows = [
    ...t.executionClusterLabels,
    // A workflow-level row on wf-b that overrides the project-domain row (or stands alone).
    ...(first && labels.length > 0 ? [{ project: first.project, domain: first.domains[0]!, workflow: 'wf-b', value: labels[labels.length - 1]! }] : []),
  ];
  await writeLabelRows(admin, model, extraRows);
  const created = plan(t, 'g', opts.executions ?? 360);
  const t0 = Date.now();
  await createAll(admin, created, opts);
  const createMs = Date.now() - t0;
  log(`created ${created.length} executions in ${createMs} ms (${((created.length * 1000) / createMs).toFixed(1)}/s)`);
  const relaunched = await rerunAll(admin, created.filter((_, i) => i % 6 === 0), 'relaunch', 'r', opts);
  const recovered = await rerunAll(admin, created.filter((_, i) => i % 6 === 3), 'recover', 'v', opts);
  const all = [...created, ...relaunched, ...recovered];
  const comparisons = await observeAndCompare(admin, model, planes, all, opts);
  const report = summarize(comparisons);
  log(`compared ${report.compared} executions: ${report.disagreements.length} disagreement(s)`);
  assertAgreement(report);
  const terminated = await terminateAll(admin, created.filter((_, i) => i % 10 === 5), opts);
  const failedTerm = terminated.filter((x) => !x.ok);
  if (failedTerm.length > 0) throw new Error(`terminate failed for ${failedTerm.length}: ${failedTerm.slice(0, 3).map((x) => `${x.name}: ${x.error}`).join('; ')}`);
  const gone = await locateWorkflows(new Map(planes.map((p) => [p.name, p.client])), [...new Set(created.map((c) => `${c.project}-${c.domain}`))]);
  const lingering = terminated.filter((x) => created.find((c) => c.name === x.name && gone.has(`${c.project}-${c.domain}/${c.name}`)));
  if (lingering.length > 0) throw new Error(`terminated executions still have FlyteWorkflow objects: ${lingering.map((x) => x.name).join(', ')}`);
  log(`terminated ${terminated.length} executions; their FlyteWorkflow objects are gone`);
  return { model, created: all, report, comparisons, terminated, createMs };
}

export interface Day2Options extends DriveOptions {
  guide: GuideResult;
  /** The topology after adding the new data plane (and relabelling), and every plane's endpoint. */
  withAdded: { topology: Topology; endpoints: Readonly<Record<string, string>>; planes: readonly PlaneHandle[] };
  /** The topology with one data plane removed from clusterConfigs (and its labels), and that plane's name. */
  withRemoved?: { topology: Topology; endpoints: Readonly<Record<string, string>>; removed: string };
  /** Makes a data plane unreachable and returns a function that restores it. */
  makeUnreachable?: { plane: string; cut: () => Promise<void>; restore: () => Promise<void> };
  executions?: number;
}

export interface Day2Result {
  report: ComparisonReport;
  comparisons: Comparison[];
  earlierTerminated: TerminateResult[];
  removedTerminate?: TerminateResult[];
  unreachableRestartError?: string;
}

/**
 * Day 2: add a data plane and restart FlyteAdmin with the re-rendered config; earlier executions still terminate
 * (their recorded cluster is still configured); new ones follow the new labels. Then the failure modes the model
 * predicts: a removed cluster makes terminate fail with `invalid cluster target` (the row stays ABORTING), and an
 * unreachable data plane makes the restart fail in the sync init container.
 */
export async function runDay2(admin: RealAdmin, opts: Day2Options): Promise<Day2Result> {
  const log = opts.log ?? (() => undefined);
  const { topology, endpoints, planes } = opts.withAdded;
  await admin.restart(topology, endpoints);
  const model = new PlacementModel(admin.clustersYaml()).withRows(opts.guide.model.attributeRows);
  log(`restarted FlyteAdmin with ${topology.dataPlanes.length} data planes`);

  const terminatedBefore = new Set(opts.guide.terminated.map((x) => x.name));
  const earlier = opts.guide.created.filter((c) => c.via === 'create' && !terminatedBefore.has(c.name)).filter((_, i) => i % 8 === 0);
  const earlierTerminated = await terminateAll(admin, earlier, opts);
  const bad = earlierTerminated.filter((x) => !x.ok);
  if (bad.length > 0) throw new Error(`earlier executions failed to terminate after day 2: ${bad.slice(0, 3).map((x) => `${x.name}: ${x.error}`).join('; ')}`);
  log(`terminated ${earlierTerminated.length} executions created before the restart`);

  const created = plan(topology, 'd2', opts.executions ?? 150);
  await createAll(admin, created, opts);
  const comparisons = await observeAndCompare(admin, model, planes, created, opts);
  const result: Day2Result = { report: summarize(comparisons), comparisons, earlierTerminated };
  log(`day 2: compared ${result.report.compared} executions: ${result.report.disagreements.length} disagreement(s)`);
  assertAgreement(result.report);

  if (opts.withRemoved) {
    const { removed } = opts.withRemoved;
    // Executions recorded on the plane about to be removed, not terminated yet.
    const onRemoved = comparisons
      .filter((c) => c.observed.reported === removed)
      .map((c) => c.observed)
      .slice(0, 5)
      .map((o) => ({ via: o.via, project: o.project, domain: o.domain, workflow: o.workflow, name: o.name }));
    await admin.restart(opts.withRemoved.topology, opts.withRemoved.endpoints);
    const removedModel = new PlacementModel(admin.clustersYaml()).withRows(opts.guide.model.attributeRows);
    const predicted = removedModel.predict({ name: 'x', targetId: removed });
    if (predicted.ok) throw new Error(`model accepts target ${removed} after its removal`);
    result.removedTerminate = await terminateAll(admin, onRemoved, opts);
    for (const r of result.removedTerminate) {
      if (r.ok || !r.error?.includes(predicted.error) || r.phaseAfter !== 'ABORTING') {
        throw new Error(
          `removed cluster: terminate of ${r.name} gave ${r.ok ? 'success' : `"${r.error}"`} (phase ${r.phaseAfter}); ` +
            `model predicts "${predicted.error}" with the row left ABORTING`,
        );
      }
    }
    log(`removed ${removed}: terminate of ${onRemoved.length} execution(s) recorded there fails with "${predicted.error}", rows stay ABORTING`);
  }

  if (opts.makeUnreachable) {
    const u = opts.makeUnreachable;
    await u.cut();
    try {
      await admin.restart();
      throw new Error(`FlyteAdmin restarted although ${u.plane} is unreachable; the model predicts the sync init container fails`);
    } catch (err) {
      if (!(err instanceof Error) || !('step' in err) || (err as { step: string }).step !== 'clusterresource sync') throw err;
      result.unreachableRestartError = err.message.split('\n')[0];
      log(`unreachable ${u.plane}: restart fails in clusterresource sync, as predicted`);
    } finally {
      await u.restore();
    }
    await admin.restart();
  }
  return result;
}

/** Where the FlyteWorkflow objects of `items` are (namespace/name → data planes). */
export function locateWorkflowsFor(planes: readonly PlaneHandle[], items: readonly Created[]): Promise<Map<string, string[]>> {
  return locateWorkflows(
    new Map(planes.map((p) => [p.name, p.client])),
    [...new Set(items.map((c) => `${c.project}-${c.domain}`))],
  );
}
