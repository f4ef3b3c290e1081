// FlyteAdmin's executions table, columnar: a million rows cost a few typed arrays plus the name strings (which the
// sim's FlyteWorkflow storage shares). Rows are materialised as objects only when read.
import { Interner } from '../util/interner.ts';

export const PHASES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTING', 'ABORTED'] as const;
export type Phase = (typeof PHASES)[number];
const PHASE_ID: Record<Phase, number> = { QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 3, ABORTING: 4, ABORTED: 5 };
const TERMINAL = new Set<Phase>(['SUCCEEDED', 'FAILED', 'ABORTED']);

export function isTerminal(p: Phase): boolean {
  return TERMINAL.has(p);
}

export type ExecutionMode = 'create' | 'relaunch' | 'recover' | 'child';

export interface ExecutionRow {
  name: string;
  project: string;
  domain: string;
  workflow: string;
  /** The explicit label of the request (set or inherited from a parent); '' when none. The label resolved from
   *  matchable attributes is not recorded (FlyteAdmin does not record it either). */
  label: string;
  /** executions.cluster: the target id placement chose; '' when creation failed. */
  cluster: string;
  phase: Phase;
  mode: ExecutionMode;
  /** Name of the execution this one was relaunched/recovered from, or whose child it is; '' for none. */
  source: string;
  /** Error message of a FAILED creation or of the last failed abort; '' for none. */
  error: string;
  /** Creation order (0-based). */
  seq: number;
}

function grow<T extends Int32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let len = Math.max(64, a.length);
  while (len < need) len *= 2;
  const b = new (a.constructor as new (n: number) => T)(len);
  b.set(a);
  return b;
}

const MODES: ExecutionMode[] = ['create', 'relaunch', 'recover', 'child'];

export class ExecutionsTable {
  private names: string[] = [];
  private readonly strings = new Interner();
  private project = new Int32Array(64);
  private domain = new Int32Array(64);
  private workflow = new Int32Array(64);
  private label = new Int32Array(64);
  private cluster = new Int32Array(64);
  private source = new Int32Array(64);
  private error = new Int32Array(64);
  private phase = new Uint8Array(64);
  private mode = new Uint8Array(64);
  private readonly byName = new Map<string, number>();
  private rows = 0;

  constructor() {
    this.strings.id('');
  }

  get size(): number {
    return this.rows;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  insert(r: Omit<ExecutionRow, 'seq'>): number {
    if (this.byName.has(r.name)) throw new Error(`execution ${r.name} exists`);
    const i = this.rows++;
    if (i >= this.phase.length) {
      const n = i + 1;
      this.project = grow(this.project, n);
      this.domain = grow(this.domain, n);
      this.workflow = grow(this.workflow, n);
      this.label = grow(this.label, n);
      this.cluster = grow(this.cluster, n);
      this.source = grow(this.source, n);
      this.error = grow(this.error, n);
      this.phase = grow(this.phase, n);
      this.mode = grow(this.mode, n);
    }
    const s = this.strings;
    this.names[i] = r.name;
    this.project[i] = s.id(r.project);
    this.domain[i] = s.id(r.domain);
    this.workflow[i] = s.id(r.workflow);
    this.label[i] = s.id(r.label);
    this.cluster[i] = s.id(r.cluster);
    this.source[i] = r.source ? s.id(r.source) : 0;
    this.error[i] = s.id(r.error);
    this.phase[i] = PHASE_ID[r.phase];
    this.mode[i] = MODES.indexOf(r.mode);
    this.byName.set(r.name, i);
    return i;
  }

  /** Row index of a name, or undefined. */
  index(name: string): number | undefined {
    return this.byName.get(name);
  }

  get(name: string): ExecutionRow | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.at(i);
  }

  at(i: number): ExecutionRow {
    const v = this.strings.values;
    return {
      name: this.names[i] as string,
      project: v[this.project[i] as number] as string,
      domain: v[this.domain[i] as number] as string,
      workflow: v[this.workflow[i] as number] as string,
      label: v[this.label[i] as number] as string,
      cluster: v[this.cluster[i] as number] as string,
      phase: PHASES[this.phase[i] as number] as Phase,
      mode: MODES[this.mode[i] as number] as ExecutionMode,
      source: v[this.source[i] as number] as string,
      error: v[this.error[i] as number] as string,
      seq: i,
    };
  }

  nameAt(i: number): string {
    return this.names[i] as string;
  }
  clusterAt(i: number): string {
    return this.strings.values[this.cluster[i] as number] as string;
  }
  phaseAt(i: number): Phase {
    return PHASES[this.phase[i] as number] as Phase;
  }
  labelAt(i: number): string {
    return this.strings.values[this.label[i] as number] as string;
  }

  setPhase(i: number, phase: Phase, error?: string): void {
    this.phase[i] = PHASE_ID[phase];
    if (error !== undefined) this.error[i] = this.strings.id(error);
  }

  *[Symbol.iterator](): Iterator<ExecutionRow> {
    for (let i = 0; i < this.rows; i++) yield this.at(i);
  }

  /** Executions per stored cluster ('' = none), without materialising rows. */
  countByCluster(filter?: (phase: Phase) => boolean): Map<string, number> {
    const counts = new Map<number, number>();
    for (let i = 0; i < this.rows; i++) {
      if (filter && !filter(PHASES[this.phase[i] as number] as Phase)) continue;
      const c = this.cluster[i] as number;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return new Map([...counts].map(([c, n]) => [this.strings.values[c] as string, n]));
  }

  /** Non-terminal executions stored on each cluster: what a removal would strand. */
  liveByCluster(): Map<string, number> {
    return this.countByCluster((p) => !isTerminal(p));
  }
}
