// FlyteAdmin's AdminService, served by the model (docs/flyte-behaviour.md#adminservice-for-clients): what flytekit
// (FlyteRemote, SynchronousFlyteClient, pyflyte) calls to register and run workflows and to manage execution-cluster
// labels. Registration is compiled by propeller's own compiler (registry.ts); CreateExecution places with the model's
// selector (bit-exact, the same code `flyte-mc place` runs) and creates the object propeller's builder makes from the
// registered closure. Every other AdminService method answers UNIMPLEMENTED naming the call, never a success the
// model cannot back.
import type { Flyteidl } from '../../flyte/idl.ts';
import { admin, core, flyteidl } from '../../flyte/idl.ts';
import { DEFAULT_DOMAINS, type FlyteAdmin } from '../model.ts';
import { AdminError } from '../attributes.ts';
import type { AdminCompiler } from '../compiler.ts';
import { EntityRegistry, idKey, timestamp } from '../registry.ts';
import type { ExecutionMode } from '../executions.ts';
import { WORKFLOW_PHASES, type ExecutionStore } from './events.ts';
import type { AdminGrpcServer } from './server.ts';

const ECL = admin.MatchableResource.EXECUTION_CLUSTER_LABEL;

/** The AdminService methods the model answers; the others are UNIMPLEMENTED. */
export const IMPLEMENTED = [
  'CreateTask', 'GetTask', 'ListTasks', 'ListTaskIds',
  'CreateWorkflow', 'GetWorkflow', 'ListWorkflows', 'ListWorkflowIds',
  'CreateLaunchPlan', 'GetLaunchPlan', 'GetActiveLaunchPlan', 'ListActiveLaunchPlans', 'ListLaunchPlans', 'ListLaunchPlanIds', 'UpdateLaunchPlan',
  'RegisterProject', 'GetProject', 'ListProjects', 'GetDomains',
  'CreateExecution', 'GetExecution', 'ListExecutions', 'TerminateExecution', 'RelaunchExecution', 'RecoverExecution',
  'UpdateProjectDomainAttributes', 'GetProjectDomainAttributes', 'DeleteProjectDomainAttributes',
  'UpdateProjectAttributes', 'GetProjectAttributes', 'DeleteProjectAttributes',
  'UpdateWorkflowAttributes', 'GetWorkflowAttributes', 'DeleteWorkflowAttributes', 'ListMatchableAttributes',
  'GetVersion',
  'CreateWorkflowEvent', 'CreateNodeEvent', 'CreateTaskEvent',
] as const;

/** Every AdminService method of flyteidl's service definition, PascalCase as on the wire. */
export function adminServiceMethods(): string[] {
  const proto = flyteidl.service.AdminService.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .filter((k) => k !== 'constructor' && typeof proto[k] === 'function')
    .map((k) => k[0]!.toUpperCase() + k.slice(1));
}

export interface AdminServiceOptions {
  model: FlyteAdmin;
  /** The phases the event handlers keep (UNDEFINED, SUCCEEDING...), shared with the event API. */
  store: ExecutionStore;
  /** Propeller's compiler; undefined: registration answers UNAVAILABLE with `compilerMissing`. */
  compiler: AdminCompiler | undefined;
  compilerMissing?: string;
  /** Where an execution's raw outputs go (rawOutputDataConfig.outputLocationPrefix). */
  rawOutputPrefix(name: string): string;
  /** Called after RegisterProject: cluster resource sync creates the new namespaces in every data plane. */
  onProjectRegistered?(project: string): Promise<void>;
  log?: (line: string) => void;
}

interface ExecutionInfo {
  id: Flyteidl.core.IWorkflowExecutionIdentifier;
  spec: Flyteidl.admin.IExecutionSpec;
  inputs: Flyteidl.core.ILiteralMap;
  launchPlan: Flyteidl.core.IIdentifier;
  workflowId: Flyteidl.core.IIdentifier;
  createdAt: Date;
  mode: number;
  abortCause?: string;
}

const MODE: Record<ExecutionMode, number> = { create: 0, relaunch: 3, recover: 5, child: 4 };

type Message<T> = { decode(b: Uint8Array): T; encode(m: T): { finish(): Uint8Array } };

/** Registers every AdminService method on `server`: the model's handlers, UNIMPLEMENTED for the rest. */
export function registerAdminService(server: AdminGrpcServer, o: AdminServiceOptions): { registry: EntityRegistry; executions: Map<string, ExecutionInfo> } {
  const model = o.model;
  const registry = new EntityRegistry({
    compiler: () => {
      if (!o.compiler) throw new AdminError('Unavailable', o.compilerMissing ?? "propeller's compiler is not available");
      return o.compiler;
    },
    checkProject: (project, domain) => model.requireProjectDomain(project, domain),
  });
  const executions = new Map<string, ExecutionInfo>();

  const unary = <Req, Res>(method: string, reqType: Message<Req>, resType: Message<Res>, fn: (req: Req) => Res | Promise<Res>) => {
    server.handle(method, async (buf) => resType.encode(await fn(reqType.decode(buf))).finish());
  };
  for (const m of adminServiceMethods()) {
    if ((IMPLEMENTED as readonly string[]).includes(m)) continue;
    server.handle(m, () => {
      throw new AdminError('Unimplemented', `AdminService.${m} is not implemented by flyte-mc's FlyteAdmin model`);
    });
  }

  // ---- tasks, workflows, launch plans ----------------------------------------------------------------------------
  unary('CreateTask', admin.TaskCreateRequest, admin.TaskCreateResponse, async (r) => (await registry.createTask(r), {}));
  unary('GetTask', admin.ObjectGetRequest, admin.Task, (r) => registry.taskMessage(registry.getTask(r.id)));
  unary('ListTasks', admin.ResourceListRequest, admin.TaskList, (r) => {
    const page = paginate(named([...registry.tasks.values()], r), r);
    return { tasks: page.items.map((t) => registry.taskMessage(t)), token: page.token };
  });
  unary('ListTaskIds', admin.NamedEntityIdentifierListRequest, admin.NamedEntityIdentifierList, (r) => namedIds([...registry.tasks.values()], r));
  unary('CreateWorkflow', admin.WorkflowCreateRequest, admin.WorkflowCreateResponse, async (r) => (await registry.createWorkflow(r), {}));
  unary('GetWorkflow', admin.ObjectGetRequest, admin.Workflow, (r) => registry.workflowMessage(registry.getWorkflow(r.id)));
  unary('ListWorkflows', admin.ResourceListRequest, admin.WorkflowList, (r) => {
    const page = paginate(named([...registry.workflows.values()], r), r);
    return { workflows: page.items.map((w) => registry.workflowMessage(w)), token: page.token };
  });
  unary('ListWorkflowIds', admin.NamedEntityIdentifierListRequest, admin.NamedEntityIdentifierList, (r) => namedIds([...registry.workflows.values()], r));
  unary('CreateLaunchPlan', admin.LaunchPlanCreateRequest, admin.LaunchPlanCreateResponse, (r) => (registry.createLaunchPlan(r), {}));
  unary('GetLaunchPlan', admin.ObjectGetRequest, admin.LaunchPlan, (r) => registry.launchPlanMessage(registry.getLaunchPlan(r.id)));
  unary('GetActiveLaunchPlan', admin.ActiveLaunchPlanRequest, admin.LaunchPlan, (r) => registry.launchPlanMessage(registry.activeLaunchPlan(r.id)));
  unary('ListLaunchPlans', admin.ResourceListRequest, admin.LaunchPlanList, (r) => {
    const page = paginate(named([...registry.launchPlans.values()], r), r);
    return { launchPlans: page.items.map((lp) => registry.launchPlanMessage(lp)), token: page.token };
  });
  unary('ListActiveLaunchPlans', admin.ActiveLaunchPlanListRequest, admin.LaunchPlanList, (r) => {
    if (!r.project) throw new AdminError('InvalidArgument', 'missing project');
    if (!r.domain) throw new AdminError('InvalidArgument', 'missing domain');
    const active = [...registry.launchPlans.values()].filter((lp) => lp.state === admin.LaunchPlanState.ACTIVE && lp.id.project === r.project && lp.id.domain === r.domain);
    const page = paginate(active, r);
    return { launchPlans: page.items.map((lp) => registry.launchPlanMessage(lp)), token: page.token };
  });
  unary('ListLaunchPlanIds', admin.NamedEntityIdentifierListRequest, admin.NamedEntityIdentifierList, (r) => namedIds([...registry.launchPlans.values()], r));
  unary('UpdateLaunchPlan', admin.LaunchPlanUpdateRequest, admin.LaunchPlanUpdateResponse, (r) => (registry.updateLaunchPlan(r.id, r.state ?? 0), {}));

  // ---- projects ----------------------------------------------------------------------------------------------------
  // FlyteAdmin gives every project the configured domains, whatever the request lists (project_manager.go:130-142):
  // the model's registerProject default.
  const projectMessage = (id: string, domains: readonly string[]): Flyteidl.admin.IProject => ({ id, name: id, domains: domains.map((d) => ({ id: d, name: d })), state: 0 });
  unary('RegisterProject', admin.ProjectRegisterRequest, admin.ProjectRegisterResponse, async (r) => {
    const id = r.project?.id ?? '';
    if (!id) throw new AdminError('InvalidArgument', 'missing project_id');
    if (!r.project?.name) throw new AdminError('InvalidArgument', 'missing project_name');
    if (model.projects.has(id)) throw new AdminError('AlreadyExists', `value with matching already exists (duplicate key value violates unique constraint "projects_pkey")`);
    model.registerProject(id);
    await o.onProjectRegistered?.(id);
    return {};
  });
  unary('GetProject', admin.ProjectGetRequest, admin.Project, (r) => {
    const domains = model.projects.get(r.id ?? '');
    if (!domains) throw new AdminError('NotFound', `missing entity of type project with identifier ${r.id ?? ''}`);
    return projectMessage(r.id ?? '', domains);
  });
  unary('ListProjects', admin.ProjectListRequest, admin.Projects, (r) => {
    if (r.filters) unsupportedFilters('ListProjects', r.filters);
    const all = [...model.projects].map(([id, d]) => projectMessage(id, d));
    const page = paginate(all, { limit: r.limit || 100, token: r.token });
    return { projects: page.items, token: page.token };
  });
  unary('GetDomains', admin.GetDomainRequest, admin.GetDomainsResponse, () => ({ domains: DEFAULT_DOMAINS.map((d) => ({ id: d, name: d })) }));
  unary('GetVersion', admin.GetVersionRequest, admin.GetVersionResponse, () => ({ controlPlaneVersion: { Version: 'v1.16.8', Build: "flyte-mc's FlyteAdmin model", BuildTime: '' } }));

  // ---- executions --------------------------------------------------------------------------------------------------
  const store = o.store;
  const executionMessage = (name: string): Flyteidl.admin.IExecution => {
    const info = executions.get(name);
    const row = model.get(name);
    if (!info || !row) throw new AdminError('NotFound', `missing entity of type execution with identifier ${name}`);
    const phase = store.lookup({ project: row.project, domain: row.domain, name })?.phase ?? 'UNDEFINED';
    const namespace = model.namespace(row.project, row.domain);
    return {
      id: info.id,
      spec: {
        ...info.spec,
        launchPlan: info.launchPlan,
        metadata: { ...info.spec.metadata, mode: info.mode, systemMetadata: { executionCluster: row.cluster, namespace } },
      },
      closure: {
        phase: WORKFLOW_PHASES.indexOf(phase),
        createdAt: timestamp(info.createdAt),
        updatedAt: timestamp(info.createdAt),
        workflowId: info.workflowId,
        ...(row.error && row.phase === 'FAILED' ? { error: { code: 'SYSTEM', message: row.error, kind: core.ExecutionError.ErrorKind.SYSTEM } } : {}),
        ...(info.abortCause !== undefined ? { abortMetadata: { cause: info.abortCause, principal: '' } } : {}),
        computedInputs: info.inputs,
      },
    };
  };

  /** Creates (or re-creates, for relaunch/recover) one execution of a launch plan; returns its name. */
  const launch = async (project: string, domain: string, name: string | undefined, spec: Flyteidl.admin.IExecutionSpec, requestInputs: Flyteidl.core.ILiteralMap | null | undefined, mode: ExecutionMode, source: string): Promise<string> => {
    const lpId = spec.launchPlan;
    if (!lpId) throw new AdminError('InvalidArgument', 'missing launch_plan');
    if (lpId.resourceType === core.ResourceType.TASK) {
      throw new AdminError('Unimplemented', 'single-task executions (CreateExecution of a task) are not implemented by flyte-mc\'s FlyteAdmin model; register a workflow');
    }
    const lp = registry.getLaunchPlan({ ...lpId, resourceType: core.ResourceType.LAUNCH_PLAN });
    const wf = registry.getWorkflow(lp.spec.workflowId);
    const inputs = executionInputs(lp, requestInputs ?? spec.inputs ?? {});
    const label = spec.executionClusterLabel?.value ?? '';
    const compiler = o.compiler;
    const row = await model.create(
      {
        project,
        domain,
        workflow: wf.id.name ?? '',
        ...(name ? { name } : {}),
        ...(label ? { label } : {}),
        flyteWorkflow: async (e) => {
          if (!compiler) throw new Error(o.compilerMissing ?? "propeller's compiler is not available");
          return compiler.build(wf.closure, {
            id: core.WorkflowExecutionIdentifier.encode({ project, domain, name: e.name }).finish(),
            namespace: e.namespace,
            inputs: core.LiteralMap.encode(inputs).finish(),
            labels: { ...(lp.spec.labels?.values ?? {}), ...(spec.labels?.values ?? {}) },
            annotations: { ...(lp.spec.annotations?.values ?? {}), ...(spec.annotations?.values ?? {}) },
            acceptedAt: new Date(),
            rawOutputPrefix: spec.rawOutputDataConfig?.outputLocationPrefix || lp.spec.rawOutputDataConfig?.outputLocationPrefix || o.rawOutputPrefix(e.name),
            serviceAccount: spec.securityContext?.runAs?.k8sServiceAccount || lp.spec.securityContext?.runAs?.k8sServiceAccount || undefined,
          });
        },
      },
      mode,
      source,
    );
    const created = model.executions.at(row);
    executions.set(created.name, { id: { project, domain, name: created.name }, spec: { ...spec, inputs: undefined }, inputs, launchPlan: lp.id, workflowId: wf.id, createdAt: new Date(), mode: MODE[mode] });
    return created.name;
  };

  unary('CreateExecution', admin.ExecutionCreateRequest, admin.ExecutionCreateResponse, async (r) => {
    if (!r.project) throw new AdminError('InvalidArgument', 'missing project');
    if (!r.domain) throw new AdminError('InvalidArgument', 'missing domain');
    if (!r.spec) throw new AdminError('InvalidArgument', 'missing spec');
    const name = await launch(r.project, r.domain, r.name || undefined, r.spec, r.inputs, 'create', '');
    return { id: { project: r.project, domain: r.domain, name } };
  });
  const existing = (id: Flyteidl.core.IWorkflowExecutionIdentifier | null | undefined): ExecutionInfo => {
    const info = executions.get(id?.name ?? '');
    if (!info || info.id.project !== id?.project || info.id.domain !== id?.domain) {
      throw new AdminError('NotFound', `missing entity of type execution with identifier project:"${id?.project ?? ''}" domain:"${id?.domain ?? ''}" name:"${id?.name ?? ''}"`);
    }
    return info;
  };
  // Relaunch and recover copy the old spec (its explicit label included) and place again under the new name
  // (execution_manager.go:1294-1402); the label from matchable attributes is looked up afresh.
  unary('RelaunchExecution', admin.ExecutionRelaunchRequest, admin.ExecutionCreateResponse, async (r) => {
    const old = existing(r.id);
    const name = await launch(old.id.project ?? '', old.id.domain ?? '', r.name || undefined, { ...old.spec, launchPlan: old.launchPlan }, old.inputs, 'relaunch', old.id.name ?? '');
    return { id: { project: old.id.project, domain: old.id.domain, name } };
  });
  unary('RecoverExecution', admin.ExecutionRecoverRequest, admin.ExecutionCreateResponse, async (r) => {
    const old = existing(r.id);
    const name = await launch(old.id.project ?? '', old.id.domain ?? '', r.name || undefined, { ...old.spec, launchPlan: old.launchPlan }, old.inputs, 'recover', old.id.name ?? '');
    return { id: { project: old.id.project, domain: old.id.domain, name } };
  });
  unary('GetExecution', admin.WorkflowExecutionGetRequest, admin.Execution, (r) => executionMessage(existing(r.id).id.name ?? ''));
  unary('ListExecutions', admin.ResourceListRequest, admin.ExecutionList, (r) => {
    if (r.filters) unsupportedFilters('ListExecutions', r.filters);
    if (!r.id?.project) throw new AdminError('InvalidArgument', 'missing project');
    if (!r.id?.domain) throw new AdminError('InvalidArgument', 'missing domain');
    const mine = [...executions.values()].filter((e) => e.id.project === r.id?.project && e.id.domain === r.id?.domain);
    const page = paginate(mine, r);
    return { executions: page.items.map((e) => executionMessage(e.id.name ?? '')), token: page.token };
  });
  unary('TerminateExecution', admin.ExecutionTerminateRequest, admin.ExecutionTerminateResponse, async (r) => {
    const info = existing(r.id);
    // The model refuses a terminal execution (FailedPrecondition) before it stores anything; once it has set the
    // execution ABORTING, the cause is FlyteAdmin's abort metadata, even when the abort itself fails.
    try {
      await model.terminate(info.id.name ?? '');
    } catch (err) {
      if (!(err instanceof AdminError && err.code === 'FailedPrecondition')) info.abortCause = r.cause ?? '';
      throw err;
    }
    info.abortCause = r.cause ?? '';
    return {};
  });

  // ---- matchable attributes (EXECUTION_CLUSTER_LABEL) ---------------------------------------------------------------
  const eclValue = (m: Flyteidl.admin.IMatchingAttributes | null | undefined, call: string): string => {
    if (!m?.executionClusterLabel) {
      const kind = m ? Object.keys(m).find((k) => (m as Record<string, unknown>)[k] != null) : undefined;
      throw new AdminError('Unimplemented', `${call}: flyte-mc's FlyteAdmin model keeps only EXECUTION_CLUSTER_LABEL attributes${kind ? ` (got ${kind})` : ''}`);
    }
    return m.executionClusterLabel.value ?? '';
  };
  const eclOnly = (resourceType: number | null | undefined, call: string) => {
    if ((resourceType ?? 0) !== ECL) throw new AdminError('Unimplemented', `${call}: flyte-mc's FlyteAdmin model keeps only EXECUTION_CLUSTER_LABEL attributes (resource type ${admin.MatchableResource[resourceType ?? 0] ?? resourceType})`);
  };
  const label = (value: string): Flyteidl.admin.IMatchingAttributes => ({ executionClusterLabel: { value } });
  // The row at exactly this level, not an inherited one (flytectl get at a level reads that level's row).
  const atLevel = (project: string, domain: string, workflow: string) => {
    const row = model.attributes.list().find((a) => a.project === project && a.domain === domain && a.workflow === workflow);
    if (!row) throw new AdminError('NotFound', `Resource [{Project:${project} Domain:${domain} Workflow:${workflow} LaunchPlan: ResourceType:EXECUTION_CLUSTER_LABEL}] not found`);
    return row.value;
  };
  unary('UpdateProjectDomainAttributes', admin.ProjectDomainAttributesUpdateRequest, admin.ProjectDomainAttributesUpdateResponse, (r) => {
    const a = r.attributes;
    model.attributes.update({ project: a?.project ?? '', domain: a?.domain ?? '', value: eclValue(a?.matchingAttributes, 'UpdateProjectDomainAttributes') });
    return {};
  });
  unary('GetProjectDomainAttributes', admin.ProjectDomainAttributesGetRequest, admin.ProjectDomainAttributesGetResponse, (r) => {
    eclOnly(r.resourceType, 'GetProjectDomainAttributes');
    return { attributes: { project: r.project, domain: r.domain, matchingAttributes: label(atLevel(r.project ?? '', r.domain ?? '', '')) } };
  });
  unary('DeleteProjectDomainAttributes', admin.ProjectDomainAttributesDeleteRequest, admin.ProjectDomainAttributesDeleteResponse, (r) => {
    eclOnly(r.resourceType, 'DeleteProjectDomainAttributes');
    model.attributes.delete(r.project ?? '', r.domain ?? '');
    return {};
  });
  unary('UpdateProjectAttributes', admin.ProjectAttributesUpdateRequest, admin.ProjectAttributesUpdateResponse, (r) => {
    const a = r.attributes;
    model.attributes.update({ project: a?.project ?? '', value: eclValue(a?.matchingAttributes, 'UpdateProjectAttributes') });
    return {};
  });
  unary('GetProjectAttributes', admin.ProjectAttributesGetRequest, admin.ProjectAttributesGetResponse, (r) => {
    eclOnly(r.resourceType, 'GetProjectAttributes');
    return { attributes: { project: r.project, matchingAttributes: label(atLevel(r.project ?? '', '', '')) } };
  });
  unary('DeleteProjectAttributes', admin.ProjectAttributesDeleteRequest, admin.ProjectAttributesDeleteResponse, (r) => {
    eclOnly(r.resourceType, 'DeleteProjectAttributes');
    model.attributes.delete(r.project ?? '');
    return {};
  });
  unary('UpdateWorkflowAttributes', admin.WorkflowAttributesUpdateRequest, admin.WorkflowAttributesUpdateResponse, (r) => {
    const a = r.attributes;
    model.attributes.update({ project: a?.project ?? '', domain: a?.domain ?? '', workflow: a?.workflow ?? '', value: eclValue(a?.matchingAttributes, 'UpdateWorkflowAttributes') });
    return {};
  });
  unary('GetWorkflowAttributes', admin.WorkflowAttributesGetRequest, admin.WorkflowAttributesGetResponse, (r) => {
    eclOnly(r.resourceType, 'GetWorkflowAttributes');
    return { attributes: { project: r.project, domain: r.domain, workflow: r.workflow, matchingAttributes: label(atLevel(r.project ?? '', r.domain ?? '', r.workflow ?? '')) } };
  });
  unary('DeleteWorkflowAttributes', admin.WorkflowAttributesDeleteRequest, admin.WorkflowAttributesDeleteResponse, (r) => {
    eclOnly(r.resourceType, 'DeleteWorkflowAttributes');
    model.attributes.delete(r.project ?? '', r.domain ?? '', r.workflow ?? '');
    return {};
  });
  unary('ListMatchableAttributes', admin.ListMatchableAttributesRequest, admin.ListMatchableAttributesResponse, (r) => {
    eclOnly(r.resourceType, 'ListMatchableAttributes');
    return { configurations: model.attributes.list().map((a) => ({ project: a.project, domain: a.domain, workflow: a.workflow, attributes: label(a.value) })) };
  });

  return { registry, executions };
}

/**
 * CheckAndFetchInputsForExecution (validation/execution_validator.go:77-126): every request input must be expected;
 * expected inputs not given take their default, or are an error when required; a fixed input given is an error.
 * The type-castability check is not modelled.
 */
function executionInputs(lp: { spec: Flyteidl.admin.ILaunchPlanSpec; expectedInputs: Flyteidl.core.IParameterMap }, given: Flyteidl.core.ILiteralMap): Flyteidl.core.ILiteralMap {
  const expected = lp.expectedInputs.parameters ?? {};
  const out: Record<string, Flyteidl.core.ILiteral> = {};
  for (const [name, lit] of Object.entries(given.literals ?? {})) {
    if (!(name in expected)) throw new AdminError('InvalidArgument', `invalid input ${name}`);
    out[name] = lit;
  }
  for (const [name, p] of Object.entries(expected)) {
    if (name in out) continue;
    if (p.required) throw new AdminError('InvalidArgument', `expected_inputs ${name} missing`);
    if (p.default) out[name] = p.default;
  }
  for (const [name, lit] of Object.entries(lp.spec.fixedInputs?.literals ?? {})) {
    if (name in out) throw new AdminError('InvalidArgument', `fixed_inputs ${name} cannot be overridden`);
    out[name] = lit;
  }
  return { literals: out };
}

function unsupportedFilters(call: string, filters: string): never {
  throw new AdminError('Unimplemented', `${call}: filters are not implemented by flyte-mc's FlyteAdmin model (got "${filters}")`);
}

/** Entities of one project/domain(/name), in registration order; a request filter is refused rather than ignored. */
function named<T extends { id: Flyteidl.core.IIdentifier }>(all: T[], r: Flyteidl.admin.IResourceListRequest): T[] {
  if (r.filters) unsupportedFilters('List', r.filters);
  return all.filter((e) => e.id.project === r.id?.project && e.id.domain === r.id?.domain && (!r.id?.name || e.id.name === r.id.name));
}

function namedIds(all: { id: Flyteidl.core.IIdentifier }[], r: Flyteidl.admin.INamedEntityIdentifierListRequest): Flyteidl.admin.INamedEntityIdentifierList {
  if (r.filters) unsupportedFilters('List…Ids', r.filters);
  const names = new Map<string, Flyteidl.admin.INamedEntityIdentifier>();
  for (const e of all) if (e.id.project === r.project && e.id.domain === r.domain) names.set(idKey({ ...e.id, version: '' }), { project: e.id.project, domain: e.id.domain, name: e.id.name });
  const page = paginate([...names.values()], r);
  return { entities: page.items, token: page.token };
}

/** FlyteAdmin's offset tokens: the next offset while a page is full, '' at the end; limit 0 is invalid. */
function paginate<T>(items: T[], r: { limit?: number | null; token?: string | null }): { items: T[]; token: string } {
  const limit = r.limit ?? 0;
  if (limit <= 0) throw new AdminError('InvalidArgument', 'invalid value for limit');
  const offset = r.token ? Number(r.token) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new AdminError('InvalidArgument', `invalid pagination token ${r.token}`);
  const page = items.slice(offset, offset + limit);
  return { items: page, token: page.length === limit ? String(offset + limit) : '' };
}

