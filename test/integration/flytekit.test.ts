// flytekit, from PyPI, drives `flyte-mc up` as a user would: it registers a workflow (FlyteRemote), sets
// EXECUTION_CLUSTER_LABEL attributes (SynchronousFlyteClient), creates 200 executions with and without explicit
// labels, and reads them back. Each execution's cluster (spec.metadata.system_metadata.execution_cluster, what
// FlyteAdmin reports) must equal `flyte-mc place`'s prediction from the topology in effect plus the rows set through
// flytekit; with real propeller each reaches SUCCEEDED. Then day 2 adds a cluster while the session runs: executions
// started before it stay terminable through flytekit, new ones follow the new labels.
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { memoryIo } from '../../harness/cli/command.ts';
import { createProcessBackend } from '../../harness/backends/process/backend.ts';
import { findFlytePropeller, FLYTEPROPELLER_MISSING } from '../../harness/propeller/binary.ts';
import { drive, flytekitPython, FLYTEKIT_MISSING, pyflyteRun, RunningUp } from '../support/flytekit.ts';
import { skipTier } from '../support/prereq.ts';
import { HttpKubeClient } from '../../harness/backends/kube-client.ts';
import { Kubeconfig } from '../../harness/backends/kubeconfig/kubeconfig.ts';
import { FLYTEWORKFLOW_API_VERSION } from '../../harness/constants.ts';
import { notYet, waitFor } from '../../harness/util/wait.ts';
import { starterTopologyYaml } from '../../harness/topology/index.ts';

const python = await flytekitPython();
const propeller = await findFlytePropeller();
const simSkip = skipTier('flytekit on sim', python ? (propeller ? undefined : FLYTEPROPELLER_MISSING) : FLYTEKIT_MISSING);
const processSkip = skipTier('flytekit on process backend', simSkip ? 'see flytekit on sim' : await createProcessBackend().unavailableReason());

const WORKFLOW = 'drive.add_one_wf';

type Row = { project: string; domain: string; workflow?: string; value: string };

/** The starter topology with a weighted label beside the guide's two single-cluster ones. */
function topologyWithWeights(): string {
  const t = parse(starterTopologyYaml({ dataPlanes: 2 })) as Record<string, unknown>;
  t.labels = {
    label1: [{ cluster: 'dataplane_1', weight: 1 }],
    label2: [{ cluster: 'dataplane_2', weight: 1 }],
    weighted: [
      { cluster: 'dataplane_1', weight: 0.3 },
      { cluster: 'dataplane_2', weight: 0.7 },
    ],
  };
  t.executionClusterLabels = [
    { project: 'team1', domain: 'development', value: 'label1' },
    { project: 'team1', domain: 'production', value: 'label2' },
  ];
  return stringify(t);
}

/** `flyte-mc place` for names of one kind, from the session's topology file plus the rows flytekit set. */
async function predict(topologyFile: string, rows: readonly Row[], q: { project: string; domain: string; label: string }, names: readonly string[]): Promise<Map<string, string>> {
  const t = parse(await readFile(topologyFile, 'utf8')) as { executionClusterLabels: Row[] };
  const key = (r: Row) => `${r.project}/${r.domain}/${r.workflow ?? ''}`;
  const mine = new Set(rows.map(key));
  t.executionClusterLabels = [...t.executionClusterLabels.filter((r) => !mine.has(key(r))), ...rows];
  const dir = await mkdtemp(join(tmpdir(), 'flyte-mc-predict-'));
  try {
    const file = join(dir, 'flyte-mc.yaml');
    await writeFile(file, stringify(t));
    const io = memoryIo();
    const args = q.label ? ['--label', q.label] : ['--project', q.project, '--domain', q.domain, '--workflow', WORKFLOW];
    const code = await main(['place', '--topology', file, ...args, ...names], io);
    if (code !== 0) throw new Error(`flyte-mc place failed: ${io.err.join('')}`);
    return new Map(io.out.join('').trim().split('\n').map((l) => l.split('\t') as [string, string]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Made {
  name: string;
  label: string;
  project: string;
  domain: string;
}

/** Creates executions through flytekit and returns them with what they were created as. */
async function execute(up: RunningUp, batches: { project: string; domain: string; count: number; labels: string[]; annotations?: Record<string, string> }[]): Promise<Made[]> {
  const ops = batches.map((b) => ({ op: 'execute', project: b.project, domain: b.domain, version: 'v1', count: b.count, labels: b.labels, ...(b.annotations ? { annotations: b.annotations } : {}) }));
  const out = await drive(python as string, up.info.files.flytekitConfig, ops);
  return out.flatMap((r, i) => {
    if (r.error) throw new Error(`execute: ${JSON.stringify(r.error)}`);
    const b = batches[i] as (typeof batches)[number];
    return (r.executions as { name: string; label: string }[]).map((e) => ({ ...e, project: b.project, domain: b.domain }));
  });
}

/** Every execution's reported cluster against `flyte-mc place`; returns the disagreements. */
async function disagreements(up: RunningUp, rows: readonly Row[], made: readonly Made[]): Promise<{ made: Made; reported: string; predicted: string | undefined }[]> {
  const groups = new Map<string, Made[]>();
  for (const m of made) {
    const k = `${m.project}\0${m.domain}\0${m.label}`;
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  const out: { made: Made; reported: string; predicted: string | undefined }[] = [];
  for (const group of groups.values()) {
    const g = group[0] as Made;
    const predicted = await predict(up.info.files.topology, rows, g, group.map((m) => m.name));
    const [read] = await drive(python as string, up.info.files.flytekitConfig, [{ op: 'read', project: g.project, domain: g.domain, names: group.map((m) => m.name) }]);
    for (const e of (read as { executions: { name: string; cluster: string }[] }).executions) {
      const m = group.find((x) => x.name === e.name) as Made;
      if (predicted.get(e.name) !== e.cluster) out.push({ made: m, reported: e.cluster, predicted: predicted.get(e.name) });
    }
  }
  return out;
}

/** Executions whose FlyteWorkflow is not Succeeded (propeller's status) in the data plane GetExecution reports. */
async function notSucceededOnReportedPlane(up: RunningUp, made: readonly Made[]): Promise<string[]> {
  const bad: string[] = [];
  for (const [pd, group] of byProjectDomain(made)) {
    const [project, domain] = pd.split('/') as [string, string];
    const [read] = await drive(python as string, up.info.files.flytekitConfig, [{ op: 'read', project, domain, names: group.map((m) => m.name) }]);
    for (const e of (read as { executions: { name: string; cluster: string }[] }).executions) {
      const file = up.info.files.kubeconfigs[e.cluster];
      if (!file) {
        bad.push(`${e.name}: no kubeconfig for ${e.cluster}`);
        continue;
      }
      const kc = await Kubeconfig.load(file);
      const c = await kc.resolve(kc.contexts()[0] as string);
      const client = new HttpKubeClient({ endpoint: c.server, caCert: c.caCert, ...(c.clientCert ? { clientCert: c.clientCert, clientKey: c.clientKey } : {}), ...(c.token ? { token: c.token } : {}) });
      // propeller writes its final status just after the terminal event: allow it a few seconds.
      const phase = await waitFor(`FlyteWorkflow ${e.name} Succeeded`, 30_000, async () => {
        const o = (await client.get({ apiVersion: FLYTEWORKFLOW_API_VERSION, kind: 'FlyteWorkflow', name: e.name, namespace: `${project}-${domain}` })) as unknown as { status?: { phase?: number } };
        // v1alpha1.WorkflowPhaseSuccess (flytepropeller/pkg/apis/flyteworkflow/v1alpha1/iface.go:109)
        return o.status?.phase === 3 ? 3 : notYet(`phase ${o.status?.phase}`);
      }, { where: e.cluster }).catch((err: Error) => err.message);
      if (phase !== 3) bad.push(`${e.name} on ${e.cluster}: ${phase}`);
    }
  }
  return bad;
}

function byProjectDomain(list: readonly Made[]): Map<string, Made[]> {
  const out = new Map<string, Made[]>();
  for (const m of list) out.set(`${m.project}/${m.domain}`, [...(out.get(`${m.project}/${m.domain}`) ?? []), m]);
  return out;
}

function session(backend: 'sim' | 'process') {
  const state: { up?: RunningUp; dir?: string; rows: Row[] } = { rows: [] };
  beforeAll(async () => {
    state.dir = await mkdtemp(join(tmpdir(), 'flyte-mc-flytekit-'));
    const topo = join(state.dir, 'flyte-mc.yaml');
    await writeFile(topo, topologyWithWeights());
    state.up = await RunningUp.start(['--backend', backend, '--topology', topo, '--quiet'], 600_000);
  }, 660_000);
  afterAll(async () => {
    if (state.up) {
      const dir = state.up.info.files.dir;
      const code = await state.up.stop();
      expect(code).toBe(0);
      // The session's files (kubeconfigs are secrets) go with it.
      expect(existsSync(dir)).toBe(false);
    }
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  }, 120_000);
  return state;
}

describe.skipIf(simSkip)('flytekit against flyte-mc up (sim)', () => {
  const s = session('sim');

  it('registers, sets attributes, runs 200 executions placed exactly as `flyte-mc place` predicts', async () => {
    const up = s.up as RunningUp;
    const cfg = up.info.files.flytekitConfig;
    const setup = await drive(python as string, cfg, [
      { op: 'register_project', project: 'flytesnacks' },
      { op: 'register_project', project: 'flytesnacks' },
      { op: 'register', project: 'team1', domain: 'development', version: 'v1' },
      { op: 'register', project: 'team1', domain: 'staging', version: 'v1' },
      { op: 'register', project: 'team1', domain: 'production', version: 'v1' },
      { op: 'register', project: 'flytesnacks', domain: 'development', version: 'v1' },
      // Registering the same version again is AlreadyExists, which flytekit treats as done.
      { op: 'register', project: 'team1', domain: 'development', version: 'v1' },
      { op: 'set_ecl', project: 'team1', domain: 'staging', value: 'weighted' },
      { op: 'set_ecl', project: 'team1', domain: 'development', workflow_name: WORKFLOW, value: 'label2' },
      { op: 'get_ecl', project: 'team1', domain: 'staging' },
      { op: 'get_ecl', project: 'team1', domain: 'development', workflow_name: WORKFLOW },
      { op: 'unimplemented' },
    ]);
    expect(setup[0]).toEqual({ op: 'register_project', registered: 'flytesnacks' });
    expect((setup[1]?.error as { code: string }).code).toBe('ALREADY_EXISTS');
    for (const r of setup.slice(2, 7)) expect(r).toMatchObject({ op: 'register', workflow: WORKFLOW, launchPlan: WORKFLOW, inputs: ['x'] });
    expect(setup[9]).toMatchObject({ value: 'weighted' });
    expect(setup[10]).toMatchObject({ value: 'label2' });
    expect(setup[11]?.error).toMatchObject({ code: 'UNIMPLEMENTED', message: expect.stringContaining('GetExecutionData') });
    s.rows.push({ project: 'team1', domain: 'staging', value: 'weighted' }, { project: 'team1', domain: 'development', workflow: WORKFLOW, value: 'label2' });

    const made = await execute(up, [
      { project: 'team1', domain: 'development', count: 50, labels: [] },
      { project: 'team1', domain: 'staging', count: 50, labels: [] },
      { project: 'team1', domain: 'production', count: 50, labels: ['weighted', 'label1'] },
      { project: 'flytesnacks', domain: 'development', count: 50, labels: [] },
    ]);
    expect(made).toHaveLength(200);
    const wrong = await disagreements(up, s.rows, made);
    expect(wrong).toEqual([]);
    // The weighted label really spreads (not one cluster for everything).
    const [read] = await drive(python as string, up.info.files.flytekitConfig, [{ op: 'read', project: 'team1', domain: 'staging', names: made.filter((m) => m.domain === 'staging').map((m) => m.name) }]);
    const clusters = new Set((read as { executions: { cluster: string }[] }).executions.map((e) => e.cluster));
    expect(clusters).toEqual(new Set(['dataplane_1', 'dataplane_2']));
  }, 600_000);

  it('pyflyte run --remote: fast registration uploads the package through DataProxy and the run is placed as predicted', async () => {
    const up = s.up as RunningUp;
    const name = await pyflyteRun(python as string, up.info.files.flytekitConfig, ['-p', 'team1', '-d', 'staging', 'drive.py', 'add_one_wf', '--x', '3']);
    expect(await disagreements(up, s.rows, [{ name, label: '', project: 'team1', domain: 'staging' }])).toEqual([]);
  }, 300_000);
});

describe.skipIf(processSkip)('flytekit against flyte-mc up (process backend, real propeller)', () => {
  const s = session('process');

  it('every execution placed as predicted reaches SUCCEEDED; day 2 keeps old ones terminable and moves new ones', async () => {
    const up = s.up as RunningUp;
    expect(up.info.propeller).toBe(true);
    expect(Object.keys(up.info.files.kubeconfigs).sort()).toEqual(['dataplane_1', 'dataplane_2']);
    const cfg = up.info.files.flytekitConfig;
    const setup = await drive(python as string, cfg, [
      { op: 'register_project', project: 'flytesnacks' },
      ...['development', 'staging', 'production'].map((domain) => ({ op: 'register', project: 'team1', domain, version: 'v1' })),
      { op: 'register', project: 'flytesnacks', domain: 'development', version: 'v1' },
      { op: 'set_ecl', project: 'team1', domain: 'staging', value: 'weighted' },
      { op: 'set_ecl', project: 'team1', domain: 'development', workflow_name: WORKFLOW, value: 'label2' },
    ]);
    for (const r of setup) expect(r.error).toBeUndefined();
    s.rows.push({ project: 'team1', domain: 'staging', value: 'weighted' }, { project: 'team1', domain: 'development', workflow: WORKFLOW, value: 'label2' });

    const made = await execute(up, [
      { project: 'team1', domain: 'development', count: 50, labels: [] },
      { project: 'team1', domain: 'staging', count: 50, labels: [] },
      { project: 'team1', domain: 'production', count: 50, labels: ['weighted', 'label1', ''] },
      { project: 'flytesnacks', domain: 'development', count: 50, labels: [] },
    ]);
    // pyflyte's own path: fast registration (package upload through DataProxy), then one execution.
    const viaPyflyte = await pyflyteRun(python as string, cfg, ['-p', 'team1', '-d', 'staging', 'drive.py', 'add_one_wf', '--x', '3']);
    made.push({ name: viaPyflyte, label: '', project: 'team1', domain: 'staging' });
    expect(await disagreements(up, s.rows, made)).toEqual([]);
    for (const [pd, group] of byProjectDomain(made)) {
      const [project, domain] = pd.split('/') as [string, string];
      const [w] = await drive(python as string, cfg, [{ op: 'wait', project, domain, names: group.map((m) => m.name), phase: 'SUCCEEDED', timeout: 240 }]);
      expect(w?.pending, `${pd}: not SUCCEEDED: ${JSON.stringify(w?.phases)}`).toEqual([]);
    }
    // As a user would check it: each execution's FlyteWorkflow, read with the session's kubeconfig of the data plane
    // FlyteAdmin reported, is Succeeded in propeller's own status.
    expect(await notSucceededOnReportedPlane(up, made)).toEqual([]);

    // Long-running executions in flight when day 2 happens (their pods run 10 minutes unless aborted).
    const inFlight = await execute(up, [{ project: 'team1', domain: 'production', count: 10, labels: [], annotations: { 'flyte-mc.io/run-ms': '600000' } }]);
    const [running] = await drive(python as string, cfg, [{ op: 'wait', project: 'team1', domain: 'production', names: inFlight.map((m) => m.name), phase: 'RUNNING', timeout: 120 }]);
    expect(running?.pending).toEqual([]);

    const day2 = await up.command('add-cluster', /^day 2/, 600_000);
    expect(day2).toMatch(/^day 2: added dataplane_3 with label label3/);
    const kubeconfig3 = /kubeconfig: (\S+)\)$/.exec(day2)?.[1];
    expect(kubeconfig3).toBeDefined();
    up.info.files.kubeconfigs.dataplane_3 = kubeconfig3 as string;
    const t = parse(await readFile(up.info.files.topology, 'utf8')) as { dataPlanes: { name: string }[] };
    expect(t.dataPlanes.map((d) => d.name)).toEqual(['dataplane_1', 'dataplane_2', 'dataplane_3']);

    // Old executions: terminable through flytekit on the cluster they were placed on; they end ABORTED.
    const [term] = await drive(python as string, cfg, [{ op: 'terminate', project: 'team1', domain: 'production', names: inFlight.map((m) => m.name) }]);
    expect((term?.terminated as { ok: boolean }[]).every((x) => x.ok), JSON.stringify(term)).toBe(true);
    const [aborted] = await drive(python as string, cfg, [{ op: 'wait', project: 'team1', domain: 'production', names: inFlight.map((m) => m.name), phase: 'ABORTED', timeout: 180 }]);
    expect(aborted?.pending, JSON.stringify(aborted?.phases)).toEqual([]);

    // New executions follow the new topology (team1/production → label3 → dataplane_3) and the rows set before.
    const after = await execute(up, [
      { project: 'team1', domain: 'production', count: 20, labels: [] },
      { project: 'flytesnacks', domain: 'development', count: 30, labels: [] },
    ]);
    expect(await disagreements(up, s.rows, after)).toEqual([]);
    const [prod] = await drive(python as string, cfg, [{ op: 'read', project: 'team1', domain: 'production', names: after.filter((m) => m.project === 'team1').map((m) => m.name) }]);
    expect(new Set((prod as { executions: { cluster: string }[] }).executions.map((e) => e.cluster))).toEqual(new Set(['dataplane_3']));
    for (const [pd, group] of byProjectDomain(after)) {
      const [project, domain] = pd.split('/') as [string, string];
      const [w] = await drive(python as string, cfg, [{ op: 'wait', project, domain, names: group.map((m) => m.name), phase: 'SUCCEEDED', timeout: 240 }]);
      expect(w?.pending, `${pd} after day 2: ${JSON.stringify(w?.phases)}`).toEqual([]);
    }
    expect(await notSucceededOnReportedPlane(up, after)).toEqual([]);
  }, 1_500_000);
});
