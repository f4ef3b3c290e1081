// FlyteAdmin's cluster selection (flyteadmin/pkg/executioncluster/impl): building the selector from the `clusters`
// config with FlyteAdmin's startup validation, and GetTarget's decision order, with an explanation of every step.
import type { ClusterConfig, ClustersConfig } from './config.ts';
import { indexForName, traceDraw, float32Bits, type DrawTrace } from './engine.ts';
import type { ExecutionClusterLabelResolver, ResolvedLabelAttribute } from './resolver.ts';
import { PlacementError, WeightedList } from './weighted.ts';

export interface PlacementRequest {
  /** Execution name (WorkflowExecutionIdentifier.Name). Empty: FlyteAdmin seeds from the clock, not reproducible. */
  name: string;
  /** Explicit target (only abort uses it): any configured cluster, enabled or not. */
  targetId?: string;
  /** Explicit ExecutionClusterLabel on the request; "" counts as none. */
  label?: string;
  /** With project and domain set, the EXECUTION_CLUSTER_LABEL attribute is looked up (unless label is set). */
  project?: string;
  domain?: string;
  workflow?: string;
}

export type DecisionRule =
  | 'target-id'
  | 'request-label'
  | 'execution-cluster-label'
  | 'default-execution-label'
  | 'all-enabled-clusters'
  | 'in-cluster';

export interface ListExplanation {
  /** The label whose list was used; null for the equal-weighted list of all enabled clusters. */
  label: string | null;
  /** Every weight was zero (or this is the all-clusters list), so each entry got float32(1)/float32(n). */
  uniform: boolean;
  /** float32 total the draw is scaled by. */
  total: number;
  /** Eligible entries in pick order; an entry wins when from < randomWeight <= to (the first also takes 0). */
  entries: { id: string; weight: number; from: number; to: number }[];
}

export interface PlacementExplanation {
  cluster: string;
  /** Which rule decided: the label source that supplied the list, or the fallback. */
  rule: DecisionRule;
  /** The label candidate from the request or from the attribute row, and whether labelClusterMap has it. */
  label?: {
    value: string;
    source: 'request' | 'attribute';
    level?: ResolvedLabelAttribute['level'];
    priority?: number;
    mapped: boolean;
  };
  /** Consulted when no mapped label was found. */
  defaultExecutionLabel?: { value: string; mapped: boolean };
  list?: ListExplanation;
  draw?: (DrawTrace & { deterministic: true; randomWeight: number; randomWeightBits: string }) | {
    deterministic: false;
    note: string;
  };
  /** Position of the chosen entry in list.entries. */
  index?: number;
  /** What FlyteAdmin would log on the way (level and message). */
  logs: string[];
}

/** Options for the non-reproducible path (empty execution name). */
export interface PlaceOptions {
  /** Source of the draw when the name is empty; FlyteAdmin uses a clock-seeded source. Default Math.random. */
  random?: () => number;
}

function explainList(label: string | null, list: WeightedList): ListExplanation {
  let from = 0;
  return {
    label,
    uniform: list.uniform,
    total: list.total,
    entries: list.slots.map((s) => {
      const e = { id: s.id, weight: s.weight, from, to: s.cumulative };
      from = s.cumulative;
      return e;
    }),
  };
}

export class ClusterSelector {
  /** Every configured cluster by name, enabled or not (GetAllTargets). */
  readonly allTargets: ReadonlyMap<string, ClusterConfig>;
  /** Enabled cluster names in config order (GetValidTargets). */
  readonly enabledIds: readonly string[];
  /** labelClusterMap after dropping disabled/unknown ids; labels left with no entry are absent. */
  readonly labelLists: ReadonlyMap<string, WeightedList>;
  /** Labels dropped because none of their ids is an enabled configured cluster. */
  readonly droppedLabels: readonly string[];
  /** Every enabled cluster, equal weights; null in single-cluster (in-cluster) mode. */
  readonly allEnabled: WeightedList | null;
  readonly defaultExecutionLabel: string;
  /** No clusterConfigs: FlyteAdmin uses its in-cluster selector, which stores cluster "" for every execution. */
  readonly inCluster: boolean;

  private constructor(init: {
    allTargets: Map<string, ClusterConfig>;
    enabledIds: string[];
    labelLists: Map<string, WeightedList>;
    droppedLabels: string[];
    allEnabled: WeightedList | null;
    defaultExecutionLabel: string;
  }) {
    this.allTargets = init.allTargets;
    this.enabledIds = init.enabledIds;
    this.labelLists = init.labelLists;
    this.droppedLabels = init.droppedLabels;
    this.allEnabled = init.allEnabled;
    this.defaultExecutionLabel = init.defaultExecutionLabel;
    this.inCluster = init.allEnabled === null;
  }

  /**
   * NewListTargets + NewRandomClusterSelector (or NewInCluster with no clusterConfigs). Throws PlacementError where
   * FlyteAdmin refuses to start: `duplicate clusters for name X`, `entries is empty` (no enabled cluster),
   * `invalid weight W, index I` (a weight outside [0,1] on an entry whose cluster is configured and enabled).
   * Labels are validated in the map's iteration order; Go's map order is random, so with several bad labels
   * FlyteAdmin may report a different one first.
   */
  static fromConfig(config: ClustersConfig): ClusterSelector {
    const allTargets = new Map<string, ClusterConfig>();
    const enabledIds: string[] = [];
    for (const c of config.clusterConfigs) {
      if (allTargets.has(c.name)) throw new PlacementError('duplicate-cluster', `duplicate clusters for name ${c.name}`);
      allTargets.set(c.name, c);
      if (c.enabled) enabledIds.push(c.name);
    }
    if (config.clusterConfigs.length === 0) {
      return new ClusterSelector({
        allTargets,
        enabledIds,
        labelLists: new Map(),
        droppedLabels: [],
        allEnabled: null,
        defaultExecutionLabel: config.defaultExecutionLabel,
      });
    }
    const allEnabled = WeightedList.build(enabledIds.map((id) => ({ id, weight: 0 })));
    const labelLists = new Map<string, WeightedList>();
    const droppedLabels: string[] = [];
    for (const [label, entries] of config.labelClusterMap) {
      const valid = entries.filter((e) => allTargets.get(e.id)?.enabled === true);
      if (valid.length === 0) {
        droppedLabels.push(label);
        continue;
      }
      labelLists.set(label, WeightedList.build(valid));
    }
    return new ClusterSelector({
      allTargets,
      enabledIds,
      labelLists,
      droppedLabels,
      allEnabled,
      defaultExecutionLabel: config.defaultExecutionLabel,
    });
  }

  /** GetTarget, returning only the cluster id (fast path: no explanation objects). */
  pick(req: PlacementRequest, resolver?: ExecutionClusterLabelResolver, opts: PlaceOptions = {}): string {
    if (req.targetId || this.inCluster || req.name === '') return this.place(req, resolver, opts).cluster;
    const { list } = this.resolveList(req, resolver, undefined);
    return list.slots[indexForName(list, req.name)]!.id;
  }

  /** GetTarget with a full explanation. Throws PlacementError where FlyteAdmin's GetTarget fails. */
  place(req: PlacementRequest, resolver?: ExecutionClusterLabelResolver, opts: PlaceOptions = {}): PlacementExplanation {
    const logs: string[] = [];
    if (this.inCluster) {
      if (req.targetId && req.targetId !== 'id') {
        throw new PlacementError('remote-target-unsupported', `remote target ${req.targetId} is not supported`);
      }
      if (req.label) {
        throw new PlacementError('label-unsupported', `execution cluster label ${req.label} is not supported`);
      }
      return { cluster: '', rule: 'in-cluster', logs };
    }
    if (req.targetId) {
      if (!this.allTargets.has(req.targetId)) {
        throw new PlacementError('invalid-target', `invalid cluster target ${req.targetId}`);
      }
      return { cluster: req.targetId, rule: 'target-id', logs };
    }
    const explanation: PlacementExplanation = { cluster: '', rule: 'all-enabled-clusters', logs };
    const { list, label, rule } = this.resolveList(req, resolver, explanation);
    explanation.rule = rule;
    explanation.list = explainList(label, list);
    if (req.name === '') {
      const u = Math.fround((opts.random ?? Math.random)());
      const index = list.indexFor(u === 1 ? 0 : u);
      explanation.index = index;
      explanation.cluster = list.slots[index]!.id;
      explanation.draw = {
        deterministic: false,
        note: 'empty execution name: FlyteAdmin seeds from the clock (Get), so this placement is not reproducible',
      };
      return explanation;
    }
    const trace = traceDraw(req.name);
    const index = list.indexFor(trace.u);
    const randomWeight = list.scaled(trace.u);
    explanation.index = index;
    explanation.cluster = list.slots[index]!.id;
    explanation.draw = { ...trace, deterministic: true, randomWeight, randomWeightBits: float32Bits(randomWeight) };
    return explanation;
  }

  /**
   * Steps 3–7 of GetTarget: the weighted list a request draws from (it depends on the label sources, never on the
   * name), so callers placing many names under one label can resolve it once and use indexForName.
   */
  resolveList(
    req: Omit<PlacementRequest, 'name' | 'targetId'>,
    resolver?: ExecutionClusterLabelResolver,
    ex?: PlacementExplanation,
  ): { list: WeightedList; label: string | null; rule: DecisionRule } {
    if (this.inCluster) throw new PlacementError('label-unsupported', 'single-cluster mode has no weighted lists');
    let label = '';
    let rule: DecisionRule = 'request-label';
    if (req.label) {
      label = req.label;
      if (ex) ex.label = { value: label, source: 'request', mapped: this.labelLists.has(label) };
    } else if (resolver && (req.project || req.domain)) {
      const row = resolver(req.project ?? '', req.domain ?? '', req.workflow ?? '');
      rule = 'execution-cluster-label';
      if (row) {
        label = row.value;
        if (ex) {
          ex.label = {
            value: row.value,
            source: 'attribute',
            level: row.level,
            priority: row.priority,
            mapped: label !== '' && this.labelLists.has(label),
          };
        }
      }
    }
    if (label !== '') {
      const list = this.labelLists.get(label);
      if (list) return { list, label, rule };
      ex?.logs.push(`debug: No cluster mapping found for the label ${label}`);
    }
    const def = this.defaultExecutionLabel;
    if (def !== '') {
      const list = this.labelLists.get(def);
      if (ex) ex.defaultExecutionLabel = { value: def, mapped: list !== undefined };
      if (list) return { list, label: def, rule: 'default-execution-label' };
      ex?.logs.push(`warn: No cluster mapping found for the default execution label ${def}`);
    }
    return { list: this.allEnabled!, label: null, rule: 'all-enabled-clusters' };
  }
}
