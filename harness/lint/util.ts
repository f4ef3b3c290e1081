// Small helpers rules share: building findings, line lookup, Secret contents, placeholders.
import { formatPath } from '../topology/load.ts';
import type { ClusterLocation, DecodedClusters } from '../admin/config.ts';
import type { Doc, Finding, LintInput, PathSegment, Rule, SecretArtifact, Severity, ValuesArtifact } from './types.ts';

import { CREDENTIALS_MOUNT, CREDENTIALS_SECRET } from '../constants.ts';
import { parsesAsPem } from '../util/pem.ts';

export { CREDENTIALS_MOUNT, CREDENTIALS_SECRET } from '../constants.ts';

/** Line of `path` (or of `key` under it) in a document, counted in its file. */
export function lineIn(doc: Doc, path: readonly PathSegment[], key?: string): number | undefined {
  const l = doc.source?.lineOf(path, key);
  return l === undefined ? undefined : l + doc.lineOffset;
}

/** Line of the key that ends `path` (better than the value's line for mappings). */
export function keyLine(doc: Doc, path: readonly PathSegment[]): number | undefined {
  const last = path[path.length - 1];
  if (typeof last === 'string') return lineIn(doc, path.slice(0, -1), last);
  return lineIn(doc, path);
}

export function finding(
  rule: Pick<Rule, 'code' | 'severity' | 'hint'>,
  at: { file: string; path: readonly PathSegment[] | string; line?: number },
  message: string,
  severity: Severity = rule.severity,
): Finding {
  const path = typeof at.path === 'string' ? at.path : formatPath(at.path) || '(root)';
  const f: Finding = { code: rule.code, severity, message, file: at.file, path, hint: rule.hint };
  if (at.line !== undefined) f.line = at.line;
  return f;
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value at `path` in plain data, or undefined. */
export function getIn(data: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isObj(cur)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

/** Helm merges values files in order: the last file that sets `path` decides it (lists and scalars are replaced). */
export function lastSet(values: readonly ValuesArtifact[], path: readonly PathSegment[]): { artifact: ValuesArtifact; value: unknown } | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const a = values[i] as ValuesArtifact;
    const v = getIn(a.doc.data, path);
    if (v !== undefined) return { artifact: a, value: v };
  }
  return undefined;
}

/** The clusters section lint reasons about, with the file it came from. */
export function clustersOf(input: LintInput): { artifact: ValuesArtifact; d: DecodedClusters } | undefined {
  const a = input.clusters;
  return a ? { artifact: a, d: a.clusters } : undefined;
}

/** Line of a field of a clusterConfigs entry (`enabled`, `auth.tokenPath`…), else of the entry. */
export function clusterLine(loc: ClusterLocation, field?: string): { path: PathSegment[]; line?: number } {
  const f = field ? loc.fields.get(field) : undefined;
  if (f) return { path: f.path, line: f.line };
  return { path: loc.path, line: loc.line };
}

/** Remote clusters: the ones admin reaches with a token and CA (not inCluster). */
export function isRemote(c: { inCluster: boolean }): boolean {
  return !c.inCluster;
}

const PLACEHOLDER = /<[^<>\s(][^<>]*>/;

/** A `<...>` placeholder left in a value, e.g. `<your-dataplane1-token>`. */
export function placeholderIn(s: string): string | undefined {
  return PLACEHOLDER.exec(s)?.[0];
}

export function placeholdersIn(s: string): string[] {
  return [...s.matchAll(new RegExp(PLACEHOLDER.source, 'g'))].map((m) => m[0]);
}

export interface SecretEntry {
  key: string;
  /** `data` (base64) or `stringData` (raw). */
  section: 'data' | 'stringData';
  raw: unknown;
  path: PathSegment[];
  line?: number;
}

export function secretName(s: SecretArtifact): string | undefined {
  const n = getIn(s.doc.data, ['metadata', 'name']);
  return typeof n === 'string' ? n : undefined;
}

export function secretEntries(s: SecretArtifact): SecretEntry[] {
  const out: SecretEntry[] = [];
  for (const section of ['data', 'stringData'] as const) {
    const m = getIn(s.doc.data, [section]);
    if (!isObj(m)) continue;
    for (const key of Object.keys(m)) {
      out.push({ key, section, raw: m[key], path: [section, key], line: lineIn(s.doc, [section], key) });
    }
  }
  return out;
}

/** The credentials Secret(s) admin mounts: named cluster-credentials, or any Opaque Secret when none is. */
export function credentialSecrets(input: LintInput): SecretArtifact[] {
  const secrets = input.secrets.filter((s) => s.kind === 'secret');
  const named = secrets.filter((s) => secretName(s) === CREDENTIALS_SECRET);
  return named.length > 0 ? named : secrets;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes what the API server would accept in `data` (StdEncoding, line breaks ignored); undefined if invalid. */
export function decodeBase64(value: string): Buffer | undefined {
  const s = value.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !BASE64.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

/** The bytes a mounted Secret key holds. Undefined when the value cannot be decoded (reported elsewhere). */
export function secretBytes(e: SecretEntry): Buffer | undefined {
  if (e.raw === null || e.raw === undefined) return Buffer.alloc(0);
  if (typeof e.raw !== 'string') return undefined;
  if (e.section === 'stringData') return Buffer.from(e.raw, 'utf8');
  return decodeBase64(e.raw);
}

/** The decoded bytes hold a PEM certificate, as client-go needs for CA data. */
export function isPem(b: Buffer): boolean {
  return parsesAsPem(b.toString('latin1'));
}

/** The key a credentials path refers to: `/var/run/credentials/x` → `x`. */
export function mountedKey(path: string): string | undefined {
  const prefix = `${CREDENTIALS_MOUNT}/`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  return rest.length > 0 && !rest.includes('/') ? rest : undefined;
}

/** Which Secret keys hold tokens and CAs: those the clusters config points at, else guessed from the key name. */
export function credentialRoles(input: LintInput): { tokens: Set<string>; cas: Set<string> } {
  const tokens = new Set<string>();
  const cas = new Set<string>();
  const c = clustersOf(input);
  if (c) {
    for (const cc of c.d.config.clusterConfigs) {
      if (cc.inCluster) continue;
      const t = mountedKey(cc.auth.tokenPath);
      const ca = mountedKey(cc.auth.certPath);
      if (t) tokens.add(t);
      if (ca) cas.add(ca);
    }
  }
  return { tokens, cas };
}

export function isTokenKey(key: string, roles: { tokens: Set<string>; cas: Set<string> }): boolean {
  if (roles.tokens.size + roles.cas.size > 0) return roles.tokens.has(key);
  return /token/i.test(key);
}

export function isCaKey(key: string, roles: { tokens: Set<string>; cas: Set<string> }): boolean {
  if (roles.tokens.size + roles.cas.size > 0) return roles.cas.has(key);
  return /(ca|cert|crt)/i.test(key) && !/token/i.test(key);
}

/** Entries of the credentials Secret(s) that FlyteAdmin reads as a bearer token or as a CA, with decoded bytes. */
export function credentialEntries(input: LintInput, role: 'token' | 'ca'): { secret: SecretArtifact; entry: SecretEntry; bytes: Buffer | undefined }[] {
  const roles = credentialRoles(input);
  const holds = role === 'token' ? isTokenKey : isCaKey;
  return input.secrets
    .filter((s) => s.kind === 'secret')
    .flatMap((secret) => secretEntries(secret).filter((e) => holds(e.key, roles)).map((entry) => ({ secret, entry, bytes: secretBytes(entry) })));
}
