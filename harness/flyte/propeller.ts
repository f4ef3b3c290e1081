// What flytepropeller in a data plane runs with, read from the objects the flyte-core chart rendered for it: its
// merged config (flyte-propeller-config, charts/flyte-core/templates/propeller/configmap.yaml) and its command line,
// where `--propeller.cluster-id` (from flytepropeller.clusterName, templates/propeller/deployment.yaml) overrides
// `propeller.cluster-id` of core.yaml. propeller's default cluster id is "propeller"
// (flytepropeller/pkg/controller/config/config.go at v1.16.8). Pure.
import type { KubeObject } from '../backends/types.ts';
import { findObject } from './manifests.ts';
import { argv, containerConfig, containerRunning, isObj, podSpec, type Obj } from './pod.ts';

export const DEFAULT_PROPELLER_CLUSTER_ID = 'propeller';

export interface PropellerView {
  /** admin.endpoint of admin.yaml: where events and launch plans go. */
  adminEndpoint?: string;
  adminInsecure?: boolean;
  /** catalog-cache.endpoint of catalog.yaml. */
  catalogEndpoint?: string;
  catalogType?: string;
  /** The cluster id propeller stamps on events, and where it came from. */
  clusterId: string;
  clusterIdFrom: 'args' | 'config' | 'default';
  /** Every file of the config volume (file name → text), for running the real propeller with it. */
  configFiles: Record<string, string>;
  args: string[];
}

export type PropellerResult = { ok: true; propeller: PropellerView } | { ok: false; reason: string };

const get = (o: unknown, ...path: string[]): unknown => {
  let cur = o;
  for (const p of path) {
    if (!isObj(cur)) return undefined;
    const k = Object.keys(cur).find((x) => x.toLowerCase() === p.toLowerCase());
    cur = k === undefined ? undefined : (cur as Obj)[k];
  }
  return cur;
};

/** propeller's view from one release's rendered objects (a data-plane release, or a control plane running workflows). */
export function propellerFromObjects(objects: readonly KubeObject[]): PropellerResult {
  const deployment = findObject(objects, 'Deployment', 'flytepropeller');
  if (!deployment) return { ok: false, reason: 'the release renders no flytepropeller Deployment (flytepropeller.enabled is false?)' };
  const spec = podSpec(deployment);
  const c = containerRunning(spec.containers, ['flytepropeller']) ?? spec.containers[0];
  if (!c) return { ok: false, reason: 'the flytepropeller Deployment has no container' };
  const { merged, files } = containerConfig(objects, c, spec.volumes);
  const args = argv(c);
  let clusterId = DEFAULT_PROPELLER_CLUSTER_ID;
  let clusterIdFrom: PropellerView['clusterIdFrom'] = 'default';
  const fromConfig = get(merged, 'propeller', 'cluster-id');
  if (typeof fromConfig === 'string' && fromConfig !== '') {
    clusterId = fromConfig;
    clusterIdFrom = 'config';
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const v = a === '--propeller.cluster-id' ? args[i + 1] : a.startsWith('--propeller.cluster-id=') ? a.slice(a.indexOf('=') + 1) : undefined;
    if (v !== undefined) {
      clusterId = v;
      clusterIdFrom = 'args';
    }
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const insecure = get(merged, 'admin', 'insecure');
  return {
    ok: true,
    propeller: {
      ...(str(get(merged, 'admin', 'endpoint')) !== undefined ? { adminEndpoint: str(get(merged, 'admin', 'endpoint')) } : {}),
      ...(typeof insecure === 'boolean' ? { adminInsecure: insecure } : {}),
      ...(str(get(merged, 'catalog-cache', 'endpoint')) !== undefined ? { catalogEndpoint: str(get(merged, 'catalog-cache', 'endpoint')) } : {}),
      ...(str(get(merged, 'catalog-cache', 'type')) !== undefined ? { catalogType: str(get(merged, 'catalog-cache', 'type')) } : {}),
      clusterId,
      clusterIdFrom,
      configFiles: Object.fromEntries([...files].map(([name, f]) => [name, f.text])),
      args,
    },
  };
}
