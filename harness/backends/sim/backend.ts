// The sim backend: clusters are in-memory API servers (see apiserver.ts). Instant, deterministic, no prerequisites.
import type { Backend, BackendInfo, BackendOptions, Cluster, ClusterSpec, VirtualClock } from '../types.ts';
import { SimCluster } from './cluster.ts';

export interface SimBackendOptions extends BackendOptions {
  /** Makes uids, tokens and CAs reproducible. @defaultValue 'flyte-mc' */
  seed?: string;
  /** Clock for creationTimestamps. @defaultValue Date.now */
  now?: () => number;
}

const INFO: BackendInfo = { name: 'sim' };

class SimBackend implements Backend {
  readonly info = INFO;
  private readonly clusters = new Map<string, SimCluster>();
  private readonly opts: Required<SimBackendOptions>;
  private skew = 0;

  constructor(opts: SimBackendOptions) {
    const base = opts.now ?? Date.now;
    this.opts = { seed: opts.seed ?? 'flyte-mc', now: () => base() + this.skew, log: opts.log ?? (() => {}) };
  }

  /** The sim's clock is virtual: `elapse` lets cluster time pass at once (token caches expire, timestamps move). */
  readonly clock: VirtualClock = {
    elapse: async (ms) => {
      this.skew += ms;
    },
  };

  async unavailableReason(): Promise<string | undefined> {
    return undefined;
  }

  async createCluster(spec: ClusterSpec, signal?: AbortSignal): Promise<Cluster> {
    signal?.throwIfAborted();
    if (this.clusters.has(spec.name)) throw new Error(`failed to create cluster ${spec.name}: a cluster with that name exists`);
    const c = new SimCluster(spec, {
      seed: this.opts.seed,
      now: this.opts.now,
      log: this.opts.log,
      onDelete: (gone) => this.clusters.delete(gone.spec.name),
    });
    this.clusters.set(spec.name, c);
    this.opts.log(`created ${spec.role} ${spec.name} (sim) at ${c.endpoint}`);
    return c;
  }

  async dispose(): Promise<void> {
    for (const c of [...this.clusters.values()]) await c.delete();
  }
}

/** Creates the in-memory backend. */
export function createSimBackend(opts: SimBackendOptions = {}): Backend {
  return new SimBackend(opts);
}
