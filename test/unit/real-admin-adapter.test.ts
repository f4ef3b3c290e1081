// RealFlyteAdmin's own request handling (tiers/real-admin/admin.ts): which AdminService call each FlyteAdminApi
// method makes and with what, and how gRPC errors come back. FlyteAdmin itself cannot be built here (the module proxy
// refuses it), so a loopback gRPC stand-in records the decoded requests and answers with encoded messages.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError } from '../../harness/admin/attributes.ts';
import { AdminClient } from '../../harness/tiers/real-admin/client.ts';
import { RealFlyteAdmin, type RunningAdmin } from '../../harness/tiers/real-admin/admin.ts';
import { admin as adminPb, core, flyteidl } from '../../harness/flyte/idl.ts';

type Decoder = { decode(b: Uint8Array): unknown };
const calls: { method: string; request: Record<string, unknown> }[] = [];
const event = flyteidl.admin;

const methods: Record<string, { decoder: Decoder; answer: (req: Record<string, unknown>) => Uint8Array | grpc.ServiceError }> = {
  CreateExecution: { decoder: event.ExecutionCreateRequest, answer: () => new Uint8Array() },
  RelaunchExecution: { decoder: event.ExecutionRelaunchRequest, answer: () => new Uint8Array() },
  TerminateExecution: {
    decoder: event.ExecutionTerminateRequest,
    answer: () => Object.assign(new Error('invalid cluster target dataplane_9'), { code: grpc.status.INTERNAL, details: 'invalid cluster target dataplane_9', metadata: new grpc.Metadata() }),
  },
  GetExecution: {
    decoder: event.WorkflowExecutionGetRequest,
    answer: (req) => {
      const id = req['id'] as { project: string; domain: string; name: string };
      return adminPb.Execution.encode({
        id,
        spec: { launchPlan: { resourceType: core.ResourceType.LAUNCH_PLAN, project: id.project, domain: id.domain, name: 'wf', version: 'v1' }, metadata: { systemMetadata: { executionCluster: 'dataplane_2' } } },
        closure: { phase: core.WorkflowExecution.Phase.RUNNING },
      }).finish();
    },
  },
  UpdateWorkflowAttributes: { decoder: event.WorkflowAttributesUpdateRequest, answer: () => new Uint8Array() },
  UpdateProjectDomainAttributes: { decoder: event.ProjectDomainAttributesUpdateRequest, answer: () => new Uint8Array() },
  UpdateProjectAttributes: { decoder: event.ProjectAttributesUpdateRequest, answer: () => new Uint8Array() },
};

let server: grpc.Server;
let client: AdminClient;
let real: RealFlyteAdmin;

beforeAll(async () => {
  server = new grpc.Server();
  const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [method, m] of Object.entries(methods)) {
    definition[method] = { path: `/flyteidl.service.AdminService/${method}`, requestStream: false, responseStream: false, requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b };
    handlers[method] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      try {
        // The message's own fields (the static classes keep defaults on the prototype).
        const request = JSON.parse(JSON.stringify(m.decoder.decode(call.request))) as Record<string, unknown>;
        calls.push({ method, request });
        const out = m.answer(request);
        if (out instanceof Uint8Array) cb(null, Buffer.from(out));
        else cb(out, null);
      } catch (err) {
        cb(Object.assign(new Error(String(err)), { code: grpc.status.UNKNOWN, details: String(err), metadata: new grpc.Metadata() }), null);
      }
    };
  }
  server.addService(definition, handlers);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  client = new AdminClient(`127.0.0.1:${port}`, { timeoutMs: 5_000 });
  const running: RunningAdmin = { client, restartWith: async () => undefined, valuesOverride: '', clustersYaml: () => '' };
  real = new RealFlyteAdmin(running);
});

afterAll(async () => {
  client?.close();
  await new Promise<void>((r) => server.tryShutdown(() => r()));
});

describe('RealFlyteAdmin over AdminService', () => {
  it('creates an execution of the workflow\'s launch plan with the request label, and reports what FlyteAdmin stored', async () => {
    const rec = await real.createExecution({ project: 'team1', domain: 'development', workflow: 'wf', name: 'exec-a', label: 'gpu' });
    const create = calls.find((c) => c.method === 'CreateExecution')!.request as { name: string; spec: { launchPlan: { name: string; resourceType: number }; executionClusterLabel: { value: string } } };
    expect(create.name).toBe('exec-a');
    expect(create.spec.launchPlan).toMatchObject({ name: 'wf', resourceType: core.ResourceType.LAUNCH_PLAN });
    expect(create.spec.executionClusterLabel.value).toBe('gpu');
    expect(rec).toEqual({ name: 'exec-a', project: 'team1', domain: 'development', workflow: 'wf', cluster: 'dataplane_2', phase: 'RUNNING' });
  });

  it('relaunches under the new name in the same project and domain', async () => {
    const rec = await real.relaunch('exec-a', 'exec-b');
    expect(calls.find((c) => c.method === 'RelaunchExecution')!.request).toMatchObject({ id: { project: 'team1', domain: 'development', name: 'exec-a' }, name: 'exec-b' });
    expect(rec.name).toBe('exec-b');
    await expect(real.relaunch('never-created')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('turns gRPC errors into AdminError with the model\'s codes', async () => {
    const err = await real.terminate('exec-a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect(err).toMatchObject({ code: 'Internal', message: 'invalid cluster target dataplane_9' });
  });

  it('writes attributes at the level the file\'s fields pick, as flytectl does', async () => {
    await real.updateAttributes({ project: 'team1', domain: 'development', workflow: 'wf', value: 'gpu' });
    await real.updateAttributes({ project: 'team1', domain: 'staging', value: 'cpu' });
    await real.updateAttributes({ project: 'team1', value: 'any' });
    const writes = calls.filter((c) => c.method.startsWith('Update')).map((c) => [c.method, c.request['attributes']]);
    expect(writes).toEqual([
      ['UpdateWorkflowAttributes', { project: 'team1', domain: 'development', workflow: 'wf', matchingAttributes: { executionClusterLabel: { value: 'gpu' } } }],
      ['UpdateProjectDomainAttributes', { project: 'team1', domain: 'staging', matchingAttributes: { executionClusterLabel: { value: 'cpu' } } }],
      ['UpdateProjectAttributes', { project: 'team1', matchingAttributes: { executionClusterLabel: { value: 'any' } } }],
    ]);
    await expect(real.updateAttributes({ value: 'x' })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
