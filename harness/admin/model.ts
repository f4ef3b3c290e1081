// A model of FlyteAdmin's multi-cluster behaviour (docs/flyte-behaviour.md) over the bit-exact placement engine: it starts
// from the rendered values-override.yaml exactly when FlyteAdmin would (credential files read once, for every
// cluster, enabled or not; weights; duplicates; an enabled cluster; the sync-cluster-resources init container
// reaching every enabled data plane), keeps the DB (executions, matchable attributes) across restarts, creates a
// FlyteWorkflow in <project>-<domain> of the chosen data plane with that cluster's credentials, and terminates
// through the stored cluster name.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { FLYTEWORKFLOW_API_VERSION } from '../constants.ts';
import { KubeApiError, type KubeClient, type KubeObject, type TokenCredentials } from '../backends/types.ts';
import { parsesAsPem } from '../util/pem.ts';
import { errorMessage } from '../errors.ts';
import { ClusterSelector, type PlacementExplanation } from '../placement/index.ts';
import type { CreateExecutionRequest, FlyteAdminApi, StartAttempt, StartStage } from './api.ts';
import { AdminError, MatchableAttributes, type EclFile } from './attributes.ts';
import type { AdminContainerView, AdminPodResult, AdminPodSpec, SecretMount } from '../flyte/admin-pod.ts';
import { adminPodFromValues } from '../flyte/chart-model.ts';
import { YamlSource } from '../topology/index.ts';
import type { AdminClustersConfig } from './config.ts';
import { ExecutionsTable, isTerminal, type ExecutionMode, type ExecutionRow, type Phase } from './executions.ts';
import { NameSource } from './names.ts';

export { AdminError } from './attributes.ts';

/** What FlyteAdmin's pod can reach: the network, its own service account, and mounted Secrets. */
export interface AdminEnvironment {
  /** A client like FlyteAdmin's rest config: endpoint + bearer token + CA data. */
  connect(credentials: TokenCredentials): KubeClient;
  /** `inCluster: true` (and single-cluster mode): the admin pod's own service account in the control plane. */
  inCluster(): KubeClient;
  /** The directory a Secret volume shows (one file per key); undefined when the Secret does not exist. */
  secretDir(secretName: string): string | undefined;
}

export interface ProjectSpec {
  name: string;
  domains: readonly string[];
}

export interface FlyteAdminOptions {
  env: AdminEnvironment;
  /** Projects registered in FlyteAdmin (seed-projects). @defaultValue team1 with development, staging, production */
  projects?: readonly ProjectSpec[];
  /** namespace_mapping.template. @defaultValue '{{ project }}-{{ domain }}' */
  namespaceTemplate?: string;
  /** Seed of generated execution names. @defaultValue 0 */
  seed?: number | string;
  log?: (line: string) => void;
}

export type { CreateExecutionRequest, StartAttempt, StartStage } from './api.ts';

/** What a new FlyteAdmin pod starts from: the pods as the chart rendered them, and the values behind them. */
export interface AdminStart {
  pod: AdminPodResult;
  values: string;
}

interface AdminProcess {
  values: string;
  pod: AdminPodSpec;
  selector: ClusterSelector;
  clients: Map<string, KubeClient>;
  /** Built on the syncresources pod's first pass. */
  syncResourcesClients?: Map<string, KubeClient>;
  generation: number;
}

/** Values read by the built-in chart model (tests and callers without a chart). */
function asStart(start: AdminStart | string): AdminStart {
  if (typeof start !== 'string') return start;
  let pod: AdminPodResult;
  try {
    const raw = YamlSource.parse(start, 'values-override.yaml').toJS();
    pod = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? adminPodFromValues(raw as Record<string, unknown>) : { ok: false, reason: 'values must be a mapping' };
  } catch (err) {
    pod = { ok: false, reason: errorMessage(err) };
  }
  return { pod, values: start };
}

/** Clusters resource sync writes to: every enabled cluster, or the control plane itself without clusterConfigs. */
function syncTargets(cfg: AdminClustersConfig): string[] {
  return cfg.clusterConfigs.length === 0 ? [''] : cfg.clusterConfigs.filter((c) => c.enabled).map((c) => c.name);
}

const FW_API = FLYTEWORKFLOW_API_VERSION;

/**
 * FlyteAdmin's rule for a requested execution name (execution_validator.go): after lowercasing it must match
 * ^[a-z][a-z-0-9]*$ and be at most 63 characters, or CreateExecution fails with InvalidArgument. The placement
 * seed still uses the name as written (upper case included).
 */
export function validateExecutionName(name: string): void {
  const lower = name.toLowerCase();
  if (lower.length > 63) throw new AdminError('InvalidArgument', `execution name ${name} is longer than 63 characters`);
  if (!/^[a-z][a-z0-9-]*$/.test(lower)) throw new AdminError('InvalidArgument', `execution name ${name} must start with a letter and contain only letters, digits and "-"`);
}

/** FlyteAdmin's configured domains (the chart's `domains` default), which every registered project gets. */
export const DEFAULT_DOMAINS: readonly string[] = ['development', 'staging', 'production'];

export class FlyteAdmin implements FlyteAdminApi {
  readonly executions = new ExecutionsTable();
  readonly attributes: MatchableAttributes;
  readonly projects: Map<string, readonly string[]>;
  /** Every start/rollout attempt, oldest first. */
  readonly history: StartAttempt[] = [];
  private proc: AdminProcess | undefined;
  private readonly env: AdminEnvironment;
  private readonly names: NameSource;
  private readonly nsTemplate: string;
  private readonly log: (line: string) => void;
  private generation = 0;
  private readonly fwCache = new Map<string, { ns: string; labels: Record<string, string> }>();
  /** Set when real propellers run on the data planes (see attachPropeller). */
  private propeller: PropellerAttachment | undefined;
  /** The syncresources pod's "already applied" cache: namespace/template → checksum. */
  private readonly syncCache = new Map<string, string>();

  constructor(opts: FlyteAdminOptions) {
    this.env = opts.env;
    this.projects = new Map((opts.projects ?? [{ name: 'team1', domains: DEFAULT_DOMAINS }]).map((p) => [p.name, [...p.domains]]));
    this.attributes = new MatchableAttributes({ projects: () => this.projects });
    this.names = new NameSource(opts.seed ?? 0);
    this.nsTemplate = opts.namespaceTemplate ?? '{{ project }}-{{ domain }}';
    this.log = opts.log ?? (() => {});
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------------

  get serving(): boolean {
    return this.proc !== undefined;
  }

  /** The clusters config of the serving pod (what placement uses now), or undefined when admin is down. */
  get config(): AdminClustersConfig | undefined {
    return this.proc?.pod.serve.clusters;
  }

  get selector(): ClusterSelector | undefined {
    return this.proc?.selector;
  }

  /** The values the serving pod started from. */
  get values(): string | undefined {
    return this.proc?.values;
  }

  /**
   * `helm upgrade` (rolling update): a new pod starts only when the pod template changed (the chart's
   * configChecksum covers the config, not the credentials Secret); if it fails, the old one keeps serving its old
   * config. A pod that is down (crash-looping) restarts and tries again. `restart` is `kubectl rollout restart`: a
   * new pod even with an unchanged template. A string is values read by the chart model.
   */
  async rollout(start: AdminStart | string, opts: { restart?: boolean } = {}): Promise<StartAttempt> {
    const s = asStart(start);
    if (!opts.restart && this.proc && s.pod.ok && s.pod.pod.podTemplate === this.proc.pod.podTemplate) {
      const attempt: StartAttempt = { ok: true, stillServing: true, unchanged: true };
      this.history.push(attempt);
      this.log('flyteadmin pod template unchanged: no new pod');
      return attempt;
    }
    return this.launch(s, true);
  }

  /** The pod is deleted and recreated (kubectl delete pod, node loss): if the new one fails, admin is down. */
  async restart(start: AdminStart | string): Promise<StartAttempt> {
    this.proc = undefined;
    return this.launch(asStart(start), false);
  }

  stop(): void {
    this.proc = undefined;
  }

  private async launch(start: AdminStart, rolling: boolean): Promise<StartAttempt> {
    const attempt = await this.tryStart(start).then(
      (proc): StartAttempt => {
        this.proc = proc;
        return { ok: true, stillServing: true };
      },
      (err: unknown): StartAttempt => {
        const stage = err instanceof StartError ? err.stage : 'serve';
        if (!rolling) this.proc = undefined;
        return { ok: false, stage, error: errorMessage(err), stillServing: this.proc !== undefined };
      },
    );
    this.history.push(attempt);
    this.log(attempt.ok ? 'flyteadmin started' : `flyteadmin did not start (${attempt.stage}): ${attempt.error}`);
    return attempt;
  }

  private async tryStart(start: AdminStart): Promise<AdminProcess> {
    if (!start.pod.ok) throw new StartError('values', start.pod.reason);
    const pod = start.pod.pod;
    for (const v of pod.volumes) {
      if (this.env.secretDir(v.secretName) === undefined) {
        throw new StartError('mount', `MountVolume.SetUp failed for volume "${v.volume}" : secret "${v.secretName}" not found`);
      }
    }
    const cfg = pod.serve.clusters;
    const names = new Set<string>();
    for (const c of cfg.clusterConfigs) {
      if (names.has(c.name)) throw new StartError(pod.syncInit ? 'sync-cluster-resources' : 'serve', 'Duplicate cluster names in runtime config');
      names.add(c.name);
    }
    if (pod.syncInit) await this.syncClusterResources(pod.syncInit);
    let clients: Map<string, KubeClient>;
    let selector: ClusterSelector;
    try {
      clients = cfg.clusterConfigs.length === 0 ? new Map([['', this.env.inCluster()]]) : await this.buildClients(cfg, pod.serve.mounts);
      selector = ClusterSelector.fromConfig(cfg);
    } catch (err) {
      throw new StartError('serve', errorMessage(err));
    }
    return { values: start.values, pod, selector, clients, generation: ++this.generation };
  }

  /** NewListTargets: a client for every configured cluster, enabled or not, from files read now (and only now). */
  private async buildClients(cfg: AdminClustersConfig, mounts: readonly SecretMount[]): Promise<Map<string, KubeClient>> {
    const out = new Map<string, KubeClient>();
    for (const c of cfg.clusterConfigs) {
      if (c.inCluster) {
        out.set(c.name, this.env.inCluster());
        continue;
      }
      const token = await this.readMounted(c.auth.tokenPath, mounts).catch((e: unknown) => {
        throw new Error(`Failed to get auth token: ${errorMessage(e)}`);
      });
      const ca = await this.readMounted(c.auth.certPath, mounts).catch((e: unknown) => {
        throw new Error(`Failed to get auth token: failed to read k8s CA certificate from configured path: ${errorMessage(e)}`);
      });
      if (ca !== '' && !parsesAsPem(ca)) throw new Error('unable to load root certificates: unable to parse bytes as PEM block');
      out.set(c.name, this.env.connect({ endpoint: c.endpoint, token, caCert: ca }));
    }
    return out;
  }

  /** The clients a FlyteAdmin process builds at start from its own config and mounts. */
  private async clientsFor(view: AdminContainerView): Promise<Map<string, KubeClient>> {
    return view.clusters.clusterConfigs.length === 0 ? new Map([['', this.env.inCluster()]]) : this.buildClients(view.clusters, view.mounts);
  }

  private async readMounted(path: string, mounts: readonly SecretMount[]): Promise<string> {
    for (const m of mounts) {
      if (!path.startsWith(`${m.mountPath}/`)) continue;
      const dir = this.env.secretDir(m.secretName);
      const rest = path.slice(m.mountPath.length + 1);
      if (dir !== undefined && !rest.includes('/')) {
        try {
          return await readFile(join(dir, rest), 'utf8');
        } catch {
          break;
        }
      }
    }
    throw new Error(`open ${path}: no such file or directory`);
  }

  /** `flyteadmin clusterresource sync` (the init container, with its own config and mounts): every project-domain namespace and quota in every enabled cluster. */
  private async syncClusterResources(view: AdminContainerView): Promise<void> {
    let clients: Map<string, KubeClient>;
    const cfg = view.clusters;
    try {
      clients = await this.clientsFor(view);
    } catch (err) {
      throw new StartError('sync-cluster-resources', `panic: ${errorMessage(err)}`);
    }
    const targets = syncTargets(cfg);
    const errors = await this.syncPass(clients, targets, undefined, view);
    if (errors.length > 0) {
      throw new StartError('sync-cluster-resources', `Failed to sync cluster resources [${errors.length} errors], first: ${errors[0]}`);
    }
  }

  /**
   * One pass of cluster resource sync (controller.go syncNamespace): every project-domain namespace and quota in every
   * target. With a cache (the long-running syncresources pod), a template already applied to *any* cluster with the
   * same content is skipped for *all* clusters (the cache key is namespace + template, not cluster; docs/flyte-behaviour.md#cluster-resource-sync).
   */
  private async syncPass(clients: Map<string, KubeClient>, targets: readonly string[], cache: Map<string, string> | undefined, view: AdminContainerView): Promise<string[]> {
    const errors: string[] = [];
    for (const [project, domains] of this.projects) {
      for (const domain of domains) {
        const ns = this.namespace(project, domain);
        let templates: KubeObject[];
        try {
          templates = view.resources ? renderResourceTemplates(view.resources, { namespace: ns, project, domain }) : clusterResourceTemplates(ns);
        } catch (err) {
          errors.push(`templates for ${ns}: ${errorMessage(err)}`);
          continue;
        }
        for (const tpl of templates) {
          const key = `${ns}/${tpl.kind}`;
          const checksum = JSON.stringify(tpl);
          if (cache?.get(key) === checksum) continue;
          let anyOk = false;
          for (const id of targets) {
            const client = clients.get(id) as KubeClient;
            try {
              await client.create(tpl);
              anyOk = true;
            } catch (err) {
              if (err instanceof KubeApiError && err.status === 409) {
                try {
                  const cur = await client.get({ apiVersion: tpl.apiVersion, kind: tpl.kind, name: tpl.metadata.name, namespace: tpl.metadata.namespace });
                  await client.apply({ ...tpl, metadata: { ...tpl.metadata, resourceVersion: cur.metadata.resourceVersion } });
                  anyOk = true;
                  continue;
                } catch (e2) {
                  err = e2;
                }
              }
              errors.push(`${id || 'in-cluster'}: ${tpl.kind} ${tpl.metadata.namespace ? `${tpl.metadata.namespace}/` : ''}${tpl.metadata.name}: ${errorMessage(err)}`);
            }
          }
          if (anyOk) cache?.set(key, checksum);
        }
      }
    }
    return errors;
  }

  /** ValidateProjectAndDomain: what every create (execution, task, workflow, launch plan) checks first. */
  requireProjectDomain(project: string, domain: string): void {
    const domains = this.projects.get(project);
    if (!domains || !domains.includes(domain)) {
      throw new AdminError('InvalidArgument', `failed to validate that project [${project}] and domain [${domain}] are registered`);
    }
  }

  /** Registers a project (flytectl create project); cluster resource sync creates its namespaces on its next pass. */
  registerProject(name: string, domains: readonly string[] = DEFAULT_DOMAINS): void {
    this.projects.set(name, [...domains]);
  }

  /**
   * One refresh of the syncresources Deployment (`clusterresource run`, every refreshInterval): like the init
   * container, but errors are only logged, and its in-memory cache persists until restartSyncResources(). It uses
   * the clients of the serving configuration.
   */
  async syncResourcesPass(): Promise<{ errors: string[] }> {
    const proc = this.requireServing();
    const view = proc.pod.syncResources;
    if (!view) return { errors: ['the release has no syncresources Deployment'] };
    // Its own pod: its own config and mounts (charts/flyte-core/templates/clusterresourcesync/deployment.yaml).
    let clients: Map<string, KubeClient>;
    try {
      clients = proc.syncResourcesClients ??= await this.clientsFor(view);
    } catch (err) {
      const e = [`syncresources: ${errorMessage(err)}`];
      this.log(e[0] as string);
      return { errors: e };
    }
    const errors = await this.syncPass(clients, syncTargets(view.clusters), this.syncCache, view);
    for (const e of errors) this.log(`syncresources: ${e}`);
    return { errors };
  }

  /** Restarts the syncresources pod: its applied-templates cache starts empty. */
  restartSyncResources(): void {
    this.syncCache.clear();
  }

  /**
   * Real propellers run the FlyteWorkflow objects: phases then come from their events (harness/admin/grpc), so an
   * execution is created QUEUED (FlyteAdmin's UNDEFINED) and TerminateExecution leaves it ABORTING until propeller's
   * ABORTED event, as in FlyteAdmin; and the objects are the builder's, not the trimmed ones.
   */
  attachPropeller(p: PropellerAttachment): void {
    this.propeller = p;
  }

  // ---- executions ----------------------------------------------------------------------------------------------

  namespace(project: string, domain: string): string {
    return this.nsTemplate.replace(/\{\{\s*project\s*\}\}/g, project).replace(/\{\{\s*domain\s*\}\}/g, domain);
  }

  /** A fresh generated name ("a" + 19 chars) not used yet. */
  generateName(): string {
    let n = this.names.name();
    while (this.executions.has(n)) n = this.names.name();
    return n;
  }

  /**
   * CreateExecution. Placement, then a FlyteWorkflow in <project>-<domain> of the chosen cluster. A failure after
   * validation stores the execution FAILED with cluster '' and still returns it, as FlyteAdmin does for launch plans.
   */
  async createExecution(req: CreateExecutionRequest): Promise<ExecutionRow> {
    return this.executions.at(await this.create(req, req.parent ? 'child' : 'create', req.parent ?? ''));
  }

  /** Relaunch: the old spec (explicit label included) under a new name, placed from scratch with today's config. */
  async relaunch(name: string, newName?: string): Promise<ExecutionRow> {
    const old = this.mustGet(name);
    return this.executions.at(await this.create({ project: old.project, domain: old.domain, workflow: old.workflow, label: old.label, name: newName }, 'relaunch', name));
  }

  /** Recover: like relaunch (a new name, placed from scratch); outputs come from shared blob storage. */
  async recover(name: string, newName?: string): Promise<ExecutionRow> {
    const old = this.mustGet(name);
    return this.executions.at(await this.create({ project: old.project, domain: old.domain, workflow: old.workflow, label: old.label, name: newName }, 'recover', name));
  }

  /** The lean path shared by every create: returns the row index. */
  async create(req: CreateExecutionRequest, mode: ExecutionMode = 'create', source = ''): Promise<number> {
    const proc = this.requireServing();
    this.requireProjectDomain(req.project, req.domain);
    const name = req.name ?? this.generateName();
    if (req.name !== undefined) validateExecutionName(req.name);
    if (req.name !== undefined && this.executions.has(name)) throw new AdminError('AlreadyExists', `execution with name ${name} already exists`);
    let label = req.label ?? '';
    if (!label && req.parent) label = this.mustGet(req.parent).label;
    const workflow = req.singleTask ? `.flytegen.${req.workflow}` : req.workflow;
    let cluster = '';
    let phase: Phase = this.propeller ? 'QUEUED' : 'RUNNING';
    let error = '';
    try {
      cluster = proc.selector.pick({ name, label, project: req.project, domain: req.domain, workflow }, this.attributes.resolver);
      const client = proc.clients.get(cluster) as KubeClient;
      const namespace = this.namespace(req.project, req.domain);
      const obj = req.flyteWorkflow
        ? await req.flyteWorkflow({ name, namespace })
        : this.propeller
          ? await this.propeller.flyteWorkflow({ name, project: req.project, domain: req.domain, workflow, namespace })
          : this.flyteWorkflow(name, req.project, req.domain, workflow);
      try {
        await client.create(obj);
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409)) throw new Error(`failed to create workflow in propeller ${errorMessage(err)}`);
      }
    } catch (err) {
      if (req.singleTask) throw new AdminError('Internal', errorMessage(err));
      phase = 'FAILED';
      cluster = '';
      error = errorMessage(err);
    }
    return this.executions.insert({ name, project: req.project, domain: req.domain, workflow, label, cluster, phase, mode, source, error });
  }

  /**
   * A workflow event from a propeller (CreateWorkflowEvent). Event validation (docs/flyte-behaviour.md#events): QUEUED events and
   * producer ids '' or 'propeller' always pass; any other producer id must equal the stored cluster, or the event is
   * rejected as IncompatibleCluster (propeller then aborts the workflow). An accepted terminal phase is recorded.
   */
  recordEvent(name: string, event: { producerId: string; phase: Phase }): void {
    const i = this.executions.index(name);
    if (i === undefined) throw new AdminError('NotFound', `missing entity of type execution with identifier ${name}`);
    const cluster = this.executions.clusterAt(i);
    const exempt = event.phase === 'QUEUED' || event.producerId === '' || event.producerId === 'propeller';
    if (!exempt && event.producerId !== cluster) {
      throw new AdminError('FailedPrecondition', `IncompatibleCluster: Cluster/producer from event [${event.producerId}] does not match existing workflow execution cluster: [${cluster}]`);
    }
    if (isTerminal(this.executions.phaseAt(i))) throw new AdminError('FailedPrecondition', `invalid phase change from ${this.executions.phaseAt(i)} to ${event.phase} for workflow execution ${name}`);
    if (event.phase !== 'QUEUED') this.executions.setPhase(i, event.phase);
  }

  /** Propeller reported a terminal phase (the workflow finished in its data plane). */
  complete(name: string, phase: Extract<Phase, 'SUCCEEDED' | 'FAILED'> = 'SUCCEEDED'): void {
    const i = this.executions.index(name);
    if (i === undefined) throw new AdminError('NotFound', `missing entity of type execution with identifier ${name}`);
    if (!isTerminal(this.executions.phaseAt(i))) this.executions.setPhase(i, phase);
  }

  /**
   * TerminateExecution: persist ABORTING, then Abort on the stored cluster (GetTarget with TargetID, which includes
   * disabled clusters), deleting the FlyteWorkflow (NotFound counts as success). A failure leaves the row ABORTING.
   */
  async terminate(name: string): Promise<ExecutionRow> {
    const proc = this.requireServing();
    const i = this.executions.index(name);
    if (i === undefined) throw new AdminError('NotFound', `missing entity of type execution with identifier ${name}`);
    if (isTerminal(this.executions.phaseAt(i))) throw new AdminError('FailedPrecondition', 'Cannot abort an already terminated workflow execution');
    this.executions.setPhase(i, 'ABORTING');
    const row = this.executions.at(i);
    try {
      if (!proc.selector.inCluster && row.cluster === '') {
        // TargetID "" falls through to label resolution with empty project/domain, which ResourceRepo.Get rejects.
        this.attributes.resolver('', '', '');
      }
      const target = proc.selector.place({ name: row.name, targetId: row.cluster || undefined }).cluster;
      const client = proc.clients.get(target) as KubeClient;
      try {
        await client.delete({ apiVersion: FW_API, kind: 'FlyteWorkflow', name: row.name, namespace: this.namespace(row.project, row.domain) });
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      }
    } catch (err) {
      const msg = errorMessage(err);
      this.executions.setPhase(i, 'ABORTING', msg);
      throw new AdminError('Internal', msg);
    }
    this.executions.setPhase(i, this.propeller ? 'ABORTING' : 'ABORTED', '');
    return this.executions.at(i);
  }

  /** GetTarget with a full explanation, for the execution as it would be created now. */
  explain(req: CreateExecutionRequest & { name: string }): PlacementExplanation {
    const proc = this.requireServing();
    return proc.selector.place({ name: req.name, label: req.label ?? '', project: req.project, domain: req.domain, workflow: req.workflow }, this.attributes.resolver);
  }

  get(name: string): ExecutionRow | undefined {
    return this.executions.get(name);
  }

  /** `flytectl update execution-cluster-label --attrFile`: the file's fields pick the level (attributes.ts). */
  async updateAttributes(file: EclFile): Promise<void> {
    this.attributes.update(file);
  }

  private mustGet(name: string): ExecutionRow {
    const r = this.executions.get(name);
    if (!r) throw new AdminError('NotFound', `missing entity of type execution with identifier ${name}`);
    return r;
  }

  private requireServing(): AdminProcess {
    if (!this.proc) throw new AdminError('Unavailable', 'flyteadmin is not running (its pod failed to start)');
    return this.proc;
  }

  /** The FlyteWorkflow FlyteAdmin creates (trimmed: the CRD keeps unknown fields; the sim stores it compactly). */
  private flyteWorkflow(name: string, project: string, domain: string, workflow: string): KubeObject {
    const k = `${project}\u0000${domain}\u0000${workflow}`;
    let c = this.fwCache.get(k);
    if (!c) {
      c = { ns: this.namespace(project, domain), labels: { project: labelValue(project), domain: labelValue(domain), 'workflow-name': labelValue(workflow) } };
      this.fwCache.set(k, c);
    }
    return {
      apiVersion: FW_API,
      kind: 'FlyteWorkflow',
      metadata: { name, namespace: c.ns, labels: { ...c.labels, 'execution-id': name } },
      spec: { id: `${project}:${domain}:${workflow}` },
      executionId: { project, domain, name },
      acceptedAt: null,
    };
  }
}

/** A Kubernetes label value from any string, like flytestdlib's SanitizeLabelValue: invalid characters become '-', at most 63, alphanumeric at both ends. */
export function labelValue(s: string): string {
  return s
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 63)
    .replace(/[^A-Za-z0-9]+$/, '');
}

/** What the model needs when real propellers run its executions. */
export interface PropellerAttachment {
  /** The FlyteWorkflow object FlyteAdmin would create for this execution (harness/propeller/workflow.ts). */
  flyteWorkflow(e: { name: string; project: string; domain: string; workflow: string; namespace: string }): Promise<KubeObject> | KubeObject;
}

class StartError extends Error {
  readonly stage: StartStage;
  constructor(stage: StartStage, message: string) {
    super(message);
    this.stage = stage;
  }
}

/** The chart's default cluster_resource_manager templates: the namespace and a project quota. */
/**
 * The chart's cluster resource templates for one project-domain, as the controller fills them
 * (flyteadmin/pkg/clusterresource/controller.go): `{{ namespace }}`, `{{ project }}`, `{{ domain }}` and the
 * domain's customData keys replaced, then each file parsed as one object.
 */
function renderResourceTemplates(res: NonNullable<AdminContainerView['resources']>, vars: { namespace: string; project: string; domain: string }): KubeObject[] {
  const values: Record<string, string> = { ...res.customData[vars.domain], namespace: vars.namespace, project: vars.project, domain: vars.domain };
  return res.templates.map((t) => {
    const text = t.text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, k: string) => values[k] ?? m);
    const obj = parseYaml(text) as KubeObject | null;
    if (!obj || typeof obj !== 'object' || !obj.kind || !obj.metadata?.name) throw new Error(`template ${t.file} is not one Kubernetes object`);
    return obj;
  });
}

/** The built-in chart model's templates (the chart's namespace and quota), where no rendered templates exist. */
function clusterResourceTemplates(ns: string): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'project-quota', namespace: ns },
      spec: { hard: { 'limits.cpu': '8', 'limits.memory': '16Gi' } },
    },
  ];
}
