// An execution-cluster-label file as flytectl reads it (admin/ecl-file.ts), with the line of each key for findings.
import { decodeEclFile, eclString, type EclField } from '../../admin/ecl-file.ts';
import type { EclArtifact, PathSegment } from '../types.ts';
import { keyLine } from '../util.ts';

export { ECL_FIELDS, type EclField } from '../../admin/ecl-file.ts';

export interface EclRow {
  artifact: EclArtifact;
  fields: Partial<Record<EclField, { key: string; value: unknown; line?: number }>>;
  unknown: { key: string; line?: number }[];
}

export function eclRow(a: EclArtifact): EclRow {
  const row: EclRow = { artifact: a, fields: {}, unknown: [] };
  const decoded = decodeEclFile(a.doc.data);
  if (!decoded) return row;
  for (const [field, f] of Object.entries(decoded.fields) as [EclField, { key: string; value: unknown }][]) row.fields[field] = { ...f, line: keyLine(a.doc, [f.key]) };
  row.unknown = decoded.unknown.map((key) => ({ key, line: keyLine(a.doc, [key]) }));
  return row;
}

export const str = eclString;

export function fieldPath(row: EclRow, f: EclField): PathSegment[] {
  return [row.fields[f]?.key ?? f];
}
