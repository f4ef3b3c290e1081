// Compares what a topology needs (desired.ts) with what an IAM account holds, and lists the calls that close the gap.
// Additive by default, so a day-2 run never drops what earlier runs (or people) added: trust statements for
// providers the topology does not name are kept, providers are never deleted; `prune` removes both.
// Documents compare by meaning (canonicalPolicy), so a second run over an unchanged account plans nothing. Pure.
import { canonicalPolicy, parsePolicyDocument, PolicyDocumentError } from './document.ts';
import type { DesiredIam } from './desired.ts';
import { issuerHostPath, type PolicyDocument, type PolicyStatement } from './policies.ts';

export interface ActualProvider {
  arn: string;
  /** Host and path, no scheme. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
}

export interface ActualRole {
  arn: string;
  trustPolicy: unknown;
  attachedPolicyArns: string[];
}

export interface ActualIam {
  accountId: string;
  policy?: { arn: string; defaultVersionId: string; document: unknown; versionIds: string[] };
  roles: Record<string, ActualRole | undefined>;
  providers: ActualProvider[];
}

export type Change =
  | { kind: 'create-policy'; name: string; document: PolicyDocument }
  | { kind: 'update-policy'; arn: string; before: unknown; document: PolicyDocument; deleteVersionId?: string }
  | { kind: 'create-provider'; cluster: string; issuer: string; clientIds: string[]; thumbprints: string[] }
  | { kind: 'add-client-id'; arn: string; clientId: string }
  | { kind: 'update-thumbprints'; arn: string; thumbprints: string[] }
  | { kind: 'delete-provider'; arn: string }
  | { kind: 'create-role'; name: string; description: string; trustPolicy: PolicyDocument }
  | { kind: 'update-trust'; name: string; before: unknown; trustPolicy: PolicyDocument }
  | { kind: 'attach-policy'; role: string; policyArn: string };

export interface Plan {
  changes: Change[];
  /** Things left as they are on purpose (kept statements and providers), for the report. */
  notes: string[];
  /** Resources already as desired. */
  upToDate: string[];
}

/** IAM keeps at most five versions of a managed policy. */
const MAX_POLICY_VERSIONS = 5;

function federated(s: PolicyStatement | Record<string, unknown>): string[] {
  const p = (s as { Principal?: unknown }).Principal;
  if (typeof p !== 'object' || p === null) return [];
  const f = (p as { Federated?: unknown }).Federated;
  return typeof f === 'string' ? [f] : Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The trust policy to write: the desired statements, plus (unless pruning) every existing statement whose federated
 * principals the desired policy does not mention — a day-2 run adds the new cluster's statement and keeps the rest.
 */
export function mergeTrustPolicy(desired: PolicyDocument, actual: unknown, prune: boolean, where: string): { policy: PolicyDocument; kept: string[] } {
  if (actual === undefined || prune) return { policy: desired, kept: [] };
  parsePolicyDocument(actual, { file: where, kind: 'trust' });
  const raw = (actual as { Statement: unknown }).Statement;
  const existing = (Array.isArray(raw) ? raw : [raw]) as Record<string, unknown>[];
  const named = new Set(desired.Statement.flatMap(federated));
  const keep = existing.filter((s) => {
    const f = federated(s);
    return f.length === 0 ? !desired.Statement.some((d) => JSON.stringify(d) === JSON.stringify(s)) : !f.some((x) => named.has(x));
  });
  return {
    policy: { Version: '2012-10-17', Statement: [...desired.Statement, ...(keep as unknown as PolicyStatement[])] },
    kept: keep.map((s) => (federated(s).length > 0 ? federated(s).join(', ') : `statement ${JSON.stringify(s).slice(0, 60)}…`)),
  };
}

function same(a: unknown, b: unknown): boolean {
  return canonicalPolicy(a) === canonicalPolicy(b);
}

export function planIam(desired: DesiredIam, actual: ActualIam, opts: { prune?: boolean } = {}): Plan {
  const changes: Change[] = [];
  const notes: string[] = [];
  const upToDate: string[] = [];
  const prune = opts.prune ?? false;

  // Permissions policy.
  const pol = desired.policy;
  if (!actual.policy) changes.push({ kind: 'create-policy', name: pol.name, document: pol.document });
  else if (!same(pol.document, actual.policy.document)) {
    const old = actual.policy.versionIds.filter((v) => v !== actual.policy!.defaultVersionId);
    const deleteVersionId = actual.policy.versionIds.length >= MAX_POLICY_VERSIONS ? old[0] : undefined;
    changes.push({ kind: 'update-policy', arn: actual.policy.arn, before: actual.policy.document, document: pol.document, ...(deleteVersionId ? { deleteVersionId } : {}) });
  } else upToDate.push(`policy ${pol.name}`);

  // OIDC providers, one per cluster.
  const wanted = new Set(desired.providers.map((p) => p.url));
  for (const p of desired.providers) {
    const have = actual.providers.find((a) => a.url === p.url);
    if (!have) {
      changes.push({ kind: 'create-provider', cluster: p.cluster, issuer: p.issuer, clientIds: p.clientIds, thumbprints: p.thumbprints });
      continue;
    }
    let changed = false;
    for (const id of p.clientIds)
      if (!have.clientIds.includes(id)) {
        changes.push({ kind: 'add-client-id', arn: have.arn, clientId: id });
        changed = true;
      }
    if (p.thumbprints.length > 0 && [...p.thumbprints].sort().join() !== [...have.thumbprints].sort().join()) {
      changes.push({ kind: 'update-thumbprints', arn: have.arn, thumbprints: p.thumbprints });
      changed = true;
    }
    if (!changed) upToDate.push(`oidc provider ${p.url} (${p.cluster})`);
  }
  for (const a of actual.providers) {
    if (wanted.has(a.url)) continue;
    if (prune) changes.push({ kind: 'delete-provider', arn: a.arn });
    else notes.push(`keeping oidc provider ${a.url} (not in the topology; --prune removes it)`);
  }

  // Roles: trust policy and attached permissions policy.
  for (const r of desired.roles) {
    const have = actual.roles[r.name];
    if (!have) {
      changes.push({ kind: 'create-role', name: r.name, description: r.description, trustPolicy: r.trustPolicy });
      for (const arn of r.attachedPolicyArns) changes.push({ kind: 'attach-policy', role: r.name, policyArn: arn });
      continue;
    }
    let merged: ReturnType<typeof mergeTrustPolicy>;
    try {
      merged = mergeTrustPolicy(r.trustPolicy, have.trustPolicy, prune, `role ${r.name} trust policy (in the account)`);
    } catch (err) {
      if (err instanceof PolicyDocumentError) {
        notes.push(`replacing the unreadable trust policy of role ${r.name}: ${err.format()}`);
        merged = { policy: r.trustPolicy, kept: [] };
      } else throw err;
    }
    for (const k of merged.kept) notes.push(`role ${r.name}: keeping the trust statement for ${k} (not in the topology; --prune removes it)`);
    let changed = false;
    let sameTrust = false;
    try {
      sameTrust = same(merged.policy, have.trustPolicy);
    } catch {
      sameTrust = false;
    }
    if (!sameTrust) {
      changes.push({ kind: 'update-trust', name: r.name, before: have.trustPolicy, trustPolicy: merged.policy });
      changed = true;
    }
    for (const arn of r.attachedPolicyArns)
      if (!have.attachedPolicyArns.includes(arn)) {
        changes.push({ kind: 'attach-policy', role: r.name, policyArn: arn });
        changed = true;
      }
    if (!changed) upToDate.push(`role ${r.name}`);
  }
  return { changes, notes, upToDate };
}

/** Line diff (longest common subsequence) of two texts, as `  `, `- ` and `+ ` lines. */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  while (i < n) out.push(`- ${a[i++]}`);
  while (j < m) out.push(`+ ${b[j++]}`);
  return out;
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);
const indent = (lines: string[]) => lines.map((l) => `    ${l}`);

/** The plan as text: one headline per change, documents shown whole (created) or as a diff (updated). */
export function formatPlan(plan: Plan): string {
  const out: string[] = [];
  for (const c of plan.changes) {
    switch (c.kind) {
      case 'create-policy':
        out.push(`+ create policy ${c.name}`, ...indent(pretty(c.document).split('\n').map((l) => `+ ${l}`)));
        break;
      case 'update-policy':
        out.push(`~ update policy ${c.arn} (new default version${c.deleteVersionId ? `, deleting old version ${c.deleteVersionId}` : ''})`, ...indent(lineDiff(pretty(c.before), pretty(c.document))));
        break;
      case 'create-provider':
        out.push(`+ create oidc provider ${issuerHostPath(c.issuer)} for ${c.cluster} (client IDs ${c.clientIds.join(', ')}${c.thumbprints.length > 0 ? `; thumbprints ${c.thumbprints.join(', ')}` : ''})`);
        break;
      case 'add-client-id':
        out.push(`~ add client ID ${c.clientId} to ${c.arn}`);
        break;
      case 'update-thumbprints':
        out.push(`~ set thumbprints of ${c.arn} to ${c.thumbprints.join(', ')}`);
        break;
      case 'delete-provider':
        out.push(`- delete oidc provider ${c.arn}`);
        break;
      case 'create-role':
        out.push(`+ create role ${c.name} with trust policy`, ...indent(pretty(c.trustPolicy).split('\n').map((l) => `+ ${l}`)));
        break;
      case 'update-trust':
        out.push(`~ update trust policy of role ${c.name}`, ...indent(lineDiff(pretty(c.before), pretty(c.trustPolicy))));
        break;
      case 'attach-policy':
        out.push(`+ attach ${c.policyArn} to role ${c.role}`);
        break;
    }
  }
  for (const n of plan.notes) out.push(`= ${n}`);
  out.push(
    plan.changes.length === 0
      ? `No changes: ${plan.upToDate.length} resources already up to date.`
      : `${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}; ${plan.upToDate.length} resource${plan.upToDate.length === 1 ? '' : 's'} already up to date.`,
  );
  return `${out.join('\n')}\n`;
}
