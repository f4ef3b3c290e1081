import { drawForName, type ClusterSelector } from '../../placement/index.ts';
import { namePattern } from '../../placement/names.ts';
import { intFlag, parseFlags, requireFlag, type Command } from '../command.ts';
import { loadSelector } from '../topology-input.ts';

export interface LabelDiff {
  /** The request label; "" stands for executions with no label (default label, then all enabled clusters). */
  label: string;
  before: { list: string | null; rule: string };
  after: { list: string | null; rule: string };
  samples: number;
  moved: number;
  movedShare: number;
  /** transitions[from][to] = count, from the old cluster to the new one. */
  transitions: Record<string, Record<string, number>>;
}

/** Places the same sampled names under every label with both selectors and counts the moves. */
export function diffPlacements(
  before: ClusterSelector,
  after: ClusterSelector,
  labels: readonly string[],
  samples: number,
  nameOf: (i: number) => string,
): LabelDiff[] {
  return labels.map((label) => {
    const req = label === '' ? {} : { label };
    const b = before.resolveList(req);
    const a = after.resolveList(req);
    const matrix = b.list.slots.map(() => new Float64Array(a.list.slots.length));
    let moved = 0;
    for (let i = 0; i < samples; i++) {
      const u = drawForName(nameOf(i));
      const from = b.list.indexFor(u);
      const to = a.list.indexFor(u);
      matrix[from]![to]!++;
      if (b.list.slots[from]!.id !== a.list.slots[to]!.id) moved++;
    }
    const transitions: Record<string, Record<string, number>> = {};
    b.list.slots.forEach((fs, i) => {
      const row = (transitions[fs.id] ??= {});
      a.list.slots.forEach((ts, j) => {
        const n = matrix[i]![j]!;
        if (n > 0) row[ts.id] = (row[ts.id] ?? 0) + n;
      });
    });
    return {
      label,
      before: { list: b.label, rule: b.rule },
      after: { list: a.label, rule: a.rule },
      samples,
      moved,
      movedShare: moved / samples,
      transitions,
    };
  });
}

function formatDiff(d: LabelDiff): string {
  const title = d.label === '' ? '(no label)' : `label ${JSON.stringify(d.label)}`;
  const via = (s: { list: string | null; rule: string }) => (s.list === null ? 'all enabled clusters' : `list ${JSON.stringify(s.list)}`);
  const froms = Object.keys(d.transitions);
  const tos = [...new Set(froms.flatMap((f) => Object.keys(d.transitions[f]!)))];
  const w = Math.max(8, ...froms.map((f) => f.length));
  const cw = Math.max(9, ...tos.map((t) => t.length));
  const lines = [
    `${title}: ${(d.movedShare * 100).toFixed(3)}% of ${d.samples} names move (${via(d.before)} → ${via(d.after)})`,
    `  ${'old\\new'.padEnd(w)}  ${tos.map((t) => t.padStart(cw)).join('  ')}`,
    ...froms.map((f) => `  ${f.padEnd(w)}  ${tos.map((t) => String(d.transitions[f]![t] ?? 0).padStart(cw)).join('  ')}`),
  ];
  return lines.join('\n');
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'share of executions whose placement a config change (day 2) would move, per label',
  usage: `Usage: flyte-mc diff --before FILE --after FILE [--samples N] [--names PATTERN] [--json]

For a change to clusters or labels (add a cluster, re-weight, rename, disable), places the same N sampled execution
names under every label of either topology, and under no label, before and after, and prints the share that would
land on a different cluster with the transition matrix from old to new cluster.
  --samples N       names per label (default 100000)
  --names PATTERN   name pattern, {i} is the sample index, {i:W} zero-pads it (default exec-{i})
  --json            print the result as JSON
`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      before: { type: 'string' },
      after: { type: 'string' },
      samples: { type: 'string' },
      names: { type: 'string', default: 'exec-{i}' },
      json: { type: 'boolean', default: false },
    });
    const before = await loadSelector(requireFlag(values.before, 'before'));
    const after = await loadSelector(requireFlag(values.after, 'after'));
    const samples = intFlag(values.samples, 'samples', 100_000, 1, 1e9);
    const nameOf = namePattern(values.names ?? 'exec-{i}');
    const labels = [...new Set([...Object.keys(before.topology.labels), ...Object.keys(after.topology.labels)])].sort();
    const diffs = diffPlacements(before.selector, after.selector, ['', ...labels], samples, nameOf);
    if (values.json) {
      io.stdout(`${JSON.stringify(diffs, null, 2)}\n`);
      return 0;
    }
    io.stdout(`${diffs.map(formatDiff).join('\n\n')}\n`);
    return 0;
  },
};
