// Real propeller on every data plane of a World on the process backend: FlyteAdmin's event API (the model behind
// a loopback gRPC server), one flytepropeller and one pod completer per data plane following its cluster's
// lifecycle, and the FlyteWorkflow objects the model creates taken from propeller's own builder. Everything is
// registered with the World's cleanup stack.
import { rm } from 'node:fs/promises';
import { AdminGrpcServer } from '../admin/grpc/server.ts';
import { modelExecutionStore } from '../admin/grpc/store.ts';
import { isTerminal, type Phase } from '../admin/executions.ts';
import type { ProcessCluster } from '../backends/process/backend.ts';
import type { KubeObject } from '../backends/types.ts';
import { makeTempDir } from '../fsutil.ts';
import { TcpProxy } from '../util/net.ts';
import { notYet, waitFor, WaitTimeout } from '../util/wait.ts';
import type { World } from '../world.ts';
import { propellerChartObjects } from './chart-input.ts';
import type { Override } from './config.ts';
import { Propeller } from './launcher.ts';
import { PodCompleter, type PodCompleterOptions } from './pods.ts';
import { FlyteWorkflowFactory } from './workflow.ts';

export interface FleetOptions {
  binary: string;
  /** What `helm template flyte-core-data` rendered for a data plane (the objects, parsed). */
  chartObjects(dataPlane: string): Promise<readonly KubeObject[]> | readonly KubeObject[];
  /** Pod timings when an execution does not set them. */
  pods?: PodCompleterOptions['defaults'];
  /** Annotations every execution gets (scenarios set pod timings with them). */
  annotations?: (name: string) => Record<string, string>;
  log?: (line: string) => void;
  /**
   * The event API to use, not started yet (`flyte-mc up` registers the whole AdminService on it first); by default
   * the fleet makes its own over the model's executions. With a given server, `marks` stays 0 (the server's store
   * is the caller's).
   */
  server?: AdminGrpcServer;
  /** Task outputs the pod completer writes (PodCompleterOptions.outputs); default: add_one's. */
  outputs?: PodCompleterOptions['outputs'];
}

interface Plane {
  propeller: Propeller;
  completer: PodCompleter;
}

export class PropellerFleet {
  readonly server: AdminGrpcServer;
  readonly planes = new Map<string, Plane>();
  readonly storageRoot: string;
  private readonly world: World;
  private readonly opts: FleetOptions;
  private readonly log: (line: string) => void;
  private storageBucket = 'my-s3-bucket';
  /** When the model first recorded a SUCCEEDED event (epoch ms; 0 before). */
  readonly marks: { firstSucceededAt: number };

  private constructor(world: World, opts: FleetOptions, server: AdminGrpcServer, storageRoot: string, marks: { firstSucceededAt: number }) {
    this.world = world;
    this.marks = marks;
    this.opts = opts;
    this.server = server;
    this.storageRoot = storageRoot;
    this.log = opts.log ?? (() => {});
  }

  /** The bucket of propeller's storage config (raw outputs go under it). */
  get bucket(): string {
    return this.storageBucket;
  }

  /** Starts the event API, attaches the builder to the model and a propeller to every data plane of the World. */
  static async attach(world: World, opts: FleetOptions): Promise<PropellerFleet> {
    const store = modelExecutionStore(world.admin);
    const marks = { firstSucceededAt: 0 };
    const server = opts.server ?? new AdminGrpcServer(
      {
        lookup: (id) => store.lookup(id),
        setPhase: (id, phase) => {
          if (phase === 'SUCCEEDED' && marks.firstSucceededAt === 0) marks.firstSucceededAt = Date.now();
          store.setPhase(id, phase);
        },
      },
      { log: opts.log },
    );
    await server.start();
    world.cleanup.defer('stop the admin gRPC server', () => server.stop());
    const storageRoot = await makeTempDir('propeller-storage');
    world.cleanup.defer('remove propeller storage', () => rm(storageRoot, { recursive: true, force: true }));
    const fleet = new PropellerFleet(world, opts, server, storageRoot, marks);
    const factory = new FlyteWorkflowFactory(opts.binary);
    let seq = 0;
    world.admin.attachPropeller({
      flyteWorkflow: (e) =>
        factory.build(
          { project: e.project, domain: e.domain, name: e.workflow, version: 'v1' },
          {
            name: e.name,
            namespace: e.namespace,
            project: e.project,
            domain: e.domain,
            x: seq++,
            annotations: opts.annotations?.(e.name),
            acceptedAt: new Date(),
            rawOutputPrefix: `s3://${fleet.bucket}/raw/${e.name}`,
          },
        ),
    });
    for (const name of world.dataPlanes.keys()) await fleet.addPlane(name);
    return fleet;
  }

  /** Runs propeller on one more data plane (day 2), with that plane's rendered chart. */
  async addPlane(name: string): Promise<Propeller> {
    const cluster = this.world.dataPlane(name) as ProcessCluster;
    if (typeof cluster.attach !== 'function') throw new Error(`real propeller needs the process backend (data plane ${name} is ${this.world.backend.info.name})`);
    const { input, rbac } = propellerChartObjects(await this.opts.chartObjects(name));
    const admin = cluster.admin();
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: input.namespace } });
    for (const obj of rbac) await admin.apply(stripHelm(obj));
    // propeller's events cross the network between its data plane and the control plane: a partition cuts them.
    const toAdmin = await TcpProxy.start(Number(this.server.address.split(':')[1]));
    const propeller = new Propeller({
      binary: this.opts.binary,
      host: cluster,
      chart: input,
      adminEndpoint: `127.0.0.1:${toAdmin.port}`,
      storageRoot: this.storageRoot,
      dir: await makeTempDir(`propeller-${name.replace(/[^a-z0-9-]/gi, '-')}`),
      log: this.log,
    });
    const completer = new PodCompleter({ client: admin, storageRoot: this.storageRoot, defaults: this.opts.pods, outputs: this.opts.outputs, log: (l) => this.log(`${name}: pods: ${l}`) });
    this.planes.set(name, { propeller, completer });
    await cluster.attach({
      start: async () => {
        await propeller.start();
        this.storageBucket = propeller.config?.container ?? this.storageBucket;
        completer.start();
      },
      stop: async (graceMs) => {
        completer.stop();
        await propeller.stop(graceMs);
      },
      kill: async () => {
        completer.stop();
        await propeller.kill();
      },
      dispose: async () => {
        completer.stop();
        await propeller.dispose();
        await toAdmin.close();
      },
      partition: (cut) => toAdmin.setCut(cut),
    });
    return propeller;
  }

  /** Every override per data plane, for the report. */
  overrides(): Record<string, Override[]> {
    return Object.fromEntries([...this.planes].map(([n, p]) => [n, p.propeller.overrides]));
  }

  /** Resident memory of each data plane's propeller, bytes. */
  rss(): Record<string, number> {
    return Object.fromEntries([...this.planes].map(([n, p]) => [n, p.propeller.rssBytes()]));
  }

  /**
   * Waits until every named execution is terminal in the model (its phase comes from propeller's events), or the
   * timeout passes (then it logs what is still open); returns the phases then, for the caller to judge.
   */
  async waitTerminal(names: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<Map<string, Phase>> {
    const ex = this.world.admin.executions;
    const phases = () => new Map(names.map((n) => [n, ex.phaseAt(ex.index(n) as number)]));
    try {
      await waitFor(`${names.length} executions to reach a terminal phase`, timeoutMs, () => {
        const open = names.filter((n) => !isTerminal(ex.phaseAt(ex.index(n) as number)));
        return open.length === 0 ? true : notYet(`${open.length} not terminal, e.g. ${open[0]} ${ex.phaseAt(ex.index(open[0] as string) as number)}`);
      }, { where: "FlyteAdmin's model (propeller's events)", intervalMs: 250, signal });
    } catch (err) {
      if (!(err instanceof WaitTimeout)) throw err;
      this.log(err.message);
    }
    return phases();
  }
}

/** The object as helm would apply it: no status, no server fields. */
function stripHelm(o: KubeObject): KubeObject {
  const { status: _s, ...rest } = o as KubeObject & { status?: unknown };
  return { ...rest, metadata: { name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations ?? {} } };
}

