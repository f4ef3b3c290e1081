// FlyteAdmin's handling of the execution events propeller sends (CreateWorkflowEvent, CreateNodeEvent,
// CreateTaskEvent), as pure decisions over the model's executions table. The rules, in FlyteAdmin's order:
// - workflow events (flyteadmin/pkg/manager/impl/execution_manager.go:1542-1591 at v1.16.8): an unknown execution is
//   NotFound; a non-QUEUED event repeating the stored phase is AlreadyExists, otherwise its producer id must pass the
//   cluster check; then a terminal execution answers AlreadyInTerminalState, RUNNING → QUEUED and ABORTING →
//   non-terminal are FailedPrecondition;
// - node events (node_execution_manager.go:204-270): the cluster check on every event, QUEUED included; the same
//   phase again is AlreadyExists; a terminal node answers AlreadyInTerminalState carrying the *event's* phase;
// - task events (task_execution_manager.go:128-175): the cluster check, then the same phase at a version not newer is
//   AlreadyExists, a terminal task answers AlreadyInTerminalState.
// The cluster check (validation/shared_execution.go:31-43): producer ids '' and 'propeller' always pass; any other
// must equal the stored cluster, else IncompatibleCluster (FailedPrecondition with an EventFailureReason detail that
// names the event's cluster). Propeller reads that detail (flytepropeller/events/errors/errors.go).

/** gRPC status codes FlyteAdmin answers events with. */
export const GrpcCode = { InvalidArgument: 3, NotFound: 5, AlreadyExists: 6, FailedPrecondition: 9, Internal: 13 } as const;

/** flyteidl.core.WorkflowExecution.Phase names. */
export const WORKFLOW_PHASES = ['UNDEFINED', 'QUEUED', 'RUNNING', 'SUCCEEDING', 'SUCCEEDED', 'FAILING', 'FAILED', 'ABORTED', 'TIMED_OUT', 'ABORTING'] as const;
export type WorkflowPhase = (typeof WORKFLOW_PHASES)[number];
/** flyteidl.core.NodeExecution.Phase names. */
export const NODE_PHASES = ['UNDEFINED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILING', 'FAILED', 'ABORTED', 'SKIPPED', 'TIMED_OUT', 'DYNAMIC_RUNNING', 'RECOVERED'] as const;
export type NodePhase = (typeof NODE_PHASES)[number];
/** flyteidl.core.TaskExecution.Phase names. */
export const TASK_PHASES = ['UNDEFINED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'ABORTED', 'FAILED', 'INITIALIZING', 'WAITING_FOR_RESOURCES', 'RETRYABLE_FAILED'] as const;
export type TaskPhase = (typeof TASK_PHASES)[number];

const WF_TERMINAL = new Set<WorkflowPhase>(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT']);
const NODE_TERMINAL = new Set<NodePhase>(['SUCCEEDED', 'FAILED', 'ABORTED', 'SKIPPED', 'TIMED_OUT', 'RECOVERED']);
const TASK_TERMINAL = new Set<TaskPhase>(['SUCCEEDED', 'ABORTED', 'FAILED']);

/** The EventFailureReason detail propeller acts on. */
export type EventFailureReason = { alreadyInTerminalState: { currentPhase: string } } | { incompatibleCluster: { cluster: string } };

/** A rejected event, as FlyteAdmin's gRPC error. */
export class EventRejection extends Error {
  readonly code: number;
  readonly reason: EventFailureReason | undefined;
  constructor(code: number, message: string, reason?: EventFailureReason) {
    super(message);
    this.name = 'EventRejection';
    this.code = code;
    this.reason = reason;
  }
}

export interface ExecutionKey {
  project: string;
  domain: string;
  name: string;
}

/** What the event handlers need from FlyteAdmin's executions table. */
export interface ExecutionStore {
  /** The stored cluster and phase, or undefined when there is no such execution. */
  lookup(id: ExecutionKey): { cluster: string; phase: WorkflowPhase } | undefined;
  /** Persists an accepted workflow event's phase. */
  setPhase(id: ExecutionKey, phase: WorkflowPhase): void;
}

export interface WorkflowEvent {
  executionId: ExecutionKey;
  producerId: string;
  phase: WorkflowPhase;
  /** Where the workflow's outputs are (terminal SUCCEEDED events with the default reference policy). */
  outputUri?: string;
}

export interface NodeEvent {
  executionId: ExecutionKey;
  nodeId: string;
  /** Retry/parent scoping of the node execution id beyond execution + node id (sub-workflows, dynamic nodes). */
  scope?: string;
  producerId: string;
  phase: NodePhase;
}

export interface TaskEvent {
  executionId: ExecutionKey;
  nodeId: string;
  taskId: string;
  retryAttempt: number;
  producerId: string;
  phase: TaskPhase;
  phaseVersion: number;
}

/** Every accepted and rejected event, for reports and tests. */
export interface EventTally {
  accepted: { workflow: number; node: number; task: number };
  rejected: Map<string, number>;
}

function fmtId(id: ExecutionKey): string {
  return `project:"${id.project}" domain:"${id.domain}" name:"${id.name}"`;
}

/** validation.ValidateCluster. */
export function validateCluster(clusterInDb: string, clusterInEvent: string): void {
  if (clusterInEvent === '' || clusterInEvent === 'propeller') return;
  if (clusterInEvent !== clusterInDb) {
    throw new EventRejection(
      GrpcCode.FailedPrecondition,
      `Cluster/producer from event [${clusterInEvent}] does not match existing workflow execution clusterInDB: [${clusterInDb}]`,
      { incompatibleCluster: { cluster: clusterInEvent } },
    );
  }
}

/** FlyteAdmin's event handling over a store; keeps node and task execution phases (FlyteAdmin's other tables). */
export class EventLedger {
  readonly tally: EventTally = { accepted: { workflow: 0, node: 0, task: 0 }, rejected: new Map() };
  /** outputUri of accepted SUCCEEDED workflow events, by execution name (FlyteAdmin's executions.outputs). */
  readonly outputs = new Map<string, string>();
  private readonly nodes = new Map<string, NodePhase>();
  private readonly tasks = new Map<string, { phase: TaskPhase; version: number }>();
  private readonly store: ExecutionStore;

  constructor(store: ExecutionStore) {
    this.store = store;
  }

  private reject(kind: string, err: unknown): never {
    const key = err instanceof EventRejection ? `${kind}:${err.reason ? Object.keys(err.reason)[0] : err.code}` : `${kind}:error`;
    this.tally.rejected.set(key, (this.tally.rejected.get(key) ?? 0) + 1);
    throw err;
  }

  private mustFind(id: ExecutionKey | undefined): { cluster: string; phase: WorkflowPhase } {
    if (!id || !id.name) throw new EventRejection(GrpcCode.InvalidArgument, 'missing execution id');
    const row = this.store.lookup(id);
    if (!row) throw new EventRejection(GrpcCode.NotFound, `missing entity of type execution with identifier ${fmtId(id)}`);
    return row;
  }

  workflowEvent(ev: WorkflowEvent): void {
    try {
      const row = this.mustFind(ev.executionId);
      const cur = row.phase;
      const id = fmtId(ev.executionId);
      if (ev.phase !== 'QUEUED') {
        if (cur === ev.phase) throw new EventRejection(GrpcCode.AlreadyExists, `This phase ${cur} was already recorded for workflow execution ${id}`);
        validateCluster(row.cluster, ev.producerId);
      }
      if (WF_TERMINAL.has(cur)) {
        throw new EventRejection(GrpcCode.FailedPrecondition, `Invalid phase change from ${cur} to ${ev.phase} for workflow execution ${id}`, {
          alreadyInTerminalState: { currentPhase: cur },
        });
      }
      if (cur === 'RUNNING' && ev.phase === 'QUEUED') throw new EventRejection(GrpcCode.FailedPrecondition, `Cannot go from ${cur} to ${ev.phase} for workflow execution ${id}`);
      if (cur === 'ABORTING' && !WF_TERMINAL.has(ev.phase)) {
        throw new EventRejection(GrpcCode.FailedPrecondition, `Invalid phase change from aborting to ${ev.phase} for workflow execution ${id}`);
      }
      this.store.setPhase(ev.executionId, ev.phase);
      if (ev.outputUri) this.outputs.set(ev.executionId.name, ev.outputUri);
      this.tally.accepted.workflow++;
    } catch (err) {
      this.reject('workflow', err);
    }
  }

  nodeEvent(ev: NodeEvent): void {
    try {
      const row = this.mustFind(ev.executionId);
      validateCluster(row.cluster, ev.producerId);
      const key = `${fmtId(ev.executionId)}/${ev.scope ?? ''}/${ev.nodeId}`;
      const cur = this.nodes.get(key);
      if (cur !== undefined) {
        if (cur === ev.phase) throw new EventRejection(GrpcCode.AlreadyExists, `This phase was already recorded ${cur} for ${key}`);
        if (NODE_TERMINAL.has(cur)) {
          throw new EventRejection(GrpcCode.FailedPrecondition, `Invalid phase change from ${cur} to ${ev.phase} for node execution ${key}`, {
            alreadyInTerminalState: { currentPhase: ev.phase },
          });
        }
      }
      this.nodes.set(key, ev.phase);
      this.tally.accepted.node++;
    } catch (err) {
      this.reject('node', err);
    }
  }

  taskEvent(ev: TaskEvent): void {
    try {
      const row = this.mustFind(ev.executionId);
      validateCluster(row.cluster, ev.producerId);
      const key = `${fmtId(ev.executionId)}/${ev.nodeId}/${ev.taskId}/${ev.retryAttempt}`;
      const cur = this.tasks.get(key);
      if (cur !== undefined) {
        if (cur.phase === ev.phase && cur.version >= ev.phaseVersion) {
          throw new EventRejection(GrpcCode.AlreadyExists, `have already recorded task execution phase ${ev.phase} (version: ${ev.phaseVersion}) for ${key}`);
        }
        if (TASK_TERMINAL.has(cur.phase)) {
          throw new EventRejection(GrpcCode.FailedPrecondition, `invalid phase change from ${cur.phase} to ${ev.phase} for task execution ${key}`, {
            alreadyInTerminalState: { currentPhase: ev.phase },
          });
        }
      }
      this.tasks.set(key, { phase: ev.phase, version: ev.phaseVersion });
      this.tally.accepted.task++;
    } catch (err) {
      this.reject('task', err);
    }
  }
}
