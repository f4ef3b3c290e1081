// Runs helm: template and upgrade --install, with the kubeconfig the harness wrote for a cluster. Output is kept for
// error messages; values files and kubeconfigs are passed as paths and never printed.
import { execFile } from 'node:child_process';
import { chartArgs, describeChart, type ChartRef } from './chart.ts';

export interface HelmOptions {
  /** The helm binary (findHelm()). */
  bin: string;
  /** Kubeconfig file (0600) for commands that talk to a cluster. */
  kubeconfig?: string;
  kubeContext?: string;
  /** Isolates helm's cache/config/data under this dir (HELM_CACHE_HOME etc.); default: the user's. */
  home?: string;
  signal?: AbortSignal;
  /** Kill helm after this long. Default 10 min. */
  timeoutMs?: number;
}

export interface HelmResult {
  stdout: string;
  stderr: string;
}

export class HelmError extends Error {
  readonly args: string[];
  readonly stderr: string;
  constructor(args: string[], stderr: string, message: string) {
    super(message);
    this.name = 'HelmError';
    this.args = args;
    this.stderr = stderr;
  }
}

/** Runs `helm args...`; rejects with HelmError carrying helm's own message. */
export function runHelm(args: string[], opts: HelmOptions): Promise<HelmResult> {
  const full = [...args];
  if (opts.kubeconfig) full.push('--kubeconfig', opts.kubeconfig);
  if (opts.kubeContext) full.push('--kube-context', opts.kubeContext);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.home) {
    env.HELM_CACHE_HOME = `${opts.home}/cache`;
    env.HELM_CONFIG_HOME = `${opts.home}/config`;
    env.HELM_DATA_HOME = `${opts.home}/data`;
  }
  return new Promise((resolve, reject) => {
    // helm never outlives flyte-mc, even on a forced exit (a second Ctrl-C exits at once).
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    const child = execFile(
      opts.bin,
      full,
      { env, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 600_000, ...(opts.signal ? { signal: opts.signal } : {}) },
      (err, stdout, stderr) => {
        process.removeListener('exit', killOnExit);
        if (err) {
          const detail = (stderr || err.message).trim().split('\n').slice(-6).join('\n');
          reject(new HelmError(full, stderr, `helm ${args.slice(0, 2).join(' ')} failed: ${detail}`));
        } else resolve({ stdout, stderr });
      },
    );
  });
}

export interface ReleaseOptions {
  release: string;
  chart: ChartRef;
  namespace: string;
  /** Values files in the order helm merges them (later wins). */
  valuesFiles: readonly string[];
  /** --set-string pairs (rarely needed; values files are preferred). */
  setString?: Readonly<Record<string, string>>;
}

function releaseArgs(r: ReleaseOptions): string[] {
  const args = [r.release, ...chartArgs(r.chart), '--namespace', r.namespace];
  for (const f of r.valuesFiles) args.push('--values', f);
  for (const [k, v] of Object.entries(r.setString ?? {})) args.push('--set-string', `${k}=${v}`);
  return args;
}

/** What a live install would discover from the cluster, for `helm template` (which talks to none). */
export interface TemplateCapabilities {
  /** --api-versions: group/version or group/version/Kind the cluster serves. */
  apiVersions?: readonly string[];
  /** --kube-version of the cluster. */
  kubeVersion?: string;
}

/** `helm template`: the manifests the release would apply, as one multi-document YAML string. */
export async function helmTemplate(r: ReleaseOptions & TemplateCapabilities, opts: HelmOptions): Promise<string> {
  const { kubeconfig: _kubeconfig, kubeContext: _context, ...offline } = opts;
  const caps = [...(r.apiVersions ?? []).flatMap((v) => ['--api-versions', v]), ...(r.kubeVersion ? ['--kube-version', r.kubeVersion] : [])];
  const { stdout } = await runHelm(['template', ...releaseArgs(r), ...caps], offline);
  return stdout;
}

export interface UpgradeOptions extends ReleaseOptions {
  createNamespace?: boolean;
  /** helm's own --wait (needs running pods); the harness normally waits itself (rollout.ts). */
  wait?: boolean;
  /** helm --timeout, e.g. "10m". */
  helmTimeout?: string;
}

export interface ReleaseStatus {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
}

/** `helm upgrade --install`: installs or upgrades the release; resolves with helm's status of it. */
export async function helmUpgradeInstall(r: UpgradeOptions, opts: HelmOptions): Promise<ReleaseStatus> {
  const args = ['upgrade', '--install', ...releaseArgs(r), '--output', 'json'];
  if (r.createNamespace ?? true) args.push('--create-namespace');
  if (r.wait) args.push('--wait');
  if (r.helmTimeout) args.push('--timeout', r.helmTimeout);
  let out: HelmResult;
  try {
    out = await runHelm(args, opts);
  } catch (err) {
    if (err instanceof HelmError) throw new HelmError(err.args, err.stderr, `install ${r.release} (${describeChart(r.chart)}) into ${r.namespace}: ${err.message}`);
    throw err;
  }
  const j = JSON.parse(out.stdout) as { name: string; namespace: string; version: number; info: { status: string }; chart: { metadata: { name: string; version: string } } };
  return { name: j.name, namespace: j.namespace, revision: j.version, status: j.info.status, chart: `${j.chart.metadata.name}-${j.chart.metadata.version}` };
}

/** `helm uninstall`; a missing release is not an error. */
export async function helmUninstall(release: string, namespace: string, opts: HelmOptions): Promise<void> {
  try {
    await runHelm(['uninstall', release, '--namespace', namespace], opts);
  } catch (err) {
    if (err instanceof HelmError && /not found/i.test(err.stderr)) return;
    throw err;
  }
}
