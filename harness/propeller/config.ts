// propeller's configuration on this machine: the flyte-propeller-config ConfigMap and the Deployment's command as
// the chart rendered them for one data plane, changed only where a process on 127.0.0.1 needs it. Pure: returns
// the files to write, the command line and every override (printed by the launcher and kept for the report).
import { parseDocument, stringify } from 'yaml';

/** What the chart rendered for one data plane's propeller (chart-input.ts picks it out of the data-plane release). */
export interface PropellerChartInput {
  /** data of ConfigMap flyte-propeller-config: file name → YAML (admin.yaml, core.yaml, storage.yaml, ...). */
  configMap: Readonly<Record<string, string>>;
  /** The flytepropeller container's command + args, e.g. [flytepropeller, --config, /etc/flyte/config/*.yaml]. */
  command: readonly string[];
  /** Where the Deployment mounts the ConfigMap. @defaultValue /etc/flyte/config */
  configMountPath?: string;
  /** Secret volumes of the Deployment: mount path → files (e.g. /etc/secrets/ → {client_secret}). */
  secretMounts?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The Deployment's namespace and service account (its token authenticates propeller). */
  namespace: string;
  serviceAccount: string;
}

/** What this machine provides instead. */
export interface MachineOverrides {
  /** Directory of this propeller's files (config/, secrets/, kubeconfig). */
  dir: string;
  kubeconfigPath: string;
  /** host:port of the harness's AdminService. */
  adminEndpoint: string;
  /** Root of the local (stow "local") storage shared with the pod completer. */
  storageRoot: string;
  /** Port of propeller's profiling/metrics server (the chart's 10254 would clash between data planes). */
  profPort: number;
}

export interface Override {
  file: string;
  key: string;
  /** The chart's value ('(unset)' when absent); secrets are never shown. */
  from: string;
  to: string;
  why: string;
}

export interface PropellerLaunchConfig {
  /** file name → content, to write under <dir>/config/. */
  files: Record<string, string>;
  /** Secret files to write (0600): path → content. */
  secretFiles: Record<string, string>;
  args: string[];
  env: Record<string, string>;
  overrides: Override[];
  /** propeller.cluster-id as the chart set it ('propeller' when unset: flytepropeller/pkg/controller/config/config.go). */
  clusterId: string;
  /** storage.container: the bucket raw outputs and metadata go to. */
  container: string;
}

export class PropellerConfigError extends Error {}

function show(v: unknown): string {
  if (v === undefined) return '(unset)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The file of the ConfigMap that defines top-level `section` (the first one, in name order), or `fallback`. */
function fileWith(docs: Map<string, ReturnType<typeof parseDocument>>, section: string, fallback: string): string {
  for (const [name, doc] of [...docs].sort(([a], [b]) => a.localeCompare(b))) if (doc.has(section)) return name;
  return fallback;
}

export function propellerLaunchConfig(chart: PropellerChartInput, m: MachineOverrides): PropellerLaunchConfig {
  const docs = new Map<string, ReturnType<typeof parseDocument>>();
  for (const [name, text] of Object.entries(chart.configMap)) {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) throw new PropellerConfigError(`flyte-propeller-config ${name}: ${doc.errors[0]?.message}`);
    docs.set(name, doc);
  }
  const overrides: Override[] = [];
  const doc = (name: string) => {
    let d = docs.get(name);
    if (!d) {
      d = parseDocument('{}');
      docs.set(name, d);
    }
    return d;
  };
  const set = (section: string, fallbackFile: string, path: string[], to: unknown, why: string, secret = false) => {
    const file = fileWith(docs, section, fallbackFile);
    const d = doc(file);
    const full = [section, ...path];
    const from = d.getIn(full);
    d.setIn(full, to);
    overrides.push({ file, key: full.join('.'), from: secret ? '(secret)' : show(from instanceof Object && 'toJSON' in from ? (from as { toJSON(): unknown }).toJSON() : from), to: show(to), why });
  };

  // Kubernetes API: the data plane's API server with propeller's own ServiceAccount token (in-cluster config is not
  // available to a process), so the chart's ClusterRole is what authorizes it.
  set('propeller', 'core.yaml', ['kube-config'], m.kubeconfigPath, `in-cluster config → kubeconfig with the ${chart.namespace}/${chart.serviceAccount} token`);
  set('propeller', 'core.yaml', ['prof-port'], m.profPort, 'one port per propeller on this machine');
  // FlyteAdmin: the harness's AdminService (plaintext on loopback) instead of the ingress.
  // A URL: a bare 127.0.0.1:port does not parse as one (url.Parse: colon in the first path segment), a host name does.
  set('admin', 'admin.yaml', ['endpoint'], `dns:///${m.adminEndpoint}`, "the harness's AdminService");
  set('admin', 'admin.yaml', ['insecure'], true, 'loopback gRPC without TLS');
  const adminDoc = doc(fileWith(docs, 'admin', 'admin.yaml'));
  const secretPath = adminDoc.getIn(['admin', 'clientSecretLocation']);
  const secretFiles: Record<string, string> = {};
  const mounts = chart.secretMounts ?? {};
  for (const [mountPath, files] of Object.entries(mounts)) {
    for (const [file, content] of Object.entries(files)) secretFiles[`${m.dir}/secrets/${file}`] = content;
    if (typeof secretPath === 'string' && secretPath.startsWith(mountPath.replace(/\/?$/, '/'))) {
      set('admin', 'admin.yaml', ['clientSecretLocation'], `${m.dir}/secrets/${secretPath.slice(mountPath.replace(/\/?$/, '/').length)}`, 'the Secret volume, written 0600 under the run dir');
    }
  }
  // Storage: the chart's bucket name, in a local directory (stow "local": one directory per container).
  const storageFile = fileWith(docs, 'storage', 'storage.yaml');
  const container = show(doc(storageFile).getIn(['storage', 'container']) ?? 'my-s3-bucket');
  set('storage', 'storage.yaml', ['type'], 'stow', 'no S3/minio here');
  set('storage', 'storage.yaml', ['stow'], { kind: 'local', config: { path: m.storageRoot } }, `local directory; bucket ${container} is ${m.storageRoot}/${container}`);
  // Catalog: no datacatalog in the harness.
  set('catalog-cache', 'catalog.yaml', [], { type: 'noop' }, 'no datacatalog service here');

  const mount = (chart.configMountPath ?? '/etc/flyte/config').replace(/\/$/, '');
  const args: string[] = [];
  const cmd = [...chart.command];
  if (cmd.length === 0) throw new PropellerConfigError('the flytepropeller container has no command');
  for (let i = 1; i < cmd.length; i++) {
    const a = cmd[i] as string;
    if (a.startsWith(`${mount}/`)) {
      const to = `${m.dir}/config/${a.slice(mount.length + 1)}`;
      overrides.push({ file: 'Deployment', key: `args[${i - 1}]`, from: a, to, why: 'the ConfigMap volume is a directory of the run' });
      args.push(to);
    } else args.push(a);
  }
  const coreDoc = doc(fileWith(docs, 'propeller', 'core.yaml'));
  const clusterId = show(coreDoc.getIn(['propeller', 'cluster-id']) ?? 'propeller');
  const files: Record<string, string> = {};
  for (const [name, d] of docs) files[name] = stringify(d.toJSON());
  return {
    files,
    secretFiles,
    args,
    env: { POD_NAME: 'flytepropeller-0', POD_NAMESPACE: chart.namespace },
    overrides,
    clusterId,
    container,
  };
}
