// What a scenario runs in: a World, the current topology, named steps with timings and progress lines, and
// expectations that record a violation with a clear message instead of stopping at the first one.
import { parseTopology, starterTopologyYaml, type Topology } from '../topology/index.ts';
import type { CleanupStack } from '../lifecycle.ts';
import { World } from '../world.ts';

export interface ScenarioOptions {
  backend: string;
  /** Data planes at the start. */
  dataPlanes: number;
  /** Executions the scenario's main workload creates. */
  executions: number;
  seed: number;
  log: (line: string) => void;
  signal?: AbortSignal;
  cleanup?: CleanupStack;
  /** Backend-specific options from the command line (kubeconfig contexts, images, dry run). */
  backendOptions?: Readonly<Record<string, unknown>>;
  /** How the flyte-core releases render: the real chart, or (default) the built-in chart model. */
  releases?: FlyteReleases;
  /** chart-upgrade: the chart the releases are upgraded to. */
  upgradeTo?: FlyteReleases;
  /** The deployment to start from (`flyte-mc up --topology`); default: the starter topology with `dataPlanes`. */
  topology?: Topology;
}

import type { DistributionRow, StepRecord, Violation } from '../report/types.ts';
import type { FlyteReleases } from '../helm/releases.ts';

export type { DistributionRow, PhaseRecord, ScenarioResult, StepRecord, StepStatus, Violation } from '../report/types.ts';

export interface Scenario {
  name: string;
  summary: string;
  /** The report or PR it reproduces, when it is one. */
  reference?: string;
  /** What must hold; each is checked by an expectation in the run. */
  expectations: string[];
  /** Default data planes when the caller does not pin them. */
  dataPlanes?: number;
  /** The fewest data planes the scenario's steps need (it names dataplane_2, dataplane_3, ...). @defaultValue 1 */
  minDataPlanes?: number;
  run(ctx: ScenarioContext): Promise<void>;
}

/** Thrown by require(): the scenario cannot continue. */
export class ExpectationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpectationError';
  }
}

export class ScenarioContext {
  readonly scenario: Scenario;
  readonly opts: ScenarioOptions;
  readonly world: World;
  /** The deployment as currently intended (scenarios edit it, then render and apply). */
  topology: Topology;
  readonly steps: StepRecord[] = [];
  readonly violations: Violation[] = [];
  readonly distribution: DistributionRow[] = [];
  readonly phases: { name: string; from: number; to: number }[] = [];
  survival = { checked: 0, terminable: 0, stranded: 0 };
  lost = 0;
  private current = '(setup)';

  constructor(scenario: Scenario, opts: ScenarioOptions, world: World, topology: Topology) {
    this.scenario = scenario;
    this.opts = opts;
    this.world = world;
    this.topology = topology;
  }

  static async create(scenario: Scenario, opts: ScenarioOptions): Promise<ScenarioContext> {
    const topology = opts.topology ?? parseTopology(starterTopologyYaml({ dataPlanes: opts.dataPlanes }));
    const world = await World.create({
      backend: opts.backend,
      backendOptions: { ...opts.backendOptions, seed: `${opts.seed}/${scenario.name}` },
      cleanup: opts.cleanup,
      signal: opts.signal,
      log: (l) => opts.log(`    ${l}`),
      projects: topology.projects.map((p) => ({ name: p.name, domains: p.domains })),
      seed: `${opts.seed}/${scenario.name}`,
      ...(opts.releases ? { releases: opts.releases } : {}),
    });
    return new ScenarioContext(scenario, opts, world, topology);
  }

  log(line: string): void {
    this.opts.log(`[${this.scenario.name}] ${line}`);
  }

  /** Runs one named step: prints it, times it, records passed/failed (a thrown error fails the step and the run). */
  async step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    this.opts.signal?.throwIfAborted();
    const before = this.violations.length;
    const prev = this.current;
    this.current = name;
    const t0 = performance.now();
    this.log(`▸ ${name}`);
    try {
      const out = await fn();
      const ms = Math.round(performance.now() - t0);
      const failed = this.violations.length > before;
      this.steps.push({ name, status: failed ? 'failed' : 'passed', ms });
      this.log(`  ${failed ? '✗' : '✓'} ${name} (${ms} ms)`);
      return out;
    } catch (err) {
      const ms = Math.round(performance.now() - t0);
      const msg = (err as Error).message ?? String(err);
      this.steps.push({ name, status: 'failed', ms, detail: msg });
      this.log(`  ✗ ${name} (${ms} ms): ${msg}`);
      throw err;
    } finally {
      this.current = prev;
    }
  }

  /** Checks an expectation; a violation is recorded with the step's name and printed, and the run goes on. */
  expect(ok: boolean, message: string): boolean {
    if (!ok) {
      this.violations.push({ step: this.current, message });
      this.log(`    expectation violated: ${message}`);
    }
    return ok;
  }

  /** An expectation the rest of the scenario depends on: a violation stops the run. */
  require(ok: boolean, message: string): void {
    if (!ok) {
      this.violations.push({ step: this.current, message });
      throw new ExpectationError(message);
    }
  }

  /** Marks the start of a named phase; executions created from now on count for it. */
  phase(name: string): void {
    const seq = this.world.admin.executions.size;
    const last = this.phases[this.phases.length - 1];
    if (last) last.to = seq;
    this.phases.push({ name, from: seq, to: Number.POSITIVE_INFINITY });
  }
}
