import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topologyJsonSchema } from '../../../harness/topology/index.ts';

describe('JSON Schema export', () => {
  it('matches the committed schema/flyte-mc.schema.json (regenerate with ./flyte-mc schema)', async () => {
    const committed = JSON.parse(await readFile(resolve(import.meta.dirname, '../../../schema/flyte-mc.schema.json'), 'utf8'));
    expect(committed).toEqual(topologyJsonSchema());
  });

  it('describes the required top-level fields and rejects unknown ones', () => {
    const schema = topologyJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'controlPlane', 'dataPlanes', 'aws']));
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['labels', 'defaultExecutionLabel', 'executionClusterLabels']));
  });
});
