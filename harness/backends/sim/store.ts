// Object storage of one simulated cluster, per resource type. Plain kinds keep a JSON clone per object; compact kinds
// (FlyteWorkflow) keep columns — name, namespace id, resourceVersion, creation time, an interned body with the name
// factored out — and materialise an object only when one is read.
import type { KubeObject } from '../types.ts';
import { Interner } from '../../util/interner.ts';

export interface KindStore {
  get(namespace: string, name: string): KubeObject | undefined;
  has(namespace: string, name: string): boolean;
  /** Stores `obj` (metadata already complete). */
  put(obj: KubeObject): void;
  delete(namespace: string, name: string): boolean;
  list(namespace?: string): KubeObject[];
  /** Removes every object of the namespace; returns how many. */
  dropNamespace(namespace: string): number;
  readonly size: number;
}

const clone = <T>(v: T): T => structuredClone(v);

export class PlainStore implements KindStore {
  private readonly byNs = new Map<string, Map<string, KubeObject>>();
  private count = 0;

  get size(): number {
    return this.count;
  }
  get(namespace: string, name: string): KubeObject | undefined {
    const obj = this.byNs.get(namespace)?.get(name);
    return obj ? clone(obj) : undefined;
  }
  /** The stored object itself, for the server's own read-only use (RBAC evaluation, token lookups). */
  peek(namespace: string, name: string): KubeObject | undefined {
    return this.byNs.get(namespace)?.get(name);
  }
  has(namespace: string, name: string): boolean {
    return this.byNs.get(namespace)?.has(name) ?? false;
  }
  put(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    if (!m.has(obj.metadata.name)) this.count++;
    m.set(obj.metadata.name, clone(obj));
  }
  delete(namespace: string, name: string): boolean {
    const m = this.byNs.get(namespace);
    if (!m?.delete(name)) return false;
    this.count--;
    return true;
  }
  list(namespace?: string): KubeObject[] {
    return [...this.values(namespace)].map(clone);
  }
  /** Stored objects without copying, for the server's own scans. */
  *values(namespace?: string): Iterable<KubeObject> {
    if (namespace !== undefined) {
      yield* this.byNs.get(namespace)?.values() ?? [];
      return;
    }
    for (const m of this.byNs.values()) yield* m.values();
  }
  dropNamespace(namespace: string): number {
    const n = this.byNs.get(namespace)?.size ?? 0;
    this.byNs.delete(namespace);
    this.count -= n;
    return n;
  }
}

/** Grows a typed array by doubling. */
function grow<T extends Float64Array | Int32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let len = Math.max(16, a.length);
  while (len < need) len *= 2;
  const b = new (a.constructor as new (n: number) => T)(len);
  b.set(a);
  return b;
}

const NAME_MARK = '\u0001';

/** A string interner: equal strings share one id and one stored copy. */
/**
 * Columnar storage. Row i: names[i], nsId[i], rv[i], created[i] (ms), born[i] (rv at creation), bodyId[i] (-1 = deleted).
 * The body is the object's JSON without name, namespace, resourceVersion, uid and creationTimestamp, with every
 * occurrence of the name replaced by a marker, so that objects that differ only by name share one interned body.
 */
export class CompactStore implements KindStore {
  private names: string[] = [];
  private nsId = new Int32Array(16);
  private rv = new Float64Array(16);
  private created = new Float64Array(16);
  private born = new Float64Array(16);
  private bodyId = new Int32Array(16);
  private rows = 0;
  private live = 0;
  private readonly namespaces = new Interner();
  private readonly bodies = new Interner();
  private readonly index = new Map<number, Map<string, number>>();
  private lastTs = { text: '', ms: 0 };
  /** uid from the resourceVersion the object was created at (the server assigns uids that way). */
  private readonly uidOf: (rv: number) => string;

  constructor(uidOf: (rv: number) => string) {
    this.uidOf = uidOf;
  }

  get size(): number {
    return this.live;
  }
  private row(namespace: string, name: string): number | undefined {
    const ns = this.namespaces.lookup(namespace);
    return ns === undefined ? undefined : this.index.get(ns)?.get(name);
  }
  has(namespace: string, name: string): boolean {
    return this.row(namespace, name) !== undefined;
  }
  get(namespace: string, name: string): KubeObject | undefined {
    const r = this.row(namespace, name);
    return r === undefined ? undefined : this.materialise(r);
  }
  put(obj: KubeObject): void {
    const { name, namespace = '', resourceVersion, creationTimestamp, uid: _uid, ...restMeta } = obj.metadata;
    const body = JSON.stringify({ ...obj, metadata: restMeta }).replaceAll(name, NAME_MARK);
    const ns = this.namespaces.id(namespace);
    let idx = this.index.get(ns);
    if (!idx) this.index.set(ns, (idx = new Map()));
    let r = idx.get(name);
    if (r === undefined) {
      r = this.rows++;
      this.live++;
      this.nsId = grow(this.nsId, this.rows);
      this.rv = grow(this.rv, this.rows);
      this.created = grow(this.created, this.rows);
      this.born = grow(this.born, this.rows);
      this.bodyId = grow(this.bodyId, this.rows);
      this.names[r] = name;
      this.nsId[r] = ns;
      idx.set(name, r);
      this.born[r] = Number(resourceVersion);
    }
    this.rv[r] = Number(resourceVersion);
    if (creationTimestamp !== this.lastTs.text) this.lastTs = { text: creationTimestamp ?? '', ms: creationTimestamp ? Date.parse(creationTimestamp) : 0 };
    this.created[r] = this.lastTs.ms;
    this.bodyId[r] = this.bodies.id(body);
  }
  delete(namespace: string, name: string): boolean {
    const ns = this.namespaces.lookup(namespace);
    if (ns === undefined) return false;
    const idx = this.index.get(ns);
    const r = idx?.get(name);
    if (r === undefined || !idx) return false;
    idx.delete(name);
    this.bodyId[r] = -1;
    this.live--;
    return true;
  }
  list(namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    const ns = namespace === undefined ? undefined : this.namespaces.lookup(namespace);
    if (namespace !== undefined && ns === undefined) return out;
    for (let r = 0; r < this.rows; r++) {
      if (this.bodyId[r] === -1) continue;
      if (ns !== undefined && this.nsId[r] !== ns) continue;
      out.push(this.materialise(r));
    }
    return out;
  }
  dropNamespace(namespace: string): number {
    const ns = this.namespaces.lookup(namespace);
    const idx = ns === undefined ? undefined : this.index.get(ns);
    if (!idx || ns === undefined) return 0;
    for (const r of idx.values()) this.bodyId[r] = -1;
    const n = idx.size;
    this.live -= n;
    this.index.delete(ns);
    return n;
  }
  private materialise(r: number): KubeObject {
    const name = this.names[r] as string;
    const obj = JSON.parse((this.bodies.values[this.bodyId[r] as number] as string).replaceAll(NAME_MARK, name)) as KubeObject;
    const rv = this.rv[r] as number;
    const created = this.created[r] as number;
    const extra = obj.metadata as Record<string, unknown>;
    obj.metadata = {
      name,
      namespace: this.namespaces.values[this.nsId[r] as number] as string,
      uid: this.uidOf(this.born[r] as number),
      resourceVersion: String(rv),
      ...(created ? { creationTimestamp: kubeTime(created) } : {}),
      ...extra,
    };
    return obj;
  }
}

/** RFC 3339 with second precision, as the API server writes timestamps. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
