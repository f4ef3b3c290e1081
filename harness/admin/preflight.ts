// Pre-flight check of a config change before it is rolled out: would FlyteAdmin start, would a running execution
// be stranded (its cluster no longer a target, so terminate fails with `invalid cluster target`), would a label in
// use fall back silently (typo, case, a label whose clusters are all disabled). Pure: no I/O.
import { ClusterSelector, PlacementError, type ClustersConfig, type PlacementErrorCode } from '../placement/index.ts';
import type { AttributeRow } from './attributes.ts';
import { isTerminal, type ExecutionsTable, type Phase } from './executions.ts';

/**
 * Findings carry the code of the lint rule that reports the same problem in the files (`flyte-mc lint --rules`),
 * so a pre-flight finding and a lint finding for one mistake read alike. Only stranded executions, which no file
 * shows, have a code of their own.
 */
export type PreflightCode =
  | 'FMC101' // a weight outside [0,1] on an enabled cluster: FlyteAdmin refuses to start
  | 'FMC102' // the same on a disabled or unknown cluster: dormant until it is enabled
  | 'FMC107' // defaultExecutionLabel maps to nothing
  | 'FMC111' // unlabelled executions reach every enabled cluster
  | 'FMC113' // no enabled cluster: FlyteAdmin refuses to start
  | 'FMC114' // duplicate cluster names: FlyteAdmin refuses to start
  | 'FMC201' // empty labelClusterMap with remote clusters
  | 'FMC301' // a label in use maps to nothing
  | 'strands-executions';

/** The lint rule for each way ClusterSelector.fromConfig refuses a config (FlyteAdmin's startup panics). */
const REFUSAL_CODE: Partial<Record<PlacementErrorCode, PreflightCode>> = { 'invalid-weight': 'FMC101', 'entries-empty': 'FMC113', 'duplicate-cluster': 'FMC114' };

export interface PreflightFinding {
  code: PreflightCode;
  severity: 'error' | 'warning';
  message: string;
}

export interface PreflightReport {
  /** No error findings: the rollout is safe to apply. */
  ok: boolean;
  findings: PreflightFinding[];
}

export interface PreflightOptions {
  /** The EXECUTION_CLUSTER_LABEL rows in the DB (their values must map). */
  attributes?: readonly AttributeRow[];
  /** Explicit request labels in use (e.g. by schedules or clients) that must keep mapping. */
  requestLabels?: Iterable<string>;
}

type ExecutionLike = { cluster: string; phase: Phase };

function liveCounts(executions: ExecutionsTable | Iterable<ExecutionLike>): Map<string, number> {
  if ('liveByCluster' in executions) return executions.liveByCluster();
  const live = new Map<string, number>();
  for (const e of executions) if (!isTerminal(e.phase)) live.set(e.cluster, (live.get(e.cluster) ?? 0) + 1);
  return live;
}

/** Checks `after` against `before` and the executions recorded so far. */
export function preflight(
  before: ClustersConfig,
  after: ClustersConfig,
  executions: ExecutionsTable | Iterable<ExecutionLike>,
  opts: PreflightOptions = {},
): PreflightReport {
  const findings: PreflightFinding[] = [];
  const err = (code: PreflightCode, message: string) => findings.push({ code, severity: 'error', message });
  const warn = (code: PreflightCode, message: string) => findings.push({ code, severity: 'warning', message });

  let selector: ClusterSelector | undefined;
  try {
    selector = ClusterSelector.fromConfig(after);
  } catch (e) {
    if (!(e instanceof PlacementError)) throw e;
    err(REFUSAL_CODE[e.code] ?? 'FMC113', `FlyteAdmin would refuse to start: ${e.message}`);
  }

  const afterNames = new Set(after.clusterConfigs.map((c) => c.name));
  const live = liveCounts(executions);
  const multiAfter = after.clusterConfigs.length > 0;
  for (const [cluster, n] of live) {
    if (cluster === '' ? multiAfter && before.clusterConfigs.length === 0 : !afterNames.has(cluster)) {
      err(
        'strands-executions',
        cluster === ''
          ? `${n} live executions have no stored cluster (single-cluster mode); in multi-cluster mode terminate fails and they stay ABORTING`
          : `removing cluster ${cluster} strands ${n} live executions: terminate fails with "invalid cluster target ${cluster}" and they stay ABORTING; disable it and drop it from labels first, remove it once they finish`,
      );
    }
  }

  if (selector && !selector.inCluster) {
    const mapped = (l: string) => selector.labelLists.has(l);
    const lowerHint = (l: string) => (l !== l.toLowerCase() && selector.labelLists.has(l.toLowerCase()) ? ` (labelClusterMap keys are lowercased by viper: "${l.toLowerCase()}" exists)` : '');
    const fallback = after.defaultExecutionLabel && mapped(after.defaultExecutionLabel) ? `defaultExecutionLabel ${after.defaultExecutionLabel}` : 'all enabled clusters';
    const used = new Map<string, string>();
    for (const r of opts.attributes ?? []) if (r.value !== '') used.set(r.value, `execution cluster label ${r.project}/${r.domain || '*'}${r.workflow ? `/${r.workflow}` : ''}`);
    for (const l of opts.requestLabels ?? []) if (l !== '' && !used.has(l)) used.set(l, 'request label');
    for (const [label, where] of used) {
      if (!mapped(label)) err('FMC301', `label "${label}" (${where}) maps to no enabled cluster${lowerHint(label)}: executions fall back silently to ${fallback}`);
    }
    if (after.defaultExecutionLabel && !mapped(after.defaultExecutionLabel)) {
      err('FMC107', `defaultExecutionLabel "${after.defaultExecutionLabel}" maps to no enabled cluster${lowerHint(after.defaultExecutionLabel)}: unlabelled executions go to all enabled clusters (FlyteAdmin only logs a warning)`);
    }
    if (!after.defaultExecutionLabel && selector.labelLists.size > 0) {
      const labelsOf = (id: string) => [...selector.labelLists].filter(([, l]) => l.slots.some((s) => s.id === id)).map(([n]) => n);
      const detail = selector.enabledIds.map((id) => `${id} (${labelsOf(id).join(', ') || 'no label'})`).join(', ');
      warn(
        'FMC111',
        `no defaultExecutionLabel: executions with no label and no matching execution cluster label row go to every enabled cluster: ${detail}; set defaultExecutionLabel to keep them off specialised clusters (flyte#2882)`,
      );
    }
  }
  if (after.clusterConfigs.some((c) => !c.inCluster) && after.labelClusterMap.size === 0) {
    err('FMC201', 'labelClusterMap is empty while clusterConfigs has remote clusters: the chart mounts no credentials into the sync init container and syncresources, which panic (flyte PR 3993)');
  }
  const enabled = new Set(after.clusterConfigs.filter((c) => c.enabled).map((c) => c.name));
  for (const [label, entries] of after.labelClusterMap) {
    for (const e of entries) {
      if (!enabled.has(e.id) && (e.weight > 1 || e.weight < 0)) {
        warn('FMC102', `label ${label}: weight ${e.weight} on ${e.id} (disabled or unknown) is not validated now and will stop FlyteAdmin the day ${e.id} is enabled`);
      }
    }
  }
  return { ok: !findings.some((f) => f.severity === 'error'), findings };
}
