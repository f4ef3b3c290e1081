// Real FlyteAdmin vs the harness's prediction, one execution at a time. The model is harness/placement's
// ClusterSelector built from the clusters.yaml FlyteAdmin was started with (decoded the way FlyteAdmin decodes it),
// and the EXECUTION_CLUSTER_LABEL rows the harness wrote through the API. The observation is where the FlyteWorkflow
// object named after the execution appears (across every data plane) and the cluster FlyteAdmin reports.
// Any difference is a disagreement, printed with both sides next to each other.
import { decodeClustersYaml } from '../../admin/config.ts';
import {
  ClusterSelector,
  PlacementError,
  inMemoryLabelResolver,
  type ExecutionClusterLabelRow,
  type PlacementExplanation,
  type PlacementRequest,
} from '../../placement/index.ts';
import { KubeApiError, type KubeClient } from '../../backends/types.ts';

export const FLYTEWORKFLOW = { apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow' } as const;

export interface ExecutionObservation {
  /** How it was created. */
  via: 'create' | 'relaunch' | 'recover';
  project: string;
  domain: string;
  workflow: string;
  name: string;
  /** Explicit label on the request (or copied from the source execution's spec on relaunch/recover). */
  label?: string;
  /** spec.metadata.systemMetadata.executionCluster as FlyteAdmin returns it. */
  reported: string;
  phase: string;
  /** The error FlyteAdmin stored on a FAILED execution. */
  error?: string;
  /** Data planes holding FlyteWorkflow <name> in <project>-<domain>. */
  foundIn: string[];
}

export type Prediction = { ok: true; explanation: PlacementExplanation } | { ok: false; error: string };

export interface Comparison {
  observed: ExecutionObservation;
  predicted: Prediction;
  /** Why they differ; empty when they agree. */
  differences: string[];
}

/** The model of one FlyteAdmin start: selector from its clusters.yaml plus the attribute rows in force. */
export class PlacementModel {
  readonly selector: ClusterSelector;
  private rows: ExecutionClusterLabelRow[] = [];
  private resolver = inMemoryLabelResolver([]);

  constructor(clustersYaml: string, file = 'clusters.yaml') {
    this.selector = ClusterSelector.fromConfig(decodeClustersYaml(clustersYaml, file, 'admin').config);
  }

  /** Records an attribute row written through UpdateProjectDomainAttributes / UpdateWorkflowAttributes. */
  setRow(row: ExecutionClusterLabelRow): void {
    this.rows.push(row);
    this.resolver = inMemoryLabelResolver(this.rows);
  }

  withRows(rows: readonly ExecutionClusterLabelRow[]): this {
    for (const r of rows) this.setRow(r);
    return this;
  }

  get attributeRows(): readonly ExecutionClusterLabelRow[] {
    return this.rows;
  }

  predict(req: PlacementRequest): Prediction {
    try {
      return { ok: true, explanation: this.selector.place(req, this.resolver) };
    } catch (err) {
      if (err instanceof PlacementError) return { ok: false, error: err.message };
      throw err;
    }
  }
}

/**
 * Compares one execution. `unreachable`: data planes the harness made unreachable; an execution predicted there
 * must be FAILED with no cluster and no object (Execute's CRD create fails, the row is stored FAILED, cluster "").
 */
export function compareExecution(
  predicted: Prediction,
  observed: ExecutionObservation,
  unreachable: ReadonlySet<string> = new Set(),
): Comparison {
  const d: string[] = [];
  const found = [...observed.foundIn].sort();
  if (!predicted.ok || unreachable.has(predicted.explanation.cluster)) {
    if (observed.phase !== 'FAILED') d.push(`phase ${observed.phase}, model expects FAILED`);
    if (observed.reported !== '') d.push(`FlyteAdmin reports cluster "${observed.reported}", model expects ""`);
    if (found.length > 0) d.push(`FlyteWorkflow found in ${found.join(', ')}, model expects none`);
  } else {
    const want = predicted.explanation.cluster;
    if (observed.reported !== want) d.push(`FlyteAdmin reports cluster "${observed.reported}", model predicts "${want}"`);
    if (found.length !== 1 || found[0] !== want) {
      d.push(`FlyteWorkflow found in [${found.join(', ')}], model predicts [${want}]`);
    }
    if (observed.phase === 'FAILED') d.push(`execution FAILED (${observed.error ?? 'no message'}), model predicts a placement`);
  }
  return { observed, predicted, differences: d };
}

function modelLines(p: Prediction): string[] {
  if (!p.ok) return ['GetTarget fails:', `  ${p.error}`];
  const e = p.explanation;
  const out = [`cluster: ${e.cluster}`, `rule: ${e.rule}`];
  if (e.label) {
    out.push(`label: "${e.label.value}" from ${e.label.source}${e.label.level ? ` (${e.label.level}, priority ${e.label.priority})` : ''}`);
    out.push(`  in labelClusterMap: ${e.label.mapped}`);
  }
  if (e.defaultExecutionLabel) out.push(`defaultExecutionLabel: "${e.defaultExecutionLabel.value}" mapped=${e.defaultExecutionLabel.mapped}`);
  if (e.list) {
    out.push(`list ${e.list.label ?? '(all enabled)'}${e.list.uniform ? ' uniform' : ''} total=${e.list.total}`);
    for (const x of e.list.entries) out.push(`  ${x.id} w=${x.weight} (${x.from}, ${x.to}]`);
  }
  if (e.draw && e.draw.deterministic) {
    out.push(`seed ${e.draw.seed} u=${e.draw.u} r=${e.draw.randomWeight} (${e.draw.randomWeightBits})`);
  } else if (e.draw) out.push(e.draw.note);
  for (const l of e.logs) out.push(`log: ${l}`);
  return out;
}

function realLines(o: ExecutionObservation): string[] {
  const out = [
    `cluster: ${o.reported === '' ? '""' : o.reported}`,
    `FlyteWorkflow in: ${o.foundIn.length > 0 ? o.foundIn.join(', ') : '(none)'}`,
    `phase: ${o.phase}`,
    `request label: ${o.label === undefined ? '(none)' : `"${o.label}"`}`,
    `via: ${o.via}`,
  ];
  if (o.error) out.push(`error: ${o.error}`);
  return out;
}

/** Both explanations next to each other. */
export function sideBySide(c: Comparison): string {
  const o = c.observed;
  const left = modelLines(c.predicted);
  const right = realLines(o);
  const width = Math.max(32, ...left.map((l) => l.length)) + 2;
  const rows = [`${'model (harness/placement)'.padEnd(width)}| real FlyteAdmin`, `${'-'.repeat(width)}+${'-'.repeat(32)}`];
  for (let i = 0; i < Math.max(left.length, right.length); i++) rows.push(`${(left[i] ?? '').padEnd(width)}| ${right[i] ?? ''}`);
  return [
    `DISAGREEMENT ${o.project}/${o.domain}/${o.name} (workflow ${o.workflow}): ${c.differences.join('; ')}`,
    ...rows,
  ].join('\n');
}

export interface ComparisonReport {
  compared: number;
  disagreements: Comparison[];
}

export function summarize(comparisons: readonly Comparison[]): ComparisonReport {
  return { compared: comparisons.length, disagreements: comparisons.filter((c) => c.differences.length > 0) };
}

/** Throws with every disagreement side by side (the run fails on any). */
export function assertAgreement(report: ComparisonReport): void {
  if (report.disagreements.length === 0) return;
  throw new Error(
    `${report.disagreements.length} of ${report.compared} executions placed differently from the model:\n\n` +
      report.disagreements.map(sideBySide).join('\n\n'),
  );
}

/**
 * Where each FlyteWorkflow is: lists FlyteWorkflow objects in each namespace of each data plane (one request per
 * data plane and namespace). Unreachable planes and missing namespaces count as holding nothing.
 */
export async function locateWorkflows(
  planes: ReadonlyMap<string, KubeClient>,
  namespaces: readonly string[],
): Promise<Map<string, string[]>> {
  const where = new Map<string, string[]>();
  await Promise.all(
    [...planes].flatMap(([plane, client]) =>
      namespaces.map(async (ns) => {
        let items;
        try {
          items = await client.list({ ...FLYTEWORKFLOW, namespace: ns });
        } catch (err) {
          if (err instanceof KubeApiError && (err.status === 0 || err.status === 404)) return;
          throw err;
        }
        for (const o of items) {
          const key = `${ns}/${o.metadata.name}`;
          const list = where.get(key) ?? [];
          list.push(plane);
          where.set(key, list);
        }
      }),
    ),
  );
  return where;
}
