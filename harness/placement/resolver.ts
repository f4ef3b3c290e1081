// The EXECUTION_CLUSTER_LABEL matchable attribute lookup as an input to the selector, and a pure in-memory
// implementation of FlyteAdmin's resource_repo.go Get: rows match when each of project/domain/workflow is '' or
// equal (case-sensitive); the single row with the highest priority wins, even when its value is empty or unknown.

export type AttributeLevel = 'project' | 'project-domain' | 'workflow';

/** models/resource.go priorities (launch-plan rows, 1000, are never written by any API). */
export const ATTRIBUTE_PRIORITY: Readonly<Record<AttributeLevel, number>> = {
  project: 5,
  'project-domain': 10,
  workflow: 100,
};

export interface ResolvedLabelAttribute {
  /** The label value of the winning row; may be "" (which still hides lower-priority rows). */
  value: string;
  level: AttributeLevel;
  priority: number;
}

/** The single top EXECUTION_CLUSTER_LABEL row for (project, domain, workflow), or undefined when none matches. */
export type ExecutionClusterLabelResolver = (
  project: string,
  domain: string,
  workflow: string,
) => ResolvedLabelAttribute | undefined;

/** One stored row: project-level (no domain), project-domain, or workflow-level (domain and workflow). */
export interface ExecutionClusterLabelRow {
  project: string;
  domain?: string;
  workflow?: string;
  value: string;
}

export function rowLevel(row: ExecutionClusterLabelRow): AttributeLevel {
  if (row.workflow) return 'workflow';
  if (row.domain) return 'project-domain';
  return 'project';
}

/**
 * An in-memory attribute table with FlyteAdmin's priority rules. A later row with the same
 * (project, domain, workflow) replaces an earlier one, as CreateOrUpdate does.
 */
export function inMemoryLabelResolver(rows: readonly ExecutionClusterLabelRow[]): ExecutionClusterLabelResolver {
  const byKey = new Map<string, { row: ExecutionClusterLabelRow; level: AttributeLevel }>();
  for (const row of rows) {
    byKey.set(JSON.stringify([row.project, row.domain ?? '', row.workflow ?? '']), { row, level: rowLevel(row) });
  }
  const table = [...byKey.values()];
  return (project, domain, workflow) => {
    let best: ResolvedLabelAttribute | undefined;
    for (const { row, level } of table) {
      const p = row.project;
      const d = row.domain ?? '';
      const w = row.workflow ?? '';
      if ((p !== '' && p !== project) || (d !== '' && d !== domain) || (w !== '' && w !== workflow)) continue;
      const priority = ATTRIBUTE_PRIORITY[level];
      if (!best || priority > best.priority) best = { value: row.value, level, priority };
    }
    return best;
  };
}
