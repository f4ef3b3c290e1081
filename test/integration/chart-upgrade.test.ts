// chart-upgrade against the real flyte-core chart and mutants of it made here at run time: the unmodified chart
// passes, and each mutant fails the run with a message that names what broke.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFlyteChart } from '../../harness/helm/flyte-chart.ts';
import { chartReleases, type FlyteReleases } from '../../harness/helm/releases.ts';
import { findScenario, runScenario } from '../../harness/scenarios/index.ts';
import { chartUnavailable, realChart, realReleases } from '../support/chart.ts';
import { skipTier } from '../support/prereq.ts';

interface Mutant {
  name: string;
  /** chart-relative file → [from, to] replacements (each must match). */
  edits: Record<string, [string | RegExp, string][]>;
  /** What the failure message must say. */
  expect: RegExp;
}

const MUTANTS: Mutant[] = [
  {
    name: 'syncresources mounts cluster-credentials at another path',
    edits: { 'templates/clusterresourcesync/deployment.yaml': [['mountPath: /var/run/credentials', 'mountPath: /var/run/cluster-credentials']] },
    expect: /syncresources.*cluster-credentials@\/var\/run\/credentials → cluster-credentials@\/var\/run\/cluster-credentials|syncresources fails/,
  },
  {
    name: 'flyteadmin no longer mounts the clusters ConfigMap',
    edits: { 'templates/admin/deployment.yaml': [[/            - configMap:\n                name: flyte-admin-clusters-config\n/, '']] },
    expect: /FlyteAdmin runs differently after the upgrade: .*clusters/,
  },
  {
    name: 'flyteadmin serve drops flyteadmin.additionalVolumeMounts',
    edits: { 'templates/admin/deployment.yaml': [[/(name: admin-secrets)\n        \{\{- with \.Values\.flyteadmin\.additionalVolumeMounts -\}\}\n        \{\{ tpl \(toYaml \.\) \$ \| nindent 8 \}\}\n        \{\{- end \}\}/, '$1']] },
    expect: /mounts\.flyteadmin: .*cluster-credentials@\/var\/run\/credentials → |FlyteAdmin would not start/,
  },
  {
    name: 'propeller gets a cluster id of its own',
    edits: { 'templates/propeller/deployment.yaml': [['{{- with .Values.flytepropeller.clusterName }}', '- --propeller.cluster-id\n        - edge\n        {{- with .Values.flytepropeller.clusterName }}']] },
    expect: /cluster id "edge".*IncompatibleCluster/,
  },
  {
    name: 'the data-plane ClusterRole loses flyteworkflows',
    edits: { 'values.yaml': [[/(rbacRules:[\s\S]*?)\n\s+- flyteworkflows\n/, '$1\n']] },
    expect: /flyteworkflows|forbidden/i,
  },
  {
    name: 'the FlyteWorkflow CRD is rendered as apiextensions.k8s.io/v1beta1',
    edits: { 'templates/propeller/crds/flyteworkflow.yaml': [[/Has "apiextensions\.k8s\.io\/v1\/CustomResourceDefinition"/g, 'Has "apiextensions.k8s.io/v0/CustomResourceDefinition"']] },
    expect: /customresourcedefinitions\.v1beta1\.apiextensions\.k8s\.io/,
  },
];

describe.skipIf(skipTier('chart (chart-upgrade)', chartUnavailable))('chart-upgrade with the real flyte-core chart', () => {
  const scenario = findScenario('chart-upgrade');
  let work = '';
  const run = (to: FlyteReleases) =>
    runScenario(scenario!, { backend: 'sim', dataPlanes: 2, executions: 400, seed: 3, log: () => {}, releases: realReleases(), upgradeTo: to });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'flyte-mc-mutants-'));
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('passes for the unmodified chart', async () => {
    const r = await run(realReleases());
    expect(r.violations).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.chart).toMatch(/^flyte-core v0\.1\.10 from github\.com\/flyteorg\/flyte@v1\.16\.8$/);
  });

  it.each(MUTANTS)('fails for a chart where $name', async (m) => {
    const src = realChart!.dir as string;
    const dir = join(work, m.name.replace(/\W+/g, '-'));
    // The chart and its file:// dependency side by side, as in Flyte's module; charts/ is rebuilt by the harness.
    await cp(src, join(dir, 'flyte-core'), { recursive: true });
    await cp(join(dirname(src), 'flyteconnector'), join(dir, 'flyteconnector'), { recursive: true });
    await rm(join(dir, 'flyte-core', 'charts'), { recursive: true, force: true });
    for (const [file, edits] of Object.entries(m.edits)) {
      const p = join(dir, 'flyte-core', file);
      let text = await readFile(p, 'utf8');
      for (const [from, to] of edits) {
        const next = text.replace(from, to);
        expect(next, `mutation of ${file} must apply`).not.toBe(text);
        text = next;
      }
      await writeFile(p, text);
    }
    const mutant = await resolveFlyteChart(join(dir, 'flyte-core'));
    if (!mutant.ok) throw new Error(mutant.reason);
    const r = await run(chartReleases(mutant.chart, { cloud: 'eks' }));
    expect(r.passed).toBe(false);
    const messages = r.violations.map((v) => v.message).join('\n');
    if (process.env.SHOW_MUTANTS) console.log(`${m.name}:\n  ${messages.split("\n").join("\n  ")}`);
    expect(messages).toMatch(m.expect);
  });
});
