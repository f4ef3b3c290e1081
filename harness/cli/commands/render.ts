import { readFile } from 'node:fs/promises';
import { InputError } from '../../errors.ts';
import { exists, readTree, writeTreeAtomic, type OutputFile } from '../../fsutil.ts';
import { render, type ClusterCredentials } from '../../render/index.ts';
import { loadTopology } from '../../topology/index.ts';
import { parseFlags, requireFlag, type Command } from '../command.ts';

/** Reads `{ "<cluster>": { "token": "...", "caCert": "-----BEGIN..." } }`; never echoes the values. */
async function readCredentials(file: string): Promise<Record<string, ClusterCredentials>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot read credentials JSON (${(err as Error).name})`, { file });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('must be an object keyed by cluster name', { file });
  const out: Record<string, ClusterCredentials> = {};
  for (const [cluster, v] of Object.entries(raw)) {
    const c = v as Partial<ClusterCredentials> | null;
    if (!c || typeof c.token !== 'string' || typeof c.caCert !== 'string') {
      throw new InputError('must have string fields "token" and "caCert"', { file, path: cluster });
    }
    out[cluster] = { token: c.token, caCert: c.caCert };
  }
  return out;
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
  usage: `Usage: flyte-mc render --topology FILE --out DIR [--check] [--credentials FILE]

Writes IAM policies, per-data-plane values and token Secrets, values-override.yaml, cluster-credentials,
execution-cluster-label files and COMMANDS.md/commands.sh into DIR, atomically.
  --topology FILE     flyte-mc.yaml
  --out DIR           output directory (replaced as a whole)
  --check             compare with DIR instead of writing; exit 1 on drift (for CI)
  --credentials FILE  JSON {cluster: {token, caCert}}: cluster-credentials gets real values (written 0600)
`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      topology: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
      credentials: { type: 'string' },
    });
    const topology = await loadTopology(requireFlag(values.topology, 'topology'));
    const out = requireFlag(values.out, 'out');
    const credentials = values.credentials ? await readCredentials(values.credentials) : undefined;
    const files = render(topology, credentials ? { credentials } : {});
    if (values.check) {
      if (!(await exists(out))) {
        io.stderr(`drift: ${out} does not exist\n`);
        return 1;
      }
      const problems = drift(files, await readTree(out));
      if (problems.length > 0) {
        io.stdout(`${problems.join('\n')}\n`);
        io.stderr(`drift: ${problems.length} file(s) differ from a fresh render; run flyte-mc render --topology ${values.topology} --out ${out}\n`);
        return 1;
      }
      io.stderr(`up to date: ${files.length} files in ${out}\n`);
      return 0;
    }
    await writeTreeAtomic(out, files);
    io.stderr(`wrote ${files.length} files to ${out}\n`);
    return 0;
  },
};
