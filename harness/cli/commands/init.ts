import { access } from 'node:fs/promises';
import { UsageError } from '../../errors.ts';
import { writeFileAtomic } from '../../fsutil.ts';
import { starterTopologyYaml } from '../../topology/index.ts';
import { intFlag, parseFlags, type Command } from '../command.ts';

export const initCommand: Command = {
  name: 'init',
  summary: 'write a starter flyte-mc.yaml (the guide\'s example, corrected)',
  usage: `Usage: flyte-mc init [--dataplanes N] [--out FILE] [--force]

Writes a starter topology equivalent to the multicluster guide's example.
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
    const text = starterTopologyYaml({ dataPlanes: intFlag(values.dataplanes, 'dataplanes', 2, 1, 100) });
    const out = values.out ?? 'flyte-mc.yaml';
    if (out === '-') {
      io.stdout(text);
      return 0;
    }
    if (!values.force) {
      const taken = await access(out).then(() => true, () => false);
      if (taken) throw new UsageError(`${out} exists; pass --force to overwrite`);
    }
    await writeFileAtomic(out, text);
    io.stderr(`wrote ${out}\n`);
    return 0;
  },
};
