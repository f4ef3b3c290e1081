// report.html: one self-contained page (inline SVG and CSS, no scripts, no external requests) with, per scenario,
// expected vs observed shares per label, placement per phase (before/after day 2), steps and violations.
import { escapeXml as esc } from './junit.ts';
import type { DistributionRow, ScenarioResult } from './types.ts';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function colorFor(clusters: string[], c: string): string {
  if (c === '(none)') return '#999';
  return PALETTE[clusters.indexOf(c) % PALETTE.length] as string;
}

/** Grouped bars: per (phase, label) group, per cluster an expected bar (hollow) and an observed bar (filled). */
function distributionChart(rows: readonly DistributionRow[], clusters: string[]): string {
  const groups = new Map<string, DistributionRow[]>();
  for (const r of rows) {
    const k = `${r.phase}\u0000${r.label}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const barW = 14;
  const gap = 26;
  const h = 180;
  const top = 20;
  const left = 40;
  let x = left;
  const parts: string[] = [];
  const labels: string[] = [];
  for (const rs of groups.values()) {
    const first = rs[0] as DistributionRow;
    const barsW = rs.length * (2 * barW + 6) - 6;
    const textW = Math.max(first.label.length, first.phase.length) * 6.5;
    const groupW = Math.max(barsW, textW);
    const start = x;
    x += (groupW - barsW) / 2;
    for (const r of rs) {
      const col = colorFor(clusters, r.cluster);
      const eh = r.expected * h;
      const oh = r.observed * h;
      parts.push(`<rect x="${x}" y="${top + h - eh}" width="${barW}" height="${eh}" fill="none" stroke="${col}" stroke-width="2" stroke-dasharray="3 2"><title>${esc(r.cluster)} expected ${(r.expected * 100).toFixed(1)}%</title></rect>`);
      parts.push(`<rect x="${x + barW + 1}" y="${top + h - oh}" width="${barW}" height="${oh}" fill="${col}"><title>${esc(r.cluster)} observed ${(r.observed * 100).toFixed(1)}% (${r.count} executions)</title></rect>`);
      x += 2 * barW + 6;
    }
    const mid = start + groupW / 2;
    const p = first.pValue;
    labels.push(`<text x="${mid}" y="${top + h + 15}" text-anchor="middle" font-size="11" font-weight="600">${esc(first.label)}</text>`);
    labels.push(`<text x="${mid}" y="${top + h + 28}" text-anchor="middle" font-size="10" fill="#555">${esc(first.phase)}</text>`);
    labels.push(`<text x="${mid}" y="${top + h + 41}" text-anchor="middle" font-size="10" fill="${p < 1e-6 ? '#c00' : '#777'}">p = ${p < 1e-4 ? p.toExponential(1) : p.toFixed(3)}</text>`);
    x = start + groupW + gap;
  }
  const w = Math.max(x, 300);
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => `<line x1="${left - 4}" x2="${w}" y1="${top + h - t * h}" y2="${top + h - t * h}" stroke="#e5e5e5"/><text x="${left - 8}" y="${top + h - t * h + 4}" text-anchor="end" font-size="10">${t * 100}%</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${top + h + 50}" viewBox="0 0 ${w} ${top + h + 50}" role="img" aria-label="expected vs observed placement share per label">${axis}${parts.join('')}${labels.join('')}</svg>`;
}

/** One horizontal 100% stacked bar per phase: where that phase's executions went. */
function phaseChart(r: ScenarioResult, clusters: string[]): string {
  const left = Math.max(130, Math.max(0, ...r.phases.map((p) => p.name.length)) * 6.8 + 12);
  const w = left + 390;
  const rowH = 28;
  const parts: string[] = [];
  r.phases.forEach((p, i) => {
    const y = 10 + i * (rowH + 10);
    parts.push(`<text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" font-size="12">${esc(p.name)}</text>`);
    let x = left;
    for (const c of Object.keys(p.byCluster).sort()) {
      const n = p.byCluster[c] as number;
      const cw = p.total ? (n / p.total) * (w - left - 10) : 0;
      parts.push(`<rect x="${x}" y="${y}" width="${cw}" height="${rowH}" fill="${colorFor(clusters, c)}"><title>${esc(c)}: ${n} of ${p.total}</title></rect>`);
      if (cw > 40) parts.push(`<text x="${x + cw / 2}" y="${y + rowH / 2 + 4}" text-anchor="middle" font-size="11" fill="#fff">${((n / p.total) * 100).toFixed(0)}%</text>`);
      x += cw;
    }
  });
  const h = 20 + r.phases.length * (rowH + 10);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="placement per phase">${parts.join('')}</svg>`;
}

function legend(clusters: string[]): string {
  return `<div class="legend">${clusters.map((c) => `<span><i style="background:${colorFor(clusters, c)}"></i>${esc(c)}</span>`).join('')}<span><i class="dash"></i>expected</span></div>`;
}

export function reportHtml(results: readonly ScenarioResult[], meta: { generatedAt: string; command?: string }): string {
  const sections = results.map((r) => {
    const clusters = [...new Set([...Object.keys(r.executions.byCluster), ...r.distribution.map((d) => d.cluster)])].sort();
    const steps = r.steps
      .map((s) => `<tr class="${s.status}"><td>${s.status === 'passed' ? '✓' : s.status === 'failed' ? '✗' : '–'}</td><td>${esc(s.name)}</td><td class="num">${s.ms} ms</td></tr>`)
      .join('');
    const violations = r.violations.length
      ? `<h3>Violations</h3><ul class="violations">${r.violations.map((v) => `<li><b>${esc(v.step)}</b>: ${esc(v.message)}</li>`).join('')}</ul>`
      : '';
    return `<section>
<h2><span class="badge ${r.passed ? 'ok' : 'bad'}">${r.passed ? 'PASSED' : 'FAILED'}</span> ${esc(r.scenario)} <small>on ${esc(r.backend)} with ${esc(r.chart)}, ${Math.round(r.ms)} ms</small></h2>
<p class="facts">${r.executions.total} executions · ${r.executions.failed} failed at creation · ${r.executions.lost} lost · ${r.survival.terminable}/${r.survival.checked} live executions terminable${r.survival.stranded ? ` · <b>${r.survival.stranded} stranded</b>` : ''}</p>
<details><summary>Expectations</summary><ul>${r.expectations.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></details>
${violations}
${legend(clusters)}
${r.distribution.length ? `<h3>Expected vs observed share per label</h3>${distributionChart(r.distribution, clusters)}` : ''}
${r.phases.length ? `<h3>Placement per phase</h3>${phaseChart(r, clusters)}` : ''}
<h3>Steps</h3><table class="steps">${steps}</table>
</section>`;
  });
  const passed = results.filter((r) => r.passed).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flyte-mc run report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{margin-bottom:.2em}section{border-top:1px solid #ddd;padding-top:1em;margin-top:1.5em}
small{color:#666;font-weight:normal}.badge{font-size:12px;padding:2px 8px;border-radius:10px;color:#fff;vertical-align:middle}
.ok{background:#2e7d32}.bad{background:#c62828}.facts{color:#444}
.steps td{padding:1px 8px}.steps tr.failed{color:#c62828}.num{text-align:right;color:#666}
.legend span{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
.legend i.dash{border:2px dashed #555;width:8px;height:8px}.violations li{color:#c62828}
svg{max-width:100%;height:auto;display:block;margin:.5em 0}
</style></head><body>
<h1>flyte-mc run</h1>
<p>${passed} of ${results.length} scenarios passed · generated ${esc(meta.generatedAt)}${meta.command ? ` · <code>${esc(meta.command)}</code>` : ''}</p>
${sections.join('\n')}
</body></html>
`;
}
