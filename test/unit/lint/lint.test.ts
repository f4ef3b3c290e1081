import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { memoryIo } from '../../../harness/cli/command.ts';
import { detectKind, formatJson, formatText, lintArtifacts, lintTopology, renderedArtifacts, rules, sortFindings, type Finding } from '../../../harness/lint/index.ts';
import { render } from '../../../harness/render/index.ts';
import { buildInput } from '../../../harness/lint/input.ts';
import { parseTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/lint');
const RULES_DIR = join(import.meta.dirname, '../../../harness/lint/rules');

describe('rule registry', () => {
  it('has unique codes, valid severities and a hint and summary per rule', () => {
    const codes = rules.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of rules) {
      expect(r.code).toMatch(/^FMC\d{3}$/);
      expect(['error', 'warning', 'info']).toContain(r.severity);
      expect(r.summary.length).toBeGreaterThan(10);
      expect(r.hint.length).toBeGreaterThan(5);
    }
  });

  it('lists one rule per file under rules/, named after its code, without export *', () => {
    const files = readdirSync(RULES_DIR).filter((f) => /^fmc\d+-/.test(f));
    expect(files.map((f) => f.slice(0, 6).toUpperCase()).sort()).toEqual([...rules.map((r) => r.code)].sort());
    expect(readFileSync(join(RULES_DIR, 'index.ts'), 'utf8')).not.toMatch(/export \*/);
  });
});

describe('kind detection', () => {
  it.each([
    ['values-override.yaml', 'configmap:\n  clusters: {}\n', 'values'],
    ['clusters.yaml', 'clusters:\n  clusterConfigs: []\n', 'values'],
    ['x/values-dataplane.yaml', 'flyteadmin:\n  enabled: false\n', 'dataplane-values'],
    ['secrets.yaml', 'kind: Secret\nmetadata: {name: cluster-credentials}\n', 'secret'],
    ['t.yaml', 'kind: Secret\ntype: kubernetes.io/service-account-token\n', 'token-secret'],
    ['ecl.yaml', 'domain: development\nproject: p\nvalue: l\n', 'ecl'],
    ['trust.json', '{"Statement":[{"Principal":{"Federated":"x"},"Action":"sts:AssumeRoleWithWebIdentity"}]}', 'trust-policy'],
    ['perm.json', '{"Statement":[{"Action":"s3:GetObject","Resource":"*"}]}', 'iam-policy'],
    ['commands.sh', 'helm list\n', 'commands'],
  ])('%s is %s', (path, content, kind) => {
    expect(buildInput([{ path, content }]).all[0]?.kind).toBe(kind);
    if (!path.endsWith('.sh')) expect(detectKind(path, buildInput([{ path, content }]).all[0]?.docs ?? [])).toBe(kind);
  });

  it('keeps line numbers in multi-document YAML', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: other\ntype: Opaque\ndata: {}\n';
    const findings = lintArtifacts([{ path: 's.yaml', content: `---\n${secret}---\n${secret}`, kind: 'secret' }]);
    expect(findings.filter((f) => f.code === 'FMC210').map((f) => f.line)).toEqual([5, 12]);
  });
});

describe('output', () => {
  const findings: Finding[] = [
    { code: 'FMC901', severity: 'warning', message: 'm2', file: 'b.yaml', path: 'x', line: 3, hint: 'h' },
    { code: 'FMC101', severity: 'error', message: 'm1', file: 'a.yaml', path: 'y', line: 9, hint: 'h1' },
    { code: 'FMC103', severity: 'info', message: 'm3', file: 'a.yaml', path: 'z', hint: 'h3' },
  ];

  it('sorts by file, line, code', () => {
    expect(sortFindings(findings).map((f) => f.code)).toEqual(['FMC103', 'FMC101', 'FMC901']);
  });

  it('prints file:line: severity CODE path: message (hint) and a summary', () => {
    expect(formatText(findings, 2)).toBe(
      [
        'a.yaml: info FMC103 z: m3 (hint: h3)',
        'a.yaml:9: error FMC101 y: m1 (hint: h1)',
        'b.yaml:3: warning FMC901 x: m2 (hint: h)',
        '1 error, 1 warning, 1 info in 2 files',
        '',
      ].join('\n'),
    );
    expect(formatText([], 3)).toBe('no findings in 3 files\n');
  });

  it('prints JSON rows with line only when known', () => {
    const rows = JSON.parse(formatJson(findings)) as Record<string, unknown>[];
    expect(rows[0]).toEqual({ code: 'FMC103', severity: 'info', message: 'm3', file: 'a.yaml', path: 'z', hint: 'h3' });
    expect(rows[1]).toMatchObject({ code: 'FMC101', line: 9 });
  });
});

describe('lintTopology', () => {
  it('finds no errors in the starter topology (only the placeholders render leaves for auto endpoints and credentials)', () => {
    const findings = lintTopology(parseTopology(starterTopologyYaml({ dataPlanes: 3 })));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(new Set(findings.map((f) => f.code))).toEqual(new Set(['FMC901']));
  });

  it('names the cluster whose OIDC provider the data-plane trust policy lacks when it knows the topology', () => {
    const t = parseTopology(starterTopologyYaml({ dataPlanes: 2 }));
    const stale = render({ ...t, dataPlanes: t.dataPlanes.slice(0, 1) }).find((f) => f.path === 'iam/dataplane-trust-policy.json');
    const files = renderedArtifacts(render(t)).map((f) => (f.path === stale?.path ? { ...f, content: stale.content } : f));
    const errors = lintArtifacts(files, { topology: t }).filter((x) => x.severity === 'error');
    expect(errors.map((x) => [x.code, x.file])).toEqual([['FMC403', 'iam/dataplane-trust-policy.json']]);
    expect(errors[0]?.message).toContain("dataplane_2's OIDC provider");
  });

  it('reports a capitalised default label the topology allows', () => {
    const t = parseTopology(starterTopologyYaml({ dataPlanes: 2 }));
    const f = lintTopology({ ...t, labels: { GPU: [{ cluster: 'dataplane_1', weight: 1 }], label2: t.labels.label2 ?? [] }, defaultExecutionLabel: 'GPU', executionClusterLabels: [] });
    expect(f.filter((x) => x.severity === 'error').map((x) => x.code).sort()).toEqual(['FMC105', 'FMC107']);
  });
});

describe('flyte-mc lint', () => {
  const run = async (args: string[]) => {
    const io = memoryIo();
    const code = await main(['lint', ...args], io);
    return { code, out: io.out.join(''), err: io.err.join('') };
  };

  it('exits 0 on the clean fixture and prints a summary', async () => {
    const d = join(FIXTURES, 'clean');
    const r = await run(['--values', join(d, 'values-override.yaml'), '--secret', join(d, 'secrets.yaml'), '--ecl', join(d, 'ecl.yaml'), '--trust-policy', join(d, 'dataplane-trust-policy.json'), '--dataplane-values', `dataplane_1=${join(d, 'dataplanes/dataplane_1/values-dataplane.yaml')}`]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('no findings in 5 files\n');
  });

  it('exits 1 on errors and prints JSON with --format json', async () => {
    const d = join(FIXTURES, 'guide');
    const r = await run(['--values', join(d, 'values-override.yaml'), '--ecl', join(d, 'workflow-ecl.yaml'), '--format', 'json']);
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.out) as { code: string; line?: number }[];
    expect(rows.map((x) => x.code)).toContain('FMC301');
    expect(rows.find((x) => x.code === 'FMC203')?.line).toBe(9);
  });

  it('checks a --dataplane-values NAME= against propeller cluster-id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-lint-'));
    const f = join(dir, 'dp.yaml');
    await writeFile(f, 'configmap:\n  core:\n    propeller:\n      cluster-id: dp_1\n');
    const r = await run(['--dataplane-values', `dataplane_1=${f}`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${f}:4: error FMC501 configmap.core.propeller.cluster-id`);
  });

  it('exits 2 on unreadable or malformed input, naming file and line', async () => {
    expect((await run(['--values', '/nonexistent/values.yaml'])).err).toContain('/nonexistent/values.yaml: file not found');
    const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-lint-'));
    const f = join(dir, 'v.yaml');
    await writeFile(f, 'configmap:\n  clusters:\n    labelClusterMap:\n      a:\n        - {id: x, weight: heavy}\n');
    const r = await run(['--values', f]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f}:5: configmap.clusters.labelClusterMap.a[0].weight: weight must be a number`);
    expect((await run(['--values', join(FIXTURES, 'guide-malformed/dataplane-trust-policy.json')])).code).toBe(2);
  });

  it('rejects usage mistakes with exit 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['--topology', 'a.yaml', '--values', 'b.yaml'])).code).toBe(2);
    expect((await run(['--values', 'b.yaml', '--format', 'xml'])).code).toBe(2);
  });

  it('lists the rules', async () => {
    const r = await run(['--rules']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => /^FMC\d{3} /.test(l))).toHaveLength(rules.length);
  });
});
