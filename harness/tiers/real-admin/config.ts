// FlyteAdmin's configuration for the process tier, generated from the topology. Pure: returns files, no I/O.
//
// - clusters.yaml is cut out of the rendered controlplane/values-override.yaml: the `configmap.clusters` block,
//   dedented by its two spaces of nesting, under a top-level `clusters:` key (what the chart's ConfigMap
//   flyte-admin-clusters-config holds). So every byte of the section FlyteAdmin reads is what `flyte-mc render`
//   wrote, including tokenPath/certPath under /var/run/credentials. The files themselves are the World's copy of
//   the cluster-credentials mount (World.credentialsDir, filled by the guide's steps); FlyteAdmin runs in a private
//   mount namespace whose /var/run/credentials is that directory (launcher.ts, mountns.ts), so the paths resolve
//   without any render option.
// - admin.yaml holds everything else, with this tier's choices: PostgreSQL on loopback, local-filesystem blob
//   storage (stow kind local), auth off, free loopback ports, scheduler off, the cluster-resource templates
//   (one Namespace per project-domain, as the chart's aa_namespace template does).
import { stringify } from 'yaml';
import type { Topology } from '../../topology/index.ts';

export interface AdminPorts {
  http: number;
  grpc: number;
  profiler: number;
}

export interface AdminConfigInput {
  /** The rendered controlplane/values-override.yaml (render(t, {endpoints, credentials})). */
  valuesOverride: string;
  db: { host: string; port: number; user: string; database: string };
  ports: AdminPorts;
  /** Local blob store root (stow local `path`); the container `flyte` is a directory under it. */
  storageDir: string;
  /** Directory holding the cluster-resource templates (see clusterResourceTemplates). */
  templatesDir: string;
  /** Log level (flytestdlib logger): 0 panic … 5 debug. @defaultValue 4 */
  logLevel?: number;
}

export interface AdminConfigFile {
  name: string;
  content: string;
}

/** Thrown when the values file has no configmap.clusters block to cut out. */
export class ClustersSectionError extends Error {}

/**
 * The `configmap.clusters` block of a values-override.yaml, as `clusters:` plus the block's lines dedented by two
 * spaces. Indenting every line after the first by two spaces and prefixing `configmap:\n` gives back the exact
 * bytes of the values file (see test/integration/real-admin-parts.test.ts).
 */
export function clustersYamlFromValuesOverride(text: string): string {
  const lines = text.split('\n');
  const cm = lines.findIndex((l) => l === 'configmap:');
  if (cm < 0) throw new ClustersSectionError('values-override.yaml has no top-level configmap: key');
  let start = -1;
  for (let i = cm + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l !== '' && !l.startsWith(' ')) break;
    if (l === '  clusters:') {
      start = i;
      break;
    }
  }
  if (start < 0) throw new ClustersSectionError('values-override.yaml has no configmap.clusters block');
  const out = ['clusters:'];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') {
      // A blank line belongs to the block only if the block continues after it.
      const next = lines.slice(i + 1).find((x) => x !== '');
      if (next === undefined || !next.startsWith('    ')) break;
      out.push('');
      continue;
    }
    if (!l.startsWith('    ')) break;
    out.push(l.slice(2));
  }
  return `${out.join('\n')}\n`;
}

/** Every domain of every project, in first-seen order; FlyteAdmin's own three when the topology lists none. */
export function topologyDomains(t: Topology): string[] {
  const seen: string[] = [];
  for (const p of t.projects) for (const d of p.domains) if (!seen.includes(d)) seen.push(d);
  for (const r of t.executionClusterLabels) if (!seen.includes(r.domain)) seen.push(r.domain);
  return seen.length > 0 ? seen : ['development', 'staging', 'production'];
}

/** Cluster-resource templates: one Namespace per project-domain, named by FlyteAdmin's {{ namespace }}. */
export function clusterResourceTemplates(): AdminConfigFile[] {
  return [
    {
      name: 'aa_namespace.yaml',
      content: ['apiVersion: v1', 'kind: Namespace', 'metadata:', "  name: '{{ namespace }}'", 'spec:', '  finalizers:', '  - kubernetes', ''].join('\n'),
    },
  ];
}

/** The config files FlyteAdmin is started with (`--config <dir>/*.yaml`). */
export function adminConfigFiles(t: Topology, input: AdminConfigInput): AdminConfigFile[] {
  const domains = topologyDomains(t).map((d) => ({ id: d, name: d }));
  const admin = {
    server: {
      httpPort: input.ports.http,
      grpc: { port: input.ports.grpc, serverReflection: true },
      security: { secure: false, useAuth: false, allowCors: false },
    },
    database: {
      postgres: {
        host: input.db.host,
        port: input.db.port,
        username: input.db.user,
        dbname: input.db.database,
        options: 'sslmode=disable',
      },
    },
    flyteadmin: {
      runScheduler: false,
      profilerPort: input.ports.profiler,
      metadataStoragePrefix: ['metadata', 'admin'],
      useOffloadedWorkflowClosure: false,
    },
    storage: {
      type: 'stow',
      container: 'flyte',
      stow: { kind: 'local', config: { path: input.storageDir } },
    },
    remoteData: { scheme: 'none' },
    notifications: { type: 'local' },
    domains,
    namespace_mapping: { template: '{{ project }}-{{ domain }}' },
    cluster_resources: {
      templatePath: input.templatesDir,
      refreshInterval: '5m',
      standaloneDeployment: false,
      customData: [],
    },
    logger: { level: input.logLevel ?? 4, 'show-source': false, formatter: { type: 'json' } },
  };
  return [
    {
      name: 'admin.yaml',
      content: `# Generated by flyte-mc (real-admin tier) from the topology.\n${stringify(admin)}`,
    },
    { name: 'clusters.yaml', content: clustersYamlFromValuesOverride(input.valuesOverride) },
  ];
}
