// The token controller and the token authenticator of a simulated cluster: kubernetes.io/service-account-token
// Secrets get a token, the CA and the namespace filled in (or are deleted when their service account does not exist,
// as kube-controller-manager does); a bearer token authenticates while its Secret and service account still exist.
import { createHash } from 'node:crypto';
import { SA_NAME_ANNOTATION } from '../../constants.ts';
import type { KubeObject } from '../types.ts';


const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');
export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** A deterministic, JWT-shaped legacy service-account token, unique per cluster key and Secret uid. */
export function mintToken(clusterKey: string, issuer: string, secret: KubeObject, saUid: string): string {
  const ns = secret.metadata.namespace ?? 'default';
  const sa = secret.metadata.annotations?.[SA_NAME_ANNOTATION] ?? '';
  const header = b64url(JSON.stringify({ alg: 'RS256', kid: createHash('sha256').update(clusterKey).digest('hex').slice(0, 43) }));
  const payload = b64url(
    JSON.stringify({
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': ns,
      'kubernetes.io/serviceaccount/secret.name': secret.metadata.name,
      'kubernetes.io/serviceaccount/service-account.name': sa,
      'kubernetes.io/serviceaccount/service-account.uid': saUid,
      sub: `system:serviceaccount:${ns}:${sa}`,
      aud: [issuer],
    }),
  );
  const sig = createHash('sha512').update(`${clusterKey}\n${secret.metadata.uid}\n${payload}`).digest().toString('base64url');
  return `${header}.${payload}.${sig}${sig.slice(0, 86)}`;
}

/** A PEM block that looks like a CA certificate (DER-ish random bytes), deterministic per cluster key. */
export function fakeCaPem(clusterKey: string): string {
  let bytes = Buffer.alloc(0);
  for (let i = 0; bytes.length < 760; i++) bytes = Buffer.concat([bytes, createHash('sha256').update(`${clusterKey}/ca/${i}`).digest()]);
  bytes = Buffer.concat([Buffer.from([0x30, 0x82, 0x02, 0xf4]), bytes.subarray(0, 756)]);
  const body = bytes.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
