// FlyteAdmin's registered entities (tasks, workflows, launch plans) as CreateTask / CreateWorkflow / CreateLaunchPlan
// store them (flyteadmin/pkg/manager/impl/{task,workflow,launch_plan}_manager.go at v1.16.8): each compiled with
// propeller's own compiler (compiler.ts), identified by project/domain/name/version, immutable once created
// (the same structure again is AlreadyExists, a different one InvalidArgument), launch plans INACTIVE until
// UpdateLaunchPlan activates one version per name.
import { AdminError } from './attributes.ts';
import { CompileError, type AdminCompiler } from './compiler.ts';
import type { google } from '@flyteorg/flyteidl/gen/pb-js/flyteidl.js';
import { admin, core, type Flyteidl } from '../flyte/idl.ts';

type Identifier = Flyteidl.core.IIdentifier;
type ResourceType = 'TASK' | 'WORKFLOW' | 'LAUNCH_PLAN';
const RESOURCE_TYPE: Record<ResourceType, number> = { TASK: 1, WORKFLOW: 2, LAUNCH_PLAN: 3 };

export function idKey(id: Identifier | null | undefined): string {
  return `${id?.project ?? ''}/${id?.domain ?? ''}/${id?.name ?? ''}/${id?.version ?? ''}`;
}

/** How FlyteAdmin's %v prints an identifier in its messages (Go's proto text form). */
export function idText(id: Identifier | null | undefined): string {
  return `project:"${id?.project ?? ''}" domain:"${id?.domain ?? ''}" name:"${id?.name ?? ''}" version:"${id?.version ?? ''}"`;
}

/** validation.ValidateIdentifier: every field present, and the resource type the call expects. */
export function validateIdentifier(id: Identifier | null | undefined, type: ResourceType): { project: string; domain: string; name: string; version: string } {
  if (!id) throw new AdminError('InvalidArgument', 'missing id');
  if (id.resourceType !== undefined && id.resourceType !== null && id.resourceType !== RESOURCE_TYPE[type]) {
    const names = ['UNSPECIFIED', 'TASK', 'WORKFLOW', 'LAUNCH_PLAN', 'DATASET'];
    throw new AdminError('InvalidArgument', `unexpected resource type ${(names[id.resourceType] ?? String(id.resourceType)).toLowerCase()} for identifier [${idText(id)}], expected ${type.toLowerCase()} instead`);
  }
  for (const f of ['project', 'domain', 'name', 'version'] as const) {
    if (!id[f]) throw new AdminError('InvalidArgument', `missing ${f}`);
  }
  return { project: id.project as string, domain: id.domain as string, name: id.name as string, version: id.version as string };
}

export interface StoredTask {
  id: Identifier;
  template: Flyteidl.core.ITaskTemplate;
  compiled: Uint8Array;
  createdAt: Date;
}

export interface StoredWorkflow {
  id: Identifier;
  template: Flyteidl.core.IWorkflowTemplate;
  /** core.CompiledWorkflowClosure, wire bytes: what the CRD builder takes at CreateExecution. */
  closure: Uint8Array;
  createdAt: Date;
}

export interface StoredLaunchPlan {
  id: Identifier;
  spec: Flyteidl.admin.ILaunchPlanSpec;
  state: number;
  expectedInputs: Flyteidl.core.IParameterMap;
  expectedOutputs: Flyteidl.core.IVariableMap;
  createdAt: Date;
  updatedAt: Date;
}

function withType(id: Identifier, type: ResourceType): Identifier {
  return { resourceType: RESOURCE_TYPE[type], project: id.project, domain: id.domain, name: id.name, version: id.version };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/**
 * Entities are immutable once registered (errors/errors.go:146-213): the same structure again is AlreadyExists
 * (flytekit treats it as done), another structure under the same version is InvalidArgument.
 */
function insertOnce<T extends { id: Identifier }>(map: Map<string, T>, kind: 'task' | 'workflow' | 'launch plan', name: string, entity: T, same: (old: T) => boolean): void {
  const key = idKey(entity.id);
  const old = map.get(key);
  if (old && same(old)) throw new AdminError('AlreadyExists', `${kind} with identical structure already exists`);
  if (old) throw new AdminError('InvalidArgument', `${name} ${kind} with different structure already exists. (Please register a new version of the ${kind}):\n`);
  map.set(key, entity);
}

export class EntityRegistry {
  readonly tasks = new Map<string, StoredTask>();
  readonly workflows = new Map<string, StoredWorkflow>();
  readonly launchPlans = new Map<string, StoredLaunchPlan>();
  private readonly decoded = new WeakMap<StoredWorkflow, Flyteidl.core.ICompiledWorkflowClosure>();
  private readonly compiler: () => AdminCompiler;
  private readonly checkProject: (project: string, domain: string) => void;

  /** `compiler` is asked for only when something is compiled (sim without propeller's build still serves reads). */
  constructor(opts: { compiler: () => AdminCompiler; checkProject: (project: string, domain: string) => void }) {
    this.compiler = opts.compiler;
    this.checkProject = opts.checkProject;
  }

  /**
   * Compile errors are InvalidArgument; CreateWorkflow also wraps every error of loading what the workflow needs
   * (a missing task is "failed to compile workflow ... missing entity", workflow_manager.go:144-150).
   */
  private async compile<T>(what: string, id: Identifier, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const wrap = err instanceof CompileError || (what === 'workflow' && err instanceof AdminError && err.code === 'NotFound');
      if (wrap) throw new AdminError('InvalidArgument', `failed to compile ${what} for [${idText(id)}] with err: ${err.message}`);
      throw err;
    }
  }

  /** CreateTask: validate, compile, store; identical again → AlreadyExists, different → InvalidArgument. */
  async createTask(req: Flyteidl.admin.ITaskCreateRequest): Promise<void> {
    const id = validateIdentifier(req.id, 'TASK');
    this.checkProject(id.project, id.domain);
    const template = req.spec?.template;
    if (!template) throw new AdminError('InvalidArgument', 'missing task template');
    const full = { ...template, id: withType(req.id as Identifier, 'TASK') };
    const compiled = await this.compile('task', full.id, () => this.compiler().compileTask(core.TaskTemplate.encode(full).finish()));
    insertOnce(this.tasks, 'task', id.name, { id: full.id, template: full, compiled, createdAt: new Date() }, (old) => sameBytes(old.compiled, compiled));
  }

  getTask(id: Identifier | null | undefined): StoredTask {
    validateIdentifier(id, 'TASK');
    const t = this.tasks.get(idKey(id));
    if (!t) throw new AdminError('NotFound', `missing entity of type TASK with identifier ${idText(id)}`);
    return t;
  }

  /** CreateWorkflow: requirements, the stored compiled tasks and launch plans, CompileWorkflow, store. */
  async createWorkflow(req: Flyteidl.admin.IWorkflowCreateRequest): Promise<void> {
    const id = validateIdentifier(req.id, 'WORKFLOW');
    this.checkProject(id.project, id.domain);
    const template = req.spec?.template;
    if (!template) throw new AdminError('InvalidArgument', 'missing workflow template');
    const full = { ...template, id: withType(req.id as Identifier, 'WORKFLOW') };
    const wf = core.WorkflowTemplate.encode(full).finish();
    const subs = (req.spec?.subWorkflows ?? []).map((s) => core.WorkflowTemplate.encode(s).finish());
    const compiler = this.compiler();
    const closure = await this.compile('workflow', full.id, async () => {
      const needs = await compiler.requirements(wf, subs);
      const tasks = needs.taskIds.map((b) => this.getTask(core.Identifier.decode(b)).compiled);
      const lps = needs.launchPlanIds.map((b) => admin.LaunchPlan.encode(this.launchPlanMessage(this.getLaunchPlan(core.Identifier.decode(b)))).finish());
      return compiler.compileWorkflow(wf, subs, tasks, lps);
    });
    insertOnce(this.workflows, 'workflow', id.name, { id: full.id, template: full, closure, createdAt: new Date() }, (old) => sameBytes(old.closure, closure));
  }

  getWorkflow(id: Identifier | null | undefined): StoredWorkflow {
    validateIdentifier(id, 'WORKFLOW');
    const w = this.workflows.get(idKey(id));
    if (!w) throw new AdminError('NotFound', `missing entity of type WORKFLOW with identifier ${idText(id)}`);
    return w;
  }

  /**
   * CreateLaunchPlan: its workflow must exist; the closure's expected inputs are the workflow's inputs with the
   * spec's defaults, minus the fixed ones (validation/launch_plan_validator.go); created INACTIVE.
   */
  createLaunchPlan(req: Flyteidl.admin.ILaunchPlanCreateRequest): void {
    const id = validateIdentifier(req.id, 'LAUNCH_PLAN');
    this.checkProject(id.project, id.domain);
    const spec = req.spec;
    if (!spec) throw new AdminError('InvalidArgument', 'missing spec');
    const wf = this.getWorkflow(spec.workflowId);
    const iface = wf.template.interface ?? {};
    const expectedInputs = expectedLaunchPlanInputs(iface.inputs?.variables ?? {}, spec.fixedInputs?.literals ?? {}, spec.defaultInputs?.parameters ?? {});
    const stored: StoredLaunchPlan = {
      id: withType(req.id as Identifier, 'LAUNCH_PLAN'),
      spec,
      state: 0,
      expectedInputs,
      expectedOutputs: iface.outputs ?? {},
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const wire = (s: Flyteidl.admin.ILaunchPlanSpec) => admin.LaunchPlanSpec.encode(s).finish();
    insertOnce(this.launchPlans, 'launch plan', id.name, stored, (old) => sameBytes(wire(old.spec), wire(spec)));
  }

  getLaunchPlan(id: Identifier | null | undefined): StoredLaunchPlan {
    validateIdentifier(id, 'LAUNCH_PLAN');
    const lp = this.launchPlans.get(idKey(id));
    if (!lp) throw new AdminError('NotFound', `missing entity of type LAUNCH_PLAN with identifier ${idText(id)}`);
    return lp;
  }

  /** UpdateLaunchPlan: ACTIVE deactivates the other versions of the same name (one active version per name). */
  updateLaunchPlan(id: Identifier | null | undefined, state: number): void {
    if (state !== 0 && state !== 1) throw new AdminError('InvalidArgument', `Unrecognized launch plan state ${state} for update for launch plan [${idText(id)}]`);
    const lp = this.getLaunchPlan(id);
    if (state === 1) {
      for (const other of this.launchPlans.values()) {
        if (other !== lp && other.state === 1 && other.id.project === lp.id.project && other.id.domain === lp.id.domain && other.id.name === lp.id.name) {
          other.state = 0;
          other.updatedAt = new Date();
        }
      }
    }
    lp.state = state;
    lp.updatedAt = new Date();
  }

  /** GetActiveLaunchPlan: the ACTIVE version of project/domain/name. */
  activeLaunchPlan(id: Flyteidl.admin.INamedEntityIdentifier | null | undefined): StoredLaunchPlan {
    for (const lp of this.launchPlans.values()) {
      if (lp.state === 1 && lp.id.project === id?.project && lp.id.domain === id?.domain && lp.id.name === id?.name) return lp;
    }
    throw new AdminError('NotFound', `No active launch plan could be found: ${id?.project ?? ''}:${id?.domain ?? ''}:${id?.name ?? ''}`);
  }

  taskMessage(t: StoredTask): Flyteidl.admin.ITask {
    return { id: t.id, closure: { compiledTask: core.CompiledTask.decode(t.compiled), createdAt: timestamp(t.createdAt) } };
  }

  /** The stored closure decoded, once per workflow (GetWorkflow and every task pod of its executions read it). */
  compiledWorkflow(w: StoredWorkflow): Flyteidl.core.ICompiledWorkflowClosure {
    let c = this.decoded.get(w);
    if (!c) this.decoded.set(w, (c = core.CompiledWorkflowClosure.decode(w.closure)));
    return c;
  }

  workflowMessage(w: StoredWorkflow): Flyteidl.admin.IWorkflow {
    return { id: w.id, closure: { compiledWorkflow: this.compiledWorkflow(w), createdAt: timestamp(w.createdAt) } };
  }

  launchPlanMessage(lp: StoredLaunchPlan): Flyteidl.admin.ILaunchPlan {
    return {
      id: lp.id,
      spec: lp.spec,
      closure: { state: lp.state, expectedInputs: lp.expectedInputs, expectedOutputs: lp.expectedOutputs, createdAt: timestamp(lp.createdAt), updatedAt: timestamp(lp.updatedAt) },
    };
  }
}

/**
 * checkAndFetchExpectedInputForLaunchPlan (validation/launch_plan_validator.go:112-189): defaults and fixed inputs
 * must be workflow inputs; each workflow input is expected with the launch plan's default, or required unless fixed.
 * The type-castability checks are not modelled.
 */
function expectedLaunchPlanInputs(
  workflowInputs: Record<string, Flyteidl.core.IVariable>,
  fixed: Record<string, Flyteidl.core.ILiteral>,
  defaults: Record<string, Flyteidl.core.IParameter>,
): Flyteidl.core.IParameterMap {
  if (Object.keys(workflowInputs).length === 0) {
    const d = Object.keys(defaults).length;
    const f = Object.keys(fixed).length;
    if (d > 0) throw new AdminError('InvalidArgument', `invalid launch plan default inputs, expected none but found ${d}`);
    if (f > 0) throw new AdminError('InvalidArgument', `invalid launch plan fixed inputs, expected none but found ${f}`);
    return { parameters: {} };
  }
  for (const name of Object.keys(defaults)) if (!(name in workflowInputs)) throw new AdminError('InvalidArgument', `unexpected default_input ${name}`);
  for (const name of Object.keys(fixed)) if (!(name in workflowInputs)) throw new AdminError('InvalidArgument', `unexpected fixed_input ${name}`);
  const parameters: Record<string, Flyteidl.core.IParameter> = {};
  for (const [name, v] of Object.entries(workflowInputs)) {
    const d = defaults[name];
    if (d) parameters[name] = d;
    else if (!(name in fixed)) parameters[name] = { var: { type: v.type, description: v.description }, required: true };
  }
  return { parameters };
}

/** google.protobuf.Timestamp of a Date (protobufjs writes a number where the type says Long). */
export function timestamp(d: Date): google.protobuf.ITimestamp {
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000) as unknown as google.protobuf.ITimestamp['seconds'], nanos: (ms % 1000) * 1_000_000 };
}
