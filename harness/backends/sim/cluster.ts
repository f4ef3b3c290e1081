// A simulated cluster: one SimApiServer plus the network between it and its clients. Clients built with
// withToken() behave like FlyteAdmin's: they reach the endpoint (or not: stopped, partitioned, wrong host),
// verify the server against the CA bundle (x509 errors), send the bearer token (a newline in it fails in Go's
// HTTP client), and then get what the API server answers.
import { KubeApiError, type Cluster, type ClusterSpec, type KubeClient, type KubeObject, type ObjectRef, type TokenCredentials, type ClusterLifecycle, type ClusterPartition } from '../types.ts';
import { SimApiServer, type Caller } from './apiserver.ts';
import { fakeCaPem } from './tokens.ts';
import { dnsName } from '../../util/names.ts';
import { hostOf } from '../../util/net.ts';

export type SimState = 'running' | 'stopped' | 'deleted';


export interface SimClusterOptions {
  seed: string;
  now: () => number;
  log: (line: string) => void;
  onDelete: (c: SimCluster) => void;
}

export class SimCluster implements Cluster {
  readonly spec: ClusterSpec;
  readonly lifecycle: ClusterLifecycle = { stop: () => this.stop(), start: () => this.start(), kill: () => this.kill() };
  readonly partition: ClusterPartition = { cut: () => this.setPartition(true), heal: () => this.setPartition(false) };
  readonly endpoint: string;
  readonly issuer: string;
  /** Direct access for the sim's own statistics and benchmarks. */
  readonly server: SimApiServer;
  private state: SimState = 'running';
  private partitioned = false;
  private readonly ca: string;
  private readonly opts: SimClusterOptions;

  constructor(spec: ClusterSpec, opts: SimClusterOptions) {
    this.spec = spec;
    this.opts = opts;
    const host = `${dnsName(spec.name)}.sim.flyte-mc.invalid`;
    this.endpoint = `https://${host}:443`;
    this.issuer = `https://oidc.sim.flyte-mc.invalid/id/${dnsName(spec.name)}`;
    const key = `${opts.seed}/${spec.name}`;
    this.ca = fakeCaPem(key);
    this.server = new SimApiServer({ key, issuer: this.issuer, caPem: this.ca, now: opts.now });
  }

  get status(): SimState {
    return this.state;
  }

  caCert(): string {
    return this.ca;
  }

  admin(): KubeClient {
    return this.client({ kind: 'admin' }, () => this.reachable(false));
  }

  withToken(credentials: TokenCredentials): KubeClient {
    // What cannot change for this client is decided once: the host, the CA bundle, the header value.
    const wrongHost = credentials.endpoint !== this.endpoint;
    const caTrusted = credentials.caCert.includes(this.ca.trim());
    const badHeader = /[\r\n]/.test(credentials.token);
    const check = () => {
      if (wrongHost) throw new KubeApiError(0, 'Unreachable', `dial tcp: lookup ${hostOf(credentials.endpoint)}: no such host`);
      this.reachable(true);
      if (!caTrusted) throw new KubeApiError(0, 'TLSError', 'tls: failed to verify certificate: x509: certificate signed by unknown authority');
      if (badHeader) throw new KubeApiError(0, 'ClientError', 'net/http: invalid header field value for "Authorization"');
    };
    return this.client({ kind: 'token', token: credentials.token }, check);
  }

  async stop(): Promise<void> {
    if (this.state === 'running') this.state = 'stopped';
    this.opts.log(`stopped ${this.spec.name}`);
  }
  async start(): Promise<void> {
    if (this.state === 'deleted') throw new Error(`cluster ${this.spec.name} was deleted`);
    this.state = 'running';
    this.opts.log(`started ${this.spec.name}`);
  }
  async kill(): Promise<void> {
    await this.stop();
  }
  private async setPartition(cut: boolean): Promise<void> {
    this.partitioned = cut;
    this.opts.log(`${cut ? 'partitioned' : 'reconnected'} ${this.spec.name}`);
  }
  async delete(): Promise<void> {
    if (this.state === 'deleted') return;
    this.state = 'deleted';
    this.opts.onDelete(this);
  }

  private reachable(fromControlPlane: boolean): void {
    if (this.state === 'deleted') throw new KubeApiError(0, 'Unreachable', `dial tcp: lookup ${hostOf(this.endpoint)}: no such host`);
    if (this.state === 'stopped') throw new KubeApiError(0, 'Unreachable', `dial tcp ${hostOf(this.endpoint)}:443: connect: connection refused`);
    if (fromControlPlane && this.partitioned) throw new KubeApiError(0, 'Unreachable', `dial tcp ${hostOf(this.endpoint)}:443: i/o timeout`);
  }

  private client(caller: Caller, check: () => void): KubeClient {
    const s = this.server;
    return {
      async get(ref: ObjectRef) {
        check();
        return s.get(caller, ref);
      },
      async list(kind) {
        check();
        return s.list(caller, kind);
      },
      async create(obj: KubeObject) {
        check();
        return s.create(caller, obj);
      },
      async apply(obj: KubeObject) {
        check();
        return s.apply(caller, obj);
      },
      async delete(ref: ObjectRef) {
        check();
        s.delete(caller, ref);
      },
    };
  }
}
