// Inputs that are not what they claim: lint FILE detects the kind from the content, unknown content is exit 2,
// YAML resource limits and JSON syntax errors carry the file and line, --fail-on, and --credentials naming clusters.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { memoryIo } from '../../../harness/cli/command.ts';
import { InputError } from '../../../harness/errors.ts';
import { lintArtifacts } from '../../../harness/lint/index.ts';
import { detectContentKind, parseArtifactDocs } from '../../../harness/lint/input.ts';
import { parseJson, parseTopology, starterTopologyYaml, YamlSource } from '../../../harness/topology/index.ts';
import { render } from '../../../harness/render/index.ts';

let dir: string;
const file = (name: string) => join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flyte-mc-inputs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await main(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

const BOMB = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', ''].join('\n');

describe('lint FILE', () => {
  it('detects each kind from the content, whatever the file is called', () => {
    const files = render(parseTopology(starterTopologyYaml()));
    const kindOf = (path: string, content: string) => detectContentKind('x', parseArtifactDocs(path.endsWith('.md') || path.endsWith('.sh') ? path : 'x', content));
    const by = Object.fromEntries(files.map((f) => [f.path, kindOf(f.path, f.content)]));
    expect(by['controlplane/values-override.yaml']).toBe('values');
    expect(by['controlplane/cluster-credentials.yaml']).toBe('secret');
    expect(by['dataplanes/dataplane_1/token-secret.yaml']).toBe('token-secret');
    expect(by['ecl/01-team1-development.yaml']).toBe('ecl');
    expect(by['iam/dataplane-trust-policy.json']).toBe('trust-policy');
    expect(by['iam/permissions-policy.json']).toBe('iam-policy');
    expect(kindOf('x', starterTopologyYaml())).toBe('topology');
    const manifests = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n';
    expect(kindOf('x', manifests)).toBe('manifests');
    expect(kindOf('x', 'x\n')).toBe('other');
  });

  it('lints a topology passed positionally exactly as --topology', async () => {
    await writeFile(file('t.yaml'), starterTopologyYaml().replace('weight: 1', 'weight: 1.5'));
    const a = await cli('lint', file('t.yaml'), '--format', 'json');
    const b = await cli('lint', '--topology', file('t.yaml'), '--format', 'json');
    expect(a.code).toBe(1);
    expect(a).toEqual(b);
    expect(JSON.parse(a.out).some((f: { code: string }) => f.code === 'FMC101')).toBe(true);
  });

  it('refuses content it cannot tell (a word, random bytes, a JSON array) with exit 2 and the flags to use', async () => {
    await writeFile(file('x'), 'x\n');
    await writeFile(file('rnd'), Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 151 + 7) % 256)));
    await writeFile(file('arr.json'), '[1, 2]\n');
    for (const f of ['x', 'rnd', 'arr.json']) {
      const r = await cli('lint', file(f));
      expect(r.code, f).toBe(2);
      expect(r.err.split('\n')[0], f).toMatch(/cannot tell what .* is; use --topology\/--values\/--secret\/--ecl\/--trust-policy\/--dataplane-values|invalid YAML/);
      expect(r.out, f).toBe('');
    }
    const manifests = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n';
    await writeFile(file('m.yaml'), manifests);
    // Rendered objects are a kind of their own: linted with the chart rules (nothing to find in these two).
    const m = await cli('lint', file('m.yaml'));
    expect(m.code, m.err).toBe(0);
    expect(m.out).toBe('no findings in 1 file\n');
  });

  it('fails on the level --fail-on names (default error), and states the severity policy in --rules', async () => {
    const t = file('ok.yaml');
    await writeFile(t, starterTopologyYaml());
    expect((await cli('lint', t)).code).toBe(0); // only FMC901 placeholder warnings
    expect((await cli('lint', t, '--fail-on', 'warning')).code).toBe(1);
    expect((await cli('lint', t, '--fail-on', 'info')).code).toBe(1);
    expect((await cli('lint', t, '--fail-on', 'fatal')).code).toBe(2);
    const rules = (await cli('lint', '--rules')).out;
    expect(rules).toContain('Anything that changes placement is an error');
    expect(rules).toMatch(/^FMC109 error /m);
    expect(rules).toMatch(/^FMC108 error /m);
  });

  it('treats an unknown cluster in a label as an error that fails CI ("did you mean")', async () => {
    const t = file('typo.yaml');
    await writeFile(t, starterTopologyYaml());
    const values = render(parseTopology(starterTopologyYaml())).find((f) => f.path === 'controlplane/values-override.yaml')!.content;
    await writeFile(file('values.yaml'), values.replace(/- id: dataplane_2/, '- id: dataplane_3'));
    const r = await cli('lint', '--values', file('values.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error FMC109/);
  });

  it('does not report the same ECL row written twice with the same label (it places as written)', () => {
    const row = 'project: team1\ndomain: development\nvalue: label1\n';
    const findings = lintArtifacts([{ path: 'a.yaml', content: row, kind: 'ecl' }, { path: 'b.yaml', content: row, kind: 'ecl' }]);
    expect(findings.filter((f) => f.code === 'FMC305')).toEqual([]);
  });
});

describe('YAML and JSON limits: InputErrors with file and line', () => {
  it('an alias bomb names the file and the line of the first alias, in every parse site', async () => {
    await writeFile(file('bomb.yaml'), BOMB);
    for (const args of [['lint', '--topology', file('bomb.yaml')], ['lint', file('bomb.yaml')], ['lint', '--values', file('bomb.yaml')], ['render', '--topology', file('bomb.yaml'), '--out', file('o')]]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(/bomb\.yaml:2:\d+: its aliases \(\*name\) expand too often/);
    }
  });

  it('a multi-document topology says so without recommending a library call', async () => {
    const two = `${starterTopologyYaml()}---\n${starterTopologyYaml()}`;
    await writeFile(file('two.yaml'), two);
    const r = await cli('lint', '--topology', file('two.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('holds more than one YAML document');
    expect(r.err).not.toMatch(/parseAllDocuments|YAML\./);
    expect(r.err).toMatch(new RegExp(`two\\.yaml:${starterTopologyYaml().split('\n').length}:`));
  });

  it('duplicate keys are found in one pass, with the line of the second', () => {
    const text = `a: 1\n${Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`).join('\n')}\na: 2\n`;
    let err: unknown;
    try {
      YamlSource.parse(text, 'dup.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location).toMatchObject({ file: 'dup.yaml', line: 2002 });
  });

  it('JSON syntax errors carry line and column', () => {
    for (const [text, line] of [['{\n  "a": 1,\n}', 3], ['{"a":', 1], ['{\n"a": x}', 2]] as const) {
      let err: unknown;
      try {
        parseJson(text, 'c.json');
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(InputError);
      expect((err as InputError).location.line, text).toBe(line);
    }
  });
});

describe('render --credentials', () => {
  const creds = (o: Record<string, unknown>) => JSON.stringify(o, null, 2);
  const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('refuses a cluster the topology lacks (it used to exit 0), with the line', async () => {
    await writeFile(file('topo.yaml'), starterTopologyYaml());
    await writeFile(file('c.json'), creds({ dataplane_1: { token: 't', caCert: ca }, east_batch: { token: 't', caCert: ca } }));
    const r = await cli('render', '--topology', file('topo.yaml'), '--out', file('out1'), '--credentials', file('c.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/c\.json:6: east_batch: no data plane named "east_batch"/);
    expect(r.err).not.toContain('eyJ');
  });

  it('reports a JSON syntax error with its line', async () => {
    await writeFile(file('bad.json'), '{\n  "dataplane_1": {"token": "t",}\n}\n');
    const r = await cli('render', '--topology', file('topo.yaml'), '--out', file('out2'), '--credentials', file('bad.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json:2:\d+: invalid JSON/);
  });

  it('says which tokens are real and which are placeholders in the header', async () => {
    await writeFile(file('one.json'), creds({ dataplane_1: { token: 'tok', caCert: ca } }));
    expect((await cli('render', '--topology', file('topo.yaml'), '--out', file('out3'), '--credentials', file('one.json'))).code).toBe(0);
    const text = await readFile(file('out3/controlplane/cluster-credentials.yaml'), 'utf8');
    expect(text).toContain('Holds real tokens for dataplane_1; placeholders for dataplane_2');
    expect(text).not.toMatch(/Holds real tokens:/);
  });
});

describe('placement-changing findings are errors', () => {
  const values = (ecl: boolean) => {
    const t = parseTopology(starterTopologyYaml());
    const files = render({ ...t, dataPlanes: t.dataPlanes.map((d) => (d.name === 'dataplane_2' ? { ...d, enabled: false } : d)) });
    return files
      .filter((f) => f.path === 'controlplane/values-override.yaml' || (ecl && f.path.startsWith('ecl/')))
      .map((f) => ({ path: f.path, content: f.content, kind: f.path.startsWith('ecl/') ? ('ecl' as const) : ('values' as const) }));
  };

  it('a label whose only cluster is disabled is an error when an ECL row routes to it, a warning otherwise', () => {
    const sev = (withEcl: boolean) => lintArtifacts(values(withEcl)).filter((f) => f.code === 'FMC108').map((f) => f.severity);
    expect(sev(true)).toEqual(['error']);
    expect(sev(false)).toEqual(['warning']);
  });
});
