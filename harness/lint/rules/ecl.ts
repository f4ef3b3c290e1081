// How flytectl reads an execution-cluster-label file (docs/flyte-behaviour.md#ecl-files): keys project, domain, workflow, value, matched
// case-insensitively (encoding/json), anything else rejected by UnmarshalStrict.
import type { EclArtifact, PathSegment } from '../types.ts';
import { isObj, keyLine } from '../util.ts';

export const ECL_FIELDS = ['project', 'domain', 'workflow', 'value'] as const;
export type EclField = (typeof ECL_FIELDS)[number];

export interface EclRow {
  artifact: EclArtifact;
  fields: Partial<Record<EclField, { key: string; value: unknown; line?: number }>>;
  unknown: { key: string; line?: number }[];
}

export function eclRow(a: EclArtifact): EclRow {
  const row: EclRow = { artifact: a, fields: {}, unknown: [] };
  const data = a.doc.data;
  if (!isObj(data)) return row;
  for (const key of Object.keys(data)) {
    const field = ECL_FIELDS.find((f) => f === key.toLowerCase());
    const line = keyLine(a.doc, [key]);
    if (field) row.fields[field] = { key, value: data[key], line };
    else row.unknown.push({ key, line });
  }
  return row;
}

export function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function fieldPath(row: EclRow, f: EclField): PathSegment[] {
  return [row.fields[f]?.key ?? f];
}
