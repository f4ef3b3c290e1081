// A KubeClient that remembers what it created, labels it with the run id, and refuses to delete anything else.
// In dry-run mode writes are printed ("would create ...") and echoed back without reaching the cluster; reads go
// to the cluster, falling back to what the dry run "created" so a scenario can proceed.
import { KubeApiError, type KubeClient, type KubeObject, type ObjectRef } from '../types.ts';
import { LABEL_RUN } from '../docker.ts';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';

export function refOf(o: KubeObject | ObjectRef): ObjectRef {
  const r = 'metadata' in o ? { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace } : o;
  return r.namespace ? { apiVersion: r.apiVersion, kind: r.kind, name: r.name, namespace: r.namespace } : { apiVersion: r.apiVersion, kind: r.kind, name: r.name };
}

export function refKey(r: ObjectRef): string {
  return `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

export function describeRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** What one cluster's clients created in this run, in creation order. */
export class Ledger {
  private readonly created = new Map<string, ObjectRef>();
  readonly dryObjects = new Map<string, KubeObject>();

  add(r: ObjectRef): void {
    this.created.set(refKey(r), r);
  }

  has(r: ObjectRef): boolean {
    return this.created.has(refKey(r));
  }

  remove(r: ObjectRef): void {
    this.created.delete(refKey(r));
    this.dryObjects.delete(refKey(r));
  }

  list(): ObjectRef[] {
    return [...this.created.values()];
  }
}

export interface TrackingOptions {
  runId: string;
  cluster: string;
  dryRun: boolean;
  /** CA placed in dry-run token Secrets. */
  caCert: string;
  log: (line: string) => void;
}

export class TrackingKubeClient implements KubeClient {
  private readonly inner: KubeClient;
  private readonly ledger: Ledger;
  private readonly o: TrackingOptions;

  constructor(inner: KubeClient, ledger: Ledger, opts: TrackingOptions) {
    this.inner = inner;
    this.ledger = ledger;
    this.o = opts;
  }

  private labelled(obj: KubeObject): KubeObject {
    return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, [LABEL_RUN]: this.o.runId, [MANAGED_BY]: obj.metadata.labels?.[MANAGED_BY] ?? 'flyte-mc' } } };
  }

  async get(ref: ObjectRef): Promise<KubeObject> {
    if (this.o.dryRun) {
      const dry = this.ledger.dryObjects.get(refKey(refOf(ref)));
      if (dry) return dry;
    }
    return this.inner.get(ref);
  }

  async list(kind: { apiVersion: string; kind: string; namespace?: string }): Promise<KubeObject[]> {
    const real = await this.inner.list(kind).catch((err: unknown) => {
      if (this.o.dryRun && err instanceof KubeApiError && err.status === 404) return [];
      throw err;
    });
    if (!this.o.dryRun) return real;
    const dry = [...this.ledger.dryObjects.values()].filter((o) => o.apiVersion === kind.apiVersion && o.kind === kind.kind && (!kind.namespace || o.metadata.namespace === kind.namespace));
    return [...real, ...dry];
  }

  private dryCreate(obj: KubeObject, verb: string): KubeObject {
    const o = this.labelled(obj);
    const ref = refOf(o);
    this.o.log(`[dry-run] ${this.o.cluster}: would ${verb} ${describeRef(ref)}`);
    const echoed: KubeObject = { ...o, metadata: { ...o.metadata, uid: `dry-run-${refKey(ref)}`, resourceVersion: '1' } };
    if (o.kind === 'Secret' && o.type === 'kubernetes.io/service-account-token') {
      echoed.data = { token: Buffer.from('dry-run-token').toString('base64'), 'ca.crt': Buffer.from(this.o.caCert).toString('base64') };
    }
    this.ledger.add(ref);
    this.ledger.dryObjects.set(refKey(ref), echoed);
    return echoed;
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    if (this.o.dryRun) {
      const exists = await this.inner.get(refOf(obj)).then(() => true, () => false);
      if (exists || this.ledger.dryObjects.has(refKey(refOf(obj)))) throw new KubeApiError(409, 'AlreadyExists', `${describeRef(refOf(obj))} already exists`);
      return this.dryCreate(obj, 'create');
    }
    const out = await this.inner.create(this.labelled(obj));
    this.ledger.add(refOf(obj));
    return out;
  }

  async apply(obj: KubeObject): Promise<KubeObject> {
    const ref = refOf(obj);
    const current = await this.inner.get(ref).catch((err: unknown) => {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    });
    if (!current) {
      if (this.o.dryRun) return this.dryCreate(obj, 'create');
      try {
        const out = await this.inner.create(this.labelled(stripVersion(obj)));
        this.ledger.add(ref);
        return out;
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      }
    }
    // An object this run did not create keeps its labels (so no sweep ever selects it) and is never deleted by us.
    const mine = this.ledger.has(ref);
    if (this.o.dryRun) {
      this.o.log(`[dry-run] ${this.o.cluster}: would replace ${describeRef(ref)}${mine ? '' : ' (exists; not created by this run)'}`);
      const echoed = { ...obj, metadata: { ...obj.metadata, resourceVersion: current?.metadata.resourceVersion ?? '1' } };
      this.ledger.dryObjects.set(refKey(ref), echoed);
      return echoed;
    }
    if (!mine) this.o.log(`${this.o.cluster}: updating ${describeRef(ref)}, which this run did not create (it will not be deleted)`);
    return this.inner.apply(mine ? this.labelled(obj) : keepTheirMetadata(obj, current));
  }

  async delete(ref: ObjectRef): Promise<void> {
    const r = refOf(ref);
    if (!this.ledger.has(r)) {
      // What is not there is NotFound, as the API server says; what is there and not ours is refused.
      await this.inner.get(r);
      throw new KubeApiError(403, 'Forbidden', `flyte-mc (kubeconfig backend) refuses to delete ${describeRef(r)} in ${this.o.cluster}: this run did not create it`);
    }
    if (this.o.dryRun) {
      this.o.log(`[dry-run] ${this.o.cluster}: would delete ${describeRef(r)}`);
      this.ledger.remove(r);
      return;
    }
    await this.inner.delete(r);
    this.ledger.remove(r);
  }
}

/** An object someone else created keeps its labels and annotations (ours are added, never our run label). */
function keepTheirMetadata(obj: KubeObject, current: KubeObject | undefined): KubeObject {
  if (!current) return obj;
  const { [LABEL_RUN]: _run, ...labels } = { ...current.metadata.labels, ...obj.metadata.labels };
  const annotations = { ...current.metadata.annotations, ...obj.metadata.annotations };
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
  };
}

function stripVersion(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, uid: _uid, ...metadata } = obj.metadata;
  return { ...obj, metadata: metadata as KubeObject['metadata'] };
}
