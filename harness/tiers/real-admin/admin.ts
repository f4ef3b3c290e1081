// The real FlyteAdmin behind the same interface as the model (admin/api.ts): each call is FlyteAdmin's gRPC API,
// each answer is what FlyteAdmin stored. explain() is flyte-mc's prediction from the clusters.yaml FlyteAdmin runs
// with and the attribute rows written through this object, which is what the comparisons check it against.
import type { CreateExecutionRequest, ExecutionRecord, FlyteAdminApi, StartAttempt, WorkflowEvent } from '../../admin/api.ts';
import { AdminError, levelOf, type EclFile } from '../../admin/attributes.ts';
import type { ExecutionClusterLabelRow, PlacementExplanation } from '../../placement/index.ts';
import { AdminRpcError, phaseName, reportedCluster, type ExecutionId } from './client.ts';
import { core, type Flyteidl } from '../../flyte/idl.ts';
import { PlacementModel } from './compare.ts';
import { AdminStartError, type RealAdmin } from './launcher.ts';
import { minimalEntities } from './workflow.ts';

/** gRPC status codes FlyteAdmin answers with, as the model's AdminError codes. */
const CODES: Record<number, AdminError['code']> = { 3: 'InvalidArgument', 5: 'NotFound', 6: 'AlreadyExists', 9: 'FailedPrecondition', 13: 'Internal', 14: 'Unavailable' };

function asAdminError(err: unknown): unknown {
  if (err instanceof AdminRpcError) return new AdminError(CODES[err.code] ?? 'Internal', err.details);
  return err;
}

/** What the adapter needs of a running FlyteAdmin (RealAdmin from launcher.ts). */
export type RunningAdmin = Pick<RealAdmin, 'client' | 'restartWith' | 'valuesOverride' | 'clustersYaml'>;

export class RealFlyteAdmin implements FlyteAdminApi {
  private readonly admin: RunningAdmin;
  private readonly rows: ExecutionClusterLabelRow[] = [];
  private generated = 0;

  constructor(admin: RunningAdmin) {
    this.admin = admin;
  }

  private id(project: string, domain: string, name: string): ExecutionId {
    return { project, domain, name };
  }

  private async record(id: ExecutionId): Promise<ExecutionRecord> {
    const e = await this.admin.client.getExecution(id).catch((err: unknown) => Promise.reject(asAdminError(err)));
    const lp = e.spec?.launchPlan;
    return { name: id.name ?? '', project: id.project ?? '', domain: id.domain ?? '', workflow: lp?.name ?? '', cluster: reportedCluster(e), phase: phaseName(e) };
  }

  /** Finds an execution's project and domain by name in the projects FlyteAdmin knows (names are unique per project-domain; the model's are global). */
  private readonly where = new Map<string, { project: string; domain: string }>();

  private located(name: string): ExecutionId {
    const w = this.where.get(name);
    if (!w) throw new AdminError('NotFound', `missing entity of type execution with identifier ${name}`);
    return this.id(w.project, w.domain, name);
  }

  async createExecution(req: CreateExecutionRequest): Promise<ExecutionRecord> {
    if (req.parent !== undefined || req.singleTask) throw new AdminError('InvalidArgument', 'child and single-task executions are not driven through the real tier');
    const name = req.name ?? `fmc${String(++this.generated).padStart(17, '0')}`;
    const e = minimalEntities(req.project, req.domain, req.workflow);
    try {
      await this.admin.client.createExecution({ project: req.project, domain: req.domain, name, launchPlan: e.launchPlanId, ...(req.label !== undefined ? { label: req.label } : {}) });
    } catch (err) {
      throw asAdminError(err);
    }
    this.where.set(name, { project: req.project, domain: req.domain });
    return this.record(this.id(req.project, req.domain, name));
  }

  private async again(kind: 'relaunch' | 'recover', name: string, newName?: string): Promise<ExecutionRecord> {
    const id = this.located(name);
    const fresh = newName ?? `fmc${String(++this.generated).padStart(17, '0')}`;
    try {
      if (kind === 'relaunch') await this.admin.client.relaunchExecution(id, fresh);
      else await this.admin.client.recoverExecution(id, fresh);
    } catch (err) {
      throw asAdminError(err);
    }
    this.where.set(fresh, { project: id.project ?? '', domain: id.domain ?? '' });
    return this.record(this.id(id.project ?? '', id.domain ?? '', fresh));
  }

  relaunch(name: string, newName?: string): Promise<ExecutionRecord> {
    return this.again('relaunch', name, newName);
  }

  recover(name: string, newName?: string): Promise<ExecutionRecord> {
    return this.again('recover', name, newName);
  }

  async terminate(name: string): Promise<ExecutionRecord> {
    const id = this.located(name);
    try {
      await this.admin.client.terminateExecution(id, 'terminated by flyte-mc');
    } catch (err) {
      throw asAdminError(err);
    }
    return this.record(id);
  }

  async updateAttributes(file: EclFile): Promise<void> {
    const { project = '', domain = '', workflow = '', value = '' } = file;
    if (!project) throw new AdminError('InvalidArgument', 'project is required');
    const level = levelOf({ domain, workflow });
    const labels = { matchingAttributes: { executionClusterLabel: { value } } };
    const service = this.admin.client.service;
    try {
      if (level === 'workflow') await service.updateWorkflowAttributes({ attributes: { project, domain, workflow, ...labels } });
      else if (level === 'project-domain') await service.updateProjectDomainAttributes({ attributes: { project, domain, ...labels } });
      else await service.updateProjectAttributes({ attributes: { project, ...labels } });
    } catch (err) {
      throw asAdminError(err);
    }
    const i = this.rows.findIndex((r) => r.project === project && (r.domain ?? '') === domain && (r.workflow ?? '') === workflow);
    if (i >= 0) this.rows.splice(i, 1);
    this.rows.push({ project, ...(domain ? { domain } : {}), ...(workflow ? { workflow } : {}), value });
  }

  private async start(valuesYaml: string): Promise<StartAttempt> {
    try {
      await this.admin.restartWith(valuesYaml);
      return { ok: true, stillServing: true };
    } catch (err) {
      if (!(err instanceof AdminStartError)) throw err;
      const stage = err.step === 'serve' ? 'serve' : err.step === 'clusterresource sync' ? 'sync-cluster-resources' : 'values';
      return { ok: false, stage, error: err.message.split('\n')[0] ?? err.message, stillServing: false };
    }
  }

  async restart(valuesYaml: string): Promise<StartAttempt> {
    return this.start(valuesYaml);
  }

  /** One process, no rolling update: a failed start is rolled back to the previous values, as a Deployment keeps the old pod. */
  async rollout(valuesYaml: string): Promise<StartAttempt> {
    const previous = this.admin.valuesOverride;
    const attempt = await this.start(valuesYaml);
    if (attempt.ok) return attempt;
    const back = await this.start(previous);
    return { ...attempt, stillServing: back.ok };
  }

  explain(req: CreateExecutionRequest & { name: string }): PlacementExplanation {
    const prediction = new PlacementModel(this.admin.clustersYaml()).withRows(this.rows).predict({ name: req.name, label: req.label ?? '', project: req.project, domain: req.domain, workflow: req.workflow });
    if (!prediction.ok) throw new AdminError('Internal', prediction.error);
    return prediction.explanation;
  }

  /** CreateWorkflowEvent as a data plane's propeller sends it (FlyteAdmin validates producer and phase). */
  async recordEvent(name: string, event: WorkflowEvent): Promise<void> {
    const executionId = this.located(name);
    const now = Date.now();
    try {
      await this.admin.client.service.createWorkflowEvent({
        requestId: `${name}-${event.phase}-${now}`,
        event: {
          executionId,
          producerId: event.producerId,
          phase: core.WorkflowExecution.Phase[event.phase],
          // protobufjs encodes a number where the typings say Long.
          occurredAt: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1_000_000 } as unknown as NonNullable<Flyteidl.event.IWorkflowExecutionEvent["occurredAt"]>,
          outputUri: event.phase === 'SUCCEEDED' ? 's3://flyte-mc/outputs' : undefined,
        },
      });
    } catch (err) {
      throw asAdminError(err);
    }
  }
}
