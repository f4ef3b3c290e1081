import { topologyJsonSchema } from '../../topology/index.ts';
import { parseFlags, type Command } from '../command.ts';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of flyte-mc.yaml (for editors)',
  usage: `Usage: flyte-mc schema

Prints the JSON Schema of the topology file. The repository keeps a copy in schema/flyte-mc.schema.json.
`,
  async run(args, io) {
    parseFlags(args, {});
    io.stdout(`${JSON.stringify(topologyJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
