// FlyteAdmin's way into a data plane after the guide's wiring, for tests: the endpoint and tokenPath/certPath of its
// clusterConfigs entry in the rendered values-override.yaml, the files read from the World's copy of the
// cluster-credentials mount, and a client made of exactly those. A wrong key, path or Secret shows up here as a
// missing file or a 401, as it would for FlyteAdmin.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeClient } from '../../harness/backends/types.ts';
import { CREDENTIALS_MOUNT } from '../../harness/constants.ts';
import type { ClusterConfig } from '../../harness/placement/index.ts';
import { configOf, valuesOverride, type GuideTarget } from '../../harness/scenarios/steps.ts';

export function clusterConfigOf(target: GuideTarget, cluster: string): ClusterConfig {
  const entry = configOf(valuesOverride(target)).clusterConfigs.find((c) => c.name === cluster);
  if (!entry) throw new Error(`values-override.yaml has no clusterConfigs entry ${cluster}`);
  return entry;
}

/** The host file behind a path FlyteAdmin reads inside its pod (/var/run/credentials/<key>). */
export function mountedFile(target: GuideTarget, podPath: string): string {
  const prefix = `${CREDENTIALS_MOUNT}/`;
  if (!podPath.startsWith(prefix)) throw new Error(`${podPath} is not under the cluster-credentials mount ${CREDENTIALS_MOUNT}`);
  return join(target.world.credentialsDir, podPath.slice(prefix.length));
}

export async function flyteAdminClientFor(target: GuideTarget, cluster: string): Promise<KubeClient> {
  const entry = clusterConfigOf(target, cluster);
  const [token, caCert] = await Promise.all([readFile(mountedFile(target, entry.auth.tokenPath), 'utf8'), readFile(mountedFile(target, entry.auth.certPath), 'utf8')]);
  return target.world.connect({ endpoint: entry.endpoint, token, caCert });
}
