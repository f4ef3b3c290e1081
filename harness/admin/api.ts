// One FlyteAdmin, two implementations: the model (admin/model.ts, in-process, over any backend) and the real
// FlyteAdmin v1.16.8 binary (tiers/real-admin/admin.ts, over gRPC). Scenarios and comparisons written against this
// interface run on either. Errors are AdminError (attributes.ts) with FlyteAdmin's gRPC-style code.
import type { PlacementExplanation } from '../placement/index.ts';
import type { EclFile } from './attributes.ts';
import type { KubeObject } from '../backends/types.ts';

export type StartStage = 'values' | 'mount' | 'sync-cluster-resources' | 'serve';

export interface StartAttempt {
  ok: boolean;
  stage?: StartStage;
  error?: string;
  /** With a rolling update, a failed new pod leaves the old one serving its old config. */
  stillServing: boolean;
  /** The pod template did not change, so no new pod started (helm upgrade with identical manifests). */
  unchanged?: boolean;
}

export interface CreateExecutionRequest {
  project: string;
  domain: string;
  workflow: string;
  /** Execution name; FlyteAdmin generates "a" + 19 chars when omitted. */
  name?: string;
  /** ExecutionClusterLabel on the request (flytectl's targetExecutionCluster); '' counts as none. */
  label?: string;
  /** Parent execution name: a child launched by a launch-plan node inherits the parent's explicit label only (PR 5431). */
  parent?: string;
  /**
   * A single-task execution: `workflow` is the task name and FlyteAdmin places it under the synthetic workflow
   * `.flytegen.<task>`; a failure to create it is returned to the caller and nothing is stored (execution_manager.go:653-658).
   */
  singleTask?: boolean;
  /**
   * Builds the FlyteWorkflow object from what the client registered (AdminService: the compiled closure and the
   * execution's inputs, through propeller's builder); without it the model creates its own object for `workflow`.
   */
  flyteWorkflow?: (e: { name: string; namespace: string }) => Promise<KubeObject>;
}

/** What both implementations report about one execution (the model's rows carry more). */
export interface ExecutionRecord {
  name: string;
  project: string;
  domain: string;
  workflow: string;
  /** executions.cluster: the clusterConfigs name placement chose; '' when creation failed or in single-cluster mode. */
  cluster: string;
  /** FlyteAdmin's phase name (QUEUED, RUNNING, FAILED, ABORTING, ABORTED...). */
  phase: string;
}

/** A workflow event from a data plane's propeller (CreateWorkflowEvent). */
export interface WorkflowEvent {
  /** Propeller's cluster-id ("propeller" unless configured). */
  producerId: string;
  phase: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
}

export interface FlyteAdminApi {
  /** CreateExecution; a launch-plan execution that fails to be created is stored FAILED (docs/flyte-behaviour.md#create). */
  createExecution(req: CreateExecutionRequest): Promise<ExecutionRecord>;
  /** RelaunchExecution / RecoverExecution: the old spec under a new name, placed again (#relaunch-and-recover). */
  relaunch(name: string, newName?: string): Promise<ExecutionRecord>;
  recover(name: string, newName?: string): Promise<ExecutionRecord>;
  /** TerminateExecution through the stored cluster; a failure leaves the execution ABORTING (#terminate). */
  terminate(name: string): Promise<ExecutionRecord>;
  /** `flytectl update execution-cluster-label` with this file's fields (#ecl-files). */
  updateAttributes(file: EclFile): Promise<void>;
  /** `helm upgrade` with new values (rolling: a failed new pod leaves the old one serving). */
  rollout(valuesYaml: string): Promise<StartAttempt>;
  /** The pod is deleted and recreated with these values: if it fails, FlyteAdmin is down. */
  restart(valuesYaml: string): Promise<StartAttempt>;
  /** Where an execution with this name would be placed now, and why (flyte-mc's prediction for the real one). */
  explain(req: CreateExecutionRequest & { name: string }): PlacementExplanation;
  /** CreateWorkflowEvent: rejected as IncompatibleCluster unless the producer matches (#events). */
  recordEvent(name: string, event: WorkflowEvent): void | Promise<void>;
}
