import { InputError } from '../../errors.ts';
import { checkOutputTarget, readInputFile, readTree, writeTreeAtomic, type OutputFile } from '../../fsutil.ts';
import { render, type ClusterCredentials } from '../../render/index.ts';
import { loadTopology, parseJson, type Topology } from '../../topology/index.ts';
import { parseFlags, requireFlag, type Command } from '../command.ts';

/** Reads `{ "<cluster>": { "token": "...", "caCert": "-----BEGIN..." } }` keyed by data planes; never echoes the values. */
async function readCredentials(file: string, t: Topology): Promise<Record<string, ClusterCredentials>> {
  const text = await readInputFile(file);
  const raw = parseJson(text, file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('must be an object keyed by data plane name', { file, line: 1 });
  const names = t.dataPlanes.map((d) => d.name);
  const out: Record<string, ClusterCredentials> = {};
  for (const [cluster, v] of Object.entries(raw)) {
    const line = lineOfKey(text, cluster);
    if (!names.includes(cluster)) {
      throw new InputError(`no data plane named "${cluster}" in the topology (data planes: ${names.join(', ')})`, { file, path: cluster, line });
    }
    const c = v as Partial<ClusterCredentials> | null;
    if (!c || typeof c.token !== 'string' || typeof c.caCert !== 'string' || c.token === '' || c.caCert === '') {
      throw new InputError('must have non-empty string fields "token" and "caCert"', { file, path: cluster, line });
    }
    out[cluster] = { token: c.token, caCert: c.caCert };
  }
  return out;
}

/** Line of a top-level key in JSON text (for messages); undefined when not found literally. */
function lineOfKey(text: string, key: string): number | undefined {
  const i = text.indexOf(JSON.stringify(key));
  return i < 0 ? undefined : text.slice(0, i).split('\n').length;
}

/** Paths that differ between a rendered tree and a directory on disk. */
export function drift(rendered: readonly OutputFile[], onDisk: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const want = new Map(rendered.map((f) => [f.path, f.content]));
  for (const [path, content] of want) {
    const have = onDisk.get(path);
    if (have === undefined) problems.push(`missing  ${path}`);
    else if (have !== content) problems.push(`changed  ${path}`);
  }
  for (const path of onDisk.keys()) if (!want.has(path)) problems.push(`extra    ${path}`);
  return problems.sort();
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'write every artifact of the multicluster guide for a topology',
  usage: `Usage: flyte-mc render --topology FILE --out DIR [--check] [--credentials FILE] [--force]

Writes IAM policies, per-data-plane values and token Secrets, values-override.yaml, cluster-credentials,
execution-cluster-label files and COMMANDS.md/commands.sh into DIR, atomically, with DIR/.flyte-mc-manifest.json
listing what it wrote. A later render replaces and removes only those files, and only while unchanged.
  --topology FILE     flyte-mc.yaml
  --out DIR           output directory: new, empty, or written by flyte-mc before (never ".", a parent of it, or
                      a directory holding the topology)
  --check             compare with DIR instead of writing; exit 1 on drift (for CI)
  --credentials FILE  JSON {dataPlane: {token, caCert}}: cluster-credentials gets real values (written 0600)
  --force             write into a directory flyte-mc did not write, or over files changed since (others are kept)
`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      topology: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
      credentials: { type: 'string' },
      force: { type: 'boolean', default: false },
    });
    const topologyFile = requireFlag(values.topology, 'topology');
    const out = requireFlag(values.out, 'out');
    const topology = await loadTopology(topologyFile);
    const credentials = values.credentials ? await readCredentials(values.credentials, topology) : undefined;
    const files = render(topology, credentials ? { credentials } : {});
    if (values.check) {
      const problems = await (async () => {
        try {
          return drift(files, await readTree(out));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') return [`missing  ${out} (does not exist)`];
          throw new InputError(code === 'ENOTDIR' ? 'is not a directory' : `cannot read (${code ?? 'error'})`, { path: `--out ${out}` });
        }
      })();
      if (problems.length > 0) {
        io.stdout(`${problems.join('\n')}\n`);
        io.stderr(`drift: ${problems.length} file(s) differ from a fresh render; run flyte-mc render --topology ${topologyFile} --out ${out}\n`);
        return 1;
      }
      io.stderr(`up to date: ${files.length} files in ${out}\n`);
      return 0;
    }
    const inputs = [{ flag: '--topology', path: topologyFile }, ...(values.credentials ? [{ flag: '--credentials', path: values.credentials }] : [])];
    await checkOutputTarget({ flag: '--out', path: out, kind: 'dir', willWrite: files.map((f) => f.path) }, { inputs, force: values.force ?? false });
    await writeTreeAtomic(out, files, { prune: true, force: values.force ?? false, signal: io.signal });
    io.stderr(`wrote ${files.length} files to ${out}\n`);
    return 0;
  },
};
