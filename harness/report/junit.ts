// JUnit XML for CI systems: one testsuite per scenario, one testcase per step, violations as failures.
import type { ScenarioResult } from './types.ts';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

export function junitXml(results: readonly ScenarioResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const tests = results.reduce((n, r) => n + Math.max(1, r.steps.length), 0);
  const failures = results.reduce((n, r) => n + (r.passed ? 0 : Math.max(1, r.steps.filter((s) => s.status === 'failed').length)), 0);
  const time = results.reduce((t, r) => t + r.ms, 0) / 1000;
  out.push(`<testsuites name="flyte-mc run" tests="${tests}" failures="${failures}" time="${time.toFixed(3)}">`);
  for (const r of results) {
    const failedSteps = r.steps.filter((s) => s.status === 'failed');
    out.push(
      `  <testsuite name="${escapeXml(r.scenario)}" tests="${Math.max(1, r.steps.length)}" failures="${r.passed ? 0 : Math.max(1, failedSteps.length)}" time="${(r.ms / 1000).toFixed(3)}">`,
    );
    out.push(`    <properties><property name="backend" value="${escapeXml(r.backend)}"/><property name="chart" value="${escapeXml(r.chart)}"/><property name="executions" value="${r.executions.total}"/></properties>`);
    if (r.steps.length === 0) {
      out.push(`    <testcase classname="${escapeXml(r.scenario)}" name="(setup)" time="${(r.ms / 1000).toFixed(3)}">`);
      if (!r.passed) out.push(`      <failure message="${escapeXml(r.error ?? 'failed')}"/>`);
      out.push('    </testcase>');
    }
    for (const s of r.steps) {
      out.push(`    <testcase classname="${escapeXml(r.scenario)}" name="${escapeXml(s.name)}" time="${(s.ms / 1000).toFixed(3)}">`);
      if (s.status === 'failed') {
        const msgs = r.violations.filter((v) => v.step === s.name).map((v) => v.message);
        if (s.detail) msgs.push(s.detail);
        const text = msgs.join('\n') || 'step failed';
        out.push(`      <failure message="${escapeXml(msgs[0] ?? 'step failed')}">${escapeXml(text)}</failure>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
