import { describe, expect, it } from 'vitest';
import type { AttributeRow } from '../../../harness/admin/attributes.ts';
import { preflight } from '../../../harness/admin/preflight.ts';
import { rules } from '../../../harness/lint/index.ts';
import type { ClustersConfig } from '../../../harness/placement/index.ts';

function cfg(clusters: [string, boolean][], labels: Record<string, [string, number][]>, def = ''): ClustersConfig {
  return {
    clusterConfigs: clusters.map(([name, enabled]) => ({ name, enabled, endpoint: `https://${name}`, inCluster: false, auth: { tokenPath: '', certPath: '' } })),
    labelClusterMap: new Map(Object.entries(labels).map(([l, es]) => [l, es.map(([id, weight]) => ({ id, weight }))])),
    defaultExecutionLabel: def,
  };
}
const row = (value: string, domain = 'development'): AttributeRow => ({ project: 'team1', domain, workflow: '', value, priority: 10 });
const base = cfg([['dp1', true], ['dp2', true]], { label1: [['dp1', 1]], label2: [['dp2', 1]] }, 'label1');

describe('preflight', () => {
  it('passes a safe change', () => {
    const after = cfg([['dp1', true], ['dp2', true], ['dp3', true]], { label1: [['dp1', 1], ['dp3', 0.5]], label2: [['dp2', 1]] }, 'label1');
    expect(preflight(base, after, [{ cluster: 'dp1', phase: 'RUNNING' }], { attributes: [row('label1')] })).toEqual({ ok: true, findings: [] });
  });

  it('reports a removal that strands live executions, not one whose executions finished', () => {
    const after = cfg([['dp1', true]], { label1: [['dp1', 1]] }, 'label1');
    const r = preflight(base, after, [{ cluster: 'dp2', phase: 'RUNNING' }, { cluster: 'dp2', phase: 'ABORTING' }]);
    expect(r.ok).toBe(false);
    expect(r.findings[0]?.message).toContain('removing cluster dp2 strands 2 live executions');
    expect(preflight(base, after, [{ cluster: 'dp2', phase: 'SUCCEEDED' }]).ok).toBe(true);
  });

  it('reports what would stop FlyteAdmin: a weight above 1 on an enabled cluster, no enabled cluster', () => {
    const heavy = cfg([['dp1', true], ['dp2', true]], { label1: [['dp1', 3]] });
    expect(preflight(base, heavy, []).findings).toContainEqual({ code: 'FMC101', severity: 'error', message: 'FlyteAdmin would refuse to start: invalid weight 3.000000, index 0' });
    const dormant = cfg([['dp1', true], ['dp2', false]], { label1: [['dp1', 1]], label2: [['dp2', 3]] }, 'label1');
    const d = preflight(base, dormant, []);
    expect(d.ok).toBe(true);
    expect(d.findings.map((f) => f.code)).toContain('FMC102');
    expect(preflight(base, cfg([['dp1', false]], { label1: [['dp1', 1]] }), []).findings[0]).toEqual({ code: 'FMC113', severity: 'error', message: 'FlyteAdmin would refuse to start: entries is empty' });
  });

  it('reports with lint\'s codes and severities: one mistake reads the same in lint and pre-flight', () => {
    const cases = [
      preflight(base, cfg([['dp1', true], ['dp2', true]], { label1: [['dp1', 3]] }), []),
      preflight(base, cfg([['dp1', true], ['dp2', false]], { label1: [['dp1', 1]], label2: [['dp2', 3]] }, 'nope'), [], { attributes: [row('lable1')] }),
      preflight(base, cfg([['dp1', true], ['dp2', true]], {}), []),
      preflight(base, cfg([['dp1', true], ['dp2', true]], { label1: [['dp1', 1]] }), []),
    ];
    const seen = new Map(cases.flatMap((r) => r.findings).map((f) => [f.code, f.severity]));
    expect([...seen.keys()].sort()).toEqual(['FMC101', 'FMC102', 'FMC107', 'FMC111', 'FMC201', 'FMC301']);
    for (const [code, severity] of seen) expect(rules.find((r) => r.code === code)?.severity, code).toBe(severity);
  });

  it('reports labels in use that map to nothing, with the lowercasing hint', () => {
    const after = cfg([['dp1', true], ['dp2', true]], { gpu: [['dp2', 1]], label1: [['dp1', 1]] }, 'label1');
    const r = preflight(base, after, [], { attributes: [row('GPU'), row('lable1', 'staging')], requestLabels: ['label2'] });
    expect(r.findings.filter((f) => f.code === 'FMC301').map((f) => f.message)).toEqual([
      'label "GPU" (execution cluster label team1/development) maps to no enabled cluster (labelClusterMap keys are lowercased by viper: "gpu" exists): executions fall back silently to defaultExecutionLabel label1',
      'label "lable1" (execution cluster label team1/staging) maps to no enabled cluster: executions fall back silently to defaultExecutionLabel label1',
      'label "label2" (request label) maps to no enabled cluster: executions fall back silently to defaultExecutionLabel label1',
    ]);
  });

  it('reports an empty labelClusterMap with remote clusters (chart crash) and warns about unlabelled traffic', () => {
    const empty = cfg([['dp1', true]], {});
    expect(preflight(base, empty, []).findings.map((f) => f.code)).toContain('FMC201');
    const noDefault = cfg([['dp1', true], ['gpu', true]], { general: [['dp1', 1]], gpu: [['gpu', 1]] });
    const w = preflight(base, noDefault, []).findings.find((f) => f.code === 'FMC111');
    expect(w?.severity).toBe('warning');
    expect(w?.message).toContain('gpu (gpu)');
  });
});
