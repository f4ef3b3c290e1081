// FlyteAdmin's AdminService over gRPC: @flyteorg/flyteidl's protobufjs service with @grpc/grpc-js as the transport
// (plaintext, loopback). Every call has a deadline; failures reject with AdminRpcError carrying the gRPC code.
import * as grpc from '@grpc/grpc-js';
import { admin, core, flyteidl, type Flyteidl } from '../../flyte/idl.ts';

export class AdminRpcError extends Error {
  readonly code: number;
  readonly method: string;
  readonly details: string;
  constructor(method: string, code: number, details: string) {
    super(`${method}: ${grpc.status[code] ?? code}: ${details}`);
    this.name = 'AdminRpcError';
    this.method = method;
    this.code = code;
    this.details = details;
  }
}

export const SERVICE = 'flyteidl.service.AdminService';

export interface AdminClientOptions {
  /** Per-call deadline. @defaultValue 30000 */
  timeoutMs?: number;
}

export type ExecutionId = Flyteidl.core.IWorkflowExecutionIdentifier;

export class AdminClient {
  readonly address: string;
  private readonly channel: grpc.Client;
  private readonly timeoutMs: number;
  /** The generated service bound to this channel (every AdminService method, promise style). */
  readonly service: Flyteidl.service.AdminService;

  constructor(address: string, opts: AdminClientOptions = {}) {
    this.address = address;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.channel = new grpc.Client(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
    this.service = flyteidl.service.AdminService.create(
      (method, requestData, callback) => {
        const name = (method as { name: string }).name;
        this.channel.makeUnaryRequest<Uint8Array, Buffer>(
          `/${SERVICE}/${name}`,
          (b) => Buffer.from(b),
          (b) => b,
          requestData,
          new grpc.Metadata(),
          { deadline: Date.now() + this.timeoutMs },
          (err, res) => {
            if (err) callback(new AdminRpcError(name, err.code ?? grpc.status.UNKNOWN, err.details ?? err.message), null);
            else callback(null, res ?? new Uint8Array());
          },
        );
      },
      false,
      false,
    );
  }

  close(): void {
    this.channel.close();
  }

  /** Resolves when the channel is connected (FlyteAdmin's gRPC port accepts), rejects after timeoutMs. */
  waitReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.channel.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** A cheap authenticated-if-auth-were-on call, used as the readiness probe. */
  listProjects(): Promise<Flyteidl.admin.Projects> {
    return this.service.listProjects({ limit: 100 });
  }

  registerProject(id: string, domains: readonly string[]): Promise<unknown> {
    return this.service.registerProject({
      project: { id, name: id, description: 'registered by flyte-mc', domains: domains.map((d) => ({ id: d, name: d })) },
    });
  }

  createTask(req: Flyteidl.admin.ITaskCreateRequest): Promise<unknown> {
    return this.service.createTask(req);
  }

  createWorkflow(req: Flyteidl.admin.IWorkflowCreateRequest): Promise<unknown> {
    return this.service.createWorkflow(req);
  }

  createLaunchPlan(req: Flyteidl.admin.ILaunchPlanCreateRequest): Promise<unknown> {
    return this.service.createLaunchPlan(req);
  }

  /** Project-domain EXECUTION_CLUSTER_LABEL (priority 10). */
  setProjectDomainLabel(project: string, domain: string, value: string): Promise<unknown> {
    return this.service.updateProjectDomainAttributes({
      attributes: { project, domain, matchingAttributes: { executionClusterLabel: { value } } },
    });
  }

  /** Workflow-level EXECUTION_CLUSTER_LABEL (priority 100). */
  setWorkflowLabel(project: string, domain: string, workflow: string, value: string): Promise<unknown> {
    return this.service.updateWorkflowAttributes({
      attributes: { project, domain, workflow, matchingAttributes: { executionClusterLabel: { value } } },
    });
  }

  /** Creates an execution of a launch plan; `label` sets ExecutionSpec.execution_cluster_label. */
  createExecution(p: {
    project: string;
    domain: string;
    name: string;
    launchPlan: Flyteidl.core.IIdentifier;
    label?: string;
  }): Promise<Flyteidl.admin.ExecutionCreateResponse> {
    return this.service.createExecution({
      project: p.project,
      domain: p.domain,
      name: p.name,
      spec: {
        launchPlan: p.launchPlan,
        metadata: { mode: admin.ExecutionMetadata.ExecutionMode.MANUAL, principal: 'flyte-mc' },
        ...(p.label !== undefined ? { executionClusterLabel: { value: p.label } } : {}),
      },
      inputs: { literals: {} },
    });
  }

  relaunchExecution(id: ExecutionId, name: string): Promise<Flyteidl.admin.ExecutionCreateResponse> {
    return this.service.relaunchExecution({ id, name });
  }

  recoverExecution(id: ExecutionId, name: string): Promise<Flyteidl.admin.ExecutionCreateResponse> {
    return this.service.recoverExecution({ id, name });
  }

  terminateExecution(id: ExecutionId, cause: string): Promise<unknown> {
    return this.service.terminateExecution({ id, cause });
  }

  getExecution(id: ExecutionId): Promise<Flyteidl.admin.Execution> {
    return this.service.getExecution({ id });
  }
}

/** The cluster FlyteAdmin reports for an execution: spec.metadata.systemMetadata.executionCluster. */
export function reportedCluster(e: Flyteidl.admin.IExecution): string {
  return e.spec?.metadata?.systemMetadata?.executionCluster ?? '';
}

/** Phase name of an execution (e.g. RUNNING, FAILED, ABORTING). */
export function phaseName(e: Flyteidl.admin.IExecution): string {
  const p = e.closure?.phase ?? 0;
  return core.WorkflowExecution.Phase[p] ?? String(p);
}
