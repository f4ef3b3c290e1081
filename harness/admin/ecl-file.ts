// How flytectl reads an execution-cluster-label file (docs/flyte-behaviour.md#ecl-files): the keys project, domain,
// workflow and value, matched case-insensitively (encoding/json behind sigs.k8s.io/yaml), any other key rejected by
// UnmarshalStrict. The one decoder of these files: lint reports on it, the FlyteAdmin model applies it.

export const ECL_FIELDS = ['project', 'domain', 'workflow', 'value'] as const;
export type EclField = (typeof ECL_FIELDS)[number];

export interface DecodedEclFile {
  /** Each field with the key as written (for locations); a later spelling of the same field wins, as in Go. */
  fields: Partial<Record<EclField, { key: string; value: unknown }>>;
  /** Keys flytectl rejects, as written. */
  unknown: string[];
}

/** Decodes a parsed YAML document; undefined when it is not a mapping. */
export function decodeEclFile(data: unknown): DecodedEclFile | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const out: DecodedEclFile = { fields: {}, unknown: [] };
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const field = ECL_FIELDS.find((f) => f === key.toLowerCase());
    if (field) out.fields[field] = { key, value };
    else out.unknown.push(key);
  }
  return out;
}

/** A field's value as the Go string it decodes to (absent or null is ""). */
export function eclString(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}
