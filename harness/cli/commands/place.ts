import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../../errors.ts';
import {
  ClusterSelector,
  PlacementError,
  WeightedList,
  clustersConfigFromTopology,
  drawForName,
  inMemoryLabelResolver,
  labelRowsFromTopology,
  type ExecutionClusterLabelResolver,
  type WeightedItem,
} from '../../placement/index.ts';
import { loadTopology, type Topology } from '../../topology/index.ts';
import { parseFlags, type Command } from '../command.ts';

/** A topology with FlyteAdmin's selector built from it; a config admin would refuse is an InputError on the file. */
export async function loadSelector(file: string): Promise<{ topology: Topology; selector: ClusterSelector; resolver: ExecutionClusterLabelResolver }> {
  const topology = await loadTopology(file);
  let selector: ClusterSelector;
  try {
    selector = ClusterSelector.fromConfig(clustersConfigFromTopology(topology));
  } catch (err) {
    if (err instanceof PlacementError) throw new InputError(`FlyteAdmin would refuse to start: ${err.message}`, { file });
    throw err;
  }
  return { topology, selector, resolver: inMemoryLabelResolver(labelRowsFromTopology(topology)) };
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface BatchCase {
  name: string;
  entries: WeightedItem[];
}

/** Validates the batch form `[{"name": "...", "entries": [{"id": "...", "weight": 0.5}]}]`. */
export function parseBatch(text: string, file: string): BatchCase[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not JSON: ${(err as Error).message}`, { file });
  }
  if (!Array.isArray(data)) throw new InputError('must be a JSON array of {name, entries}', { file });
  return data.map((el: unknown, i): BatchCase => {
    const at = (path: string) => ({ file, path: `[${i}]${path}` });
    if (typeof el !== 'object' || el === null || Array.isArray(el)) throw new InputError(`element ${i} must be an object`, at(''));
    const { name, entries } = el as Record<string, unknown>;
    if (typeof name !== 'string') throw new InputError(`element ${i}: name must be a string`, at('.name'));
    if (!Array.isArray(entries)) throw new InputError(`element ${i}: entries must be an array`, at('.entries'));
    return {
      name,
      entries: entries.map((e: unknown, j) => {
        const where = at(`.entries[${j}]`);
        if (typeof e !== 'object' || e === null) throw new InputError(`element ${i}: entry ${j} must be an object`, where);
        const { id, weight } = e as Record<string, unknown>;
        if (typeof id !== 'string') throw new InputError(`element ${i}: entry ${j}: id must be a string`, where);
        if (typeof weight !== 'number') throw new InputError(`element ${i}: entry ${j}: weight must be a number`, where);
        return { id, weight };
      }),
    };
  });
}

/** What Flyte's weighted list picks per case, or {error} where NewWeightedRandom refuses the entries. */
export function placeBatch(cases: readonly BatchCase[]): (string | { error: string })[] {
  return cases.map((c) => {
    let list: WeightedList;
    try {
      list = WeightedList.build(c.entries);
    } catch (err) {
      if (err instanceof PlacementError) return { error: err.message };
      throw err;
    }
    return list.pick(drawForName(c.name));
  });
}

export const placeCommand: Command = {
  name: 'place',
  summary: 'predict the cluster FlyteAdmin picks for execution names (bit-exact)',
  usage: `Usage: flyte-mc place --topology FILE (--label L | --project P --domain D [--workflow W]) [--json] NAME...
       flyte-mc place --batch FILE

Predicts FlyteAdmin's placement: explicit label, else the top EXECUTION_CLUSTER_LABEL row from the topology's
executionClusterLabels, then defaultExecutionLabel, then every enabled cluster equally.
  --topology FILE   the flyte-mc.yaml
  --label L         the execution's explicit cluster label (the attribute rows are not consulted)
  --project P --domain D [--workflow W]
                    resolve the label from executionClusterLabels as FlyteAdmin does
  --json            print each decision with its explanation (rule, list, cumulative boundaries, draw)
  --batch FILE      JSON array [{"name": "...", "entries": [{"id": "...", "weight": 0.5}]}] ("-" for stdin);
                    prints the picked ids as a JSON array in the same order
Prints NAME<TAB>CLUSTER per name.
`,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      {
        topology: { type: 'string' },
        label: { type: 'string' },
        project: { type: 'string' },
        domain: { type: 'string' },
        workflow: { type: 'string' },
        json: { type: 'boolean', default: false },
        batch: { type: 'string' },
      },
      true,
    );
    if (values.batch !== undefined) {
      if (values.topology || values.label || values.project || values.domain || values.workflow || positionals.length > 0) {
        throw new UsageError('--batch takes no other flags or names');
      }
      const file = values.batch === '-' ? '<stdin>' : values.batch;
      const cases = parseBatch(await readInput(values.batch), file);
      io.stdout(`${JSON.stringify(placeBatch(cases))}\n`);
      return 0;
    }
    if (!values.topology) throw new UsageError('missing required flag --topology (or --batch)');
    const byLabel = values.label !== undefined;
    const byAttr = values.project !== undefined || values.domain !== undefined || values.workflow !== undefined;
    if (byLabel === byAttr) throw new UsageError('give either --label or --project and --domain');
    if (byAttr && (!values.project || !values.domain)) throw new UsageError('--project and --domain go together');
    if (positionals.length === 0) throw new UsageError('give at least one execution NAME');
    const { selector, resolver } = await loadSelector(values.topology);
    const base = byLabel
      ? { label: values.label! }
      : { project: values.project!, domain: values.domain!, ...(values.workflow ? { workflow: values.workflow } : {}) };
    if (values.json) {
      const out = positionals.map((name) => ({ name, ...selector.place({ name, ...base }, resolver) }));
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    io.stdout(positionals.map((name) => `${name}\t${selector.pick({ name, ...base }, resolver)}\n`).join(''));
    return 0;
  },
};
