// The harness's real workflow and the FlyteWorkflow objects FlyteAdmin would create for it. One container task
// `add_one` (x: integer → y: integer, with resource requests and limits) in a one-node workflow, written as a client
// registers it (flyteidl WorkflowTemplate / TaskTemplate, protojson). propeller's own compiler and CRD builder
// (`flytepropeller build-workflow`, tools/flytepropeller/build.go) turn it into the object once per workflow; each
// execution then gets its own name, namespace, labels, executionId, inputs and acceptedAt, exactly where the builder
// puts them (test/integration/propeller.test.ts checks the result equals the builder's own for sample executions).
import { execFile } from 'node:child_process';
import type { KubeObject } from '../backends/types.ts';
import { FLYTEADMIN_EXECUTION_DEFAULTS } from '../constants.ts';

const TASK_TYPE = 'python-task';

export interface WorkflowRef {
  project: string;
  domain: string;
  /** Workflow name as registered (FlyteAdmin's model names executions' workflows this way). */
  name: string;
  version: string;
}

/** Per-execution parameters (FlyteAdmin's ExecutionParameters that PrepareFlyteWorkflow applies). */
export interface ExecutionInput {
  name: string;
  namespace: string;
  project: string;
  domain: string;
  /** Input x of add_one. */
  x: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  acceptedAt: Date;
  /** Raw output prefix (rawOutputDataConfig.outputLocationPrefix). */
  rawOutputPrefix: string;
}

function identifier(resourceType: 'TASK' | 'WORKFLOW', w: WorkflowRef, name: string) {
  return { resourceType, project: w.project, domain: w.domain, name, version: w.version };
}

const intVar = { type: { simple: 'INTEGER' } };

/** The task and workflow templates (protojson), as flytekit would serialize and registration complete them. */
export function addOneTemplates(w: WorkflowRef): { workflow: unknown; tasks: unknown[] } {
  const taskId = identifier('TASK', w, `${w.name}.add_one`);
  const iface = { inputs: { variables: { x: intVar } }, outputs: { variables: { y: intVar } } };
  const task = {
    id: taskId,
    type: TASK_TYPE,
    metadata: { runtime: { type: 'FLYTE_SDK', version: '1.16.31', flavor: 'python' }, retries: {} },
    interface: iface,
    container: {
      image: 'flyte-mc/add-one:v1',
      args: ['pyflyte-execute', '--inputs', '{{.input}}', '--output-prefix', '{{.outputPrefix}}', '--raw-output-data-prefix', '{{.rawOutputDataPrefix}}', '--resolver', 'flyte-mc', '--', 'add_one'],
      resources: {
        requests: [
          { name: 'CPU', value: '100m' },
          { name: 'MEMORY', value: '64Mi' },
        ],
        limits: [
          { name: 'CPU', value: '100m' },
          { name: 'MEMORY', value: '64Mi' },
        ],
      },
    },
  };
  const workflow = {
    id: identifier('WORKFLOW', w, w.name),
    metadata: {},
    interface: iface,
    nodes: [
      {
        id: 'n0',
        metadata: { name: 'add_one', retries: {} },
        inputs: [{ var: 'x', binding: { promise: { nodeId: 'start-node', var: 'x' } } }],
        taskNode: { referenceId: taskId },
      },
    ],
    outputs: [{ var: 'y', binding: { promise: { nodeId: 'n0', var: 'y' } } }],
  };
  return { workflow, tasks: [task] };
}

/** The builder's request for one workflow and some executions (tools/flytepropeller/build.go buildRequest). */
export function buildRequest(w: WorkflowRef, executions: readonly ExecutionInput[]): unknown {
  const t = addOneTemplates(w);
  return {
    workflow: t.workflow,
    tasks: t.tasks,
    executions: executions.map((e) => ({
      id: { project: e.project, domain: e.domain, name: e.name },
      namespace: e.namespace,
      inputs: intInputs(e.x),
      labels: e.labels ?? {},
      annotations: e.annotations ?? {},
      acceptedAt: e.acceptedAt.toISOString(),
      rawOutputDataConfig: { outputLocationPrefix: e.rawOutputPrefix },
      ...FLYTEADMIN_EXECUTION_DEFAULTS,
    })),
  };
}

function intInputs(x: number): unknown {
  return { literals: { x: { scalar: { primitive: { integer: String(x) } } } } };
}

/** Runs `flytepropeller build-workflow`; rejects with its stderr on failure. */
export function runBuilder(binary: string, request: unknown): Promise<{ closure: unknown; flyteWorkflows: KubeObject[] }> {
  return new Promise((resolve, reject) => {
    const child = execFile(binary, ['build-workflow'], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`flytepropeller build-workflow failed: ${stderr.trim() || err.message}`));
      resolve(JSON.parse(stdout) as { closure: unknown; flyteWorkflows: KubeObject[] });
    });
    child.stdin?.end(JSON.stringify(request));
  });
}

/** propeller's shard-key label: FNV-32a of the execution-id label, mod the keyspace (v1alpha1.ShardKeyspaceSize = 32). */
export function shardKey(label: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(label, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return String(h % 32);
}

/**
 * FlyteWorkflow objects per execution from one builder run per workflow: the builder's object for a template
 * execution, with the per-execution fields replaced where the builder and FlyteAdmin put them.
 */
export class FlyteWorkflowFactory {
  private readonly binary: string;
  private readonly templates = new Map<string, Promise<KubeObject>>();

  constructor(binary: string) {
    this.binary = binary;
  }

  private template(w: WorkflowRef): Promise<KubeObject> {
    const key = `${w.project}/${w.domain}/${w.name}/${w.version}`;
    let t = this.templates.get(key);
    if (!t) {
      const probe: ExecutionInput = { name: 'template', namespace: 'template', project: w.project, domain: w.domain, x: 0, acceptedAt: new Date(0), rawOutputPrefix: '' };
      t = runBuilder(this.binary, buildRequest(w, [probe])).then((r) => r.flyteWorkflows[0] as KubeObject);
      t.catch(() => this.templates.delete(key));
      this.templates.set(key, t);
    }
    return t;
  }

  async build(w: WorkflowRef, e: ExecutionInput): Promise<KubeObject> {
    const t = structuredClone(await this.template(w));
    const labels = { ...(t.metadata.labels ?? {}), 'execution-id': e.name, 'shard-key': shardKey(e.name), ...(e.labels ?? {}) };
    const { annotations: _none, ...meta } = t.metadata;
    // ObjectMeta drops an empty annotations map (omitempty).
    t.metadata = { ...meta, name: e.name, namespace: e.namespace, labels, ...(e.annotations && Object.keys(e.annotations).length > 0 ? { annotations: { ...e.annotations } } : {}) };
    t.executionId = { project: e.project, domain: e.domain, name: e.name };
    t.inputs = intInputs(e.x);
    t.acceptedAt = e.acceptedAt.toISOString().replace(/\.\d+Z$/, 'Z');
    t.rawOutputDataConfig = { output_location_prefix: e.rawOutputPrefix };
    return t;
  }
}
