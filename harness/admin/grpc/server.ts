// FlyteAdmin's AdminService on loopback, served by the model: the calls propeller makes for the harness's workflows
// (CreateWorkflowEvent, CreateNodeEvent, CreateTaskEvent). admin-service.ts registers the rest of AdminService on
// the same server for `flyte-mc up`; without it every other method answers UNIMPLEMENTED. Requests and responses
// are @flyteorg/flyteidl's protobufjs messages; rejections carry FlyteAdmin's EventFailureReason in grpc-status-details-bin (a
// google.rpc.Status), which is what propeller inspects to stop retrying.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { admin } from '../../flyte/idl.ts';
import { AdminError } from '../attributes.ts';
import {
  EventLedger,
  EventRejection,
  GrpcCode,
  NODE_PHASES,
  TASK_PHASES,
  WORKFLOW_PHASES,
  type EventFailureReason,
  type ExecutionKey,
  type ExecutionStore,
} from './events.ts';

export const ADMIN_SERVICE = 'flyteidl.service.AdminService';

/** gRPC status codes of the model's AdminError codes. */
const GRPC_CODE: Record<AdminError['code'], number> = { InvalidArgument: 3, NotFound: 5, AlreadyExists: 6, FailedPrecondition: 9, Unimplemented: 12, Internal: 13, Unavailable: 14 };

type Handler = (request: Buffer) => Uint8Array | Promise<Uint8Array>;

function executionKey(id: { project?: string | null; domain?: string | null; name?: string | null } | null | undefined): ExecutionKey {
  return { project: id?.project ?? '', domain: id?.domain ?? '', name: id?.name ?? '' };
}

/** google.rpc.Status{code, message, details: [Any{EventFailureReason}]}, hand-encoded (no google.rpc types in flyteidl's bundle). */
export function encodeStatusDetails(code: number, message: string, reason: EventFailureReason): Buffer {
  const value = admin.EventFailureReason.encode(admin.EventFailureReason.create(reason)).finish();
  const any = protobuf.Writer.create().uint32(10).string('type.googleapis.com/flyteidl.admin.EventFailureReason').uint32(18).bytes(value).finish();
  return Buffer.from(protobuf.Writer.create().uint32(8).int32(code).uint32(18).string(message).uint32(26).bytes(any).finish());
}

export interface AdminGrpcServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @defaultValue 0 */
  port?: number;
  log?: (line: string) => void;
}

export class AdminGrpcServer {
  readonly ledger: EventLedger;
  private server = new grpc.Server();
  private readonly handlers = new Map<string, Handler>();
  private boundPort = 0;
  private readonly log: (line: string) => void;
  private requestedPort: number;

  constructor(store: ExecutionStore, opts: AdminGrpcServerOptions = {}) {
    this.ledger = new EventLedger(store);
    this.requestedPort = opts.port ?? 0;
    this.log = opts.log ?? (() => {});
    this.handle('CreateWorkflowEvent', (buf) => {
      const req = admin.WorkflowExecutionEventRequest.decode(buf);
      const ev = req.event;
      if (!ev) throw new EventRejection(GrpcCode.InvalidArgument, 'missing event');
      this.ledger.workflowEvent({
        executionId: executionKey(ev.executionId),
        producerId: ev.producerId ?? '',
        phase: WORKFLOW_PHASES[ev.phase ?? 0] ?? 'UNDEFINED',
        outputUri: ev.outputUri ?? undefined,
      });
      return admin.WorkflowExecutionEventResponse.encode({}).finish();
    });
    this.handle('CreateNodeEvent', (buf) => {
      const req = admin.NodeExecutionEventRequest.decode(buf);
      const ev = req.event;
      if (!ev?.id) throw new EventRejection(GrpcCode.InvalidArgument, 'missing node execution id');
      const parent = ev.parentNodeMetadata?.nodeId ?? '';
      this.ledger.nodeEvent({
        executionId: executionKey(ev.id.executionId),
        nodeId: ev.id.nodeId ?? '',
        scope: parent,
        producerId: ev.producerId ?? '',
        phase: NODE_PHASES[ev.phase ?? 0] ?? 'UNDEFINED',
      });
      return admin.NodeExecutionEventResponse.encode({}).finish();
    });
    this.handle('CreateTaskEvent', (buf) => {
      const req = admin.TaskExecutionEventRequest.decode(buf);
      const ev = req.event;
      if (!ev?.parentNodeExecutionId) throw new EventRejection(GrpcCode.InvalidArgument, 'missing parent node execution id');
      const t = ev.taskId;
      this.ledger.taskEvent({
        executionId: executionKey(ev.parentNodeExecutionId.executionId),
        nodeId: ev.parentNodeExecutionId.nodeId ?? '',
        taskId: `${t?.project ?? ''}/${t?.domain ?? ''}/${t?.name ?? ''}/${t?.version ?? ''}`,
        retryAttempt: ev.retryAttempt ?? 0,
        producerId: ev.producerId ?? '',
        phase: TASK_PHASES[ev.phase ?? 0] ?? 'UNDEFINED',
        phaseVersion: ev.phaseVersion ?? 0,
      });
      return admin.TaskExecutionEventResponse.encode({}).finish();
    });
  }

  /** Registers (or replaces) the handler of one method (of AdminService unless `service` names another); before start(). */
  handle(method: string, fn: Handler, service = ADMIN_SERVICE): void {
    this.handlers.set(`${service}/${method}`, fn);
  }

  /** host:port propeller's admin.endpoint gets. */
  get address(): string {
    if (!this.boundPort) throw new Error('admin gRPC server is not started');
    return `127.0.0.1:${this.boundPort}`;
  }

  async start(): Promise<string> {
    const services = new Map<string, { definition: Record<string, grpc.MethodDefinition<Buffer, Uint8Array>>; impl: grpc.UntypedServiceImplementation }>();
    for (const [key, fn] of this.handlers) {
      const [service, method] = key.split('/') as [string, string];
      let svc = services.get(service);
      if (!svc) services.set(service, (svc = { definition: {}, impl: {} }));
      svc.definition[method] = {
        path: `/${key}`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Uint8Array) => Buffer.from(b),
        responseDeserialize: (b: Buffer) => b,
      };
      svc.impl[method] = (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
        Promise.resolve()
          .then(() => fn(call.request))
          .then(
            (res) => callback(null, res),
            (err: unknown) => callback(toServiceError(err, method, this.log)),
          );
      };
    }
    for (const { definition, impl } of services.values()) this.server.addService(definition, impl);
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`127.0.0.1:${this.requestedPort}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
    });
    this.log(`admin gRPC listening on ${this.address} (${[...services.keys()].join(', ')})`);
    return this.address;
  }

  /**
   * FlyteAdmin's pod being replaced: the endpoint is down for `downMs`, then serves again on the same port with the
   * same state (FlyteAdmin's database). Propeller's event sends fail meanwhile and are retried by propeller.
   */
  async restart(downMs: number): Promise<void> {
    const port = this.boundPort;
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    this.server = new grpc.Server();
    this.requestedPort = port;
    await this.start();
  }

  /** Stops accepting calls; in-flight calls get 1s, then the server is forced down. */
  async stop(): Promise<void> {
    if (!this.boundPort) return;
    this.boundPort = 0;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 1_000);
      this.server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

function toServiceError(err: unknown, method: string, log: (line: string) => void): Partial<grpc.StatusObject> {
  if (err instanceof EventRejection) {
    const metadata = new grpc.Metadata();
    if (err.reason) metadata.set('grpc-status-details-bin', encodeStatusDetails(err.code, err.message, err.reason));
    return { code: err.code, details: err.message, metadata };
  }
  if (err instanceof AdminError) return { code: GRPC_CODE[err.code], details: err.message };
  const message = err instanceof Error ? err.message : String(err);
  log(`${method}: internal error: ${message}`);
  return { code: GrpcCode.Internal, details: message };
}
