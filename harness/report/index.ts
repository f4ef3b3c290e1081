// Writes the run's reports: report.json and report.html into a directory, JUnit XML to a file. Atomic writes.
import { join } from 'node:path';
import { writeFileAtomic, writeTreeAtomic } from '../fsutil.ts';
import { reportHtml } from './html.ts';
import { junitXml } from './junit.ts';
import type { ScenarioResult } from './types.ts';

export interface ReportMeta {
  generatedAt?: string;
  command?: string;
}

export function reportJson(results: readonly ScenarioResult[], meta: ReportMeta = {}): string {
  return `${JSON.stringify({ version: 1, generatedAt: meta.generatedAt ?? new Date().toISOString(), command: meta.command, scenarios: results }, null, 2)}\n`;
}

export async function writeReport(dir: string, results: readonly ScenarioResult[], meta: ReportMeta = {}): Promise<string[]> {
  const m = { generatedAt: meta.generatedAt ?? new Date().toISOString(), command: meta.command };
  await writeTreeAtomic(dir, [
    { path: 'report.json', content: reportJson(results, m) },
    { path: 'report.html', content: reportHtml(results, m) },
  ]);
  return [join(dir, 'report.json'), join(dir, 'report.html')];
}

export async function writeJunit(file: string, results: readonly ScenarioResult[]): Promise<void> {
  await writeFileAtomic(file, junitXml(results));
}

export { reportHtml, junitXml };
export type { ScenarioResult, DistributionRow, StepRecord, Violation, PhaseRecord } from './types.ts';
