// One simulated kube-apiserver with its controllers, synchronous and in memory. Request order as a real server:
// authentication (401) → authorization against the stored RBAC objects (403) → resource discovery (404 for a kind
// nobody serves, e.g. a FlyteWorkflow before its CRD) → namespace lifecycle (404 for a missing namespace) → storage
// (404 NotFound, 409 AlreadyExists / Conflict, 422 Invalid).
import { KubeApiError, type KubeObject, type ObjectRef } from '../types.ts';
import { Authorizer, forbiddenMessage, serviceAccountUser, type RequestAttributes, type UserInfo } from './rbac.ts';
import { BUILTIN_TYPES, qualifiedResource, splitApiVersion, typesFromCrd, type ResourceType } from './resources.ts';
import { CompactStore, PlainStore, kubeTime, type KindStore } from './store.ts';
import { SA_NAME_ANNOTATION, SA_TOKEN_TYPE, SA_UID_ANNOTATION } from '../../constants.ts';
import { b64, mintToken } from './tokens.ts';

/** Who is calling: the harness's cluster-admin, or a bearer token (already TLS-checked by the caller). */
export type Caller = { kind: 'admin' } | { kind: 'token'; token: string };

const RBAC_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ADMIN: UserInfo = { name: 'flyte-mc-admin', groups: ['system:masters', 'system:authenticated'] };
/**
 * kube-apiserver caches successful token authentications (--authentication-token-cache-ttl... default
 * TokenSuccessCacheTTL 10s, failures 0): a deleted token Secret's token keeps working for up to 10 seconds.
 */
export const TOKEN_SUCCESS_CACHE_MS = 10_000;

export interface ApiServerOptions {
  /** Deterministic key for uids and tokens (cluster name + backend seed). */
  key: string;
  issuer: string;
  caPem: string;
  now: () => number;
}

export class SimApiServer {
  private readonly opts: ApiServerOptions;
  private readonly types = new Map<string, ResourceType>();
  private readonly stores = new Map<string, KindStore>();
  private readonly authz: Authorizer;
  /** token → Secret holding it (namespace/name); verified against the store on every use. */
  private readonly tokens = new Map<string, { namespace: string; name: string; b64: string }>();
  private readonly storeOf = new WeakMap<ResourceType, KindStore>();
  private readonly authCache = new Map<string, { user: UserInfo; until: number }>();
  private readonly uidPrefix: string;
  private revision = 0;

  constructor(opts: ApiServerOptions) {
    this.opts = opts;
    const h = fnv32(opts.key).toString(16).padStart(8, '0');
    this.uidPrefix = `${h}-${h.slice(0, 4)}-4${h.slice(4, 7)}-8`;
    for (const t of BUILTIN_TYPES) this.register(t);
    this.authz = new Authorizer({
      clusterRole: (n) => this.plain('rbac.authorization.k8s.io', 'ClusterRole').peek('', n),
      role: (ns, n) => this.plain('rbac.authorization.k8s.io', 'Role').peek(ns, n),
      clusterRoleBindings: () => this.plain('rbac.authorization.k8s.io', 'ClusterRoleBinding').values(),
      roleBindings: () => this.plain('rbac.authorization.k8s.io', 'RoleBinding').values(),
    });
    this.bootstrap();
  }

  // ---- requests ------------------------------------------------------------------------------------------------

  get(caller: Caller, ref: ObjectRef): KubeObject {
    const t = this.resolve(caller, ref, 'get', ref.name);
    const ns = t.namespaced ? (ref.namespace ?? 'default') : '';
    const obj = this.store(t).get(ns, ref.name);
    if (!obj) throw notFound(t, ref.name);
    return obj;
  }

  list(caller: Caller, kind: { apiVersion: string; kind: string; namespace?: string }): KubeObject[] {
    const t = this.resolve(caller, { ...kind, name: '' }, 'list', undefined);
    return this.store(t).list(t.namespaced ? kind.namespace : undefined);
  }

  create(caller: Caller, obj: KubeObject): KubeObject {
    const t = this.resolve(caller, { ...obj, name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace }, 'create', undefined);
    const body = this.normalise(t, obj);
    const ns = body.metadata.namespace ?? '';
    if (this.store(t).has(ns, body.metadata.name)) {
      throw new KubeApiError(409, 'AlreadyExists', `${qualifiedResource(t)} "${body.metadata.name}" already exists`);
    }
    return this.write(t, body, undefined);
  }

  apply(caller: Caller, obj: KubeObject): KubeObject {
    const name = obj.metadata?.name ?? '';
    const t0 = this.typeOf(obj.apiVersion, obj.kind);
    const ns0 = t0?.namespaced ? (obj.metadata?.namespace ?? 'default') : '';
    const exists = t0 !== undefined && this.store(t0).has(ns0, name);
    const t = this.resolve(caller, { ...obj, name, namespace: obj.metadata?.namespace }, exists ? 'update' : 'create', exists ? name : undefined);
    const body = this.normalise(t, obj);
    const prev = this.store(t).get(body.metadata.namespace ?? '', body.metadata.name);
    if (prev && body.metadata.resourceVersion !== undefined && body.metadata.resourceVersion !== prev.metadata.resourceVersion) {
      throw new KubeApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(t)} "${body.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    return this.write(t, body, prev);
  }

  delete(caller: Caller, ref: ObjectRef): void {
    const t = this.resolve(caller, ref, 'delete', ref.name);
    const ns = t.namespaced ? (ref.namespace ?? 'default') : '';
    const prev = t.kind === 'Secret' || t.kind === 'ServiceAccount' || t.kind === 'CustomResourceDefinition' ? this.store(t).get(ns, ref.name) : undefined;
    if (!this.store(t).delete(ns, ref.name)) throw notFound(t, ref.name);
    this.revision++;
    this.afterDelete(t, ns, ref.name, prev);
  }

  /** Live objects of a kind, without materialising them (the sim's own statistics). */
  count(apiVersion: string, kind: string): number {
    const t = this.typeOf(apiVersion, kind);
    return t ? this.store(t).size : 0;
  }

  // ---- pipeline ------------------------------------------------------------------------------------------------

  private resolve(caller: Caller, ref: ObjectRef, verb: string, name: string | undefined): ResourceType {
    const user = this.authenticate(caller);
    const { group, version } = splitApiVersion(ref.apiVersion ?? '');
    const t = this.typeOf(ref.apiVersion, ref.kind);
    const namespaced = t ? t.namespaced : ref.namespace !== undefined;
    const namespace = namespaced ? (ref.namespace ?? 'default') : '';
    const resource = t?.plural ?? `${(ref.kind ?? '').toLowerCase()}s`;
    const attrs: RequestAttributes = { verb, group, resource, namespace, name };
    if (user !== ADMIN && !this.authz.allows(user, attrs)) {
      throw new KubeApiError(403, 'Forbidden', forbiddenMessage(user, attrs, qualifiedResource({ group, plural: resource })));
    }
    if (!t) throw new KubeApiError(404, 'NotFound', `the server could not find the requested resource (${verb} ${resource}.${version}${group ? `.${group}` : ''})`);
    if (t.namespaced && verb === 'create' && !this.plain('', 'Namespace').has('', namespace)) {
      throw new KubeApiError(404, 'NotFound', `namespaces "${namespace}" not found`);
    }
    return t;
  }

  private authenticate(caller: Caller): UserInfo {
    if (caller.kind === 'admin') return ADMIN;
    const now = this.opts.now();
    const cached = this.authCache.get(caller.token);
    if (cached && now < cached.until) return cached.user;
    const user = this.validateToken(caller);
    this.authCache.set(caller.token, { user, until: now + TOKEN_SUCCESS_CACHE_MS });
    return user;
  }

  /** The legacy service-account token validator with lookup: the Secret and the service account must still exist. */
  private validateToken(caller: { token: string }): UserInfo {
    const unauthorized = () => new KubeApiError(401, 'Unauthorized', 'Unauthorized');
    const at = this.tokens.get(caller.token);
    if (!at) throw unauthorized();
    const secret = this.plain('', 'Secret').peek(at.namespace, at.name);
    const saName = secret?.metadata.annotations?.[SA_NAME_ANNOTATION];
    const stored = (secret?.data as Record<string, string> | undefined)?.token;
    if (!secret || !saName || stored !== at.b64) throw unauthorized();
    const sa = this.plain('', 'ServiceAccount').peek(at.namespace, saName);
    if (!sa || sa.metadata.uid !== secret.metadata.annotations?.[SA_UID_ANNOTATION]) throw unauthorized();
    return serviceAccountUser(at.namespace, saName);
  }

  /** Defaults and validation: namespace, name syntax, Secret data as base64, stringData folded into data. */
  private normalise(t: ResourceType, obj: KubeObject): KubeObject {
    // Compact kinds are serialised on store, so a shallow copy is enough (the caller's object is never kept).
    const body = t.compact ? { ...obj, metadata: { ...obj.metadata } } : structuredClone(obj);
    body.metadata ??= { name: '' };
    const name = body.metadata.name ?? '';
    if (t.namespaced) body.metadata.namespace ??= 'default';
    else delete body.metadata.namespace;
    if (!name) throw invalid(t, name, 'metadata.name: Required value: name or generateName is required');
    const syntax = t.kind === 'Namespace' ? DNS_LABEL : RBAC_KINDS.has(t.kind) ? /^[^/%]+$/ : DNS_SUBDOMAIN;
    if (!syntax.test(name) || name.length > (t.kind === 'Namespace' ? 63 : 253)) {
      throw invalid(t, name, `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 ${t.kind === 'Namespace' ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.'`);
    }
    for (const [k, v] of Object.entries(body.metadata.labels ?? {})) {
      const slash = k.lastIndexOf('/');
      const prefix = slash >= 0 ? k.slice(0, slash) : '';
      const key = k.slice(slash + 1);
      if ((slash >= 0 && !DNS_SUBDOMAIN.test(prefix)) || !LABEL_NAME.test(key) || key.length > 63) {
        throw invalid(t, name, `metadata.labels: Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
      }
      if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63) {
        throw invalid(t, name, `metadata.labels: Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
      }
    }
    if (t.kind === 'Secret') {
      const data = (body.data ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(data)) {
        if (typeof v !== 'string' || !BASE64.test(v) || v.length % 4 !== 0) {
          throw new KubeApiError(400, 'BadRequest', `Secret in version "v1" cannot be handled as a Secret: illegal base64 data in data[${JSON.stringify(k)}]`);
        }
      }
      for (const [k, v] of Object.entries((body.stringData ?? {}) as Record<string, unknown>)) data[k] = b64(String(v));
      delete body.stringData;
      if (Object.keys(data).length > 0) body.data = data;
      body.type ??= 'Opaque';
    }
    return body;
  }

  private write(t: ResourceType, body: KubeObject, prev: KubeObject | undefined): KubeObject {
    const rv = ++this.revision;
    body.metadata.resourceVersion = String(rv);
    body.metadata.uid = prev?.metadata.uid ?? this.uid(rv);
    body.metadata.creationTimestamp = prev?.metadata.creationTimestamp ?? this.timestamp();
    if (t.kind === 'Secret' && prev?.type === SA_TOKEN_TYPE) body.type = SA_TOKEN_TYPE;
    this.store(t).put(body);
    this.afterWrite(t, body, prev);
    return t.compact ? body : structuredClone(body);
  }

  // ---- controllers ---------------------------------------------------------------------------------------------

  private afterWrite(t: ResourceType, obj: KubeObject, prev: KubeObject | undefined): void {
    if (RBAC_KINDS.has(t.kind)) this.authz.invalidate();
    if (t.kind === 'CustomResourceDefinition') {
      if (prev) for (const old of typesFromCrd(prev)) this.types.delete(typeKey(old.group, old.version, old.kind));
      for (const nt of typesFromCrd(obj)) this.register(nt);
    }
    if (t.kind === 'Namespace') this.ensureDefaultServiceAccount(obj.metadata.name);
    if (t.kind === 'Secret') this.syncTokenSecret(obj);
  }

  private afterDelete(t: ResourceType, ns: string, name: string, prev: KubeObject | undefined): void {
    if (RBAC_KINDS.has(t.kind)) this.authz.invalidate();
    if (t.kind === 'Namespace') {
      for (const s of new Set(this.stores.values())) if (s.dropNamespace(name) > 0) this.revision++;
      this.authz.invalidate();
    }
    if (t.kind === 'CustomResourceDefinition' && prev) {
      for (const old of typesFromCrd(prev)) {
        this.stores.delete(`${old.group}/${old.kind}`);
        this.types.delete(typeKey(old.group, old.version, old.kind));
      }
    }
    if (t.kind === 'ServiceAccount') {
      // The token controller deletes token Secrets of a deleted service account.
      const secrets = this.plain('', 'Secret');
      for (const s of [...secrets.values(ns)]) {
        if (s.type === SA_TOKEN_TYPE && s.metadata.annotations?.[SA_NAME_ANNOTATION] === name) secrets.delete(ns, s.metadata.name);
      }
    }
  }

  /** kube-controller-manager's TokensController for one Secret. */
  private syncTokenSecret(secret: KubeObject): void {
    if (secret.type !== SA_TOKEN_TYPE) return;
    const ns = secret.metadata.namespace ?? 'default';
    const saName = secret.metadata.annotations?.[SA_NAME_ANNOTATION];
    const secrets = this.plain('', 'Secret');
    const sa = saName ? this.plain('', 'ServiceAccount').peek(ns, saName) : undefined;
    if (!sa) {
      // No such service account (or no annotation): the controller deletes the Secret, it could never become valid.
      secrets.delete(ns, secret.metadata.name);
      return;
    }
    const data = { ...((secret.data as Record<string, string> | undefined) ?? {}) };
    const uidOk = secret.metadata.annotations?.[SA_UID_ANNOTATION] === sa.metadata.uid;
    if (data.token && data['ca.crt'] && uidOk) return;
    const filled = structuredClone(secret);
    filled.metadata.annotations = { ...filled.metadata.annotations, [SA_UID_ANNOTATION]: sa.metadata.uid as string };
    const token = mintToken(this.opts.key, this.opts.issuer, filled, sa.metadata.uid as string);
    filled.data = { ...data, token: b64(token), 'ca.crt': b64(this.opts.caPem), namespace: b64(ns) };
    filled.metadata.resourceVersion = String(++this.revision);
    secrets.put(filled);
    this.tokens.set(token, { namespace: ns, name: secret.metadata.name, b64: b64(token) });
  }

  private ensureDefaultServiceAccount(ns: string): void {
    const sas = this.plain('', 'ServiceAccount');
    if (sas.has(ns, 'default')) return;
    const rv = ++this.revision;
    sas.put({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns, resourceVersion: String(rv), uid: this.uid(rv), creationTimestamp: kubeTime(this.opts.now()) },
    });
  }

  private bootstrap(): void {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.write(this.typeOf('v1', 'Namespace') as ResourceType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, undefined);
    }
    const rbac = 'rbac.authorization.k8s.io/v1';
    const cr = this.typeOf(rbac, 'ClusterRole') as ResourceType;
    const all = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
    this.write(cr, { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: all }, undefined);
    const view = [{ apiGroups: [''], resources: ['configmaps', 'namespaces', 'pods', 'services', 'serviceaccounts'], verbs: ['get', 'list', 'watch'] }];
    this.write(cr, { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'view' }, rules: view }, undefined);
    this.write(
      this.typeOf(rbac, 'ClusterRoleBinding') as ResourceType,
      {
        apiVersion: rbac,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'cluster-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }],
      },
      undefined,
    );
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private register(t: ResourceType): void {
    this.types.set(typeKey(t.group, t.version, t.kind), t);
  }
  private typeOf(apiVersion: string | undefined, kind: string | undefined): ResourceType | undefined {
    if (!apiVersion || !kind) return undefined;
    const { group, version } = splitApiVersion(apiVersion);
    return this.types.get(typeKey(group, version, kind));
  }
  /** Stores are per group/kind (all served versions share one storage, as with a CRD's storage version). */
  private store(t: ResourceType): KindStore {
    // Type objects of a deleted CRD are dropped with it (a re-created CRD registers new ones), so this cache never
    // hands out a dropped store.
    const cached = this.storeOf.get(t);
    if (cached) return cached;
    const k = `${t.group}/${t.kind}`;
    let s = this.stores.get(k);
    if (!s) {
      s = t.compact ? new CompactStore((rv) => this.uid(rv)) : new PlainStore();
      this.stores.set(k, s);
    }
    this.storeOf.set(t, s);
    return s;
  }
  private plain(group: string, kind: string): PlainStore {
    const t = BUILTIN_TYPES.find((b) => b.group === group && b.kind === kind) as ResourceType;
    return this.store(t) as PlainStore;
  }
  private lastTs = { sec: -1, text: '' };
  /** creationTimestamp of now (second precision, memoised per second). */
  private timestamp(): string {
    const sec = Math.floor(this.opts.now() / 1000);
    if (sec !== this.lastTs.sec) this.lastTs = { sec, text: kubeTime(sec * 1000) };
    return this.lastTs.text;
  }

  /** A UUID-shaped uid: a per-cluster prefix and the creating resourceVersion. */
  private uid(rv: number): string {
    return `${this.uidPrefix}${rv.toString(16).padStart(15, '0').replace(/^(...)/, '$1-')}`;
  }
}

function typeKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function notFound(t: ResourceType, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${qualifiedResource(t)} "${name}" not found`);
}

function invalid(t: ResourceType, name: string, detail: string): KubeApiError {
  return new KubeApiError(422, 'Invalid', `${t.kind} "${name}" is invalid: ${detail}`);
}

function fnv32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
