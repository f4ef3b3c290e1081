// The helm plumbing without a cluster: the real helm binary renders the real flyte-core chart with render()'s values files in the guide's order, and the result carries what the
// multi-cluster setup depends on; the same values files pass flyte-mc lint. Chart references parse into helm args.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { writeTreeAtomic } from '../../harness/fsutil.ts';
import { findHelm, helmUnavailableReason, helmTemplate, parseChartRef, chartArgs, controlPlaneValuesFiles, dataPlaneValuesFiles } from '../../harness/helm/index.ts';
import { lintArtifacts, renderedArtifacts } from '../../harness/lint/index.ts';
import { render, clustersSection } from '../../harness/render/index.ts';
import { parseTopology, starterTopologyYaml } from '../../harness/topology/index.ts';
import { skipTier } from '../support/prereq.ts';
import { chartUnavailable, realChart } from '../support/chart.ts';

/** The real flyte-core chart (Flyte v1.16.8's module, prepared by scripts/setup.d/47-flyte-chart.sh). */
const CHART = realChart?.dir ?? '';

const execFileP = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('chart references', () => {
  const isDirectory = (p: string) => p === 'charts/flyte-core';
  it.each([
    ['charts/flyte-core', ['charts/flyte-core']],
    ['./flyte-core', ['./flyte-core']],
    ['flyte-core-v1.16.8.tgz', ['flyte-core-v1.16.8.tgz']],
    ['oci://ghcr.io/example/charts/flyte-core:v1.16.8', ['oci://ghcr.io/example/charts/flyte-core', '--version', 'v1.16.8']],
    ['oci://localhost:5000/charts/flyte-core', ['oci://localhost:5000/charts/flyte-core']],
    ['https://helm.example.org#flyte-core', ['flyte-core', '--repo', 'https://helm.example.org']],
    ['flyteorg/flyte-core', ['flyteorg/flyte-core']],
  ])('%s', (ref, args) => {
    expect(chartArgs(parseChartRef(ref, { isDirectory }))).toEqual(args);
  });
  it('passes --version to repository charts', () => {
    expect(chartArgs(parseChartRef('flyteorg/flyte-core', { version: 'v1.16.8' }))).toEqual(['flyteorg/flyte-core', '--version', 'v1.16.8']);
  });
  it('rejects a repository URL without a chart name', () => {
    expect(() => parseChartRef('https://helm.example.org')).toThrow(/chart name after '#'/);
  });
});

const reason = await helmUnavailableReason();
const skip = skipTier('helm template', reason) || skipTier('helm template (chart)', chartUnavailable);

type Obj = { kind: string; metadata: { name: string }; [k: string]: unknown };

describe.skipIf(skip)('helm template of the real flyte-core chart with rendered values', () => {
  let dir = '';
  let helm = '';
  const t = parseTopology(starterTopologyYaml({ dataPlanes: 2 }));
  const files = render(t);

  beforeAll(async () => {
    helm = (await findHelm()) as string;
    dir = await mkdtemp(join(tmpdir(), 'flyte-mc-helm-'));
    await writeTreeAtomic(dir, files);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const template = async (valuesFiles: string[]): Promise<Obj[]> => {
    const out = await helmTemplate({ release: 'r', chart: parseChartRef(CHART), namespace: 'flyte', valuesFiles }, { bin: helm, home: join(dir, '.helm') });
    return parseAllDocuments(out).map((d) => d.toJS() as Obj).filter(Boolean);
  };
  const names = (objs: Obj[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();

  it('control plane: admin with the clusters config and the credentials mount, no propeller', async () => {
    const objs = await template([join(CHART, 'values-eks.yaml'), ...controlPlaneValuesFiles({ renderedDir: dir })]);
    expect(names(objs)).toContain('Deployment/flyteadmin');
    expect(names(objs)).not.toContain('Deployment/flytepropeller');
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'flyte-admin-clusters-config') as Obj & { data: Record<string, string> };
    const rendered = parseAllDocuments(cm.data['clusters.yaml'] as string)[0]?.toJS() as { clusters: unknown };
    expect(rendered.clusters).toEqual(JSON.parse(JSON.stringify(clustersSection(t))));
    const admin = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'flyteadmin') as Obj;
    expect(JSON.stringify(admin)).toContain('/var/run/credentials');
    const sync = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'syncresources') as Obj;
    expect(JSON.stringify(sync)).toContain('"secretName":"cluster-credentials"');
  });

  it('data planes: propeller, the flyteadmin service account and CRD, no admin and no ingress', async () => {
    for (const dp of t.dataPlanes) {
      const objs = await template([join(CHART, 'values-eks.yaml'), ...dataPlaneValuesFiles({ renderedDir: dir }, dp.name)]);
      const n = names(objs);
      expect(n).toEqual(expect.arrayContaining(['Deployment/flytepropeller', 'ServiceAccount/flyteadmin', 'CustomResourceDefinition/flyteworkflows.flyte.lyft.com', 'ClusterRole/flyte-flyteadmin']));
      expect(n).not.toContain('Deployment/flyteadmin');
      expect(n).not.toContain('Ingress/flyte-core');
      const cm = objs.find((o) => o.metadata.name === 'flyte-propeller-config') as Obj & { data: Record<string, string> };
      expect(cm.data['admin.yaml']).toContain(t.controlPlane.ingressEndpoint);
    }
  });

  it('the chart overlay alone leaves the data-plane ingress on (what render corrects)', async () => {
    const objs = await template([join(CHART, 'values-dataplane.yaml')]);
    expect(names(objs)).toContain('Ingress/flyte-core');
  });

  it('the rendered values pass flyte-mc lint (library and CLI)', async () => {
    const findings = lintArtifacts(renderedArtifacts(files));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    const args = ['harness/cli/main.ts', 'lint', '--values', join(dir, 'controlplane/values-controlplane.yaml'), '--values', join(dir, 'controlplane/values-override.yaml')];
    for (const dp of t.dataPlanes) args.push('--dataplane-values', `${dp.name}=${join(dir, 'dataplanes', dp.name, 'values-dataplane.yaml')}`);
    const { stdout } = await execFileP(process.execPath, args, { cwd: root });
    expect(stdout).not.toMatch(/\berror\b/i);
  });
});
