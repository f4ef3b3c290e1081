// AdminService served by the model (`flyte-mc up` on sim with the chart model), through a gRPC client: the codes
// and messages FlyteAdmin answers with, UNIMPLEMENTED for every call the model does not serve, attributes at each
// level, pagination. With propeller's compiler built, registration and an execution run end to end.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminServiceMethods, IMPLEMENTED } from '../../../harness/admin/grpc/admin-service.ts';
import { ADMIN_SERVICE } from '../../../harness/admin/grpc/server.ts';
import { modelReleases } from '../../../harness/helm/releases.ts';
import { findFlytePropeller } from '../../../harness/propeller/binary.ts';
import { UpSession } from '../../../harness/scenarios/up.ts';
import { AdminClient, AdminRpcError } from '../../../harness/tiers/real-admin/client.ts';
import { admin, core } from '../../../harness/flyte/idl.ts';
import { AdminCompiler } from '../../../harness/admin/compiler.ts';
import { skipTier } from '../../support/prereq.ts';

let session: UpSession;
let client: AdminClient;

beforeAll(async () => {
  session = await UpSession.start({ backend: 'sim', dataPlanes: 2, seed: 1, log: () => {}, releases: modelReleases() });
  client = new AdminClient(session.endpoint, { timeoutMs: 10_000 });
}, 60_000);

afterAll(async () => {
  client?.close();
  await session?.close();
});

async function code(p: Promise<unknown>): Promise<{ code: string; details: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AdminRpcError) return { code: grpc.status[err.code] as string, details: err.details };
    throw err;
  }
  throw new Error('expected the call to fail');
}

const ECL = admin.MatchableResource.EXECUTION_CLUSTER_LABEL;
/** protobufjs writes a number where its types say Long. */
const int = (n: number) => n as unknown as NonNullable<Parameters<typeof core.Primitive.create>[0]>['integer'];

describe('AdminService served by the model', () => {
  it('answers every call it does not implement with UNIMPLEMENTED naming the call', async () => {
    const missing = adminServiceMethods().filter((m) => !(IMPLEMENTED as readonly string[]).includes(m));
    expect(missing.length).toBeGreaterThan(10);
    expect(IMPLEMENTED.every((m) => adminServiceMethods().includes(m))).toBe(true);
    const channel = new grpc.Client(session.endpoint, grpc.credentials.createInsecure());
    try {
      for (const m of missing) {
        const err = await new Promise<grpc.ServiceError | null>((resolve) =>
          channel.makeUnaryRequest(`/${ADMIN_SERVICE}/${m}`, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), (e) => resolve(e)),
        );
        expect(err?.code, m).toBe(grpc.status.UNIMPLEMENTED);
        expect(err?.details).toContain(`AdminService.${m}`);
      }
    } finally {
      channel.close();
    }
  });

  it('registers projects once, with the configured domains', async () => {
    await client.service.registerProject({ project: { id: 'flytesnacks', name: 'flytesnacks' } });
    expect(await code(client.service.registerProject({ project: { id: 'flytesnacks', name: 'flytesnacks' } }))).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await code(client.service.registerProject({ project: { id: 'x' } }))).toEqual({ code: 'INVALID_ARGUMENT', details: 'missing project_name' });
    const p = await client.service.getProject({ id: 'flytesnacks' });
    expect(p.domains.map((d) => d.id)).toEqual(['development', 'staging', 'production']);
    const page = await client.service.listProjects({ limit: 1 });
    expect(page.projects).toHaveLength(1);
    expect(page.token).toBe('1');
    // Cluster resource sync created the new project's namespaces in every data plane.
    for (const [, c] of session.ctx.world.dataPlanes) {
      expect(await c.admin().get({ apiVersion: 'v1', kind: 'Namespace', name: 'flytesnacks-staging' })).toBeDefined();
    }
  });

  it('keeps EXECUTION_CLUSTER_LABEL attributes per level, and refuses other resource types', async () => {
    await client.service.updateProjectDomainAttributes({ attributes: { project: 'team1', domain: 'staging', matchingAttributes: { executionClusterLabel: { value: 'label2' } } } });
    await client.service.updateWorkflowAttributes({ attributes: { project: 'team1', domain: 'staging', workflow: 'wf', matchingAttributes: { executionClusterLabel: { value: 'label1' } } } });
    const pd = await client.service.getProjectDomainAttributes({ project: 'team1', domain: 'staging', resourceType: ECL });
    expect(pd.attributes?.matchingAttributes?.executionClusterLabel?.value).toBe('label2');
    const wf = await client.service.getWorkflowAttributes({ project: 'team1', domain: 'staging', workflow: 'wf', resourceType: ECL });
    expect(wf.attributes?.matchingAttributes?.executionClusterLabel?.value).toBe('label1');
    // The model's placement uses them: the workflow row wins over the project-domain row.
    expect(session.ctx.world.admin.explain({ name: 'abc', project: 'team1', domain: 'staging', workflow: 'wf' }).cluster).toBe('dataplane_1');
    expect(await code(client.service.getProjectAttributes({ project: 'team1', resourceType: ECL }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await code(client.service.getProjectDomainAttributes({ project: 'team1', domain: 'staging', resourceType: admin.MatchableResource.TASK_RESOURCE }))).toMatchObject({ code: 'UNIMPLEMENTED' });
    expect(await code(client.service.updateProjectDomainAttributes({ attributes: { project: 'team1', domain: 'staging', matchingAttributes: { executionQueueAttributes: { tags: ['a'] } } } }))).toMatchObject({ code: 'UNIMPLEMENTED', details: expect.stringContaining('executionQueueAttributes') });
    expect(await code(client.service.updateProjectDomainAttributes({ attributes: { project: 'nope', domain: 'staging', matchingAttributes: { executionClusterLabel: { value: 'label2' } } } }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    await client.service.deleteWorkflowAttributes({ project: 'team1', domain: 'staging', workflow: 'wf', resourceType: ECL });
    expect(await code(client.service.getWorkflowAttributes({ project: 'team1', domain: 'staging', workflow: 'wf', resourceType: ECL }))).toMatchObject({ code: 'NOT_FOUND' });
    const listed = await client.service.listMatchableAttributes({ resourceType: ECL });
    expect(listed.configurations.some((c) => c.project === 'team1' && c.domain === 'staging' && c.attributes?.executionClusterLabel?.value === 'label2')).toBe(true);
  });

  it('answers executions of unknown launch plans, bad requests and filters with FlyteAdmin codes', async () => {
    const lp = { resourceType: core.ResourceType.LAUNCH_PLAN, project: 'team1', domain: 'development', name: 'nope', version: 'v1' };
    expect(await code(client.service.createExecution({ project: 'team1', domain: 'development', spec: { launchPlan: lp } }))).toMatchObject({ code: 'NOT_FOUND', details: expect.stringContaining('missing entity of type LAUNCH_PLAN') });
    expect(await code(client.service.createExecution({ domain: 'development', spec: { launchPlan: lp } }))).toEqual({ code: 'INVALID_ARGUMENT', details: 'missing project' });
    expect(await code(client.service.listExecutions({ id: { project: 'team1', domain: 'development' }, limit: 10, filters: 'eq(phase,RUNNING)' }))).toMatchObject({ code: 'UNIMPLEMENTED' });
    expect(await code(client.service.listExecutions({ id: { project: 'team1', domain: 'development' }, limit: 0 }))).toEqual({ code: 'INVALID_ARGUMENT', details: 'invalid value for limit' });
    expect(await code(client.service.getExecution({ id: { project: 'team1', domain: 'development', name: 'nope' } }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

const compiler = await findFlytePropeller();
const noCompiler = skipTier('flytepropeller admin-compiler', compiler ? undefined : 'flytepropeller is not built (scripts/setup.d/55-flytepropeller.sh)');

describe.skipIf(noCompiler)('registration compiled by propeller', () => {
  const id = (resourceType: number, name: string, version = 'v1') => ({ resourceType, project: 'team1', domain: 'development', name, version });
  const intVar = { type: { simple: core.SimpleType.INTEGER } };
  const iface = { inputs: { variables: { x: intVar } }, outputs: { variables: { o0: intVar } } };
  const taskId = id(core.ResourceType.TASK, 'mod.double');
  const task = { id: taskId, type: 'python-task', metadata: { runtime: { type: core.RuntimeMetadata.RuntimeType.FLYTE_SDK, version: '1.16.31' } }, interface: iface, container: { image: 'img:1', args: ['pyflyte-execute'] } };
  const wfId = id(core.ResourceType.WORKFLOW, 'mod.wf');
  const workflow = (ref: typeof taskId) => ({
    id: wfId,
    interface: iface,
    nodes: [{ id: 'n0', metadata: { name: 'double' }, inputs: [{ var: 'x', binding: { promise: { nodeId: 'start-node', var: 'x' } } }], taskNode: { referenceId: ref } }],
    outputs: [{ var: 'o0', binding: { promise: { nodeId: 'n0', var: 'o0' } } }],
  });

  it('compiles tasks and workflows, answers repeats as FlyteAdmin does, and places a launch plan execution', async () => {
    await client.service.createTask({ id: taskId, spec: { template: task } });
    expect(await code(client.service.createTask({ id: taskId, spec: { template: task } }))).toEqual({ code: 'ALREADY_EXISTS', details: 'task with identical structure already exists' });
    expect(await code(client.service.createTask({ id: taskId, spec: { template: { ...task, container: { image: 'img:2', args: ['pyflyte-execute'] } } } }))).toMatchObject({ code: 'INVALID_ARGUMENT', details: expect.stringContaining('task with different structure already exists') });
    const got = await client.service.getTask({ id: taskId });
    expect(got.closure?.compiledTask?.template?.container?.image).toBe('img:1');

    // A workflow whose task is not registered does not compile.
    expect(await code(client.service.createWorkflow({ id: wfId, spec: { template: workflow({ ...taskId, name: 'mod.missing' }) } }))).toMatchObject({ code: 'INVALID_ARGUMENT', details: expect.stringContaining('failed to compile workflow') });
    await client.service.createWorkflow({ id: wfId, spec: { template: workflow(taskId) } });
    const wf = await client.service.getWorkflow({ id: wfId });
    expect(wf.closure?.compiledWorkflow?.primary?.connections?.downstream?.['start-node']?.ids).toContain('n0');

    const lpId = id(core.ResourceType.LAUNCH_PLAN, 'mod.wf');
    await client.service.createLaunchPlan({ id: lpId, spec: { workflowId: wfId, defaultInputs: { parameters: { x: { var: intVar, default: { scalar: { primitive: { integer: int(3) } } } } } } } });
    const strict = id(core.ResourceType.LAUNCH_PLAN, 'mod.wf.strict');
    expect(await code(client.service.createLaunchPlan({ id: strict, spec: { workflowId: wfId, defaultInputs: { parameters: { z: { var: intVar } } } } }))).toEqual({ code: 'INVALID_ARGUMENT', details: 'unexpected default_input z' });
    await client.service.createLaunchPlan({ id: strict, spec: { workflowId: wfId } });
    expect(await code(client.service.createExecution({ project: 'team1', domain: 'development', spec: { launchPlan: strict } }))).toEqual({ code: 'INVALID_ARGUMENT', details: 'expected_inputs x missing' });
    const lp = await client.service.getLaunchPlan({ id: lpId });
    expect(lp.closure?.state).toBe(admin.LaunchPlanState.INACTIVE);
    expect(Object.keys(lp.closure?.expectedOutputs?.variables ?? {})).toEqual(['o0']);
    expect(await code(client.service.getActiveLaunchPlan({ id: { project: 'team1', domain: 'development', name: 'mod.wf' } }))).toMatchObject({ code: 'NOT_FOUND' });
    await client.service.updateLaunchPlan({ id: lpId, state: admin.LaunchPlanState.ACTIVE });
    expect((await client.service.getActiveLaunchPlan({ id: { project: 'team1', domain: 'development', name: 'mod.wf' } })).id?.version).toBe('v1');
    const active = await client.service.listActiveLaunchPlans({ project: 'team1', domain: 'development', limit: 10 });
    expect(active.launchPlans.map((l) => l.id?.name)).toEqual(['mod.wf']);

    expect(await code(client.service.createExecution({ project: 'team1', domain: 'development', spec: { launchPlan: lpId }, inputs: { literals: { y: { scalar: { primitive: { integer: int(1) } } } } } }))).toMatchObject({ code: 'INVALID_ARGUMENT', details: 'invalid input y' });
    const created = await client.service.createExecution({ project: 'team1', domain: 'development', name: 'exec-one', spec: { launchPlan: lpId, executionClusterLabel: { value: 'label2' } } });
    expect(created.id?.name).toBe('exec-one');
    expect(await code(client.service.createExecution({ project: 'team1', domain: 'development', name: 'exec-one', spec: { launchPlan: lpId } }))).toMatchObject({ code: 'ALREADY_EXISTS' });
    const ex = await client.service.getExecution({ id: { project: 'team1', domain: 'development', name: 'exec-one' } });
    expect(ex.spec?.metadata?.systemMetadata).toMatchObject({ executionCluster: 'dataplane_2', namespace: 'team1-development' });
    // The default input was applied, and the object in the data plane is propeller's builder's.
    expect(Number(ex.closure?.computedInputs?.literals?.x?.scalar?.primitive?.integer)).toBe(3);
    const fw = await session.ctx.world.dataPlane('dataplane_2').admin().get({ apiVersion: 'flyte.lyft.com/v1alpha1', kind: 'FlyteWorkflow', name: 'exec-one', namespace: 'team1-development' });
    expect((fw as unknown as { executionId: { name: string } }).executionId.name).toBe('exec-one');
    expect(JSON.stringify((fw as unknown as { spec: unknown }).spec)).toContain('n0');

    // A label no cluster serves falls back, silently, to every enabled cluster (FlyteAdmin's GetTarget): the
    // execution is placed as the model explains, not refused.
    await client.service.createExecution({ project: 'team1', domain: 'development', name: 'exec-bad', spec: { launchPlan: lpId, executionClusterLabel: { value: 'nope' } } });
    const bad = await client.service.getExecution({ id: { project: 'team1', domain: 'development', name: 'exec-bad' } });
    const fallback = session.ctx.world.admin.explain({ name: 'exec-bad', project: 'team1', domain: 'development', workflow: 'mod.wf', label: 'nope' });
    expect(fallback.rule).toBe('all-enabled-clusters');
    expect(bad.spec?.metadata?.systemMetadata?.executionCluster).toBe(fallback.cluster);
    expect(bad.closure?.phase).toBe(core.WorkflowExecution.Phase.RUNNING);

    const relaunched = await client.service.relaunchExecution({ id: ex.id, name: 'exec-two' });
    const again = await client.service.getExecution({ id: relaunched.id });
    expect(again.spec?.executionClusterLabel?.value).toBe('label2');
    expect(again.spec?.metadata?.mode).toBe(admin.ExecutionMetadata.ExecutionMode.RELAUNCH);
    await client.service.terminateExecution({ id: ex.id, cause: 'test' });
    const gone = await client.service.getExecution({ id: ex.id });
    expect(gone.closure?.phase).toBe(core.WorkflowExecution.Phase.ABORTED);
    expect(gone.closure?.abortMetadata?.cause).toBe('test');
    expect(await code(client.service.terminateExecution({ id: ex.id }))).toMatchObject({ code: 'FAILED_PRECONDITION' });
    const list = await client.service.listExecutions({ id: { project: 'team1', domain: 'development' }, limit: 1 });
    expect(list.executions.map((e) => e.id?.name)).toEqual(['exec-one']);
    expect((await client.service.listExecutions({ id: { project: 'team1', domain: 'development' }, limit: 10, token: '1' })).executions.map((e) => e.id?.name)).toEqual(['exec-bad', 'exec-two']);
    expect(list.token).toBe('1');
  });
});

describe.skipIf(noCompiler)("propeller's compiler process", () => {
  it('a crash costs only the request in flight: the next one starts it again', async () => {
    const c = new AdminCompiler(compiler as string);
    try {
      const task = core.TaskTemplate.encode({ id: { resourceType: core.ResourceType.TASK, project: 'p', domain: 'd', name: 't', version: 'v1' }, type: 'python-task', container: { image: 'img', args: ['run'] } }).finish();
      const first = await c.compileTask(task);
      const pid = c.pid as number;
      const gone = new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (c.pid === undefined) {
            clearInterval(t);
            resolve();
          }
        }, 10);
      });
      process.kill(pid, 'SIGKILL');
      await gone;
      expect(Buffer.from(await c.compileTask(task)).equals(Buffer.from(first))).toBe(true);
      expect(c.starts).toBe(2);
      expect(c.pid).not.toBe(pid);
    } finally {
      await c.dispose();
    }
  });
});
