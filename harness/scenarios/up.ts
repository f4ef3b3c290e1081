// `flyte-mc up`: the guide deployed and left running for real clients. FlyteAdmin's model serves AdminService on
// loopback (admin/grpc/admin-service.ts) with propeller's compiler; on the process backend real flytepropeller runs
// on every data plane and answers with its events. What a user needs is written to a 0700 directory that goes
// with the session: a flytekit config, the data planes' kubeconfigs (secrets, 0600) and the topology in effect.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AdminCompiler } from '../admin/compiler.ts';
import { registerAdminService } from '../admin/grpc/admin-service.ts';
import { DataProxy } from '../admin/grpc/data-proxy.ts';
import { AdminGrpcServer } from '../admin/grpc/server.ts';
import { modelExecutionStore } from '../admin/grpc/store.ts';
import { makeTempDir } from '../fsutil.ts';
import { labelValue } from '../admin/model.ts';
import { idKey } from '../admin/registry.ts';
import { syntheticOutputs } from '../propeller/pods.ts';
import { CleanupStack } from '../lifecycle.ts';
import { findFlytePropeller, FLYTEPROPELLER_MISSING } from '../propeller/binary.ts';
import type { PropellerFleet } from '../propeller/fleet.ts';
import type { Topology } from '../topology/index.ts';
import { ScenarioContext, type Scenario, type ScenarioOptions } from './context.ts';
import { deployGuide, measureDistribution } from './steps.ts';
import { summarise } from './run.ts';
import type { ScenarioResult } from './context.ts';
import { addDataPlaneDay2 } from './scenarios/day2.ts';
import { deployWithPropeller } from './scenarios/propeller.ts';

export interface UpOptions extends Omit<ScenarioOptions, 'executions' | 'cleanup'> {
  /** Admin endpoint port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Real propeller on the data planes: 'auto' runs it where the backend can (process) and it is built. */
  propeller?: 'auto' | 'off';
  topology?: Topology;
}

export interface UpFiles {
  dir: string;
  /** flytekit's config (`pyflyte --config`, FlyteRemote(Config.auto(config_file=...))). */
  flytekitConfig: string;
  /** Admin kubeconfig per data plane, where the backend has real API servers. */
  kubeconfigs: Record<string, string>;
  /** The topology in effect (what `flyte-mc place --topology` predicts from). */
  topology: string;
}

const upScenario: Scenario = {
  name: 'up',
  summary: 'the guide deployed and left running for real Flyte clients',
  expectations: ["executions the session's clients create land on clusters in the configured shares (G-test, α = 1e-6)"],
  // Not run as a scenario: UpSession drives the same context and steps itself.
  async run() {},
};

export class UpSession {
  readonly ctx: ScenarioContext;
  readonly server: AdminGrpcServer;
  readonly fleet: PropellerFleet | undefined;
  readonly files: UpFiles;
  readonly cleanup: CleanupStack;
  /** Milliseconds from start() to the endpoint accepting calls. */
  readonly readyMs: number;
  /** Why registration cannot compile (propeller's compiler is not built), or undefined when it can. */
  readonly registrationUnavailable: string | undefined;
  private readonly startedAt = performance.now();

  private constructor(ctx: ScenarioContext, server: AdminGrpcServer, fleet: PropellerFleet | undefined, files: UpFiles, cleanup: CleanupStack, readyMs: number, registrationUnavailable: string | undefined) {
    this.ctx = ctx;
    this.server = server;
    this.fleet = fleet;
    this.files = files;
    this.cleanup = cleanup;
    this.readyMs = readyMs;
    this.registrationUnavailable = registrationUnavailable;
  }

  get endpoint(): string {
    return this.server.address;
  }

  /** Deploys the guide and starts serving; on failure everything started so far is torn down. */
  static async start(opts: UpOptions): Promise<UpSession> {
    const t0 = performance.now();
    const cleanup = new CleanupStack();
    try {
      const dataPlanes = opts.topology?.dataPlanes.length ?? opts.dataPlanes;
      const ctx = await ScenarioContext.create(upScenario, { ...opts, dataPlanes, executions: 0, cleanup });
      const binary = await findFlytePropeller();
      const compiler = binary ? new AdminCompiler(binary) : undefined;
      if (compiler) cleanup.defer("stop propeller's compiler", () => compiler.dispose());
      const store = modelExecutionStore(ctx.world.admin);
      const server = new AdminGrpcServer(store, { port: opts.port ?? 0, log: ctx.log.bind(ctx) });
      let fleet: PropellerFleet | undefined;
      // propeller's storage bucket once it runs (its chart config); the chart's default name before and without it.
      const bucket = () => fleet?.bucket ?? 'my-s3-bucket';
      const service = registerAdminService(server, {
        model: ctx.world.admin,
        store,
        compiler,
        compilerMissing: `registration needs propeller's compiler: ${FLYTEPROPELLER_MISSING}`,
        rawOutputPrefix: (name) => `s3://${bucket()}/raw/${name}`,
        onProjectRegistered: async (project) => {
          // The syncresources Deployment creates the new project's namespaces on its next pass; the session runs that
          // pass at once so the first execution does not wait for the chart's refresh interval.
          const r = await ctx.world.admin.syncResourcesPass();
          for (const e of r.errors) ctx.log(`register ${project}: ${e}`);
        },
      });
      // Uploads (pyflyte's code package) land in the blob store propeller reads, or in the session's own without one.
      const blobs = await makeTempDir('up-blobs');
      cleanup.defer('remove the session blob store', () => rm(blobs, { recursive: true, force: true }));
      const dataProxy = new DataProxy({ storageRoot: () => fleet?.storageRoot ?? blobs, bucket, log: ctx.log.bind(ctx) });
      dataProxy.register(server);
      await dataProxy.start();
      cleanup.defer('stop the upload endpoint', () => dataProxy.stop());
      const withPropeller = (opts.propeller ?? 'auto') === 'auto' && binary !== undefined && ctx.world.backend.info.name === 'process';
      if (withPropeller) {
        fleet = await deployWithPropeller(ctx, { server, outputs: (pod) => taskOutputs(service, pod) });
      } else {
        await deployGuide(ctx, '');
        await server.start();
        cleanup.defer('stop the admin gRPC server', () => server.stop());
      }
      const files = await writeFiles(ctx, server.address, cleanup);
      // Executions clients create from now on count for the session's report, split at each day-2 change.
      ctx.phase('clients');
      return new UpSession(ctx, server, fleet, files, cleanup, performance.now() - t0, compiler ? undefined : FLYTEPROPELLER_MISSING);
    } catch (err) {
      await cleanup.run();
      throw err;
    }
  }

  /** The guide's day 2 while clients keep working: a new data plane, its credentials, the upgrade, the ECL rows. */
  async addCluster(): Promise<{ name: string; label: string }> {
    const name = `dataplane_${this.ctx.topology.dataPlanes.length + 1}`;
    const label = await addDataPlaneDay2(this.ctx, name);
    if (this.fleet) await this.ctx.step(`Add another Kubernetes cluster: flytepropeller on ${name}`, () => this.fleet?.addPlane(name));
    await refreshFiles(this.ctx, this.files);
    this.ctx.phase(`clients after ${name}`);
    return { name, label };
  }

  /**
   * What the session's clients did, as a scenario result: executions per cluster and label, and per phase (split at
   * each day-2 change) the observed shares against the configured weights with a G-test.
   */
  result(): ScenarioResult {
    const ctx = this.ctx;
    const size = ctx.world.admin.executions.size;
    ctx.distribution.length = 0;
    for (const p of ctx.phases) if (Math.min(p.to, size) > p.from) measureDistribution(ctx, p.name, p.from, Math.min(p.to, size));
    return summarise(upScenario, ctx.opts, ctx, undefined, performance.now() - this.startedAt);
  }

  async close(): Promise<void> {
    await this.cleanup.run();
  }
}

/** What a task pod of a registered workflow outputs: its task's interface filled from its inputs (syntheticOutputs). */
function taskOutputs(service: ReturnType<typeof registerAdminService>, pod: { labels: Record<string, string>; inputs: Uint8Array }): Uint8Array | undefined {
  const info = service.executions.get(pod.labels['execution-id'] ?? '');
  const wf = info && service.registry.workflows.get(idKey(info.workflowId));
  if (!wf) return undefined;
  const closure = service.registry.compiledWorkflow(wf);
  // propeller labels the pod with the node id and the task name, each as a label value (flytestdlib's utils).
  const node = closure.primary?.template?.nodes?.find((n) => labelValue(n.id ?? '') === pod.labels['node-id']);
  const ref = node?.taskNode?.referenceId;
  const task = closure.tasks?.find((t) => idKey(t.template?.id) === idKey(ref));
  return task ? syntheticOutputs(task.template?.interface?.outputs, pod.inputs) : undefined;
}

async function writeFiles(ctx: ScenarioContext, endpoint: string, cleanup: CleanupStack): Promise<UpFiles> {
  const dir = await makeTempDir('up');
  cleanup.defer('remove the session files', () => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o700);
  const files: UpFiles = { dir, flytekitConfig: join(dir, 'config.yaml'), kubeconfigs: {}, topology: join(dir, 'flyte-mc.yaml') };
  // flytekit's config file format (flytekit/configuration/file.py): admin.endpoint with a dns:/// scheme, insecure.
  await writeFile(files.flytekitConfig, stringify({ admin: { endpoint: `dns:///${endpoint}`, insecure: true } }), { mode: 0o600 });
  await refreshFiles(ctx, files);
  return files;
}

/** Kubeconfigs of every data plane (new ones on day 2) and the topology in effect. */
async function refreshFiles(ctx: ScenarioContext, files: UpFiles): Promise<void> {
  await mkdir(join(files.dir, 'kubeconfigs'), { recursive: true, mode: 0o700 });
  for (const [name, cluster] of ctx.world.dataPlanes) {
    if (!cluster.kubeconfig || files.kubeconfigs[name]) continue;
    const file = join(files.dir, 'kubeconfigs', `${name}.kubeconfig`);
    await writeFile(file, cluster.kubeconfig(), { mode: 0o600 });
    files.kubeconfigs[name] = file;
  }
  await writeFile(files.topology, stringify(ctx.topology), { mode: 0o600 });
}
