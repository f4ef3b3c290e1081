// What the flyte-core chart makes of values-override.yaml for the flyteadmin pod (docs/flyte-behaviour.md#chart-credentials): which Secrets are
// mounted where in the `serve` container (always flyteadmin.additionalVolumeMounts) and in the
// `sync-cluster-resources` init container (the same mounts, but only when labelClusterMap is non-empty), and
// whether that init container runs at all (cluster_resource_manager.enabled, default true).
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.ts';
import { decodeClustersConfig, type AdminClustersConfig } from './config.ts';

export interface SecretMount {
  volume: string;
  secretName: string;
  mountPath: string;
}

export interface AdminPodSpec {
  clusters: AdminClustersConfig;
  /** clusters section absent: FlyteAdmin runs single-cluster (in-cluster). */
  clustersFound: boolean;
  serveMounts: SecretMount[];
  syncMounts: SecretMount[];
  /** The sync-cluster-resources init container exists. */
  syncInitContainer: boolean;
  /** Volumes the pod declares whose Secret must exist for the pod to start. */
  volumes: { volume: string; secretName: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function adminPodSpec(valuesYaml: string, file = 'values-override.yaml'): AdminPodSpec {
  let raw: unknown;
  try {
    raw = parseYaml(valuesYaml) ?? {};
  } catch (err) {
    throw new InputError(`invalid YAML: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  if (!isObj(raw)) throw new InputError('values must be a mapping', { file });
  const decoded = decodeClustersConfig(raw, { file, section: 'values' });
  const admin = isObj(raw.flyteadmin) ? raw.flyteadmin : {};
  const volumes: { volume: string; secretName: string }[] = [];
  for (const v of Array.isArray(admin.additionalVolumes) ? admin.additionalVolumes : []) {
    if (isObj(v) && isObj(v.secret) && typeof v.name === 'string') {
      volumes.push({ volume: v.name, secretName: String(v.secret.secretName ?? v.name) });
    }
  }
  const mounts: SecretMount[] = [];
  for (const m of Array.isArray(admin.additionalVolumeMounts) ? admin.additionalVolumeMounts : []) {
    if (!isObj(m) || typeof m.name !== 'string' || typeof m.mountPath !== 'string') continue;
    const vol = volumes.find((v) => v.volume === m.name);
    if (vol) mounts.push({ volume: m.name, secretName: vol.secretName, mountPath: m.mountPath.replace(/\/+$/, '') });
  }
  const crm = isObj(raw.cluster_resource_manager) ? raw.cluster_resource_manager : {};
  const syncInitContainer = crm.enabled === undefined ? true : crm.enabled !== false && crm.enabled !== 'false';
  // templates/admin/deployment.yaml:115-119: `if gt (len .Values.configmap.clusters.labelClusterMap) 0`.
  const lcm = isObj(raw.configmap) && isObj(raw.configmap.clusters) ? raw.configmap.clusters.labelClusterMap : undefined;
  const lcmLen = Array.isArray(lcm) ? lcm.length : isObj(lcm) ? Object.keys(lcm).length : 0;
  return {
    clusters: decoded.config,
    clustersFound: decoded.found,
    serveMounts: mounts,
    syncMounts: lcmLen > 0 ? mounts : [],
    syncInitContainer,
    volumes,
  };
}
