// Reading a rendered pod the way the kubelet and a flytestdlib program see it: which container runs which command,
// the Secret volumes it mounts and where, and the config files its `--config <glob>` matches in the ConfigMaps
// mounted at that directory, merged in name order as flytestdlib's config loader merges them. Pure.
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../backends/types.ts';
import { findObject } from './manifests.ts';

export interface SecretMount {
  volume: string;
  secretName: string;
  /** Without a trailing slash. */
  mountPath: string;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
export const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

export interface PodSpecLike {
  volumes: Obj[];
  containers: Obj[];
  initContainers: Obj[];
  /** The identity the pod's token authenticates as; Kubernetes uses `default` when unset. */
  serviceAccountName: string;
}

export function podSpec(deployment: KubeObject): PodSpecLike {
  const spec = isObj(deployment.spec) && isObj(deployment.spec.template) && isObj(deployment.spec.template.spec) ? deployment.spec.template.spec : {};
  return {
    volumes: list(spec.volumes),
    containers: list(spec.containers),
    initContainers: list(spec.initContainers),
    serviceAccountName: typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : 'default',
  };
}

export function argv(c: Obj): string[] {
  return [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args : [])].map(String);
}

/** The container whose command line holds these words in order (e.g. `clusterresource`, `sync`). */
export function containerRunning(containers: Obj[], words: string[]): Obj | undefined {
  return containers.find((c) => {
    const line = argv(c).join(' ').split(/[\s=]+/);
    let i = 0;
    for (const w of line) if (w === words[i]) i++;
    return i === words.length;
  });
}

export function secretOf(volume: Obj): { secretName: string; optional: boolean } | undefined {
  if (isObj(volume.secret)) return { secretName: String(volume.secret.secretName ?? volume.name), optional: volume.secret.optional === true };
  return undefined;
}

export function mountsOf(c: Obj, volumes: Obj[]): SecretMount[] {
  const out: SecretMount[] = [];
  for (const m of list(c.volumeMounts)) {
    if (typeof m.name !== 'string' || typeof m.mountPath !== 'string' || m.subPath) continue;
    const v = volumes.find((x) => x.name === m.name);
    const s = v && secretOf(v);
    if (s) out.push({ volume: m.name, secretName: s.secretName, mountPath: m.mountPath.replace(/\/+$/, '') || '/' });
  }
  return out;
}

/** ConfigMap names a volume shows (a configMap volume or the configMap sources of a projected one). */
export function configMapsOf(volume: Obj): string[] {
  if (isObj(volume.configMap)) return [String(volume.configMap.name)];
  if (isObj(volume.projected)) return list(volume.projected.sources).flatMap((s) => (isObj(s.configMap) ? [String(s.configMap.name)] : []));
  return [];
}

/** `--config /etc/flyte/config/*.yaml` or `--config=...` (flytestdlib's flag; several globs are comma-separated). */
function configGlobs(c: Obj): string[] {
  const a = argv(c).flatMap((x) => x.split(/\s+/)).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    if (x === '--config' && a[i + 1]) out.push(...(a[++i] as string).split(','));
    else if (x.startsWith('--config=')) out.push(...x.slice('--config='.length).split(','));
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
}

/** Deep merge of config maps, later files winning key by key (viper MergeConfigMap semantics; keys case-insensitive). */
function mergeConfig(into: Obj, from: Obj): Obj {
  for (const [k, v] of Object.entries(from)) {
    const existing = Object.keys(into).find((x) => x.toLowerCase() === k.toLowerCase());
    if (existing !== undefined && isObj(into[existing]) && isObj(v)) {
      into[existing] = mergeConfig({ ...(into[existing] as Obj) }, v);
    } else {
      if (existing !== undefined && existing !== k) delete into[existing];
      into[k] = v;
    }
  }
  return into;
}

/** The config a flytestdlib program in container `c` loads: every file its --config globs match, merged. */
export function containerConfig(objects: readonly KubeObject[], c: Obj, volumes: Obj[]): { merged: Obj; files: Map<string, { text: string; source: string }>; sourceOf: (key: string) => string | undefined } {
  const files: { name: string; text: string; source: string }[] = [];
  for (const glob of configGlobs(c)) {
    const slash = glob.lastIndexOf('/');
    const dir = glob.slice(0, slash).replace(/\/+$/, '');
    const re = globToRegExp(glob.slice(slash + 1));
    for (const m of list(c.volumeMounts)) {
      if (typeof m.mountPath !== 'string' || m.mountPath.replace(/\/+$/, '') !== dir) continue;
      const v = volumes.find((x) => x.name === m.name);
      for (const cmName of v ? configMapsOf(v) : []) {
        const cm = findObject(objects, 'ConfigMap', cmName);
        const data = cm && isObj(cm.data) ? cm.data : {};
        for (const [key, text] of Object.entries(data)) {
          if (re.test(key)) files.push({ name: key, text: String(text), source: `ConfigMap ${cmName} ${key}` });
        }
      }
    }
  }
  // A projected volume shows one file per key (later sources win on a clash); the glob lists them sorted.
  const byName = new Map(files.map((f) => [f.name, f]));
  const merged: Obj = {};
  const owners = new Map<string, string>();
  for (const name of [...byName.keys()].sort()) {
    const f = byName.get(name) as (typeof files)[number];
    let doc: unknown;
    try {
      doc = parseYaml(f.text);
    } catch {
      continue; // FlyteAdmin would fail to read it; lint reports the file
    }
    if (!isObj(doc)) continue;
    for (const k of Object.keys(doc)) owners.set(k.toLowerCase(), f.source);
    mergeConfig(merged, doc);
  }
  return { merged, files: byName, sourceOf: (key) => owners.get(key.toLowerCase()) };
}

export function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
