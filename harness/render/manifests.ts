// Kubernetes manifests the guide has users write by hand.
import type { Topology } from '../topology/index.ts';
import { CREDENTIALS_SECRET, FLYTEADMIN_SERVICE_ACCOUNT, SA_NAME_ANNOTATION, SA_TOKEN_TYPE, caKey, tokenKey, type ClusterCredentials } from '../constants.ts';
import { tokenSecretName } from './names.ts';

/** The long-lived token Secret for the flyteadmin SA; only the data plane's token controller fills it. */
export function tokenSecret(t: Topology, cluster: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: tokenSecretName(cluster),
      namespace: t.controlPlane.namespace,
      annotations: { [SA_NAME_ANNOTATION]: FLYTEADMIN_SERVICE_ACCOUNT },
    },
    type: SA_TOKEN_TYPE,
  };
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/**
 * `cluster-credentials` in the control plane, under `data:` (base64 of the raw token and PEM).
 * Correction: the guide says stringData while pasting already-base64 values, which yields a wrong token and an
 * unparsable CA. Without credentials the values are placeholders naming the command that yields them.
 */
export function credentialsSecret(t: Topology, credentials?: Readonly<Record<string, ClusterCredentials>>): Record<string, unknown> {
  const data: Record<string, string> = {};
  for (const dp of t.dataPlanes) {
    const c = credentials?.[dp.name];
    const secret = tokenSecretName(dp.name);
    data[tokenKey(dp.name)] = c ? b64(c.token) : `<kubectl -n ${t.controlPlane.namespace} get secret ${secret} -o jsonpath='{.data.token}'>`;
    data[caKey(dp.name)] = c ? b64(c.caCert) : `<kubectl -n ${t.controlPlane.namespace} get secret ${secret} -o jsonpath='{.data.ca\\.crt}'>`;
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: CREDENTIALS_SECRET, namespace: t.controlPlane.namespace },
    type: 'Opaque',
    data,
  };
}
