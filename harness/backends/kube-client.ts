// A KubeClient for real API servers (any backend that has one): plain HTTPS from node:https, resource paths found by
// API discovery, every failure mapped to KubeApiError (HTTP status + Status reason; status 0 = unreachable).
// Authenticates with a client certificate (the harness's admin identity) or a bearer token used verbatim, the way
// FlyteAdmin uses the token file. Never logs credentials.
import { Agent, request } from 'node:https';
import type { KubeClient, KubeObject, ObjectRef } from './types.ts';
import { KubeApiError } from './types.ts';

export interface HttpKubeClientOptions {
  /** https://host:port */
  endpoint: string;
  /** PEM bundle that verifies the server. */
  caCert: string;
  /** Bearer token, sent exactly as given (like FlyteAdmin's token file: not trimmed). */
  token?: string;
  /** PEM client certificate and key (admin identity). */
  clientCert?: string;
  clientKey?: string;
  /** Per request; FlyteAdmin's default is 30s. */
  timeoutMs?: number;
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

interface RawResponse {
  status: number;
  body: string;
  /** Seconds, from a Retry-After header. */
  retryAfter?: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class HttpKubeClient implements KubeClient {
  readonly endpoint: string;
  private readonly opts: HttpKubeClientOptions;
  private readonly agent: Agent;
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(opts: HttpKubeClientOptions) {
    const url = new URL(opts.endpoint);
    if (url.protocol !== 'https:') throw new Error(`kube endpoint must be https: ${opts.endpoint}`);
    this.endpoint = url.origin;
    this.opts = opts;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 8,
      timeout: 5_000,
      ca: opts.caCert,
      ...(opts.clientCert ? { cert: opts.clientCert, key: opts.clientKey } : {}),
    });
  }

  /** Closes pooled connections (optional: idle sockets also time out on their own). */
  close(): void {
    this.agent.destroy();
  }

  /** Raw request; rejects with KubeApiError on HTTP >= 400 or when the server cannot be reached. */
  async raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
    // Like client-go: a 429 or 5xx carrying Retry-After (e.g. "storage is (re)initializing" right after a CRD is
    // created, or API priority and fairness) is retried after the advised delay, up to 10 times.
    for (let attempt = 1; ; attempt++) {
      const res = await this.send(method, path, body, contentType);
      if (res.status >= 400) {
        if (res.retryAfter !== undefined && (res.status === 429 || res.status >= 500) && attempt < 10) {
          await new Promise((r) => setTimeout(r, Math.min(Math.max(res.retryAfter ?? 1, 0.1), 10) * 1000));
          continue;
        }
        throw toApiError(res, `${method} ${path}`);
      }
      return res;
    }
  }

  async getJson<T = unknown>(path: string): Promise<T> {
    return JSON.parse((await this.raw('GET', path)).body) as T;
  }

  async get(ref: ObjectRef): Promise<KubeObject> {
    const path = await this.objectPath(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    return withKind(JSON.parse((await this.raw('GET', path)).body) as KubeObject, ref);
  }

  async list(kind: { apiVersion: string; kind: string; namespace?: string }): Promise<KubeObject[]> {
    const path = await this.collectionPath(kind.apiVersion, kind.kind, kind.namespace);
    const list = JSON.parse((await this.raw('GET', path)).body) as { items?: KubeObject[] };
    return (list.items ?? []).map((o) => withKind(o, kind));
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    const path = await this.collectionPath(obj.apiVersion, obj.kind, obj.metadata.namespace);
    return withKind(JSON.parse((await this.raw('POST', path, obj)).body) as KubeObject, obj);
  }

  /**
   * Creates or replaces. With metadata.resourceVersion set it is an optimistic update (PUT; 409 Conflict when the
   * object moved on, created when absent); without, the current version is fetched and replaced, retrying conflicts.
   */
  async apply(obj: KubeObject): Promise<KubeObject> {
    const ref = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
    const put = async (body: KubeObject) =>
      withKind(JSON.parse((await this.raw('PUT', await this.objectPath(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name), body)).body) as KubeObject, obj);
    if (obj.metadata.resourceVersion !== undefined) {
      try {
        return await put(obj);
      } catch (err) {
        if (!(err instanceof KubeApiError) || err.status !== 404) throw err;
      }
      const { resourceVersion: _rv, ...metadata } = obj.metadata;
      return this.create({ ...obj, metadata: metadata as KubeObject['metadata'] });
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.create(obj);
      } catch (err) {
        if (!(err instanceof KubeApiError) || err.status !== 409) throw err;
      }
      try {
        const current = await this.get(ref);
        return await put({ ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } });
      } catch (err) {
        // Conflict: someone wrote in between; NotFound: deleted in between. Retry a few times.
        if (!(err instanceof KubeApiError) || (err.status !== 409 && err.status !== 404) || attempt >= 4) throw err;
      }
    }
  }

  async delete(ref: ObjectRef): Promise<void> {
    const path = await this.objectPath(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    await this.raw('DELETE', path);
  }

  /** JSON merge patch. */
  async patch(ref: ObjectRef, patch: unknown): Promise<KubeObject> {
    const path = await this.objectPath(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    return withKind(JSON.parse((await this.raw('PATCH', path, patch, 'application/merge-patch+json')).body) as KubeObject, ref);
  }

  private async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    for (let fresh = 0; fresh < 2; fresh++) {
      if (fresh) this.discovery.delete(apiVersion);
      let p = this.discovery.get(apiVersion);
      if (!p) {
        p = this.discover(apiVersion);
        this.discovery.set(apiVersion, p);
        p.catch(() => this.discovery.delete(apiVersion));
      }
      let found: ResourceInfo | undefined;
      try {
        found = (await p).get(kind);
      } catch (err) {
        // A group that does not exist (yet: a CRD being established) is a 404 like a missing kind.
        if (!(err instanceof KubeApiError) || err.status !== 404 || fresh) throw err;
        continue;
      }
      if (found) return found;
    }
    throw new KubeApiError(404, 'NotFound', `the server has no resource for kind ${kind} in ${apiVersion}`);
  }

  private async discover(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = await this.getJson<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>(path);
    const out = new Map<string, ResourceInfo>();
    for (const r of list.resources ?? []) {
      if (!r.name.includes('/')) out.set(r.kind, { plural: r.name, namespaced: r.namespaced });
    }
    return out;
  }

  private async collectionPath(apiVersion: string, kind: string, namespace: string | undefined): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (r.namespaced && namespace) return `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`;
    return `${base}/${r.plural}`;
  }

  private async objectPath(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    if (r.namespaced && !namespace) throw new KubeApiError(400, 'BadRequest', `${kind} ${name} is namespaced; no namespace given`);
    return `${await this.collectionPath(apiVersion, kind, namespace)}/${encodeURIComponent(name)}`;
  }

  private send(method: string, path: string, body: unknown, contentType: string): Promise<RawResponse> {
    const url = new URL(path, this.endpoint);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = payload.length;
    }
    if (this.opts.token !== undefined) headers.Authorization = `Bearer ${this.opts.token}`;
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    return new Promise<RawResponse>((resolve, reject) => {
      let req: ReturnType<typeof request>;
      try {
        req = request(url, { method, headers, agent: this.agent, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          const ra = Number(res.headers['retry-after']);
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(Number.isFinite(ra) && res.headers['retry-after'] ? { retryAfter: ra } : {}) }),
          );
          res.on('error', (err) => reject(unreachable(err, method, url)));
        });
      } catch (err) {
        // e.g. a header value with a newline (a token file with a trailing \n): rejected before sending.
        reject(new KubeApiError(0, 'ClientError', `${method} ${url.pathname}: ${(err as Error).message}`));
        return;
      }
      req.on('timeout', () => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs}ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (err) => reject(unreachable(err, method, url)));
      req.end(payload);
    });
  }
}

function unreachable(err: Error, method: string, url: URL): KubeApiError {
  const code = (err as NodeJS.ErrnoException).code;
  const tls = code !== undefined && /CERT|SELF_SIGNED|TLS|SSL|ERR_OSSL/.test(code);
  return new KubeApiError(0, tls ? 'TLSError' : 'Unreachable', `${method} ${url.origin}${url.pathname}: ${code ?? ''} ${err.message}`.trim());
}

function toApiError(res: RawResponse, what: string): KubeApiError {
  let reason = REASONS[res.status] ?? `HTTP${res.status}`;
  let message = res.body.slice(0, 500);
  try {
    const status = JSON.parse(res.body) as { kind?: string; reason?: string; message?: string };
    if (status.kind === 'Status') {
      if (status.reason) reason = status.reason;
      if (status.message) message = status.message;
    }
  } catch {
    // not JSON: keep the text
  }
  return new KubeApiError(res.status, reason, `${what}: ${res.status} ${reason}: ${message}`);
}

function withKind(obj: KubeObject, kind: { apiVersion: string; kind: string }): KubeObject {
  obj.apiVersion ??= kind.apiVersion;
  obj.kind ??= kind.kind;
  return obj;
}
