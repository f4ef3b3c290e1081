// Rendered Kubernetes manifests (`helm template` output, a `kubectl get -o yaml` dump, a directory of YAML files)
// read into objects, each with where it came from: the file, the document's first line, and the chart template
// helm names in its `# Source:` comment. Pure.
import { LineCounter, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../backends/types.ts';
import { InputError } from '../errors.ts';

export interface ObjectSource {
  file: string;
  line: number;
  /** `flyte-core/templates/admin/deployment.yaml`, from helm's `# Source:` comment. */
  template?: string;
}

export interface Manifests {
  objects: KubeObject[];
  /** Parallel to `objects`. */
  sources: ObjectSource[];
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses a multi-document YAML stream of Kubernetes objects; `kind: List` items are flattened. */
export function parseManifests(text: string, file: string): Manifests {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true });
  if (!Array.isArray(docs)) throw new InputError('not a YAML stream', { file });
  const out: Manifests = { objects: [], sources: [] };
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first) {
      const pos = first.linePos?.[0];
      throw new InputError(`invalid YAML: ${(first.message.split('\n')[0] ?? first.message).replace(/ at line \d+, column \d+:?$/, '')}`, { file, line: pos?.line });
    }
    const start = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    const line = lines.linePos(start).line;
    const template = /#\s*Source:\s*(\S+)/.exec(doc.commentBefore ?? '')?.[1];
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new InputError(`invalid YAML: ${(err as Error).message.split('\n')[0]}`, { file, line });
    }
    if (value === null || value === undefined) continue;
    const items = isObj(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      if (!isObj(item) || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string' || !isObj(item.metadata) || typeof item.metadata.name !== 'string') {
        throw new InputError('not a Kubernetes object (needs apiVersion, kind and metadata.name)', { file, line });
      }
      out.objects.push(item as KubeObject);
      out.sources.push({ file, line, ...(template ? { template } : {}) });
    }
  }
  return out;
}

/** The object of `kind` named `name` (namespace ignored: one release renders into one namespace). */
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}
