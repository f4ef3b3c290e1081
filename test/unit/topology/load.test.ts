import { describe, expect, it } from 'vitest';
import { parseTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';
import { InputError } from '../../../harness/errors.ts';

function errorOf(text: string): InputError {
  try {
    parseTopology(text, 'flyte-mc.yaml');
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('parseTopology', () => {
  it('parses the starter topology with defaults filled in', () => {
    const t = parseTopology(starterTopologyYaml({ dataPlanes: 3 }));
    expect(t.dataPlanes.map((d) => d.name)).toEqual(['dataplane_1', 'dataplane_2', 'dataplane_3']);
    expect(t.dataPlanes.every((d) => d.enabled && d.endpoint === 'auto')).toBe(true);
    expect(t.controlPlane.namespace).toBe('flyte');
    expect(t.labels.label2).toEqual([{ cluster: 'dataplane_2', weight: 1 }]);
    expect(t.aws.trustPolicyStyle).toBe('stringLike');
  });

  it.each([
    ['weight: 1', 'weight: .nan', 'labels.label1[0].weight', 'finite number'],
    ['weight: 1', 'weight: -0.5', 'labels.label1[0].weight', 'must not be negative'],
    ['weight: 1', 'weight: "0.5"', 'labels.label1[0].weight', 'finite number'],
    ['  runsWorkflows: false', '  runsWorkflow: false', 'controlPlane.runsWorkflow', 'unknown field "runsWorkflow"'],
    ['    enabled: true', '    enabled: maybe', 'dataPlanes[0].enabled', 'expected boolean'],
    ['apiVersion: flyte-mc/v1alpha1', 'apiVersion: v2', 'apiVersion', 'flyte-mc/v1alpha1'],
  ])('rejects %s -> %s naming the field and line', (from, to, path, message) => {
    const text = starterTopologyYaml().replace(from, to);
    const err = errorOf(text);
    expect(err.location.path).toBe(path);
    expect(err.message).toContain(message);
    const line = text.split('\n').findIndex((l) => l.includes(to.trim().split(':')[0]!) && l.includes(to.trim().split(':').slice(1).join(':').trim())) + 1;
    expect(err.location.line).toBe(line);
    expect(err.format()).toMatch(/^flyte-mc\.yaml:\d+: /);
  });

  it('reports YAML syntax errors with a line', () => {
    const err = errorOf('apiVersion: flyte-mc/v1alpha1\ndataPlanes: [\n  - oops: :\n');
    expect(err.message).toMatch(/^invalid YAML/);
    expect(err.location.line).toBeGreaterThan(0);
  });

  it('rejects duplicate data plane names and unknown OIDC provider clusters', () => {
    const dup = starterTopologyYaml().replace('name: dataplane_2', 'name: dataplane_1');
    expect(errorOf(dup).message).toContain('duplicate data plane name "dataplane_1"');
    const unknown = starterTopologyYaml().replace(/^    dataplane_2: /m, '    dataplane_9: ');
    expect(errorOf(unknown).location.path).toBe('aws.oidcProviders.dataplane_9');
  });

  it('rejects duplicate YAML keys instead of keeping the last one', () => {
    const text = starterTopologyYaml().replace('name: flyte\n', 'name: flyte\nname: other\n');
    expect(errorOf(text).message).toMatch(/unique|duplicate/i);
  });
});
