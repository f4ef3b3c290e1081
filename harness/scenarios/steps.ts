// The guide's operations as steps over KubeClient and the FlyteAdmin model, so every backend runs the same thing:
// install the data-plane chart, create the flyteadmin token Secret, copy token and CA into cluster-credentials,
// render values-override.yaml, helm upgrade the control plane, flytectl update execution-cluster-label, run
// workflows; plus the measurements scenarios share (placement shares with a G-test, survival audit).
import { parse as parseYaml } from 'yaml';
import { parseEclFile } from '../admin/attributes.ts';
import { adminPodFromValues } from '../flyte/chart-model.ts';
import { preflight, type PreflightReport } from '../admin/preflight.ts';
import type { ClustersConfig } from '../placement/index.ts';
import type { Topology } from '../topology/index.ts';
import type { StartAttempt } from '../admin/model.ts';
import { isTerminal } from '../admin/executions.ts';
import { FLYTE_NAMESPACE, FLYTEWORKFLOW_API_VERSION } from '../constants.ts';
import { KubeApiError, type KubeObject } from '../backends/types.ts';
import { render, type ClusterCredentials } from '../render/index.ts';
import { ALPHA, gTest } from '../placement/stats.ts';
import { expectedShares } from './expected-shares.ts';
import type { ScenarioContext } from './context.ts';
import type { World } from '../world.ts';
import { backoff, notYet, waitFor } from '../util/wait.ts';

const FW = { apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow' };
const NS = FLYTE_NAMESPACE;
export const WORKFLOWS = ['example.training_workflow', 'example.etl', 'example.report'] as const;

/**
 * What the guide's install and credential steps act on: a World and the topology deployed into it. A ScenarioContext
 * is one; a tier that runs its own FlyteAdmin (the real binary) or a test can pass just these two.
 */
export interface GuideTarget {
  readonly world: World;
  readonly topology: Topology;
}

/** Rendered artifacts of the current topology with the World's endpoints (and credentials when given). */
export function renderFiles(ctx: GuideTarget, credentials?: Record<string, ClusterCredentials>): Map<string, string> {
  const endpoints = ctx.world.endpoints();
  const key = JSON.stringify(endpoints);
  const hit = credentials ? undefined : renderCache.get(ctx.topology);
  if (hit && hit.key === key) return hit.files;
  const files = new Map(render(ctx.topology, { endpoints, credentials }).map((f) => [f.path, f.content]));
  if (!credentials) renderCache.set(ctx.topology, { key, files });
  return files;
}

/** Renders of a topology object (scenarios replace the object on every edit, so identity is a safe key). */
const renderCache = new WeakMap<Topology, { key: string; files: Map<string, string> }>();

function file(files: Map<string, string>, path: string): string {
  const f = files.get(path);
  if (f === undefined) throw new Error(`render produced no ${path}`);
  return f;
}

/** Polls for what a real API server does within moments (the sim at once): first after 5 ms, then at most every 500 ms. */
const QUICK_BACKOFF = backoff(5, 500);

/** helm install flyte-core-data in one data plane. */
export async function installDataPlane(ctx: GuideTarget, name: string, timeoutMs = 60_000): Promise<void> {
  const k = ctx.world.dataPlane(name).admin();
  await ctx.world.installDataPlaneRelease(name, dataPlaneValues(ctx, name));
  // A real API server serves a new CRD after a moment (Established); helm's --wait would wait for it too.
  await waitFor('the FlyteWorkflow CRD to be served', timeoutMs, () =>
    k.list({ ...FW, namespace: NS }).then(
      () => true,
      (err: unknown) => (err instanceof KubeApiError && err.status === 404 ? notYet(err.message) : Promise.reject(err)),
    ), { where: name, intervalMs: QUICK_BACKOFF });
}

/** kubectl apply -f dataplanes/<name>/token-secret.yaml (in that data plane). */
export async function createTokenSecret(ctx: GuideTarget, name: string): Promise<void> {
  const secret = parseYaml(file(renderFiles(ctx), `dataplanes/${name}/token-secret.yaml`)) as KubeObject;
  await ctx.world.dataPlane(name).admin().create(secret);
}

/** kubectl get secret <name>-token -o jsonpath='{.data.token}' (and ca.crt), decoded; polls until the controller filled it. */
export async function readCredentials(ctx: GuideTarget, name: string, timeoutMs = 60_000): Promise<ClusterCredentials> {
  const secret = parseYaml(file(renderFiles(ctx), `dataplanes/${name}/token-secret.yaml`)) as KubeObject;
  const ref = { apiVersion: 'v1', kind: 'Secret', namespace: secret.metadata.namespace, name: secret.metadata.name };
  return waitFor(`the token controller to fill ${ref.namespace}/${ref.name}`, timeoutMs, async () => {
    const s = await ctx.world.dataPlane(name).admin().get(ref).catch((e: unknown) => (e instanceof KubeApiError && e.status === 404 ? undefined : Promise.reject(e)));
    if (!s) return notYet('the Secret does not exist');
    const d = (s.data ?? {}) as Record<string, string>;
    if (d.token && d['ca.crt']) return { token: Buffer.from(d.token, 'base64').toString(), caCert: Buffer.from(d['ca.crt'], 'base64').toString() };
    return notYet(`the Secret has no ${d.token ? 'ca.crt' : 'token'} yet`);
  }, { where: name, intervalMs: QUICK_BACKOFF });
}

/** kubectl apply -f controlplane/cluster-credentials.yaml (in the control plane). */
export async function applyCredentials(ctx: GuideTarget, credentials: Record<string, ClusterCredentials>): Promise<void> {
  const secret = parseYaml(file(renderFiles(ctx, credentials), 'controlplane/cluster-credentials.yaml')) as KubeObject;
  const cp = ctx.world.controlPlane.admin();
  await cp.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: secret.metadata.namespace ?? NS } });
  await cp.apply(secret);
}

/** The rendered controlplane/values-override.yaml of the current topology. */
export function valuesOverride(ctx: GuideTarget): string {
  return file(renderFiles(ctx), 'controlplane/values-override.yaml');
}

/** helm upgrade with values-override.yaml: FlyteAdmin rolls; returns the start attempt. */
export async function helmUpgrade(ctx: GuideTarget, values = valuesOverride(ctx)): Promise<StartAttempt> {
  return ctx.world.helmUpgrade(values, controlPlaneValues(ctx));
}

/** The rendered dataplanes/<name>/values-dataplane.yaml. */
export function dataPlaneValues(ctx: GuideTarget, name: string): string {
  return file(renderFiles(ctx), `dataplanes/${name}/values-dataplane.yaml`);
}

/** The rendered controlplane/values-controlplane.yaml (the chart's overlay, propeller on when the control plane runs workflows). */
export function controlPlaneValues(ctx: GuideTarget): string {
  return file(renderFiles(ctx), 'controlplane/values-controlplane.yaml');
}

/** flytectl update execution-cluster-label --attrFile ecl/<file> for every rendered ECL file. */
export async function applyEclFiles(ctx: ScenarioContext, which: (file: { project?: string; domain?: string; workflow?: string }) => boolean = () => true): Promise<number> {
  let n = 0;
  for (const [path, text] of renderFiles(ctx)) {
    if (!path.startsWith('ecl/')) continue;
    const file = parseEclFile(text);
    if (!which(file)) continue;
    ctx.world.admin.attributes.update(file);
    n++;
  }
  return n;
}

/** Every data plane's token, read after its token Secret exists. */
export async function collectCredentials(ctx: GuideTarget): Promise<Record<string, ClusterCredentials>> {
  const out: Record<string, ClusterCredentials> = {};
  for (const name of ctx.world.dataPlanes.keys()) out[name] = await readCredentials(ctx, name);
  return out;
}

/**
 * The guide's wiring of data planes, up to the point where FlyteAdmin is configured: start the clusters the World
 * lacks, helm install flyte-core-data and create the flyteadmin token Secret in each of `names`, then copy every data
 * plane's token and CA into cluster-credentials. The World's copy of that Secret's mount (World.credentialsDir) is
 * refreshed by the next helm upgrade; a FlyteAdmin the World does not run needs World.syncCredentials() first.
 */
export async function wireDataPlanes(target: GuideTarget, names: readonly string[] = target.topology.dataPlanes.map((d) => d.name)): Promise<Record<string, ClusterCredentials>> {
  for (const n of names) if (!target.world.dataPlanes.has(n)) await target.world.addDataPlane(n);
  for (const n of names) await installDataPlane(target, n);
  for (const n of names) await createTokenSecret(target, n);
  const credentials = await collectCredentials(target);
  await applyCredentials(target, credentials);
  return credentials;
}

/**
 * The guide from "Data Plane Deployment" to "Configure Execution Cluster Labels", each as a named step. Used by the
 * guide scenario and as the starting point of the others.
 */
export async function deployGuide(ctx: ScenarioContext, prefix = '', opts: { ecl?: boolean } = {}): Promise<void> {
  const names = ctx.topology.dataPlanes.map((d) => d.name);
  await ctx.step(`${prefix}Data Plane Deployment: start ${names.length} clusters`, async () => {
    for (const n of names) if (!ctx.world.dataPlanes.has(n)) await ctx.world.addDataPlane(n);
  });
  await ctx.step(`${prefix}Data Plane Deployment: helm install flyte-core-data`, async () => {
    for (const n of names) await installDataPlane(ctx, n);
  });
  await ctx.step(`${prefix}Control Plane configuration: create the flyteadmin token Secret`, async () => {
    for (const n of names) await createTokenSecret(ctx, n);
  });
  const creds = await ctx.step(`${prefix}Control Plane configuration: copy the bearer token and certificate`, () => collectCredentials(ctx));
  await ctx.step(`${prefix}Control Plane configuration: create the cluster-credentials secret`, () => applyCredentials(ctx, creds));
  await ctx.step(`${prefix}Control Plane configuration: update the control plane Helm release`, async () => {
    const r = await helmUpgrade(ctx);
    ctx.require(r.ok, `FlyteAdmin must start with the rendered values-override.yaml, but ${r.stage} failed: ${r.error}`);
  });
  await ctx.step(`${prefix}Control Plane configuration: verify that all Pods in the flyte namespace are Running`, async () => {
    ctx.require(ctx.world.admin.serving, 'flyteadmin is not running');
    for (const n of names) {
      for (const p of ctx.topology.projects) {
        for (const d of p.domains) {
          const ns = ctx.world.admin.namespace(p.name, d);
          const got = await ctx.world.dataPlane(n).admin().get({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
          ctx.expect(got !== undefined, `cluster resource sync should have created namespace ${ns} in ${n}`);
        }
      }
    }
  });
  if (opts.ecl === false) return;
  await ctx.step(`${prefix}Configure Execution Cluster Labels: flytectl update execution-cluster-label`, async () => {
    const n = await applyEclFiles(ctx);
    ctx.expect(n === ctx.topology.executionClusterLabels.length, `rendered ${n} ECL files for ${ctx.topology.executionClusterLabels.length} rows`);
  });
}

export interface WorkloadRequest {
  project: string;
  domain: string;
  workflow: string;
  label?: string;
}

/**
 * The default traffic mix, deterministic in the index: 40% development (ECL label1), 30% staging (no ECL: all
 * enabled clusters), 20% production (ECL), 10% with an explicit request label cycling over the topology's labels.
 */
export function defaultMix(ctx: ScenarioContext): (i: number) => WorkloadRequest {
  const labels = Object.keys(ctx.topology.labels);
  const project = ctx.topology.projects[0]?.name ?? 'team1';
  return (i) => {
    const r = i % 10;
    const workflow = WORKFLOWS[Math.floor(i / 10) % WORKFLOWS.length] as string;
    if (r < 4) return { project, domain: 'development', workflow };
    if (r < 7) return { project, domain: 'staging', workflow };
    if (r < 9) return { project, domain: 'production', workflow };
    return { project, domain: 'development', workflow, label: labels[Math.floor(i / 10) % Math.max(1, labels.length)] ?? '' };
  };
}

/** Creates `count` executions with generated names; returns their row indexes. */
export async function runWorkload(ctx: ScenarioContext, count: number, mix = defaultMix(ctx)): Promise<{ from: number; to: number; failed: number }> {
  const admin = ctx.world.admin;
  const from = admin.executions.size;
  let failed = 0;
  for (let i = 0; i < count; i++) {
    if ((i & 1023) === 1023) {
      // The sim answers synchronously, so without this the loop would never let Ctrl-C's handler run.
      await new Promise((r) => setImmediate(r));
      ctx.opts.signal?.throwIfAborted();
    }
    const idx = await admin.create(mix(from + i));
    if (admin.executions.phaseAt(idx) === 'FAILED') failed++;
  }
  return { from, to: admin.executions.size, failed };
}

/**
 * Observed vs configured shares of the executions created in rows [from, to): grouped by the list that placed them
 * (requests with equal project/domain/workflow/label share one), one G-test per list. Violations below α = 1e-6.
 */
export function measureDistribution(ctx: ScenarioContext, phase: string, from: number, to: number): void {
  const admin = ctx.world.admin;
  const ex = admin.executions;
  const classes = new Map<string, { rep: string; counts: Map<string, number> }>();
  for (let i = from; i < to; i++) {
    if (ex.phaseAt(i) === 'FAILED') continue;
    const r = ex.at(i);
    const k = `${r.project}\u0000${r.domain}\u0000${r.workflow}\u0000${r.label}`;
    let c = classes.get(k);
    if (!c) classes.set(k, (c = { rep: r.name, counts: new Map() }));
    c.counts.set(r.cluster, (c.counts.get(r.cluster) ?? 0) + 1);
  }
  // Expected shares come from the values the pod started with, through an independent reading (expected-shares.ts);
  // the model only says which label each execution asked for (request, inherited or attribute row).
  const values = admin.values;
  if (values === undefined) {
    ctx.expect(false, `${phase}: FlyteAdmin is not serving, so there is no configuration to measure against`);
    return;
  }
  const groups = new Map<string, { expected: Map<string, number>; counts: Map<string, number> }>();
  for (const c of classes.values()) {
    const row = ex.get(c.rep);
    if (!row) continue;
    const candidate = admin.explain({ ...row, name: row.name }).label?.value ?? '';
    const ref = expectedShares(values, candidate);
    const label = ref.list ?? '(all enabled)';
    let g = groups.get(label);
    if (!g) groups.set(label, (g = { expected: ref.shares, counts: new Map() }));
    for (const [cl, n] of c.counts) g.counts.set(cl, (g.counts.get(cl) ?? 0) + n);
  }
  for (const [label, g] of groups) {
    const clusters = [...new Set([...g.expected.keys(), ...g.counts.keys()])].sort();
    const observed = clusters.map((c) => g.counts.get(c) ?? 0);
    const n = observed.reduce((a, b) => a + b, 0);
    const { pValue } = gTest(observed, clusters.map((c) => g.expected.get(c) ?? 0));
    clusters.forEach((cluster, i) => {
      ctx.distribution.push({ label, cluster, expected: g.expected.get(cluster) ?? 0, observed: n ? (observed[i] as number) / n : 0, count: observed[i] as number, pValue, phase });
    });
    ctx.expect(pValue >= ALPHA, `${phase}: placement of label ${label} does not match its weights (G-test p = ${pValue.toExponential(2)} < ${ALPHA})`);
  }
}

/**
 * Survival: every non-terminal execution's stored cluster is still a configured target (so terminate can reach it)
 * and still holds its FlyteWorkflow. Counts lost executions and returns the stranded names.
 */
export async function auditSurvival(ctx: ScenarioContext): Promise<{ checked: number; lost: string[]; unterminable: string[] }> {
  const admin = ctx.world.admin;
  const targets = admin.selector?.allTargets;
  const present = new Map<string, Set<string>>();
  for (const [name, c] of ctx.world.dataPlanes) {
    const objs = await c.admin().list(FW).catch(() => [] as KubeObject[]);
    present.set(name, new Set(objs.map((o) => o.metadata.name)));
  }
  // In-cluster targets (single-cluster mode's "", inCluster entries) run in the control plane.
  const cp = new Set((await ctx.world.controlPlane.admin().list(FW).catch(() => [] as KubeObject[])).map((o) => o.metadata.name));
  present.set('', cp);
  for (const c of admin.config?.clusterConfigs ?? []) if (c.inCluster) present.set(c.name, cp);
  const lost: string[] = [];
  const unterminable: string[] = [];
  let checked = 0;
  for (let i = 0; i < admin.executions.size; i++) {
    const phase = admin.executions.phaseAt(i);
    if (isTerminal(phase)) continue;
    checked++;
    const name = admin.executions.nameAt(i);
    const cluster = admin.executions.clusterAt(i);
    if (!targets?.has(cluster)) unterminable.push(name);
    if (!present.get(cluster)?.has(name)) lost.push(name);
  }
  ctx.survival = { checked, terminable: checked - unterminable.length, stranded: unterminable.length };
  ctx.lost = lost.length;
  return { checked, lost, unterminable };
}

/** Runs a phase: marks it, creates `count` executions, measures their distribution. */
export async function workloadPhase(ctx: ScenarioContext, phase: string, count: number, mix?: (i: number) => WorkloadRequest): Promise<{ from: number; to: number; failed: number }> {
  ctx.phase(phase);
  const r = await runWorkload(ctx, count, mix);
  measureDistribution(ctx, phase, r.from, r.to);
  return r;
}

/** The clusters config a values file stands for, as FlyteAdmin decodes it. */
export function configOf(values: string): ClustersConfig {
  const r = adminPodFromValues(parseYaml(values) ?? {});
  if (!r.ok) throw new Error(r.reason);
  return r.pod.serve.clusters;
}

/** Pre-flight of the current topology's values against what FlyteAdmin serves now. */
export function preflightTopology(ctx: ScenarioContext, values = valuesOverride(ctx)): PreflightReport {
  const admin = ctx.world.admin;
  const before = admin.config;
  if (!before) throw new Error('pre-flight needs a running FlyteAdmin');
  return preflight(before, configOf(values), admin.executions, { attributes: admin.attributes.list() });
}

/** Edits the topology (a new object; the old one stays valid for comparisons). */
export function editTopology(ctx: ScenarioContext, edit: (t: Topology) => Partial<Topology>): void {
  ctx.topology = { ...ctx.topology, ...edit(ctx.topology) };
}

/** Row indexes [from, to) whose executions are live on `cluster`. */
export function liveOn(ctx: ScenarioContext, cluster: string): string[] {
  const ex = ctx.world.admin.executions;
  const out: string[] = [];
  for (let i = 0; i < ex.size; i++) if (ex.clusterAt(i) === cluster && !isTerminal(ex.phaseAt(i))) out.push(ex.nameAt(i));
  return out;
}

/** A mix that sends every execution to one project/domain, optionally with an explicit label. */
export function fixedMix(ctx: ScenarioContext, domain: string, label?: string): (i: number) => WorkloadRequest {
  const project = ctx.topology.projects[0]?.name ?? 'team1';
  return (i) => ({ project, domain, workflow: WORKFLOWS[i % WORKFLOWS.length] as string, ...(label !== undefined ? { label } : {}) });
}

/** The topology's labels without `cluster`; labels left empty disappear. */
export function labelsWithout(t: Topology, cluster: string): Topology['labels'] {
  const out: Topology['labels'] = {};
  for (const [label, entries] of Object.entries(t.labels)) {
    const kept = entries.filter((e) => e.cluster !== cluster);
    if (kept.length > 0) out[label] = kept;
  }
  return out;
}
