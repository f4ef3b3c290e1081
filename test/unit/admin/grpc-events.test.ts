// FlyteAdmin's event API served by the model: validation order and the gRPC answers propeller acts on.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLedger, EventRejection, GrpcCode, type ExecutionKey, type ExecutionStore, type WorkflowPhase } from '../../../harness/admin/grpc/events.ts';
import { AdminGrpcServer, ADMIN_SERVICE } from '../../../harness/admin/grpc/server.ts';
import { admin } from '../../../harness/flyte/idl.ts';

function memoryStore(rows: Record<string, { cluster: string; phase: WorkflowPhase }>): ExecutionStore & { rows: typeof rows } {
  return {
    rows,
    lookup: (id: ExecutionKey) => rows[id.name],
    setPhase: (id: ExecutionKey, phase: WorkflowPhase) => {
      (rows[id.name] as { phase: WorkflowPhase }).phase = phase;
    },
  };
}

const id = (name: string): ExecutionKey => ({ project: 'team1', domain: 'development', name });

function rejection(fn: () => void): EventRejection {
  try {
    fn();
  } catch (err) {
    if (err instanceof EventRejection) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('EventLedger (FlyteAdmin event validation)', () => {
  it('walks UNDEFINED → QUEUED → RUNNING → SUCCEEDED and then answers AlreadyInTerminalState', () => {
    const store = memoryStore({ e1: { cluster: 'dataplane_1', phase: 'UNDEFINED' } });
    const l = new EventLedger(store);
    for (const phase of ['QUEUED', 'RUNNING', 'SUCCEEDING', 'SUCCEEDED'] as const) l.workflowEvent({ executionId: id('e1'), producerId: 'dataplane_1', phase });
    expect(store.rows.e1?.phase).toBe('SUCCEEDED');
    const r = rejection(() => l.workflowEvent({ executionId: id('e1'), producerId: 'dataplane_1', phase: 'FAILED' }));
    expect(r.code).toBe(GrpcCode.FailedPrecondition);
    expect(r.reason).toEqual({ alreadyInTerminalState: { currentPhase: 'SUCCEEDED' } });
    expect(l.tally.accepted.workflow).toBe(4);
  });

  it('checks the producer id against the stored cluster, except for QUEUED events and "propeller"', () => {
    const store = memoryStore({ e1: { cluster: 'dataplane_1', phase: 'UNDEFINED' } });
    const l = new EventLedger(store);
    l.workflowEvent({ executionId: id('e1'), producerId: 'wrong', phase: 'QUEUED' });
    const r = rejection(() => l.workflowEvent({ executionId: id('e1'), producerId: 'wrong', phase: 'RUNNING' }));
    expect(r.reason).toEqual({ incompatibleCluster: { cluster: 'wrong' } });
    expect(r.message).toMatch(/does not match existing workflow execution clusterInDB: \[dataplane_1\]/);
    l.workflowEvent({ executionId: id('e1'), producerId: 'propeller', phase: 'RUNNING' });
    // Node events are checked even when QUEUED.
    expect(rejection(() => l.nodeEvent({ executionId: id('e1'), nodeId: 'n0', producerId: 'wrong', phase: 'QUEUED' })).reason).toEqual({ incompatibleCluster: { cluster: 'wrong' } });
    expect(l.tally.rejected.get('workflow:incompatibleCluster')).toBe(1);
  });

  it('answers repeats with AlreadyExists and refuses RUNNING → QUEUED and ABORTING → RUNNING', () => {
    const store = memoryStore({ e1: { cluster: 'c', phase: 'UNDEFINED' }, e2: { cluster: 'c', phase: 'ABORTING' }, e3: { cluster: 'c', phase: 'ABORTING' } });
    const l = new EventLedger(store);
    l.workflowEvent({ executionId: id('e1'), producerId: 'c', phase: 'RUNNING' });
    expect(rejection(() => l.workflowEvent({ executionId: id('e1'), producerId: 'c', phase: 'RUNNING' })).code).toBe(GrpcCode.AlreadyExists);
    expect(rejection(() => l.workflowEvent({ executionId: id('e1'), producerId: 'c', phase: 'QUEUED' })).code).toBe(GrpcCode.FailedPrecondition);
    expect(rejection(() => l.workflowEvent({ executionId: id('e2'), producerId: 'c', phase: 'RUNNING' })).message).toMatch(/from aborting to RUNNING/);
    l.workflowEvent({ executionId: id('e3'), producerId: 'c', phase: 'ABORTED' });
    expect(store.rows.e3?.phase).toBe('ABORTED');
    expect(rejection(() => l.workflowEvent({ executionId: id('nope'), producerId: 'c', phase: 'RUNNING' })).code).toBe(GrpcCode.NotFound);
  });

  it('keeps node and task phases: repeats are AlreadyExists, a newer task phase version passes, terminal refuses', () => {
    const l = new EventLedger(memoryStore({ e1: { cluster: 'c', phase: 'RUNNING' } }));
    l.nodeEvent({ executionId: id('e1'), nodeId: 'n0', producerId: 'c', phase: 'QUEUED' });
    expect(rejection(() => l.nodeEvent({ executionId: id('e1'), nodeId: 'n0', producerId: 'c', phase: 'QUEUED' })).code).toBe(GrpcCode.AlreadyExists);
    l.nodeEvent({ executionId: id('e1'), nodeId: 'n0', producerId: 'c', phase: 'SUCCEEDED' });
    expect(rejection(() => l.nodeEvent({ executionId: id('e1'), nodeId: 'n0', producerId: 'c', phase: 'FAILED' })).reason).toEqual({ alreadyInTerminalState: { currentPhase: 'FAILED' } });
    const t = { executionId: id('e1'), nodeId: 'n0', taskId: 't', retryAttempt: 0, producerId: 'c' };
    l.taskEvent({ ...t, phase: 'RUNNING', phaseVersion: 0 });
    l.taskEvent({ ...t, phase: 'RUNNING', phaseVersion: 1 });
    expect(rejection(() => l.taskEvent({ ...t, phase: 'RUNNING', phaseVersion: 1 })).code).toBe(GrpcCode.AlreadyExists);
    l.taskEvent({ ...t, phase: 'SUCCEEDED', phaseVersion: 0 });
    expect(rejection(() => l.taskEvent({ ...t, phase: 'RUNNING', phaseVersion: 5 })).code).toBe(GrpcCode.FailedPrecondition);
  });
});

/** Decodes grpc-status-details-bin (google.rpc.Status) down to the EventFailureReason inside. */
function decodeDetails(bin: Buffer): { code: number; typeUrl: string; reason: unknown } {
  const r = protobuf.Reader.create(bin);
  let code = 0;
  let any: Uint8Array = new Uint8Array();
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) code = r.int32();
    else if (tag >>> 3 === 3) any = r.bytes();
    else r.skipType(tag & 7);
  }
  const a = protobuf.Reader.create(any);
  let typeUrl = '';
  let value: Uint8Array = new Uint8Array();
  while (a.pos < a.len) {
    const tag = a.uint32();
    if (tag >>> 3 === 1) typeUrl = a.string();
    else if (tag >>> 3 === 2) value = a.bytes();
    else a.skipType(tag & 7);
  }
  const m = admin.EventFailureReason.decode(value);
  const reason = m.incompatibleCluster ? { incompatibleCluster: { cluster: m.incompatibleCluster.cluster } } : { alreadyInTerminalState: { currentPhase: m.alreadyInTerminalState?.currentPhase } };
  return { code, typeUrl, reason };
}

describe('AdminGrpcServer', () => {
  let server: AdminGrpcServer | undefined;
  let client: grpc.Client | undefined;
  afterEach(async () => {
    client?.close();
    await server?.stop();
  });

  function call(method: string, bytes: Uint8Array): Promise<{ err: grpc.ServiceError | null }> {
    return new Promise((resolve) => {
      (client as grpc.Client).makeUnaryRequest(`/${ADMIN_SERVICE}/${method}`, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b, bytes, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (err) =>
        resolve({ err }),
      );
    });
  }

  it('serves CreateWorkflowEvent on loopback and sends IncompatibleCluster as propeller reads it', async () => {
    const store = memoryStore({ e1: { cluster: 'dataplane_1', phase: 'UNDEFINED' } });
    server = new AdminGrpcServer(store);
    const address = await server.start();
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    client = new grpc.Client(address, grpc.credentials.createInsecure());
    const ev = (producerId: string, phase: number) =>
      admin.WorkflowExecutionEventRequest.encode({ requestId: 'r', event: { executionId: id('e1'), producerId, phase } }).finish();
    expect((await call('CreateWorkflowEvent', ev('dataplane_1', 2))).err).toBeNull();
    expect(store.rows.e1?.phase).toBe('RUNNING');
    const { err } = await call('CreateWorkflowEvent', ev('propeller-x', 4));
    expect(err?.code).toBe(grpc.status.FAILED_PRECONDITION);
    const bin = err?.metadata.get('grpc-status-details-bin')[0] as Buffer;
    const d = decodeDetails(bin);
    expect(d.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(d.typeUrl).toBe('type.googleapis.com/flyteidl.admin.EventFailureReason');
    expect(d.reason).toEqual({ incompatibleCluster: { cluster: 'propeller-x' } });
    expect((await call('GetExecution', new Uint8Array())).err?.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('restarts on the same port with the same state (FlyteAdmin pod replaced)', async () => {
    const store = memoryStore({ e1: { cluster: 'c', phase: 'UNDEFINED' } });
    server = new AdminGrpcServer(store);
    const address = await server.start();
    client = new grpc.Client(address, grpc.credentials.createInsecure());
    const ev = (phase: number) => admin.WorkflowExecutionEventRequest.encode({ event: { executionId: id('e1'), producerId: 'c', phase } }).finish();
    expect((await call('CreateWorkflowEvent', ev(2))).err).toBeNull();
    const down = server.restart(300);
    await new Promise((r) => setTimeout(r, 100));
    expect((await call('CreateWorkflowEvent', ev(4))).err?.code).toBe(grpc.status.UNAVAILABLE);
    await down;
    expect(server.address).toBe(address);
    // The client reconnects with backoff, as propeller's does.
    let again = await call('CreateWorkflowEvent', ev(2));
    for (let i = 0; i < 50 && again.err?.code === grpc.status.UNAVAILABLE; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await call('CreateWorkflowEvent', ev(2));
    }
    expect(again.err?.code).toBe(grpc.status.ALREADY_EXISTS);
    expect((await call('CreateWorkflowEvent', ev(4))).err).toBeNull();
    expect(store.rows.e1?.phase).toBe('SUCCEEDED');
  });
});
