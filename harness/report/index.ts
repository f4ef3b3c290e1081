// Writes the run's reports: report.json and report.html into a directory (other files there are left alone),
// JUnit XML to a file. Each file is written atomically.
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil.ts';
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
  // File by file (each atomic): DIR may hold other files (e.g. the JUnit XML), and may even be ".".
  const files = [join(dir, 'report.json'), join(dir, 'report.html')];
  await writeFileAtomic(files[0] as string, reportJson(results, m));
  await writeFileAtomic(files[1] as string, reportHtml(results, m));
  return files;
}

export async function writeJunit(file: string, results: readonly ScenarioResult[]): Promise<void> {
  await writeFileAtomic(file, junitXml(results));
}

export { reportHtml, junitXml };
export type { ScenarioResult, DistributionRow, StepRecord, Violation, PhaseRecord } from './types.ts';
