import { open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { AdminError } from '../../admin/attributes.ts';
import { validateExecutionName } from '../../admin/model.ts';
import { InputError, UsageError, unreadableFile, type InputLocation } from '../../errors.ts';
import { PlacementError, WeightedListCache, drawForName, indexForName, type PlacementRequest, type WeightedItem } from '../../placement/index.ts';
import { parseFlags, type Command, type Io } from '../command.ts';
import { loadSelector } from '../topology-input.ts';

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
    for (let j = 0; j < entries.length; j++) {
      const e: unknown = entries[j];
      const where = at(`.entries[${j}]`);
      if (typeof e !== 'object' || e === null) throw new InputError(`element ${i}: entry ${j} must be an object`, where);
      const { id, weight } = e as Record<string, unknown>;
      if (typeof id !== 'string') throw new InputError(`element ${i}: entry ${j}: id must be a string`, where);
      if (typeof weight !== 'number') throw new InputError(`element ${i}: entry ${j}: weight must be a number`, where);
    }
    // Validated in place: the parsed objects are the cases (extra keys are ignored, as the Go oracle ignores them).
    return el as BatchCase;
  });
}

/**
 * What Flyte's weighted list picks per case, or {error} where NewWeightedRandom refuses the entries. Each distinct
 * entry list is built once (WeightedListCache), so a batch with one list per label costs one build per label.
 */
export function placeBatch(cases: readonly BatchCase[]): (string | { error: string })[] {
  const cache = new WeightedListCache();
  return cases.map((c) => {
    const list = cache.get(c.entries);
    if (list instanceof PlacementError) return { error: list.message };
    return list.pick(drawForName(c.name));
  });
}

/** Longest input line --names holds while looking for its end: FlyteAdmin's names have at most 63 characters. */
const MAX_LINE = 4096;
/** Output is written in blocks of about this many characters. */
const BLOCK = 1 << 16;

/**
 * Refuses a name FlyteAdmin's CreateExecution would reject (validateExecutionName), and first any name that would
 * break the NAME<TAB>CLUSTER line format, with a message that quotes it (so a tab or newline stays visible).
 */
export function checkName(name: string, where: InputLocation): void {
  if (name === '') throw new InputError('empty execution name (FlyteAdmin requires one matching ^[a-z][a-z0-9-]*$)', where);
  if (/[\t\n\r]/.test(name)) {
    throw new InputError(`execution name ${JSON.stringify(name)} holds a tab or line break, which would break the NAME<TAB>CLUSTER output (and FlyteAdmin refuses it)`, where);
  }
  try {
    validateExecutionName(name);
  } catch (err) {
    if (!(err instanceof AdminError)) throw err;
    throw new InputError(`FlyteAdmin refuses this name: ${err.message.replace(name, JSON.stringify(name))}`, where);
  }
}

/** Opens FILE (or takes stdin for "-") before anything is written, so a missing file is exit 2 with no output. */
async function openNames(file: string): Promise<Readable> {
  if (file === '-') return process.stdin;
  try {
    const handle = await open(file, 'r');
    const st = await handle.stat();
    if (st.isDirectory()) {
      await handle.close();
      throw new InputError('is a directory, not a file of names', { file });
    }
    return handle.createReadStream({ highWaterMark: BLOCK });
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw unreadableFile(err, file);
  }
}

/**
 * Places one name per input line as it reads (constant memory), writing NAME<TAB>CLUSTER lines (or one JSON object
 * per line) in blocks and waiting for stdout to drain when it is full. A trailing "\r" is dropped (CRLF files); the
 * first bad name stops the run with its line number; every line already written is complete and correct.
 */
async function streamNames(input: Readable, file: string, place: (name: string) => string, io: Io): Promise<void> {
  const label = file === '-' ? '<stdin>' : file;
  input.setEncoding('utf8');
  let pending = '';
  let lineNo = 0;
  let out = '';
  const flush = async () => {
    if (out === '') return;
    const ok = io.stdout(out);
    out = '';
    if (ok === false && io.drain) await io.drain();
  };
  const one = (line: string) => {
    lineNo++;
    const name = line.endsWith('\r') ? line.slice(0, -1) : line;
    checkName(name, { file: label, line: lineNo });
    out += place(name);
  };
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
        const piece = chunk.slice(start, nl);
        one(pending === '' ? piece : pending + piece);
        pending = '';
        start = nl + 1;
      }
      pending += chunk.slice(start);
      if (pending.length > MAX_LINE) throw new InputError(`line ${lineNo + 1} is longer than ${MAX_LINE} characters (no execution name is)`, { file: label, line: lineNo + 1 });
      if (out.length >= BLOCK) await flush();
      if (io.signal.aborted) throw new Error('interrupted');
    }
    if (pending !== '') one(pending);
    await flush();
  } catch (err) {
    // The names before the bad line were placed correctly: they are written, then the error ends the run.
    if (err instanceof InputError) await flush();
    throw err;
  } finally {
    input.destroy();
  }
}

export const placeCommand: Command = {
  name: 'place',
  summary: 'predict the cluster FlyteAdmin picks for execution names (bit-exact)',
  usage: `Usage: flyte-mc place --topology FILE (--label L | --project P --domain D [--workflow W]) [--json] NAME...
       flyte-mc place --topology FILE (--label L | --project P --domain D [--workflow W]) [--json] --names FILE|-
       flyte-mc place --batch FILE|-

Predicts FlyteAdmin's placement: explicit label, else the top EXECUTION_CLUSTER_LABEL row from the topology's
executionClusterLabels, then defaultExecutionLabel, then every enabled cluster equally.
  --topology FILE   the flyte-mc.yaml
  --label L         the execution's explicit cluster label (the attribute rows are not consulted)
  --project P --domain D [--workflow W]
                    resolve the label from executionClusterLabels as FlyteAdmin does
  --names FILE|-    read one name per line (a trailing CR is dropped) and print as it goes, in constant memory
  --json            print each decision with its explanation (rule, list, cumulative boundaries, draw): a JSON
                    array for NAME..., one JSON object per line with --names
  --batch FILE      JSON array [{"name": "...", "entries": [{"id": "...", "weight": 0.5}]}] ("-" for stdin);
                    prints the picked ids as a JSON array in the same order (the weighted list alone: names are
                    any string, as GetWithSeed takes them)
Prints NAME<TAB>CLUSTER per name. Names must be ones FlyteAdmin accepts (lower-cased, ^[a-z][a-z0-9-]*$, at most 63
characters); any other, or an empty one, is refused with its line (or argument) number, exit 2.
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
        names: { type: 'string' },
        batch: { type: 'string' },
      },
      true,
    );
    if (values.batch !== undefined) {
      if (values.topology || values.label || values.project || values.domain || values.workflow || values.names !== undefined || positionals.length > 0) {
        throw new UsageError('--batch takes no other flags or names');
      }
      const file = values.batch === '-' ? '<stdin>' : values.batch;
      const text = await readInput(values.batch).catch((err: unknown) => {
        throw unreadableFile(err, file);
      });
      io.stdout(`${JSON.stringify(placeBatch(parseBatch(text, file)))}\n`);
      return 0;
    }
    if (!values.topology) throw new UsageError('missing required flag --topology (or --batch)');
    const byLabel = values.label !== undefined;
    const byAttr = values.project !== undefined || values.domain !== undefined || values.workflow !== undefined;
    if (byLabel === byAttr) throw new UsageError('give either --label or --project and --domain');
    if (byAttr && (!values.project || !values.domain)) throw new UsageError('--project and --domain go together');
    if (values.names !== undefined && positionals.length > 0) throw new UsageError('give names as arguments or with --names, not both');
    if (values.names === undefined && positionals.length === 0) throw new UsageError('give at least one execution NAME (or --names FILE)');
    if (values.names === '') throw new UsageError('--names needs a file, or "-" for stdin');
    positionals.forEach((name, i) => checkName(name, { path: `NAME argument ${i + 1}` }));
    const { selector, resolver } = await loadSelector(values.topology);
    const base: Omit<PlacementRequest, 'name'> = byLabel
      ? { label: values.label! }
      : { project: values.project!, domain: values.domain!, ...(values.workflow ? { workflow: values.workflow } : {}) };

    if (values.names !== undefined) {
      const input = await openNames(values.names);
      let place: (name: string) => string;
      if (values.json) place = (name) => `${JSON.stringify({ name, ...selector.place({ name, ...base }, resolver) })}\n`;
      else if (selector.inCluster) place = (name) => `${name}\t${selector.pick({ name, ...base }, resolver)}\n`;
      else {
        // The list depends on the label sources only, never on the name: resolve it once.
        const { list } = selector.resolveList(base, resolver);
        const suffixes = list.slots.map((s) => `\t${s.id}\n`);
        place = (name) => name + suffixes[indexForName(list, name)]!;
      }
      await streamNames(input, values.names, place, io);
      return 0;
    }
    if (values.json) {
      const out = positionals.map((name) => ({ name, ...selector.place({ name, ...base }, resolver) }));
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    io.stdout(positionals.map((name) => `${name}\t${selector.pick({ name, ...base }, resolver)}\n`).join(''));
    return 0;
  },
};
