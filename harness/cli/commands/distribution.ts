import { checkOutputTarget, writeOutputFile } from '../../fsutil.ts';
import { indexForName, type ListExplanation } from '../../placement/index.ts';
import { namePattern } from '../../placement/names.ts';
import { gTest, type GTestResult } from '../../placement/stats.ts';
import { intFlag, parseFlags, requireFlag, type Command } from '../command.ts';
import { loadSelector } from '../topology-input.ts';

export interface DistributionRow {
  cluster: string;
  configured: number;
  observed: number;
  count: number;
  deviation: number;
}

export interface DistributionReport {
  label: string;
  /** The list actually used (request label, default label, or all enabled clusters). */
  rule: string;
  listLabel: string | null;
  samples: number;
  pattern: string;
  rows: DistributionRow[];
  gTest: GTestResult;
  maxDeviation: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (x: number) => `${(x * 100).toFixed(3)}%`;

/** A self-contained HTML page with an inline SVG bar chart of expected vs observed shares. */
export function distributionHtml(r: DistributionReport): string {
  const barW = 28;
  const gap = 24;
  const h = 220;
  const top = 20;
  const left = 72; // room for the axis label, e.g. "100.000%"
  const max = Math.max(...r.rows.flatMap((x) => [x.configured, x.observed]), 1e-9);
  const groupW = 2 * barW + gap;
  const width = left + 10 + r.rows.length * groupW;
  const y = (v: number) => top + h - (v / max) * h;
  const bars = r.rows
    .map((row, i) => {
      const x = left + 5 + i * groupW;
      return [
        `<rect x="${x}" y="${y(row.configured).toFixed(2)}" width="${barW}" height="${(top + h - y(row.configured)).toFixed(2)}" fill="#9db4d9"><title>expected ${pct(row.configured)}</title></rect>`,
        `<rect x="${x + barW}" y="${y(row.observed).toFixed(2)}" width="${barW}" height="${(top + h - y(row.observed)).toFixed(2)}" fill="#2a5caa"><title>observed ${pct(row.observed)}</title></rect>`,
        `<text x="${x + barW}" y="${top + h + 16}" text-anchor="middle" font-size="12">${esc(row.cluster)}</text>`,
      ].join('');
    })
    .join('\n');
  const rows = r.rows
    .map((x) => `<tr><td>${esc(x.cluster)}</td><td>${pct(x.configured)}</td><td>${pct(x.observed)}</td><td>${x.count}</td><td>${(x.deviation * 100).toFixed(3)} pp</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>flyte-mc distribution: ${esc(r.label)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style>
</head><body>
<h1>Placement distribution for label ${esc(JSON.stringify(r.label))}</h1>
<p>${r.samples} names (${esc(r.pattern)}), list: ${esc(r.listLabel ?? 'all enabled clusters')} (${esc(r.rule)}).
G = ${r.gTest.g.toFixed(3)}, df = ${r.gTest.df}, p = ${r.gTest.pValue.toPrecision(4)}; max deviation ${(r.maxDeviation * 100).toFixed(3)} pp.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + h + 40}" role="img" aria-label="expected vs observed share">
<line x1="${left}" y1="${top + h}" x2="${width}" y2="${top + h}" stroke="#333"/>
<text x="${left - 5}" y="${top + 4}" text-anchor="end" font-size="11">${pct(max)}</text>
<text x="${left - 5}" y="${top + h}" text-anchor="end" font-size="11">0</text>
${bars}
</svg>
<p><span style="color:#9db4d9">■</span> expected (configured) <span style="color:#2a5caa">■</span> observed</p>
<table><tr><th>cluster</th><th>configured</th><th>observed</th><th>count</th><th>deviation</th></tr>
${rows}
</table></body></html>
`;
}

/** Shares each slot owns: (to − from) / total. */
export function configuredShares(list: ListExplanation): number[] {
  return list.entries.map((e) => (e.to - e.from) / list.total);
}

/** Text every report `--html` wrote holds (see distributionHtml): such a file may be replaced. */
const HTML_MARKER = '<title>flyte-mc distribution: ';

export const distributionCommand: Command = {
  name: 'distribution',
  summary: 'sample execution names and compare observed cluster shares with the configured weights',
  usage: `Usage: flyte-mc distribution --topology FILE --label L --samples N [--names PATTERN] [--html FILE] [--json]

Places N generated execution names under label L exactly as FlyteAdmin would and prints, per cluster, the
configured share, the observed share and the deviation, with a G-test p-value and the largest deviation.
  --names PATTERN   name pattern, {i} is the sample index, {i:W} zero-pads it to W digits (default exec-{i})
  --html FILE       also write a self-contained report with a bar chart (expected vs observed)
  --force           let --html replace a file flyte-mc did not write
  --json            print the report as JSON
`,
  async run(args, io) {
    const { values } = parseFlags(args, {
      topology: { type: 'string' },
      label: { type: 'string' },
      samples: { type: 'string' },
      names: { type: 'string', default: 'exec-{i}' },
      html: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    const file = requireFlag(values.topology, 'topology');
    const html = values.html === undefined ? undefined : { flag: '--html', path: values.html, kind: 'file' as const, marker: HTML_MARKER };
    const outputCheck = { inputs: [{ flag: '--topology', path: file }], force: values.force ?? false };
    if (html) await checkOutputTarget(html, outputCheck);
    const label = requireFlag(values.label, 'label');
    const samples = intFlag(requireFlag(values.samples, 'samples'), 'samples', 0, 1, 1e10);
    const pattern = values.names ?? 'exec-{i}';
    const nameOf = namePattern(pattern);
    const { selector } = await loadSelector(file);
    const explanation = { cluster: '', rule: 'request-label' as const, logs: [] as string[] };
    const { list, label: listLabel, rule } = selector.resolveList({ label }, undefined, explanation);
    const counts = new Float64Array(list.slots.length);
    for (let i = 0; i < samples; i++) {
      counts[indexForName(list, nameOf(i))]!++;
      if ((i & 0xfffff) === 0xfffff && io.signal.aborted) throw new Error('interrupted');
    }
    const listEx: ListExplanation = {
      label: listLabel,
      uniform: list.uniform,
      total: list.total,
      entries: list.slots.map((s, i) => ({ id: s.id, weight: s.weight, from: i === 0 ? 0 : list.slots[i - 1]!.cumulative, to: s.cumulative })),
    };
    const shares = configuredShares(listEx);
    const rows: DistributionRow[] = list.slots.map((s, i) => {
      const observed = counts[i]! / samples;
      return { cluster: s.id, configured: shares[i]!, observed, count: counts[i]!, deviation: observed - shares[i]! };
    });
    const report: DistributionReport = {
      label,
      rule,
      listLabel,
      samples,
      pattern,
      rows,
      gTest: gTest([...counts], shares),
      maxDeviation: Math.max(...rows.map((r) => Math.abs(r.deviation))),
    };
    if (html) {
      await writeOutputFile(html, distributionHtml(report), { ...outputCheck, signal: io.signal });
      io.stderr(`wrote ${values.html}\n`);
    }
    if (values.json) {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    for (const line of explanation.logs) io.stderr(`FlyteAdmin would log ${line}\n`);
    const w = Math.max(7, ...rows.map((r) => r.cluster.length));
    const lines = [
      `label ${JSON.stringify(label)} → ${listLabel === null ? 'all enabled clusters' : `list ${JSON.stringify(listLabel)}`} (${rule}), ${samples} names ${pattern}`,
      `${'cluster'.padEnd(w)}  configured    observed       count   deviation`,
      ...rows.map(
        (r) =>
          `${r.cluster.padEnd(w)}  ${pct(r.configured).padStart(10)}  ${pct(r.observed).padStart(10)}  ${String(r.count).padStart(10)}  ${`${(r.deviation * 100).toFixed(3)}pp`.padStart(10)}`,
      ),
      `G-test: G=${report.gTest.g.toFixed(3)} df=${report.gTest.df} p=${report.gTest.pValue.toPrecision(4)}; max deviation ${(report.maxDeviation * 100).toFixed(3)}pp`,
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
