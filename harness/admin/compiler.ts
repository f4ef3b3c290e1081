// Propeller's own compiler as FlyteAdmin uses it: at CreateTask (CompileTask), CreateWorkflow (GetRequirements, then
// CompileWorkflow against the stored tasks and launch plans) and CreateExecution (the FlyteWorkflow CRD builder).
// One long-lived `flytepropeller admin-compiler` (tools/flytepropeller/serve.go) answers one JSON line per request;
// protos cross as wire bytes (base64), so nothing depends on a JSON mapping. The process ends when its stdin closes
// (dispose, or our own exit) and when its parent is gone (FLYTE_MC_PARENT_PID); if it dies, the next request
// starts it again.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { KubeObject } from '../backends/types.ts';
import { FLYTEADMIN_EXECUTION_DEFAULTS } from '../constants.ts';

/** The input does not compile: FlyteAdmin answers InvalidArgument with the compiler's message. */
export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

/** FlyteAdmin's ExecutionParameters applied to the built object (tools/flytepropeller/build.go executionParams). */
export interface BuildExecution {
  id: Uint8Array;
  namespace: string;
  inputs?: Uint8Array;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  acceptedAt: Date;
  rawOutputPrefix: string;
  serviceAccount?: string;
}

interface Response {
  error?: string;
  invalid?: boolean;
  compiledTask?: string;
  taskIds?: string[];
  launchPlanIds?: string[];
  closure?: string;
  flyteWorkflow?: KubeObject;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const bytes = (s: string | undefined) => new Uint8Array(Buffer.from(s ?? '', 'base64'));

export class AdminCompiler {
  private readonly binary: string;
  private child!: ChildProcessWithoutNullStreams;
  private waiting: { resolve: (r: Response) => void; reject: (e: Error) => void }[] = [];
  private exited: Error | undefined;
  private disposed = false;
  private stderr = '';
  /** How many times the process was started (a crash costs only the requests in flight: the next one restarts it). */
  starts = 0;

  /** The running process's pid. */
  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }

  constructor(binary: string) {
    this.binary = binary;
    this.spawn();
  }

  private spawn(): void {
    this.starts++;
    this.exited = undefined;
    this.stderr = '';
    const child = spawn(this.binary, ['admin-compiler'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, FLYTE_MC_PARENT_PID: String(process.pid) } });
    const waiting: typeof this.waiting = [];
    this.child = child;
    this.waiting = waiting;
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const w = waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line) as Response);
      } catch (err) {
        w.reject(new Error(`admin-compiler answered something that is not JSON: ${(err as Error).message}`));
      }
    });
    const fail = (err: Error) => {
      if (this.child === child) this.exited = err;
      for (const w of waiting.splice(0)) w.reject(err);
    };
    child.on('exit', (code, signal) => fail(new Error(`flytepropeller admin-compiler exited (${signal ?? `code ${code}`})${this.stderr ? `: ${this.stderr.trim().split('\n').pop()}` : ''}`)));
    child.on('error', fail);
    // An EPIPE after the process is gone is reported by the pending request, not thrown.
    child.stdin.on('error', () => {});
  }

  private async ask(req: Record<string, unknown>): Promise<Response> {
    if (this.disposed) throw new Error('admin-compiler is stopped');
    if (this.exited) this.spawn();
    const r = await new Promise<Response>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(req)}\n`);
    });
    if (r.error !== undefined) throw r.invalid ? new CompileError(r.error) : new Error(`admin-compiler: ${r.error}`);
    return r;
  }

  /** compiler.CompileTask: a core.TaskTemplate → core.CompiledTask (wire bytes). */
  async compileTask(task: Uint8Array): Promise<Uint8Array> {
    return bytes((await this.ask({ op: 'compileTask', task: b64(task) })).compiledTask);
  }

  /** compiler.GetRequirements: the task and launch plan ids (core.Identifier wire bytes) a workflow needs. */
  async requirements(workflow: Uint8Array, subWorkflows: readonly Uint8Array[]): Promise<{ taskIds: Uint8Array[]; launchPlanIds: Uint8Array[] }> {
    const r = await this.ask({ op: 'requirements', workflow: b64(workflow), subWorkflows: subWorkflows.map(b64) });
    return { taskIds: (r.taskIds ?? []).map(bytes), launchPlanIds: (r.launchPlanIds ?? []).map(bytes) };
  }

  /** compiler.CompileWorkflow with compiled tasks and launch plans (admin.LaunchPlan) → core.CompiledWorkflowClosure. */
  async compileWorkflow(workflow: Uint8Array, subWorkflows: readonly Uint8Array[], tasks: readonly Uint8Array[], launchPlans: readonly Uint8Array[]): Promise<Uint8Array> {
    const r = await this.ask({ op: 'compileWorkflow', workflow: b64(workflow), subWorkflows: subWorkflows.map(b64), tasks: tasks.map(b64), launchPlans: launchPlans.map(b64) });
    return bytes(r.closure);
  }

  /** k8s.BuildFlyteWorkflow plus what FlyteAdmin's PrepareFlyteWorkflow sets: the object to create in the data plane. */
  async build(closure: Uint8Array, e: BuildExecution): Promise<KubeObject> {
    const r = await this.ask({
      op: 'build',
      closure: b64(closure),
      execution: {
        idPb: b64(e.id),
        namespace: e.namespace,
        ...(e.inputs ? { inputsPb: b64(e.inputs) } : {}),
        labels: e.labels ?? {},
        annotations: e.annotations ?? {},
        acceptedAt: e.acceptedAt.toISOString(),
        rawOutputDataConfig: { outputLocationPrefix: e.rawOutputPrefix },
        ...(e.serviceAccount ? { serviceAccount: e.serviceAccount } : {}),
        ...FLYTEADMIN_EXECUTION_DEFAULTS,
      },
    });
    if (!r.flyteWorkflow) throw new Error('admin-compiler: build returned no object');
    return r.flyteWorkflow;
  }

  /** Closes its stdin (it exits), then waits up to 2 s before SIGKILL. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.exited) return;
    const child = this.child;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin.end();
    const t = setTimeout(() => child.kill('SIGKILL'), 2_000);
    await gone;
    clearTimeout(t);
  }
}
