// Real flytepropeller v1.16.8 on the process backend's data planes: the FlyteWorkflow objects come from propeller's
// own compiler and builder, propeller runs them, pods are completed without a kubelet, and the phases in
// FlyteAdmin's model come from propeller's events. Skips with the reason when a binary or the chart is missing.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdminGrpcServer } from '../../harness/admin/grpc/server.ts';
import { propellerChartObjects } from '../../harness/propeller/chart-input.ts';
import { Propeller } from '../../harness/propeller/launcher.ts';
import { render } from '../../harness/render/index.ts';
import { parseTopology, starterTopologyYaml } from '../../harness/topology/index.ts';
import { createProcessBackend } from '../../harness/backends/process/index.ts';
import { findFlytePropeller } from '../../harness/propeller/binary.ts';
import { buildRequest, FlyteWorkflowFactory, runBuilder, type ExecutionInput } from '../../harness/propeller/workflow.ts';
import { runScenario } from '../../harness/scenarios/run.ts';
import { propellerDay2, propellerGuide, propellerIssue1929, propellerUnavailableReason } from '../../harness/scenarios/scenarios/propeller.ts';
import { realReleases } from '../support/chart.ts';
import type { Scenario } from '../../harness/scenarios/context.ts';
import { skipTier } from '../support/prereq.ts';

const binary = await findFlytePropeller();
const noBinary = skipTier('flytepropeller build-workflow', binary ? undefined : 'flytepropeller is not built (scripts/setup.d/55-flytepropeller.sh)');
const skip = skipTier('real propeller scenarios', (await createProcessBackend().unavailableReason()) ?? (await propellerUnavailableReason()));

describe.skipIf(noBinary)('FlyteWorkflow objects', () => {
  it("the model's per-execution objects equal propeller's builder output", async () => {
    const w = { project: 'team1', domain: 'development', name: 'example.etl', version: 'v1' };
    const execs: ExecutionInput[] = ['abc0000000000000000', 'azz1234567890abcdef', 'f-x'].map((name, i) => ({
      name,
      namespace: 'team1-development',
      project: 'team1',
      domain: 'development',
      x: i * 7,
      annotations: i === 2 ? undefined : { 'flyte-mc.io/run-ms': String(i) },
      acceptedAt: new Date(Date.UTC(2026, 11, 1, 10, i, 5)),
      rawOutputPrefix: `s3://my-s3-bucket/raw/${name}`,
    }));
    const direct = await runBuilder(binary as string, buildRequest(w, execs));
    const factory = new FlyteWorkflowFactory(binary as string);
    for (const [i, e] of execs.entries()) {
      const ours = await factory.build(w, e);
      expect(ours).toEqual(direct.flyteWorkflows[i]);
    }
    const fw = direct.flyteWorkflows[0] as Record<string, unknown> & { metadata: { labels: Record<string, string> } };
    expect(fw.kind).toBe('FlyteWorkflow');
    expect(fw.metadata.labels['execution-id']).toBe('abc0000000000000000');
    expect(fw.executionId).toEqual({ project: 'team1', domain: 'development', name: 'abc0000000000000000' });
  }, 120_000);

  it('the compiler rejects a task without a container image as FlyteAdmin registration would', async () => {
    const req = buildRequest({ project: 'p', domain: 'd', name: 'w', version: 'v1' }, []) as { tasks: { container: { image: string } }[] };
    (req.tasks[0] as { container: { image: string } }).container.image = '';
    await expect(runBuilder(binary as string, req)).rejects.toThrow(/image/i);
  });
});

async function pass(s: Scenario, executions: number): Promise<void> {
  const lines: string[] = [];
  const r = await runScenario(s, { backend: 'process', dataPlanes: s.dataPlanes ?? 2, executions, seed: 1, log: (l) => lines.push(l), releases: realReleases() });
  if (!r.passed) console.log(lines.join('\n'));
  else console.log(lines.filter((l) => /phases|ready in|overrides|→/.test(l)).join('\n'));
  expect(r.violations).toEqual([]);
  expect(r.passed).toBe(true);
  expect(r.executions.lost).toBe(0);
}

describe.skipIf(skip)('scenarios on real propeller (--backend process)', () => {
  it('guide: 300 executions reach SUCCEEDED on the predicted data plane', () => pass(propellerGuide, 300), 900_000);
  it('day2-add-cluster: RUNNING executions survive the new data plane and the FlyteAdmin restart', () => pass(propellerDay2, 300), 900_000);
  it('issue-1929: a wrong propeller cluster-id gets every event rejected', () => pass(propellerIssue1929, 20), 600_000);
});

describe.skipIf(skip)('propeller follows its cluster', () => {
  it('starts with the cluster, dies with it on kill, comes back with start, and goes away with delete', async () => {
    const backend = createProcessBackend({ log: () => undefined, graceMs: 3_000 });
    const server = new AdminGrpcServer({ lookup: () => undefined, setPhase: () => undefined });
    const storage = await mkdtemp(join(tmpdir(), 'flyte-mc-propeller-lifecycle-'));
    try {
      await server.start();
      const c = await backend.createCluster({ name: 'dataplane_1', role: 'data-plane' });
      const t = parseTopology(starterTopologyYaml({ dataPlanes: 1 }));
      const values = render(t, { endpoints: { dataplane_1: c.endpoint } }).find((f) => f.path === 'dataplanes/dataplane_1/values-dataplane.yaml')?.content ?? '';
      const { input, rbac } = propellerChartObjects((await realReleases().dataPlane([{ name: 'values-dataplane.yaml', content: values }])).objects);
      await c.admin().apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: input.namespace } });
      for (const o of rbac) await c.admin().apply({ ...o, metadata: { name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) } });
      const dir = join(storage, 'propeller');
      const p = new Propeller({ binary: binary as string, host: c, chart: input, adminEndpoint: server.address, storageRoot: join(storage, 'data'), dir });
      await c.attach({ start: () => p.start(), stop: (g) => p.stop(g), kill: () => p.kill(), dispose: () => p.dispose() });
      const first = p.pid;
      expect(first).toBeGreaterThan(0);
      expect(p.overrides.map((o) => o.key)).toContain('propeller.kube-config');
      await c.kill();
      expect(p.running).toBe(false);
      await c.start();
      expect(p.pid).toBeGreaterThan(0);
      expect(p.pid).not.toBe(first);
      await c.delete();
      expect(p.running).toBe(false);
      expect(existsSync(dir)).toBe(false);
      expect(() => process.kill(first as number, 0)).toThrow();
    } finally {
      await server.stop();
      await backend.dispose();
      await rm(storage, { recursive: true, force: true });
    }
  }, 240_000);
});
