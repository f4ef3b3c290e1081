// Turns artifact files into LintInput: parses YAML (every document, with line numbers) and JSON, detects each
// file's kind from its path and content unless it is given, and decodes FlyteAdmin's clusters section.
import { decodeClustersConfig } from '../admin/config.ts';
import { parseJson, YamlSource } from '../topology/load.ts';
import type { Topology } from '../topology/index.ts';
import type { ArtifactKind, Doc, LintInput, PolicyArtifact, TextArtifact } from './types.ts';
import { getIn, isObj } from './util.ts';
import { adminPodFromObjects } from '../flyte/admin-pod.ts';
import { parseManifests } from '../flyte/manifests.ts';
import { propellerFromObjects } from '../flyte/propeller.ts';

/** Kinds `lint FILE` tells apart; a topology is linted as a whole (render, then lint), not as an artifact. */
export type ContentKind = ArtifactKind | 'topology';

export interface ArtifactFile {
  path: string;
  content: string;
  /** Detected from the path and content when omitted. */
  kind?: ArtifactKind;
  /** For data-plane values: the admin cluster name (else taken from a `dataplanes/<name>/` path). */
  cluster?: string;
}

/** Splits multi-document YAML at `---` lines, remembering where each document starts. */
function splitYaml(text: string): { text: string; offset: number }[] {
  const lines = text.split('\n');
  const out: { text: string; offset: number }[] = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---(\s|$)/.test(lines[i] as string)) {
      const chunk = lines.slice(start, i);
      if (chunk.some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) {
        // Blank lines in front keep every line number as it is in the file.
        out.push({ text: '\n'.repeat(start) + chunk.join('\n'), offset: start });
      }
      start = i + 1;
    }
  }
  return out;
}

export function parseYamlDocs(text: string, file: string): Doc[] {
  return splitYaml(text).map(({ text: chunk }) => {
    const source = YamlSource.parse(chunk, file);
    return { file, data: source.toJS(), source, lineOffset: 0 };
  });
}

export function parseJsonDoc(text: string, file: string): Doc {
  const data = parseJson(text, file);
  let source: YamlSource | undefined;
  try {
    source = YamlSource.parse(text, file);
  } catch {
    source = undefined;
  }
  return { file, data, source, lineOffset: 0 };
}

function basename(p: string): string {
  return p.split('/').pop() ?? p;
}

function isTrustPolicy(data: unknown): boolean {
  const st = getIn(data, ['Statement']);
  const list = Array.isArray(st) ? st : isObj(st) ? [st] : [];
  return list.some((s) => {
    if (!isObj(s)) return false;
    const action = s.Action;
    const actions = Array.isArray(action) ? action : [action];
    return isObj(s.Principal) || actions.some((a) => typeof a === 'string' && a.startsWith('sts:'));
  });
}

const ECL_KEYS = ['project', 'domain', 'workflow', 'value'];

function looksLikeEcl(data: unknown): boolean {
  if (!isObj(data)) return false;
  const keys = Object.keys(data);
  if (keys.length === 0) return false;
  const known = keys.filter((k) => ECL_KEYS.includes(k.toLowerCase()));
  return known.length >= 2 && keys.every((k) => !isObj(data[k]) && !Array.isArray(data[k]));
}

function isKubeObject(data: unknown): data is Record<string, unknown> {
  return isObj(data) && typeof data.apiVersion === 'string' && typeof data.kind === 'string' && isObj(data.metadata);
}

/** A file's kind from its path and first document (library use: unknown content is 'other'). */
export function detectKind(path: string, docs: Doc[]): ArtifactKind {
  const k = detectContentKind(path, docs);
  return k === 'topology' ? 'other' : k;
}

/**
 * What a file is, from its content: an artifact kind, a flyte-mc topology, rendered Kubernetes manifests (helm
 * template output: several objects that are not all Secrets), or 'other' when nothing fits. Paths only break ties
 * the content cannot (a data plane's values vs the control plane's, shell and Markdown text).
 */
export function detectContentKind(path: string, docs: Doc[]): ContentKind {
  const lower = path.toLowerCase();
  if (/\.(sh|bash|md)$/.test(lower)) return 'commands';
  const data = docs[0]?.data;
  if (isObj(data) && 'Statement' in data) return isTrustPolicy(data) ? 'trust-policy' : 'iam-policy';
  if (isObj(data) && typeof data.apiVersion === 'string' && data.apiVersion.startsWith('flyte-mc/')) return 'topology';
  if (docs.length > 0 && docs.every((d) => isObj(d.data) && d.data.kind === 'Secret')) {
    return (data as Record<string, unknown>).type === 'kubernetes.io/service-account-token' ? 'token-secret' : 'secret';
  }
  if (docs.length > 0 && docs.every((d) => isKubeObject(d.data))) return 'manifests';
  if (looksLikeEcl(data)) return 'ecl';
  if (!isObj(data) || docs.length > 1) return 'other';
  const name = basename(lower);
  const hasClusters = isObj(getIn(data, ['configmap', 'clusters'])) || Object.keys(data).some((k) => k.toLowerCase() === 'clusters');
  if (!hasClusters && (/dataplane/.test(name) || /(^|\/)dataplanes\//.test(lower) || getIn(data, ['flyteadmin', 'enabled']) === false)) {
    return 'dataplane-values';
  }
  if (hasClusters || 'configmap' in data || 'flyteadmin' in data || 'flytepropeller' in data) return 'values';
  return 'other';
}

/** Parses a file the way buildInput does (JSON when it looks like JSON, else every YAML document). */
export function parseArtifactDocs(path: string, content: string): Doc[] {
  if (/\.(sh|bash|md)$/.test(path.toLowerCase())) return [];
  return content.trimStart().startsWith('{') ? [parseJsonDoc(content, path)] : parseYamlDocs(content, path);
}

function policyRole(path: string, doc: Doc): PolicyArtifact['role'] {
  const name = basename(path.toLowerCase());
  if (/data-?plane/.test(name)) return 'dataplane';
  if (/control-?plane/.test(name)) return 'controlplane';
  const text = JSON.stringify(doc.data);
  if (/:flytepropeller"/.test(text)) return 'dataplane';
  if (/:(flyteadmin|datacatalog)"/.test(text)) return 'controlplane';
  return 'unknown';
}

export function buildInput(files: readonly ArtifactFile[], topology?: Topology): LintInput {
  const input: LintInput = { values: [], secrets: [], ecl: [], policies: [], dataplaneValues: [], commands: [], manifests: [], all: [] };
  if (topology) input.topology = topology;
  for (const f of files) {
    const lower = f.path.toLowerCase();
    const isText = /\.(sh|bash|md)$/.test(lower) || f.kind === 'commands';
    const isJson = !isText && (lower.endsWith('.json') || f.kind === 'trust-policy' || f.kind === 'iam-policy') && f.content.trimStart().startsWith('{');
    const docs = isText ? [] : isJson ? [parseJsonDoc(f.content, f.path)] : parseYamlDocs(f.content, f.path);
    const kind = f.kind ?? detectKind(f.path, docs);
    const art: TextArtifact = { file: f.path, kind, text: f.content, docs };
    input.all.push(art);
    switch (kind) {
      case 'commands':
        input.commands.push(art);
        break;
      case 'secret':
      case 'token-secret':
        for (const doc of docs) {
          const isToken = isObj(doc.data) && doc.data.type === 'kubernetes.io/service-account-token';
          input.secrets.push({ kind: isToken ? 'token-secret' : kind, file: f.path, doc });
        }
        break;
      case 'ecl':
        for (const doc of docs) input.ecl.push({ kind: 'ecl', file: f.path, doc });
        break;
      case 'trust-policy':
      case 'iam-policy':
        for (const doc of docs) input.policies.push({ kind, file: f.path, doc, role: kind === 'trust-policy' ? policyRole(f.path, doc) : 'unknown' });
        break;
      case 'dataplane-values': {
        const cluster = f.cluster ?? /(?:^|\/)dataplanes\/([^/]+)\//.exec(f.path)?.[1];
        for (const doc of docs) input.dataplaneValues.push({ kind, file: f.path, doc, ...(cluster !== undefined ? { cluster } : {}) });
        break;
      }
      case 'manifests': {
        const m = parseManifests(f.content, f.path);
        const has = (name: string) => m.objects.some((o) => o.kind === 'Deployment' && o.metadata.name === name);
        input.manifests.push({
          kind,
          file: f.path,
          objects: m.objects,
          sources: m.sources,
          ...(has('flyteadmin') ? { admin: adminPodFromObjects(m.objects) } : {}),
          ...(has('flytepropeller') ? { propeller: propellerFromObjects(m.objects) } : {}),
        });
        // The chart's own Secrets (db-pass, flyte-secret-auth...) are not the credentials Secret: not linted as one.
        break;
      }
      case 'values':
        for (const doc of docs) {
          const clusters = decodeClustersConfig(doc.data, { file: f.path, ...(doc.source ? { source: doc.source } : {}) });
          input.values.push({ kind, file: f.path, doc, clusters });
        }
        break;
      default:
        break;
    }
  }
  for (const v of input.values) if (v.clusters.found) input.clusters = v;
  return input;
}
