// A fake cluster service-account issuer for tests: an RSA key pair, its JWKS served from a loopback HTTP server at
// /openid/v1/jwks (as kube-apiserver serves it), and tokens shaped exactly like Kubernetes bound (TokenRequest)
// service-account tokens: iss, sub system:serviceaccount:NS:NAME, aud [sts.amazonaws.com], exp, nbf, iat, jti and
// the kubernetes.io claim.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';

export interface MintOptions {
  namespace: string;
  name: string;
  aud?: string[];
  /** Seconds from now; default 3600. */
  expiresIn?: number;
  /** Seconds from now for nbf; default 0 (now). */
  notBefore?: number;
  /** Overrides the issuer (e.g. to mimic a legacy Secret token). */
  iss?: string;
  /** Drop exp (legacy Secret tokens have none). */
  noExp?: boolean;
  amr?: string[];
  now?: number;
}

export interface FakeIssuer {
  issuer: string;
  jwksUrl: string;
  jwks: JSONWebKeySet;
  kid: string;
  mint(opts: MintOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeIssuer(): Promise<FakeIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const jwk: JWK = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const jwks: JSONWebKeySet = { keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256' }] };
  let issuer = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/openid/v1/jwks') {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(jwks));
    } else if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ issuer, jwks_uri: `${issuer}/openid/v1/jwks`, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] }),
      );
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  issuer = `https://127.0.0.1:${port}`;
  return {
    issuer,
    jwksUrl: `http://127.0.0.1:${port}/openid/v1/jwks`,
    jwks,
    kid,
    async mint(o) {
      const now = o.now ?? Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        aud: o.aud ?? ['sts.amazonaws.com'],
        iat: now,
        nbf: now + (o.notBefore ?? 0),
        jti: randomUUID(),
        'kubernetes.io': {
          namespace: o.namespace,
          serviceaccount: { name: o.name, uid: randomUUID() },
          pod: { name: `${o.name}-7d9f8b6c5-x2x4q`, uid: randomUUID() },
        },
      };
      if (!o.noExp) claims.exp = now + (o.expiresIn ?? 3600);
      if (o.amr) claims.amr = o.amr;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(o.iss ?? issuer)
        .setSubject(`system:serviceaccount:${o.namespace}:${o.name}`)
        .sign(privateKey);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
