import { describe, expect, it } from 'vitest';
import { AdminError, MatchableAttributes, parseEclFile } from '../../../harness/admin/attributes.ts';
import { looksGenerated, NameSource } from '../../../harness/admin/names.ts';
import { parseTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';
import { ScenarioContext, type Scenario } from '../../../harness/scenarios/context.ts';
import { deployGuide, helmUpgrade, valuesOverride } from '../../../harness/scenarios/steps.ts';
import { chartUnavailable, releaseModes } from '../../support/chart.ts';

const noop: Scenario = { name: 'unit', summary: '', expectations: [], run: async () => {} };

async function using_(ctx: ScenarioContext, fn: (ctx: ScenarioContext) => Promise<void>): Promise<void> {
  try {
    await fn(ctx);
  } finally {
    await ctx.world.dispose();
  }
}

if (chartUnavailable) console.log(`[skip] chart: FlyteAdmin model tests run with the chart model only: ${chartUnavailable}`);

describe.each(releaseModes)('FlyteAdmin model with the $name', ({ name: mode, releases }) => {
async function deployed(n = 2): Promise<ScenarioContext> {
  const ctx = await ScenarioContext.create(noop, { backend: 'sim', dataPlanes: n, executions: 0, seed: 7, log: () => {}, releases: releases() });
  await deployGuide(ctx);
  return ctx;
}

describe('FlyteAdmin model: startup', () => {
  it('starts from the rendered values and syncs namespaces into every enabled data plane', async () => {
    await using_(await deployed(), async (ctx) => {
      expect(ctx.world.admin.serving).toBe(true);
      const ns = await ctx.world.dataPlane('dataplane_2').admin().get({ apiVersion: 'v1', kind: 'Namespace', name: 'team1-staging' });
      expect(ns.metadata.name).toBe('team1-staging');
    });
  });

  it('refuses a weight above 1 on an enabled cluster; the old pod keeps serving the old config', async () => {
    await using_(await deployed(), async (ctx) => {
      const bad = valuesOverride(ctx).replace(/weight: 1\n/, 'weight: 3\n');
      const r = await helmUpgrade(ctx, bad);
      expect(r).toMatchObject({ ok: false, stage: 'serve', stillServing: true });
      expect(r.error).toBe('invalid weight 3.000000, index 0');
      expect(ctx.world.admin.values).not.toBe(bad);
      const down = await ctx.world.restartAdmin();
      expect(down.stillServing).toBe(false);
      await expect(ctx.world.admin.createExecution({ project: 'team1', domain: 'development', workflow: 'w' })).rejects.toMatchObject({ code: 'Unavailable' });
    });
  });

  it('needs credential files for disabled clusters too, and panics in the sync init container with an empty labelClusterMap', async () => {
    await using_(await deployed(), async (ctx) => {
      const values = valuesOverride(ctx);
      const ghost = values.replace(
        /clusterConfigs:\n/,
        'clusterConfigs:\n      - name: ghost\n        endpoint: https://ghost:443\n        enabled: false\n        auth:\n          tokenPath: /var/run/credentials/ghost_token\n          certPath: /var/run/credentials/ghost_cacert\n',
      );
      const r1 = await helmUpgrade(ctx, ghost);
      expect(r1).toMatchObject({ ok: false, stage: 'sync-cluster-resources' });
      expect(r1.error).toContain('open /var/run/credentials/ghost_token: no such file or directory');
      const empty = values.replace(/labelClusterMap:\n(\s+.*\n)+?(?=\s+clusterConfigs)/, 'labelClusterMap: {}\n');
      const r2 = await helmUpgrade(ctx, empty);
      expect(r2.error).toBe('panic: Failed to get auth token: open /var/run/credentials/dataplane_1_token: no such file or directory');
      const noneEnabled = values.replace(/enabled: true/g, 'enabled: false');
      expect((await helmUpgrade(ctx, noneEnabled)).error).toBe('entries is empty');
      const dup = values.replace('name: dataplane_2', 'name: dataplane_1');
      expect((await helmUpgrade(ctx, dup)).error).toBe('Duplicate cluster names in runtime config');
    });
  });

  it('fails the sync init container when an enabled data plane is unreachable', async () => {
    await using_(await deployed(), async (ctx) => {
      await ctx.world.dataPlane('dataplane_2').partition!.cut();
      const r = await ctx.world.restartAdmin();
      expect(r).toMatchObject({ ok: false, stage: 'sync-cluster-resources', stillServing: false });
      expect(r.error).toContain('i/o timeout');
    });
  });
});

describe('FlyteAdmin model: executions', () => {
  it('creates a FlyteWorkflow in <project>-<domain> of the chosen cluster and terminates through the stored cluster', async () => {
    await using_(await deployed(), async (ctx) => {
      const admin = ctx.world.admin;
      const e = await admin.createExecution({ project: 'team1', domain: 'production', workflow: 'wf' });
      expect(looksGenerated(e.name)).toBe(true);
      expect(e).toMatchObject({ cluster: 'dataplane_2', phase: 'RUNNING', label: '' });
      const fw = await ctx.world.dataPlane('dataplane_2').admin().get({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow', namespace: 'team1-production', name: e.name });
      expect(fw.metadata.labels?.['execution-id']).toBe(e.name);
      expect((await admin.terminate(e.name)).phase).toBe('ABORTED');
      await expect(admin.terminate(e.name)).rejects.toMatchObject({ code: 'FailedPrecondition' });
    });
  });

  it('stores FAILED with no cluster when the credentials are rejected (token rotated under a running admin)', async () => {
    await using_(await deployed(), async (ctx) => {
      const dp = ctx.world.dataPlane('dataplane_2').admin();
      const ref = { apiVersion: 'v1', kind: 'Secret', namespace: 'flyte', name: 'dataplane-2-token' };
      const secret = await dp.get(ref);
      await dp.delete(ref);
      await dp.create({ ...secret, data: undefined, metadata: { name: secret.metadata.name, namespace: 'flyte', annotations: { 'kubernetes.io/service-account.name': 'flyteadmin' } } });
      // The API server still accepts the old token from its 10 s authentication cache.
      expect((await ctx.world.admin.createExecution({ project: 'team1', domain: 'production', workflow: 'wf' })).phase).toBe('RUNNING');
      await ctx.world.elapse(10_001);
      const e = await ctx.world.admin.createExecution({ project: 'team1', domain: 'production', workflow: 'wf' });
      expect(e).toMatchObject({ phase: 'FAILED', cluster: '' });
      expect(e.error).toContain('failed to create workflow in propeller Unauthorized');
    });
  });

  it('relaunch and recover re-place under new names; children inherit an explicit label only', async () => {
    await using_(await deployed(), async (ctx) => {
      const admin = ctx.world.admin;
      const parent = await admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'wf', label: 'label2' });
      expect(parent.cluster).toBe('dataplane_2');
      const child = await admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'wf', parent: parent.name });
      expect(child).toMatchObject({ label: 'label2', cluster: 'dataplane_2', mode: 'child', source: parent.name });
      const byAttr = await admin.createExecution({ project: 'team1', domain: 'production', workflow: 'wf' });
      const child2 = await admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'wf', parent: byAttr.name });
      expect(child2.label).toBe('');
      const re = await admin.relaunch(parent.name);
      expect(re).toMatchObject({ mode: 'relaunch', label: 'label2', source: parent.name });
      expect(re.name).not.toBe(parent.name);
      expect((await admin.recover(parent.name)).mode).toBe('recover');
    });
  });

  it('strands an execution whose cluster was removed: invalid cluster target, stays ABORTING', async () => {
    await using_(await deployed(), async (ctx) => {
      const admin = ctx.world.admin;
      const e = await admin.createExecution({ project: 'team1', domain: 'production', workflow: 'wf' });
      ctx.topology = { ...ctx.topology, dataPlanes: ctx.topology.dataPlanes.filter((d) => d.name !== 'dataplane_2'), labels: { label1: ctx.topology.labels.label1 ?? [] } };
      expect((await helmUpgrade(ctx)).ok).toBe(true);
      await expect(admin.terminate(e.name)).rejects.toThrow('invalid cluster target dataplane_2');
      expect(admin.get(e.name)?.phase).toBe('ABORTING');
    });
  });
});

describe('matchable attributes (flytectl semantics)', () => {
  const projects = new Map([['team1', ['development', 'production']]]);
  it('writes the level given by the file, returns inherited rows, over-deletes below a project-domain', () => {
    const a = new MatchableAttributes({ projects: () => projects });
    expect(a.update({ project: 'team1', value: 'p' }).level).toBe('project');
    expect(a.get('team1', 'development')).toMatchObject({ domain: '', value: 'p' });
    a.update({ project: 'team1', domain: 'development', value: 'pd' });
    a.update({ project: 'team1', domain: 'development', workflow: 'wf', value: 'w' });
    expect(a.update({ project: 'team1', domain: 'development', workflow: 'wf', value: 'w' }).changed).toBe(false);
    expect(a.resolver('team1', 'development', 'wf')).toEqual({ value: 'w', level: 'workflow', priority: 100 });
    expect(a.resolver('team1', 'production', 'wf')).toEqual({ value: 'p', level: 'project', priority: 5 });
    expect(a.delete('team1', 'development').map((r) => r.workflow).sort()).toEqual(['', 'wf']);
    expect(a.list()).toHaveLength(1);
    expect(() => a.delete('team1', 'development')).toThrow(AdminError);
    expect(() => a.update({ domain: 'development', value: 'x' })).toThrow('project is required');
    expect(() => a.update({ project: 'team1', workflow: 'wf', value: 'x' })).toThrow('domain is required');
    expect(() => a.update({ project: 'nope', domain: 'development', value: 'x' })).toThrow(/registered/);
    expect(() => a.resolver('', '', '')).toThrow(AdminError);
  });
  it('parses attribute files strictly, with case-insensitive keys', () => {
    expect(parseEclFile('Project: team1\ndomain: development\nvalue: label1\n')).toEqual({ project: 'team1', domain: 'development', value: 'label1' });
    expect(() => parseEclFile('project: team1\ntype: x\n')).toThrow('unknown field "type"');
  });
  it('generates FlyteAdmin-shaped names reproducibly from a seed', () => {
    const a = new NameSource(42);
    const b = new NameSource(42);
    const names = Array.from({ length: 100 }, () => a.name());
    expect(names).toEqual(Array.from({ length: 100 }, () => b.name()));
    expect(names.every(looksGenerated)).toBe(true);
    expect(new Set(names).size).toBe(100);
  });
  it('starter topology still parses (sanity for the scenario fixtures)', () => {
    expect(parseTopology(starterTopologyYaml({ dataPlanes: 3 })).dataPlanes).toHaveLength(3);
  });
});

describe('FlyteAdmin model: restarts and events', () => {
  // Only the chart puts a ConfigMap into the control plane that a restarted pod re-reads.
  if (mode === 'real chart') it('takes config changes only when a pod starts (an edited ConfigMap alone does nothing)', async () => {
    await using_(await deployed(), async (ctx) => {
      const admin = ctx.world.admin;
      const cp = ctx.world.controlPlane.admin();
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'flyte', name: 'flyte-admin-clusters-config' };
      const cm = await cp.get(ref);
      const data = cm.data as Record<string, string>;
      const moved = (data['clusters.yaml'] as string).replace(/label2:\n(\s+)- id: dataplane_2/, 'label2:\n$1- id: dataplane_1');
      expect(moved).not.toBe(data['clusters.yaml']);
      await cp.apply({ ...cm, data: { ...data, 'clusters.yaml': moved } });
      expect((await admin.createExecution({ project: 'team1', domain: 'production', workflow: 'w' })).cluster).toBe('dataplane_2');
      expect((await ctx.world.restartAdmin()).ok).toBe(true);
      expect((await admin.createExecution({ project: 'team1', domain: 'production', workflow: 'w' })).cluster).toBe('dataplane_1');
    });
  });

  it('validates event producers against the stored cluster (IncompatibleCluster), QUEUED and "propeller" exempt', async () => {
    await using_(await deployed(), async (ctx) => {
      const admin = ctx.world.admin;
      const e = await admin.createExecution({ project: 'team1', domain: 'production', workflow: 'w' });
      admin.recordEvent(e.name, { producerId: 'elsewhere', phase: 'QUEUED' });
      expect(() => admin.recordEvent(e.name, { producerId: 'dataplane-2', phase: 'SUCCEEDED' })).toThrow(/IncompatibleCluster/);
      admin.recordEvent(e.name, { producerId: 'propeller', phase: 'RUNNING' });
      admin.recordEvent(e.name, { producerId: 'dataplane_2', phase: 'SUCCEEDED' });
      expect(admin.get(e.name)?.phase).toBe('SUCCEEDED');
    });
  });
});

describe('FlyteAdmin model: single-task executions', () => {
  it('places under .flytegen.<task> and returns a creation failure to the caller without storing it', async () => {
    await using_(await deployed(), async (ctx) => {
      const admin = ctx.world.admin;
      admin.attributes.update({ project: 'team1', domain: 'staging', workflow: '.flytegen.train', value: 'label2' });
      const ok = await admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'train', singleTask: true });
      expect(ok).toMatchObject({ workflow: '.flytegen.train', cluster: 'dataplane_2' });
      await ctx.world.dataPlane('dataplane_2').lifecycle!.stop();
      const before = admin.executions.size;
      await expect(admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'train', singleTask: true })).rejects.toMatchObject({ code: 'Internal' });
      expect(admin.executions.size).toBe(before);
      expect((await admin.createExecution({ project: 'team1', domain: 'staging', workflow: '.flytegen.train' })).phase).toBe('FAILED');
    });
  });
});

describe('FlyteAdmin model: placement vectors (flytestdlib weighted list, reproduced with Go) end to end', () => {
  it('places the reference names on the reference clusters through the model and the sim', async () => {
    const names = ['e', 'e1', 'e22', 'e3', 'abc123', 'f8a2b3c4d5e6f7a8b9c0', 'a', 'b', 'c', 'd'];
    const ctx = await ScenarioContext.create(noop, { backend: 'sim', dataPlanes: 2, executions: 0, seed: 7, log: () => {} });
    try {
      ctx.topology = {
        ...ctx.topology,
        labels: {
          half: [{ cluster: 'dataplane_1', weight: 0.5 }, { cluster: 'dataplane_2', weight: 0.5 }],
          ones: [{ cluster: 'dataplane_1', weight: 1 }, { cluster: 'dataplane_2', weight: 1 }],
          quarter: [{ cluster: 'dataplane_1', weight: 0.75 }, { cluster: 'dataplane_2', weight: 0.25 }],
        },
        executionClusterLabels: [],
      };
      await deployGuide(ctx);
      const run = async (label: string, domain: string) => {
        const out: number[] = [];
        for (const name of names) out.push(Number((await ctx.world.admin.createExecution({ project: 'team1', domain, workflow: 'w', label, name: `${name}` })).cluster.slice(-1)));
        return out;
      };
      expect(await run('half', 'development')).toEqual([1, 2, 1, 2, 1, 2, 2, 1, 1, 2]);
      const quarter = names.map((n) => Number(ctx.world.admin.explain({ project: 'team1', domain: 'staging', workflow: 'w', label: 'quarter', name: n }).cluster.slice(-1)));
      expect(quarter).toEqual([1, 1, 1, 2, 1, 1, 2, 1, 1, 1]);
      const ones = names.map((n) => Number(ctx.world.admin.explain({ project: 'team1', domain: 'production', workflow: 'w', label: 'ones', name: n }).cluster.slice(-1)));
      expect(ones).toEqual([1, 2, 1, 2, 1, 2, 2, 1, 1, 2]);
    } finally {
      await ctx.world.dispose();
    }
  });
});

describe('labelValue', () => {
  it('sanitises like flytestdlib (valid Kubernetes label values)', async () => {
    const { labelValue } = await import('../../../harness/admin/model.ts');
    expect(labelValue('.flytegen.train')).toBe('flytegen.train');
    expect(labelValue('example.training_workflow')).toBe('example.training_workflow');
    expect(labelValue(`a${'-'.repeat(70)}b`)).toBe('a');
    expect(labelValue('wf with spaces/slash')).toBe('wf-with-spaces-slash');
  });
});

describe('FlyteAdmin model: execution names', () => {
  it('rejects names FlyteAdmin rejects (InvalidArgument) and seeds placement with the name as written', async () => {
    await using_(await deployed(), async (ctx) => {
      const create = (name: string) => ctx.world.admin.createExecution({ project: 'team1', domain: 'staging', workflow: 'w', name });
      for (const bad of ['1abc', 'has_underscore', 'dot.name', 'x'.repeat(64), 'ünïcode']) {
        await expect(create(bad), bad).rejects.toMatchObject({ code: 'InvalidArgument' });
      }
      // Upper case passes FlyteAdmin's check, but the FlyteWorkflow object is named after the execution and
      // Kubernetes names are lower case: the data plane's API server refuses it and the execution is stored FAILED.
      const upper = await create('Upper-Case-1');
      expect(upper).toMatchObject({ name: 'Upper-Case-1', phase: 'FAILED', cluster: '' });
      expect(upper.error).toContain('Upper-Case-1');
      expect(await create('x'.repeat(63))).toMatchObject({ phase: 'RUNNING' });
    });
  });
});
});
