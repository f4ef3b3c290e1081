// One host- and DNS-safe form of a cluster name (cluster names allow capitals and "_", which Kubernetes object
// names, host names and container aliases do not).

/** A DNS-1123 name from a cluster name: `Dataplane_1` → `dataplane-1`; never empty. */
export function dnsName(cluster: string): string {
  return cluster.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'cluster';
}
