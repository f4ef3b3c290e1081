// FlyteAdmin's matchable attributes for EXECUTION_CLUSTER_LABEL (docs/flyte-behaviour.md#ecl-resolution, docs/flyte-behaviour.md#ecl-files) with flytectl's update/get/delete
// semantics: update picks the level from the file's fields (workflow → 100, domain → 10, else project → 5) and
// replaces that row; get returns the best row visible from the requested level (possibly an inherited one);
// delete is GORM's struct-condition delete, which skips empty fields: deleting a project-domain row also deletes
// the workflow rows below it, deleting a project row deletes every row of the project.
import { parse as parseYaml } from 'yaml';
import { ECL_FIELDS, decodeEclFile, eclString } from './ecl-file.ts';
import { ATTRIBUTE_PRIORITY, type AttributeLevel, type ExecutionClusterLabelResolver, type ResolvedLabelAttribute } from '../placement/index.ts';

export interface AttributeRow {
  project: string;
  /** '' for a project-level row. */
  domain: string;
  /** '' unless workflow-level. */
  workflow: string;
  value: string;
  priority: number;
}

/** The fields of a flytectl attribute file (`project`, `domain`, `workflow`, `value`). */
export interface EclFile {
  project?: string;
  domain?: string;
  workflow?: string;
  value?: string;
}

/** A FlyteAdmin or flytectl error with the gRPC-ish code a caller branches on. */
export class AdminError extends Error {
  readonly code: 'NotFound' | 'InvalidArgument' | 'Internal' | 'AlreadyExists' | 'FailedPrecondition' | 'Unavailable' | 'Unimplemented';
  constructor(code: AdminError['code'], message: string) {
    super(message);
    this.name = 'AdminError';
    this.code = code;
  }
}

/** flytectl's sigs.k8s.io/yaml UnmarshalStrict of an attribute file: unknown keys fail, keys match case-insensitively. */
export function parseEclFile(text: string): EclFile {
  const decoded = decodeEclFile(parseYaml(text));
  if (!decoded) throw new AdminError('InvalidArgument', 'error unmarshaling JSON: attribute file must be a mapping');
  const [unknown] = decoded.unknown;
  if (unknown !== undefined) throw new AdminError('InvalidArgument', `error unmarshaling JSON: while decoding JSON: json: unknown field "${unknown}"`);
  const out: EclFile = {};
  for (const f of ECL_FIELDS) {
    const field = decoded.fields[f];
    if (field) out[f] = eclString(field.value);
  }
  return out;
}

export function levelOf(row: { domain: string; workflow: string }): AttributeLevel {
  return row.workflow ? 'workflow' : row.domain ? 'project-domain' : 'project';
}

export interface AttributesOptions {
  /** Registered projects and their domains; writes for anything else fail validation as in FlyteAdmin. */
  projects: () => ReadonlyMap<string, readonly string[]>;
}

export class MatchableAttributes {
  private readonly rows = new Map<string, AttributeRow>();
  private readonly opts: AttributesOptions;
  private generation = 0;
  private cache = new Map<string, ResolvedLabelAttribute | null>();
  private cacheGen = -1;

  constructor(opts: AttributesOptions) {
    this.opts = opts;
  }

  /** Every stored row (copies), in insertion order. */
  list(): AttributeRow[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }

  /** Replaces the whole table (a DB restore); used by property tests and the pre-flight check. */
  load(rows: readonly AttributeRow[]): void {
    this.rows.clear();
    for (const r of rows) this.rows.set(key(r.project, r.domain, r.workflow), { ...r });
    this.generation++;
  }

  /**
   * `flytectl update execution-cluster-label --attrFile F`: only the file counts (-p, -d and positional args are
   * ignored by flytectl). Returns the level written and whether the value changed (flytectl skips no-op updates).
   */
  update(file: EclFile): { level: AttributeLevel; previous: string | undefined; changed: boolean } {
    const project = file.project ?? '';
    const domain = file.domain ?? '';
    const workflow = file.workflow ?? '';
    if (!project) throw new AdminError('InvalidArgument', 'project is required');
    if (workflow && !domain) throw new AdminError('InvalidArgument', 'domain is required');
    this.validate(project, domain);
    const level = levelOf({ domain, workflow });
    const k = key(project, domain, workflow);
    const previous = this.rows.get(k)?.value;
    const value = file.value ?? '';
    if (previous === value) return { level, previous, changed: false };
    this.rows.set(k, { project, domain, workflow, value, priority: ATTRIBUTE_PRIORITY[level] });
    this.generation++;
    return { level, previous, changed: true };
  }

  /**
   * `flytectl get execution-cluster-label -p P -d D [workflow]`: ResourceRepo.Get for that level, i.e. the best row
   * visible from it. With no row at that level this returns an inherited one (its domain/workflow show where it lives).
   */
  get(project: string, domain = '', workflow = ''): AttributeRow {
    const best = this.best(project, domain, workflow);
    if (!best) {
      throw new AdminError(
        'NotFound',
        `Resource [{Project:${project} Domain:${domain} Workflow:${workflow} LaunchPlan: ResourceType:EXECUTION_CLUSTER_LABEL}] not found`,
      );
    }
    return { ...best };
  }

  /** `flytectl delete execution-cluster-label`: GORM struct-condition delete (empty fields are not conditions). */
  delete(project: string, domain = '', workflow = ''): AttributeRow[] {
    const gone: AttributeRow[] = [];
    for (const [k, r] of this.rows) {
      if (r.project !== project && project !== '') continue;
      if (domain !== '' && r.domain !== domain) continue;
      if (workflow !== '' && r.workflow !== workflow) continue;
      gone.push(r);
      this.rows.delete(k);
    }
    if (gone.length === 0) throw new AdminError('NotFound', 'Unable to find resource');
    this.generation++;
    return gone;
  }

  /**
   * The resolver GetTarget calls (ResourceManager.GetResource): one top row or undefined (NotFound is tolerated,
   * since flyteadmin PR for #481). Empty project and domain is rejected by ResourceRepo.Get's validation.
   */
  readonly resolver: ExecutionClusterLabelResolver = (project, domain, workflow) => {
    if (!project && !domain) throw new AdminError('Internal', 'missing project and domain: both cannot be empty');
    if (this.cacheGen !== this.generation) {
      this.cache = new Map();
      this.cacheGen = this.generation;
    }
    const k = key(project, domain, workflow);
    let hit = this.cache.get(k);
    if (hit === undefined) {
      const b = this.best(project, domain, workflow);
      hit = b ? { value: b.value, level: levelOf(b), priority: b.priority } : null;
      this.cache.set(k, hit);
    }
    return hit ?? undefined;
  };

  private best(project: string, domain: string, workflow: string): AttributeRow | undefined {
    let best: AttributeRow | undefined;
    for (const r of this.rows.values()) {
      if (r.project !== '' && r.project !== project) continue;
      if (r.domain !== '' && r.domain !== domain) continue;
      if (r.workflow !== '' && r.workflow !== workflow) continue;
      if (!best || r.priority > best.priority) best = r;
    }
    return best;
  }

  private validate(project: string, domain: string): void {
    const domains = this.opts.projects().get(project);
    if (!domains || (domain && !domains.includes(domain))) {
      throw new AdminError(
        'InvalidArgument',
        `failed to validate that project [${project}] and domain [${domain}] are registered, err: [project [${project}] or domain [${domain}] not found]`,
      );
    }
  }
}

function key(project: string, domain: string, workflow: string): string {
  return `${project}\u0000${domain}\u0000${workflow}`;
}
