// Decodes FlyteAdmin's `clusters` section the way FlyteAdmin does (docs/flyte-behaviour.md#clusters-config, docs/flyte-behaviour.md#label-case): viper lowercases map keys (except dotted
// ones, which flytestdlib restores), flytestdlib restores arrays from the raw YAML, and mapstructure decodes with
// case-insensitive field names, weak typing (WeaklyTypedInput), zero values for what is omitted and no error for
// unknown keys. Unknown keys and label collisions are returned so lint can report them; what FlyteAdmin itself would
// reject (a weight that does not decode as a number, a list where a string belongs) is an InputError.
import { InputError } from '../errors.ts';
import { formatPath, YamlSource, type PathSegment } from '../topology/load.ts';
import type { ClusterConfig, ClustersConfig, LabelEntryConfig } from '../placement/config.ts';

/** `flyteadmin/pkg/config` KubeClientConfig; when a cluster sets it, it replaces the server block as a whole. */
export interface KubeClientConfig {
  qps: number;
  burst: number;
  /** Milliseconds; 0 (also when omitted) means no timeout at all. */
  timeoutMs: number;
}

export interface AdminClusterConfig extends ClusterConfig {
  /** Present only when the cluster sets `kubeClientConfig`. */
  kubeClientConfig?: KubeClientConfig;
}

export interface AdminClustersConfig extends ClustersConfig {
  clusterConfigs: AdminClusterConfig[];
}

/** A key FlyteAdmin does not read (non-strict config ignores it silently). */
export interface IgnoredKey {
  /** Dotted path as written, e.g. `configmap.clusters.clusterConfigs[0].auth.type`. */
  path: string;
  line?: number;
  /** The key as written. */
  key: string;
  /** Why it is ignored: `unknown field`, or `shadowed by "<key>"` for a second spelling of the same field. */
  reason: string;
}

/** Two labelClusterMap keys that FlyteAdmin sees as one (map form lowercases keys); see byteOrder for which is kept. */
export interface CollapsedLabel {
  /** The decoded key both collapse to. */
  label: string;
  kept: string;
  dropped: string;
  path: string;
  line?: number;
}

export interface LabelEntryLocation {
  path: PathSegment[];
  line?: number;
  /** The weight as written, before float32 conversion (undefined when omitted). */
  rawWeight: unknown;
  id: string;
  weight: number;
}

export interface LabelLocation {
  /** The key as written in the file. */
  written: string;
  /** The key as FlyteAdmin holds it. */
  key: string;
  path: PathSegment[];
  line?: number;
  entries: LabelEntryLocation[];
}

export interface ClusterLocation {
  index: number;
  path: PathSegment[];
  line?: number;
  /** Which fields were written (canonical names: `enabled`, `inCluster`, `auth.tokenPath`, `kubeClientConfig.timeout`…) and where. */
  fields: Map<string, { path: PathSegment[]; line?: number }>;
}

export interface DecodedClusters {
  config: AdminClustersConfig;
  ignoredKeys: IgnoredKey[];
  collapsedLabels: CollapsedLabel[];
  /** False when the input has no clusters section (FlyteAdmin then runs single-cluster). */
  found: boolean;
  /** Path of the clusters section: `['configmap', 'clusters']` or `['clusters']`. */
  base: PathSegment[];
  /** How labelClusterMap was written: a YAML map (keys lowercased) or flytestdlib's list of one-key maps (case kept). */
  labelForm: 'map' | 'list' | 'absent';
  clusters: ClusterLocation[];
  labels: LabelLocation[];
}

export interface DecodeOptions {
  file: string;
  /** The parsed document `raw` came from; gives findings their line numbers. */
  source?: YamlSource;
  /**
   * Where the section sits. `auto` (default): `configmap.clusters` when the document looks like flyte-core values
   * (has `configmap`, `flyteadmin`, `flytepropeller`, `datacatalog` or `cluster_resource_manager`), else top-level `clusters`.
   */
  section?: 'auto' | 'values' | 'admin';
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isObj(v)) return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

class Decoder {
  readonly ignoredKeys: IgnoredKey[] = [];
  readonly file: string;
  readonly source: YamlSource | undefined;
  constructor(opts: DecodeOptions) {
    this.file = opts.file;
    this.source = opts.source;
  }

  line(path: readonly PathSegment[], key?: string): number | undefined {
    return this.source?.lineOf(path, key);
  }

  fail(message: string, path: readonly PathSegment[]): never {
    throw new InputError(message, { file: this.file, path: formatPath(path), line: this.line(path) });
  }

  /**
   * mapstructure's field lookup: the exact json-tag spelling wins, else a case-insensitive match (viper has lowercased
   * map keys by then, so of several spellings the last one written survives). Every other key is reported as ignored.
   */
  fields(obj: Obj, path: readonly PathSegment[], known: readonly string[]): Map<string, { key: string; value: unknown }> {
    const out = new Map<string, { key: string; value: unknown }>();
    const byField = new Map<string, string[]>();
    for (const key of Object.keys(obj)) {
      const field = known.find((f) => f.toLowerCase() === key.toLowerCase());
      if (field === undefined) {
        this.ignoredKeys.push({ path: formatPath([...path, key]), line: this.line(path, key), key, reason: 'unknown field' });
        continue;
      }
      byField.set(field, [...(byField.get(field) ?? []), key]);
    }
    for (const [field, keys] of byField) {
      const chosen = keys.includes(field) ? field : (keys[keys.length - 1] as string);
      out.set(field, { key: chosen, value: obj[chosen] });
      for (const k of keys) {
        if (k === chosen) continue;
        this.ignoredKeys.push({ path: formatPath([...path, k]), line: this.line(path, k), key: k, reason: `shadowed by "${chosen}"` });
      }
    }
    return out;
  }

  /** mapstructure decodeString with weak typing. */
  str(v: unknown, path: readonly PathSegment[]): string {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? '1' : '0';
    if (typeof v === 'number') return String(v);
    return this.fail(`expected a string, got ${typeName(v)}`, path);
  }

  /** mapstructure decodeBool with weak typing (strconv.ParseBool for strings, non-zero for numbers). */
  bool(v: unknown, path: readonly PathSegment[]): boolean {
    if (v === null || v === undefined) return false;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') {
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(v)) return false;
    }
    return this.fail(`expected true or false, got ${typeName(v)}`, path);
  }

  /** mapstructure decodeFloat into float32 with weak typing (strconv.ParseFloat for strings). */
  float32(v: unknown, path: readonly PathSegment[]): number {
    if (v === null || v === undefined) return 0;
    if (typeof v === 'number') return Math.fround(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      const s = v === '' ? '0' : v;
      if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Math.fround(Number(s));
      if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
      if (/^[+-]?nan$/i.test(s)) return NaN;
    }
    return this.fail(`weight must be a number, got ${typeName(v)}`, path);
  }

  int(v: unknown, path: readonly PathSegment[], what: string): number {
    if (v === null || v === undefined) return 0;
    if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return Number(v);
    return this.fail(`${what} must be a whole number, got ${typeName(v)}`, path);
  }

  /** config.Duration: a Go duration string ("30s", "1m30s") or a number of nanoseconds. Returns milliseconds. */
  duration(v: unknown, path: readonly PathSegment[]): number {
    if (v === null || v === undefined) return 0;
    if (typeof v === 'number' && Number.isFinite(v)) return v / 1e6;
    if (typeof v === 'string') {
      const ms = parseGoDuration(v);
      if (ms !== undefined) return ms;
    }
    return this.fail(`timeout must be a duration such as "30s", got ${typeName(v)}`, path);
  }

  /** mapstructure's weak "lift a single value into a list"; null is an empty list. */
  list(v: unknown, path: readonly PathSegment[], what: string): unknown[] {
    if (v === null || v === undefined) return [];
    if (Array.isArray(v)) return v;
    if (isObj(v)) return [v];
    return this.fail(`${what} must be a list, got ${typeName(v)}`, path);
  }

  obj(v: unknown, path: readonly PathSegment[], what: string): Obj {
    if (v === null || v === undefined) return {};
    if (isObj(v)) return v;
    return this.fail(`${what} must be a mapping, got ${typeName(v)}`, path);
  }
}

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds; undefined when it would not parse. */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const m = /^([+-]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of (m[2] as string).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNITS_MS[part[2] as string] as number);
  }
  return m[1] === '-' ? -total : total;
}

const SECTION_FIELDS = ['clusterConfigs', 'labelClusterMap', 'defaultExecutionLabel'] as const;
const CLUSTER_FIELDS = ['name', 'endpoint', 'auth', 'enabled', 'kubeClientConfig', 'inCluster'] as const;
const AUTH_FIELDS = ['tokenPath', 'certPath'] as const;
const KUBE_FIELDS = ['qps', 'burst', 'timeout'] as const;
const ENTRY_FIELDS = ['id', 'weight'] as const;

/** Finds the clusters section: `configmap.clusters` of a flyte-core values file, or top-level `clusters` of an admin config file. */
function locateSection(raw: unknown, opts: DecodeOptions): { base: PathSegment[]; section: unknown; found: boolean } {
  if (raw === null || raw === undefined) return { base: [], section: undefined, found: false };
  if (!isObj(raw)) throw new InputError(`must be a YAML mapping, got ${typeName(raw)}`, { file: opts.file, line: 1 });
  const mode = opts.section ?? 'auto';
  const helmKeys = ['configmap', 'flyteadmin', 'flytepropeller', 'datacatalog', 'cluster_resource_manager'];
  if (mode === 'values' || (mode === 'auto' && helmKeys.some((k) => k in raw))) {
    // Helm values keys are case-sensitive.
    const cm = raw.configmap;
    if (!isObj(cm) || !('clusters' in cm)) return { base: ['configmap', 'clusters'], section: undefined, found: false };
    return { base: ['configmap', 'clusters'], section: cm.clusters, found: true };
  }
  // viper: the section key matches case-insensitively; of several spellings the last one wins.
  const keys = Object.keys(raw).filter((k) => k.toLowerCase() === 'clusters');
  const key = keys.includes('clusters') ? 'clusters' : keys[keys.length - 1];
  if (key === undefined) return { base: ['clusters'], section: undefined, found: false };
  return { base: [key], section: raw[key], found: true };
}

/** Byte order of two keys (Go's sort of map keys, as the chart's toYaml writes them): the later one is kept on collision. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The label key FlyteAdmin holds for a map-form key: viper lowercases it unless it contains a dot (flytestdlib restores those). */
export function viperMapKey(key: string): string {
  return key.includes('.') ? key : key.toLowerCase();
}

export function decodeClustersConfig(raw: unknown, opts: DecodeOptions): DecodedClusters {
  const d = new Decoder(opts);
  const { base, section, found } = locateSection(raw, opts);
  const sec = d.obj(section, base, 'clusters');
  const f = d.fields(sec, base, SECTION_FIELDS);

  const clusters: ClusterLocation[] = [];
  const clusterConfigs: AdminClusterConfig[] = [];
  const cc = f.get('clusterConfigs');
  if (cc) {
    const listPath = [...base, cc.key];
    const items = d.list(cc.value, listPath, 'clusterConfigs');
    items.forEach((item, i) => {
      const p: PathSegment[] = Array.isArray(cc.value) ? [...listPath, i] : listPath;
      const decoded = decodeCluster(d, item, p, i);
      clusterConfigs.push(decoded.config);
      clusters.push(decoded.location);
    });
  }

  const labelClusterMap = new Map<string, LabelEntryConfig[]>();
  const labels: LabelLocation[] = [];
  const collapsedLabels: CollapsedLabel[] = [];
  let labelForm: DecodedClusters['labelForm'] = 'absent';
  const lcm = f.get('labelClusterMap');
  if (lcm && lcm.value !== null && lcm.value !== undefined) {
    const mapPath = [...base, lcm.key];
    const written: { written: string; key: string; path: PathSegment[]; value: unknown }[] = [];
    if (Array.isArray(lcm.value)) {
      // flytestdlib sliceToMapHook: a list of maps merges into one map with the keys' original case.
      labelForm = 'list';
      lcm.value.forEach((item, i) => {
        if (!isObj(item)) d.fail(`labelClusterMap list items must be one-key mappings (label: entries), got ${typeName(item)}`, [...mapPath, i]);
        for (const k of Object.keys(item)) written.push({ written: k, key: k, path: [...mapPath, i, k], value: item[k] });
      });
    } else if (isObj(lcm.value)) {
      labelForm = 'map';
      for (const k of Object.keys(lcm.value)) written.push({ written: k, key: viperMapKey(k), path: [...mapPath, k], value: lcm.value[k] });
    } else {
      d.fail(`labelClusterMap must be a mapping of label to entries, got ${typeName(lcm.value)}`, mapPath);
    }
    const byKey = new Map<string, LabelLocation>();
    for (const w of written) {
      const entries = decodeEntries(d, w.value, w.path);
      const loc: LabelLocation = { written: w.written, key: w.key, path: w.path, line: lineOfKey(d, w.path), entries };
      const prev = byKey.get(w.key);
      // Which of two keys that collapse survives is Go map order in viper, i.e. random. flyte-mc keeps, everywhere,
      // the one the chart writes last: clusters.yaml is toYaml, whose keys are in byte order (docs/flyte-behaviour.md#label-case).
      if (prev && byteOrder(w.written, prev.written) < 0) {
        collapsedLabels.push({ label: w.key, kept: prev.written, dropped: w.written, path: formatPath(w.path), line: loc.line });
        continue;
      }
      if (prev) {
        collapsedLabels.push({ label: w.key, kept: w.written, dropped: prev.written, path: formatPath(w.path), line: loc.line });
        labels.splice(labels.indexOf(prev), 1);
      }
      byKey.set(w.key, loc);
      labels.push(loc);
      labelClusterMap.delete(w.key);
      labelClusterMap.set(w.key, entries.map((e) => ({ id: e.id, weight: e.weight })));
    }
  }

  const del = f.get('defaultExecutionLabel');
  const defaultExecutionLabel = del ? d.str(del.value, [...base, del.key]) : '';

  return {
    config: { clusterConfigs, labelClusterMap, defaultExecutionLabel },
    ignoredKeys: d.ignoredKeys,
    collapsedLabels,
    found,
    base,
    labelForm,
    clusters,
    labels,
  };
}

function lineOfKey(d: Decoder, path: readonly PathSegment[]): number | undefined {
  const last = path[path.length - 1];
  if (typeof last === 'string') return d.line(path.slice(0, -1), last);
  return d.line(path);
}

function decodeCluster(d: Decoder, item: unknown, p: PathSegment[], index: number): { config: AdminClusterConfig; location: ClusterLocation } {
  const obj = d.obj(item, p, 'a clusterConfigs entry');
  const f = d.fields(obj, p, CLUSTER_FIELDS);
  const fields = new Map<string, { path: PathSegment[]; line?: number }>();
  const at = (field: string, parent: PathSegment[], key: string) => {
    const path = [...parent, key];
    fields.set(field, { path, line: d.line(parent, key) });
    return path;
  };
  const get = (field: (typeof CLUSTER_FIELDS)[number]) => {
    const hit = f.get(field);
    return hit ? { value: hit.value, path: at(field, p, hit.key) } : undefined;
  };
  const name = get('name');
  const endpoint = get('endpoint');
  const enabled = get('enabled');
  const inCluster = get('inCluster');
  const auth = get('auth');
  const kube = get('kubeClientConfig');
  const config: AdminClusterConfig = {
    name: name ? d.str(name.value, name.path) : '',
    endpoint: endpoint ? d.str(endpoint.value, endpoint.path) : '',
    enabled: enabled ? d.bool(enabled.value, enabled.path) : false,
    inCluster: inCluster ? d.bool(inCluster.value, inCluster.path) : false,
    auth: { tokenPath: '', certPath: '' },
  };
  if (auth) {
    const af = d.fields(d.obj(auth.value, auth.path, 'auth'), auth.path, AUTH_FIELDS);
    for (const field of AUTH_FIELDS) {
      const hit = af.get(field);
      if (hit) config.auth[field] = d.str(hit.value, at(`auth.${field}`, auth.path, hit.key));
    }
  }
  if (kube && kube.value !== null && kube.value !== undefined) {
    const kf = d.fields(d.obj(kube.value, kube.path, 'kubeClientConfig'), kube.path, KUBE_FIELDS);
    const k: KubeClientConfig = { qps: 0, burst: 0, timeoutMs: 0 };
    const qps = kf.get('qps');
    if (qps) k.qps = d.int(qps.value, at('kubeClientConfig.qps', kube.path, qps.key), 'qps');
    const burst = kf.get('burst');
    if (burst) k.burst = d.int(burst.value, at('kubeClientConfig.burst', kube.path, burst.key), 'burst');
    const timeout = kf.get('timeout');
    if (timeout) k.timeoutMs = d.duration(timeout.value, at('kubeClientConfig.timeout', kube.path, timeout.key));
    config.kubeClientConfig = k;
  }
  return { config, location: { index, path: p, line: d.line(p), fields } };
}

function decodeEntries(d: Decoder, value: unknown, path: PathSegment[]): LabelEntryLocation[] {
  const items = d.list(value, path, 'a label\'s entries');
  return items.map((item, j) => {
    const p = Array.isArray(value) ? [...path, j] : path;
    const f = d.fields(d.obj(item, p, 'a label entry'), p, ENTRY_FIELDS);
    const id = f.get('id');
    const w = f.get('weight');
    return {
      path: p,
      line: d.line(p),
      rawWeight: w?.value,
      id: id ? d.str(id.value, [...p, id.key]) : '',
      weight: w ? d.float32(w.value, [...p, w.key]) : 0,
    };
  });
}

/** Decodes the clusters section from YAML text (a flyte-core values file or an admin config file). */
export function clustersConfigFromValuesYaml(text: string, file: string): ClustersConfig {
  const source = YamlSource.parse(text, file);
  return decodeClustersConfig(source.toJS(), { file, source }).config;
}

/** Same as clustersConfigFromValuesYaml, with the ignored keys, collisions and locations lint needs. */
export function decodeClustersYaml(text: string, file: string, section: DecodeOptions['section'] = 'auto'): DecodedClusters & { source: YamlSource } {
  const source = YamlSource.parse(text, file);
  return { ...decodeClustersConfig(source.toJS(), { file, source, section }), source };
}
