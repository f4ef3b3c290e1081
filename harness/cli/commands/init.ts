import { dirname, relative, resolve, sep } from 'node:path';
import { checkOutputTarget, writeFileAtomic } from '../../fsutil.ts';
import { starterTopologyYaml } from '../../topology/index.ts';
import { intFlag, parseFlags, type Command } from '../command.ts';

const SCHEMA = resolve(import.meta.dirname, '../../../schema/flyte-mc.schema.json');

/** The schema's path as seen from `dir` (yaml-language-server resolves a relative `$schema` from the file's directory). */
export function schemaRefFrom(dir: string): string {
  const rel = relative(resolve(dir), SCHEMA).split(sep).join('/');
  // Inside the repository a relative path keeps working when the checkout moves; elsewhere only an absolute one resolves.
  return rel.startsWith('../') || rel.startsWith('/') ? SCHEMA : `./${rel}`;
}

export const initCommand: Command = {
  name: 'init',
  summary: 'write a starter flyte-mc.yaml (the guide\'s example, corrected)',
  usage: `Usage: flyte-mc init [--dataplanes N] [--out FILE] [--force]

Writes a starter topology equivalent to the multicluster guide's example. Its $schema comment points at
schema/flyte-mc.schema.json relative to where the file is written.
  --dataplanes N   number of data planes, 1..100 (default 2)
  --out FILE       where to write (default flyte-mc.yaml; "-" for stdout)
  --force          overwrite an existing file
`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      dataplanes: { type: 'string' },
      out: { type: 'string', default: 'flyte-mc.yaml' },
      force: { type: 'boolean', default: false },
    });
    const dataPlanes = intFlag(values.dataplanes, 'dataplanes', 2, 1, 100);
    const out = values.out ?? 'flyte-mc.yaml';
    if (out === '-') {
      io.stdout(starterTopologyYaml({ dataPlanes, schemaRef: schemaRefFrom('.') }));
      return 0;
    }
    // No marker: a topology is the user's file from the moment it is written, so replacing one needs --force.
    await checkOutputTarget({ flag: '--out', path: out, kind: 'file' }, { force: values.force ?? false });
    await writeFileAtomic(out, starterTopologyYaml({ dataPlanes, schemaRef: schemaRefFrom(dirname(resolve(out))) }), { signal: io.signal });
    io.stderr(`wrote ${out}\n`);
    return 0;
  },
};
