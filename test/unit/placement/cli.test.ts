// flyte-mc place / distribution / diff through the CLI entry point.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { memoryIo, type Io } from '../../../harness/cli/command.ts';
import { main } from '../../../harness/cli/main.ts';
import { loadTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';
import { runScenario } from '../../../harness/scenarios/index.ts';
import { deployGuide, editTopology } from '../../../harness/scenarios/steps.ts';
import type { Scenario } from '../../../harness/scenarios/context.ts';
import { placeBatch } from '../../../harness/cli/commands/place.ts';
import { skipTier } from '../../support/prereq.ts';
import { oracleBatch, placementOracleMissing } from '../../support/placement-oracle.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'flyte-mc-place-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function topology(file: string, edit: (t: Record<string, any>) => void): string {
  const t = parse(starterTopologyYaml({ dataPlanes: 3 })) as Record<string, any>;
  edit(t);
  const p = path.join(dir, file);
  writeFileSync(p, stringify(t));
  return p;
}

const before = topology('before.yaml', (t) => {
  t.labels = {
    mixed: [
      { cluster: 'dataplane_1', weight: 0.75 },
      { cluster: 'dataplane_2', weight: 0.25 },
    ],
    gpu: [{ cluster: 'dataplane_3', weight: 1 }],
  };
  t.defaultExecutionLabel = 'mixed';
  t.executionClusterLabels = [
    { project: 'team1', domain: 'development', value: 'gpu' },
    { project: 'team1', domain: 'development', workflow: 'wf.typo', value: 'GPU' },
  ];
});
const after = topology('after.yaml', (t) => {
  t.labels = {
    mixed: [
      { cluster: 'dataplane_1', weight: 0.5 },
      { cluster: 'dataplane_2', weight: 0.25 },
      { cluster: 'dataplane_3', weight: 0.25 },
    ],
    gpu: [{ cluster: 'dataplane_3', weight: 1 }],
  };
  t.defaultExecutionLabel = 'mixed';
});
const broken = topology('broken.yaml', (t) => {
  t.labels = { big: [{ cluster: 'dataplane_1', weight: 3 }] };
});

async function run(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('flyte-mc place', () => {
  it('prints NAME<TAB>CLUSTER (the guide-style .75/.25 split; the oracle test below checks the picks)', async () => {
    const r = await run('place', '--topology', before, '--label', 'mixed', 'e', 'e1', 'e22', 'e3', 'abc123', 'f8a2b3c4d5e6f7a8b9c0', 'a');
    expect(r.code).toBe(0);
    const want = [1, 1, 1, 2, 1, 1, 2].map((i) => `dataplane_${i}`);
    expect(r.out).toBe(['e', 'e1', 'e22', 'e3', 'abc123', 'f8a2b3c4d5e6f7a8b9c0', 'a'].map((n, i) => `${n}\t${want[i]}\n`).join(''));
  });

  it('resolves the label from executionClusterLabels; the workflow row with a capitalised label hides it', async () => {
    const pd = await run('place', '--topology', before, '--project', 'team1', '--domain', 'development', 'x1', 'x2');
    expect(pd.out).toBe('x1\tdataplane_3\nx2\tdataplane_3\n');
    const wf = await run('place', '--topology', before, '--project', 'team1', '--domain', 'development', '--workflow', 'wf.typo', '--json', 'x1');
    const [ex] = JSON.parse(wf.out);
    expect(ex).toMatchObject({ name: 'x1', rule: 'default-execution-label', label: { value: 'GPU', level: 'workflow', mapped: false } });
    expect(ex.logs).toEqual(['debug: No cluster mapping found for the label GPU']);
    expect(['dataplane_1', 'dataplane_2']).toContain(ex.cluster);
  });

  it('usage errors', async () => {
    expect((await run('place', '--topology', before, 'x')).code).toBe(2);
    expect((await run('place', '--topology', before, '--label', 'l', '--project', 'p', 'x')).code).toBe(2);
    expect((await run('place', '--topology', before, '--project', 'p', 'x')).code).toBe(2);
    expect((await run('place', '--topology', before, '--label', 'l')).code).toBe(2);
  });

  it('a topology FlyteAdmin would refuse is an input error with its wording', async () => {
    const r = await run('place', '--topology', broken, '--label', 'big', 'x');
    expect(r.code).toBe(2);
    expect(r.err).toContain('FlyteAdmin would refuse to start: invalid weight 3.000000, index 0');
    expect(r.err).toContain(broken);
  });

  it('--batch reads the selector-level form and prints the ids in order', async () => {
    const file = path.join(dir, 'batch.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'e1', entries: [{ id: 'testcluster2', weight: 0.5 }, { id: 'testcluster3', weight: 0.5 }] },
        { name: 'e22', entries: [{ id: 'testcluster3', weight: 0.5 }, { id: 'testcluster2', weight: 0.5 }] },
        { name: 'x', entries: [{ id: 'a', weight: 1.5 }] },
      ]),
    );
    const r = await run('place', '--batch', file);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(['testcluster3', 'testcluster2', { error: 'invalid weight 1.500000, index 0' }]);
  });

  it('--batch with bad JSON names the file and the element', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([{ name: 'ok', entries: [] }, { name: 'bad', entries: [{ id: 'a', weight: '0.5' }] }]));
    const r = await run('place', '--batch', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}: [1].entries[0]: element 1: entry 0: weight must be a number`);
    writeFileSync(file, '[{');
    const r2 = await run('place', '--batch', file);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain(`${file}: not JSON`);
  });
});

describe('flyte-mc place --names', () => {
  const names = ['e', 'e1', 'e22', 'e3', 'abc123', 'f8a2b3c4d5e6f7a8b9c0', 'a'];

  it('streams one NAME<TAB>CLUSTER per input line, the same as positional names (CRLF and a missing last newline too)', async () => {
    const positional = await run('place', '--topology', before, '--label', 'mixed', ...names);
    const file = path.join(dir, 'names.txt');
    writeFileSync(file, `${names.slice(0, 3).join('\r\n')}\r\n${names.slice(3).join('\n')}`);
    const streamed = await run('place', '--topology', before, '--label', 'mixed', '--names', file);
    expect(streamed.code).toBe(0);
    expect(streamed.out).toBe(positional.out);
    const json = await run('place', '--topology', before, '--project', 'team1', '--domain', 'development', '--json', '--names', file);
    const lines = json.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.name, l.cluster, l.rule])).toEqual(names.map((n) => [n, 'dataplane_3', 'execution-cluster-label']));
  });

  it('refuses an empty name, a name FlyteAdmin rejects and a tab in a positional name, naming the line or argument', async () => {
    const file = path.join(dir, 'bad-names.txt');
    writeFileSync(file, 'ok-1\nok-2\n\nok-3\n');
    const empty = await run('place', '--topology', before, '--label', 'mixed', '--names', file);
    expect(empty.code).toBe(2);
    expect(empty.err).toBe(`flyte-mc place: ${file}:3: empty execution name (FlyteAdmin requires one matching ^[a-z][a-z0-9-]*$)\n`);
    // the lines before the bad one are placed and written whole
    expect(empty.out.split('\n').slice(0, -1).map((l) => l.split('\t')[0])).toEqual(['ok-1', 'ok-2']);
    writeFileSync(file, 'ok\n9lives\n');
    const digit = await run('place', '--topology', before, '--label', 'mixed', '--names', file);
    expect(digit.code).toBe(2);
    expect(digit.err).toContain(`${file}:2: FlyteAdmin refuses this name: execution name "9lives" must start with a letter`);
    writeFileSync(file, `${'a'.repeat(64)}\n`);
    expect((await run('place', '--topology', before, '--label', 'mixed', '--names', file)).err).toContain('is longer than 63 characters');
    const tab = await run('place', '--topology', before, '--label', 'mixed', 'ok', 'a\tb');
    expect(tab.code).toBe(2);
    expect(tab.out).toBe('');
    expect(tab.err).toContain('NAME argument 2: execution name "a\\tb" holds a tab or line break');
    const nl = await run('place', '--topology', before, '--label', 'mixed', 'a\nb');
    expect(nl.err).toContain('"a\\nb" holds a tab or line break');
    expect((await run('place', '--topology', before, '--label', 'mixed', '')).err).toContain('NAME argument 1: empty execution name');
    // upper case passes: FlyteAdmin validates the lower-cased name and seeds with the name as written
    expect((await run('place', '--topology', before, '--label', 'mixed', 'Exec-A')).code).toBe(0);
  });

  it('usage and file errors are exit 2 before any output', async () => {
    const missing = await run('place', '--topology', before, '--label', 'mixed', '--names', path.join(dir, 'none.txt'));
    expect([missing.code, missing.out]).toEqual([2, '']);
    expect(missing.err).toContain('none.txt: file not found');
    expect((await run('place', '--topology', before, '--label', 'mixed', '--names', dir)).err).toContain('is a directory');
    expect((await run('place', '--topology', before, '--label', 'mixed', '--names', dir, 'x')).code).toBe(2);
    expect((await run('place', '--batch', dir, '--names', dir)).code).toBe(2);
  });

  it('waits for stdout to drain when it reports full, and writes everything once', async () => {
    const n = 50_000;
    const file = path.join(dir, 'many.txt');
    writeFileSync(file, Array.from({ length: n }, (_, i) => `exec-${i}`).join('\n'));
    const chunks: string[] = [];
    let drains = 0;
    const io: Io = { stdout: (t) => (chunks.push(t), false), drain: async () => void drains++, stderr: () => {}, signal: new AbortController().signal };
    expect(await main(['place', '--topology', before, '--label', 'mixed', '--names', file], io)).toBe(0);
    const out = chunks.join('');
    expect(drains).toBe(chunks.length);
    expect(chunks.length).toBeGreaterThan(5);
    expect(out.split('\n').length - 1).toBe(n);
    const some = [0, 777, n - 1].map((i) => `exec-${i}`);
    const pos = await run('place', '--topology', before, '--label', 'mixed', ...some);
    expect(pos.out.split('\n').slice(0, 3).every((l) => out.includes(`${l}\n`))).toBe(true);
  });
});

describe('numeric bounds', () => {
  it('--names pattern widths above 63 and non-decimal numbers are usage errors (exit 2), not crashes', async () => {
    const wide = await run('distribution', '--topology', before, '--label', 'mixed', '--samples', '10', '--names', 'x{i:999999999}');
    expect(wide.code).toBe(2);
    expect(wide.err).toContain('--names: width 999999999 in "x{i:999999999}" is above 63');
    expect((await run('diff', '--before', before, '--after', after, '--samples', '10', '--names', 'x{i:64}')).code).toBe(2);
    expect((await run('distribution', '--topology', before, '--label', 'mixed', '--samples', '10', '--names', 'x{i:63}')).code).toBe(0);
    for (const bad of ['1e3', '0x10', ' 5', '-1', '99999999999999999999']) {
      const r = await run('diff', '--before', before, '--after', after, `--samples=${bad}`);
      expect(r.code, bad).toBe(2);
      expect(r.err).toContain('--samples must be a whole number');
    }
  });
});

describe('flyte-mc distribution', () => {
  it('reports configured vs observed shares with a G-test (100k names: 74,972 / 25,028 as in Go)', async () => {
    const html = path.join(dir, 'report.html');
    const r = await run('distribution', '--topology', before, '--label', 'mixed', '--samples', '100000', '--json', '--html', html);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep.rows.map((x: { cluster: string; count: number }) => [x.cluster, x.count])).toEqual([
      ['dataplane_1', 74972],
      ['dataplane_2', 25028],
    ]);
    expect(rep.rows[0].configured).toBe(0.75);
    expect(rep.gTest.df).toBe(1);
    expect(rep.gTest.pValue).toBeGreaterThan(0.01);
    expect(rep.maxDeviation).toBeLessThan(0.01);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/(src|href)=["']https?:/);
  });

  it('text output and name patterns; an unknown label falls back to the default list', async () => {
    const r = await run('distribution', '--topology', before, '--label', 'nope', '--samples', '1000', '--names', 'a{i:19}');
    expect(r.code).toBe(0);
    expect(r.out).toContain('list "mixed" (default-execution-label)');
    expect(r.out).toMatch(/G-test: G=[0-9.]+ df=1 p=/);
    expect((await run('distribution', '--topology', before, '--label', 'x', '--samples', '10', '--names', 'fixed')).code).toBe(2);
  });
});

describe('flyte-mc diff', () => {
  it('shows the share that moves and the transition matrix', async () => {
    const r = await run('diff', '--before', before, '--after', after, '--samples', '20000', '--json');
    expect(r.code).toBe(0);
    const diffs = JSON.parse(r.out) as { label: string; movedShare: number; transitions: Record<string, Record<string, number>> }[];
    expect(diffs.map((d) => d.label)).toEqual(['', 'gpu', 'mixed']);
    const gpu = diffs[1]!;
    expect(gpu.movedShare).toBe(0);
    const mixed = diffs[2]!;
    // Old dp1 [0,.75] → new dp2 (.5,.75] moves .25, old dp2 (.75,1] → new dp3 moves .25: half of all draws.
    expect(Math.abs(mixed.movedShare - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / 20000));
    // Boundaries: old dp1 [0,.75] dp2 (.75,1]; new dp1 [0,.5] dp2 (.5,.75] dp3 (.75,1].
    expect(Object.keys(mixed.transitions.dataplane_1!).sort()).toEqual(['dataplane_1', 'dataplane_2']);
    expect(Object.keys(mixed.transitions.dataplane_2!)).toEqual(['dataplane_3']);
    const total = Object.values(mixed.transitions).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0);
    expect(total).toBe(20000);
    // no label: the default label, same list as mixed
    expect(diffs[0]!.movedShare).toBe(mixed.movedShare);
    const text = await run('diff', '--before', before, '--after', after, '--samples', '1000');
    expect(text.out).toContain('label "mixed":');
    expect(text.out).toContain('old\\new');
  });
});

describe('place, lint and run agree on a label written GPU (viper lowercases map keys)', () => {
  // The starter topology with label2 renamed GPU: the map key becomes "gpu", so "GPU" matches nothing.
  const file = path.join(dir, 'gpu.yaml');
  writeFileSync(file, starterTopologyYaml({ dataPlanes: 2 }).replace(/\blabel2\b/g, 'GPU'));
  const names = Array.from({ length: 24 }, (_, i) => `exec-${String.fromCharCode(97 + i)}`);

  it('place: every enabled cluster, equally; lint: FMC105 on the key and FMC301 on the ECL row; run: the same clusters', async () => {
    const placed = await run('place', '--topology', file, '--project', 'team1', '--domain', 'production', '--json', ...names);
    expect(placed.code).toBe(0);
    const explained = JSON.parse(placed.out) as { name: string; cluster: string; rule: string; label: { value: string; mapped: boolean } }[];
    expect(new Set(explained.map((e) => e.rule))).toEqual(new Set(['all-enabled-clusters']));
    expect(explained.every((e) => e.label.value === 'GPU' && !e.label.mapped)).toBe(true);
    const byPlace = Object.fromEntries(explained.map((e) => [e.name, e.cluster]));
    expect(new Set(Object.values(byPlace))).toEqual(new Set(['dataplane_1', 'dataplane_2']));
    const labelled = await run('place', '--topology', file, '--label', 'GPU', ...names);
    expect(labelled.out).toBe(names.map((n) => `${n}\t${byPlace[n]}\n`).join(''));

    const lint = await run('lint', '--topology', file, '--format', 'json');
    const findings = JSON.parse(lint.out) as { code: string; file: string; message: string }[];
    expect(findings.find((f) => f.code === 'FMC105')?.message).toContain('"GPU" is read as "gpu"');
    expect(findings.find((f) => f.code === 'FMC301')).toMatchObject({ file: 'ecl/03-team1-production.yaml' });
    expect(findings.find((f) => f.code === 'FMC301')?.message).toContain('executions go to every enabled cluster');

    const topology = await loadTopology(file);
    const byRun: Record<string, string> = {};
    const gpu: Scenario = {
      name: 'gpu-label',
      summary: 'the GPU topology on sim',
      expectations: ['executions land where place says'],
      async run(ctx) {
        editTopology(ctx, () => ({ labels: topology.labels, executionClusterLabels: topology.executionClusterLabels }));
        await deployGuide(ctx);
        ctx.world.admin.attributes.update({ project: 'team1', domain: 'production', value: 'GPU' });
        for (const name of names) {
          const i = await ctx.world.admin.create({ project: 'team1', domain: 'production', workflow: 'wf', name });
          byRun[name] = ctx.world.admin.executions.clusterAt(i);
        }
      },
    };
    const r = await runScenario(gpu, { backend: 'sim', dataPlanes: 2, executions: names.length, seed: 1, log: () => {} });
    expect(r.error).toBeUndefined();
    expect(byRun).toEqual(byPlace);
  });
});

describe.skipIf(skipTier('placement oracle (the CLI literals)', placementOracleMissing()))('the literals above are what Flyte\'s code picks', () => {
  const mixed = [{ id: 'dataplane_1', weight: 0.75 }, { id: 'dataplane_2', weight: 0.25 }];

  it('the place names', () => {
    const cases = ['e', 'e1', 'e22', 'e3', 'abc123', 'f8a2b3c4d5e6f7a8b9c0', 'a'].map((name) => ({ name, entries: mixed }));
    expect(oracleBatch(cases)).toEqual([1, 1, 1, 2, 1, 1, 2].map((i) => `dataplane_${i}`));
    expect(placeBatch(cases)).toEqual(oracleBatch(cases));
  });

  it('the 100,000-name distribution: 74,972 / 25,028', async () => {
    const r = await run('distribution', '--topology', before, '--label', 'mixed', '--samples', '100000', '--json');
    const rep = JSON.parse(r.out) as { pattern: string; rows: { cluster: string; count: number }[] };
    expect(rep.pattern).toBe('exec-{i}');
    const cases = Array.from({ length: 100_000 }, (_, i) => ({ name: `exec-${i}`, entries: mixed }));
    const counts: Record<string, number> = {};
    for (const id of oracleBatch(cases) as string[]) counts[id] = (counts[id] ?? 0) + 1;
    expect(Object.fromEntries(rep.rows.map((x) => [x.cluster, x.count]))).toEqual(counts);
    expect(counts).toEqual({ dataplane_1: 74972, dataplane_2: 25028 });
  });
});
