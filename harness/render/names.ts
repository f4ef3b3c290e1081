// Names the chart and the guide fix, and the ones derived from cluster names.
import type { Topology } from '../topology/index.ts';
import { dnsName } from '../util/names.ts';

export { dnsName };
export { CREDENTIALS_MOUNT, CREDENTIALS_SECRET, caKey, tokenKey } from '../constants.ts';



/** The long-lived token Secret for the flyteadmin SA in a data plane (the guide's `dataplane1-token`). */
export function tokenSecretName(cluster: string): string {
  return `${dnsName(cluster)}-token`;
}

export function endpointPlaceholder(cluster: string): string {
  return `https://<${cluster}-kube-api-endpoint>:443`;
}

/** Endpoint of a data plane: the backend's, else the topology's, else a placeholder lint reports. */
export function dataPlaneEndpoint(t: Topology, cluster: string, endpoints: Readonly<Record<string, string>> = {}): string {
  const given = endpoints[cluster];
  if (given) return given;
  const dp = t.dataPlanes.find((d) => d.name === cluster);
  return dp && dp.endpoint !== 'auto' ? dp.endpoint : endpointPlaceholder(cluster);
}

/** File name of one execution-cluster-label row: `01-team1-development[-workflow].yaml`. */
export function eclFileName(index: number, row: { project: string; domain: string; workflow?: string }): string {
  const parts = [row.project, row.domain, row.workflow].filter((p): p is string => !!p).map((p) => p.replace(/[^A-Za-z0-9_.-]/g, '_'));
  return `${String(index + 1).padStart(2, '0')}-${parts.join('-')}.yaml`;
}
