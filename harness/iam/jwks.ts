// Loads a JSON Web Key Set — the keys a cluster signs service-account tokens with — from a file or from a URL such
// as the kube-apiserver's /openid/v1/jwks. Plain http is allowed only to loopback addresses; https may name a CA
// file (a cluster's own CA) and a bearer token file (the apiserver serves the JWKS to service accounts only).
// The bearer token is sent, never printed.
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { JSONWebKeySet } from 'jose';
import { InputError, wrap } from '../errors.ts';

export interface JwksSourceOptions {
  /** PEM CA bundle for an https URL. */
  caFile?: string;
  /** File holding a bearer token to send (e.g. a service-account token); its content is never logged. */
  bearerTokenFile?: string;
  timeoutMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Checks the shape of a JWKS: `{ "keys": [ { "kty": …, … } ] }`. */
export function parseJwks(text: string, source: string): JSONWebKeySet {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not a JWKS: malformed JSON (${(err as Error).message})`, { file: source });
  }
  const keys = (v as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string'))
    throw new InputError('not a JWKS: expected {"keys": [{"kty": …}, …]}', { file: source });
  return v as JSONWebKeySet;
}

function get(url: URL, opts: JwksSourceOptions, ca: string | undefined, bearer: string | undefined): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string> = { accept: 'application/json, application/jwk-set+json' };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', headers, timeout: opts.timeoutMs ?? 10_000, ...(ca ? { ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`HTTP ${res.statusCode} from ${url.origin}${url.pathname}`));
          else resolvePromise(body);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Reads a JWKS from a file path or an http(s) URL. */
export async function loadJwks(source: string, opts: JwksSourceOptions = {}): Promise<JSONWebKeySet> {
  if (!/^https?:\/\//.test(source)) {
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read JWKS file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file: source });
    }
    return parseJwks(text, source);
  }
  const url = new URL(source);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) throw new InputError(`plain http is allowed only to loopback addresses; use https for ${url.host}`, { file: source });
  const ca = opts.caFile ? await readFile(opts.caFile, 'utf8') : undefined;
  const bearer = opts.bearerTokenFile ? (await readFile(opts.bearerTokenFile, 'utf8')).trim() : undefined;
  let body: string;
  try {
    body = await get(url, opts, ca, bearer);
  } catch (err) {
    throw wrap(err, `fetch the JWKS from ${url.origin}${url.pathname}`);
  }
  return parseJwks(body, `${url.origin}${url.pathname}`);
}
