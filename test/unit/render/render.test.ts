import { mkdtemp, readdir, rm, stat, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { memoryIo } from '../../../harness/cli/command.ts';
import { readTree, writeTreeAtomic } from '../../../harness/fsutil.ts';
import { render } from '../../../harness/render/index.ts';
import { parseTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';
import { updateGolden } from '../../support/golden.ts';

const GOLDEN = resolve(import.meta.dirname, '../../fixtures/golden/guide-example');
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'flyte-mc-render-test-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const guide = () => parseTopology(starterTopologyYaml({ dataPlanes: 2 }));

describe('render', () => {
  it('matches the golden output for the guide example (UPDATE_GOLDEN=1 rewrites it, never under CI=true)', async () => {
    const files = render(guide());
    if (updateGolden()) await writeTreeAtomic(GOLDEN, files, { prune: true, force: true });
    const golden = await readTree(GOLDEN);
    expect([...golden.keys()].sort()).toEqual(files.map((f) => f.path));
    for (const f of files) expect(f.content, f.path).toBe(golden.get(f.path));
  });

  it('refuses UPDATE_GOLDEN under CI=true', () => {
    expect(() => updateGolden({ UPDATE_GOLDEN: '1', CI: 'true' })).toThrow('UPDATE_GOLDEN is refused under CI=true');
    expect(updateGolden({ UPDATE_GOLDEN: '1' })).toBe(true);
    expect(updateGolden({ CI: 'true' })).toBe(false);
  });

  it('is deterministic and sorted by path', () => {
    const a = render(guide());
    const b = render(guide());
    expect(a).toEqual(b);
    expect(a.map((f) => f.path)).toEqual([...a.map((f) => f.path)].sort());
  });

  it('writes the clusters config FlyteAdmin needs: explicit enabled, credential paths under the mount, no dead keys', () => {
    const values = parse(render(guide()).find((f) => f.path === 'controlplane/values-override.yaml')!.content);
    const clusters = values.configmap.clusters;
    expect(clusters.clusterConfigs.map((c: { name: string }) => c.name)).toEqual(['dataplane_1', 'dataplane_2']);
    for (const c of clusters.clusterConfigs) {
      expect(c.enabled).toBe(true);
      expect(c.auth).toEqual({ tokenPath: `/var/run/credentials/${c.name}_token`, certPath: `/var/run/credentials/${c.name}_cacert` });
    }
    expect(values.flyteadmin.additionalVolumes).toEqual([{ name: 'cluster-credentials', secret: { secretName: 'cluster-credentials' } }]);
    expect(values.flyteadmin.additionalVolumeMounts).toEqual([{ name: 'cluster-credentials', mountPath: '/var/run/credentials' }]);
    expect(JSON.stringify(values)).not.toContain('initContainerClusterSyncAdditionalVolumeMounts');
    expect(JSON.stringify(values)).not.toContain('file_path');
  });

  it('adds an inCluster entry and keeps propeller when the control plane runs workflows', () => {
    const t = parseTopology(starterTopologyYaml().replace('runsWorkflows: false', 'runsWorkflows: true'));
    const files = render(t);
    const values = parse(files.find((f) => f.path === 'controlplane/values-override.yaml')!.content);
    expect(values.configmap.clusters.clusterConfigs.at(-1)).toEqual({ name: 'controlplane', enabled: true, inCluster: true });
    expect(parse(files.find((f) => f.path === 'controlplane/values-controlplane.yaml')!.content).flytepropeller.enabled).toBe(true);
    const trust = JSON.parse(files.find((f) => f.path === 'iam/dataplane-trust-policy.json')!.content);
    expect(trust.Statement).toHaveLength(3);
  });

  it('uses backend endpoints and real credentials, base64 under data:, marked secret', () => {
    const caCert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const files = render(guide(), {
      endpoints: { dataplane_1: 'https://127.0.0.1:6443', dataplane_2: 'https://127.0.0.1:6444' },
      credentials: { dataplane_1: { token: 'tok-1', caCert }, dataplane_2: { token: 'tok-2', caCert } },
    });
    const secret = files.find((f) => f.path === 'controlplane/cluster-credentials.yaml')!;
    expect(secret.secret).toBe(true);
    const doc = parse(secret.content);
    expect(doc.stringData).toBeUndefined();
    expect(Buffer.from(doc.data.dataplane_1_token, 'base64').toString()).toBe('tok-1');
    expect(Buffer.from(doc.data.dataplane_2_cacert, 'base64').toString()).toBe(caCert);
    const values = parse(files.find((f) => f.path === 'controlplane/values-override.yaml')!.content);
    expect(values.configmap.clusters.clusterConfigs[1].endpoint).toBe('https://127.0.0.1:6444');
  });

  it('lists every project-domain namespace under the StringEquals trust style', () => {
    const t = parseTopology(starterTopologyYaml().replace('trustPolicyStyle: stringLike', 'trustPolicyStyle: stringEquals'));
    const trust = JSON.parse(render(t).find((f) => f.path === 'iam/dataplane-trust-policy.json')!.content);
    const subjects = Object.values(trust.Statement[0].Condition.StringEquals).flat();
    expect(subjects).toContain('system:serviceaccount:team1-staging:default');
    expect(JSON.stringify(trust)).not.toContain('*');
  });

  it('writes ECL files with exactly the keys flytectl accepts', () => {
    const ecl = render(guide()).filter((f) => f.path.startsWith('ecl/'));
    expect(ecl.map((f) => f.path)).toEqual(['ecl/01-team1-development.yaml', 'ecl/02-team1-development-example.training_workflow.yaml', 'ecl/03-team1-production.yaml']);
    for (const f of ecl) expect(Object.keys(parse(f.content)).every((k) => ['project', 'domain', 'workflow', 'value'].includes(k))).toBe(true);
  });
});

describe('writeTreeAtomic', () => {
  it('leaves the previous tree intact and no temp dir behind when a write fails', async () => {
    const root = await tempDir();
    const out = join(root, 'out');
    await writeTreeAtomic(out, [{ path: 'a.txt', content: 'old' }]);
    await expect(writeTreeAtomic(out, [{ path: 'x', content: '1' }, { path: 'x/y', content: '2' }])).rejects.toThrow();
    expect(await readFile(join(out, 'a.txt'), 'utf8')).toBe('old');
    expect(await readdir(root)).toEqual(['out']);
  });

  it('writes secret files 0600', async () => {
    const out = join(await tempDir(), 'out');
    await writeTreeAtomic(out, [{ path: 's.yaml', content: 'x', secret: true }, { path: 'p.yaml', content: 'y' }]);
    expect((await stat(join(out, 's.yaml'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(out, 'p.yaml'))).mode & 0o777).toBe(0o644);
  });
});

describe('flyte-mc render', () => {
  it('renders, checks clean, and reports drift with exit 1', async () => {
    const dir = await tempDir();
    const topo = join(dir, 'flyte-mc.yaml');
    const out = join(dir, 'out');
    await writeFile(topo, starterTopologyYaml());
    expect(await main(['render', '--topology', topo, '--out', out], memoryIo())).toBe(0);
    expect(await main(['render', '--topology', topo, '--out', out, '--check'], memoryIo())).toBe(0);
    await writeFile(join(out, 'COMMANDS.md'), 'edited');
    const io = memoryIo();
    expect(await main(['render', '--topology', topo, '--out', out, '--check'], io)).toBe(1);
    expect(io.out.join('')).toContain('changed  COMMANDS.md');
  });

  it('exits 2 on a bad topology, naming file, field and line, and writes nothing', async () => {
    const dir = await tempDir();
    const topo = join(dir, 'flyte-mc.yaml');
    await writeFile(topo, starterTopologyYaml().replace('weight: 1', 'weight: -3'));
    const io = memoryIo();
    expect(await main(['render', '--topology', topo, '--out', join(dir, 'out')], io)).toBe(2);
    expect(io.err.join('')).toMatch(/flyte-mc\.yaml:\d+: labels\.label1\[0\]\.weight: must not be negative/);
    expect(await readdir(dir)).toEqual(['flyte-mc.yaml']);
  });

  it('never prints credential values', async () => {
    const dir = await tempDir();
    const topo = join(dir, 'flyte-mc.yaml');
    await writeFile(topo, starterTopologyYaml());
    const creds = join(dir, 'creds.json');
    await writeFile(creds, JSON.stringify({ dataplane_1: { token: 'SUPERSECRET', caCert: 'PEM' }, dataplane_2: { token: 'SUPERSECRET2', caCert: 'PEM' } }));
    const io = memoryIo();
    expect(await main(['render', '--topology', topo, '--out', join(dir, 'out'), '--credentials', creds], io)).toBe(0);
    expect([...io.out, ...io.err].join('')).not.toContain('SUPERSECRET');
    expect((await stat(join(dir, 'out/controlplane/cluster-credentials.yaml'))).mode & 0o777).toBe(0o600);
  });
});
