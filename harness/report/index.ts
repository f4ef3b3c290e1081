// Writes the run's reports: report.json and report.html into a directory (other files there are left alone; the
// directory's manifest records ours), JUnit XML to a file. Each file is written atomically, never over a user's file.
import { join } from 'node:path';
import { writeOutputFile, writeTreeAtomic } from '../fsutil.ts';
import { reportHtml } from './html.ts';
import { junitXml } from './junit.ts';
import type { ScenarioResult } from './types.ts';

export interface ReportMeta {
  generatedAt?: string;
  command?: string;
}

/** What --report writes into its directory, and the text every JUnit file flyte-mc wrote holds (its marker). */
export const REPORT_FILES = ['report.json', 'report.html'] as const;
export const JUNIT_MARKER = '<testsuites name="flyte-mc run"';

export interface WriteOptions {
  /** Replace files flyte-mc did not write (see checkOutputTarget). */
  force?: boolean;
  signal?: AbortSignal;
}

export function reportJson(results: readonly ScenarioResult[], meta: ReportMeta = {}): string {
  return `${JSON.stringify({ version: 1, generatedAt: meta.generatedAt ?? new Date().toISOString(), command: meta.command, scenarios: results }, null, 2)}\n`;
}

export async function writeReport(dir: string, results: readonly ScenarioResult[], meta: ReportMeta & WriteOptions = {}): Promise<string[]> {
  const m = { generatedAt: meta.generatedAt ?? new Date().toISOString(), command: meta.command };
  // DIR may hold other files (e.g. the JUnit XML): they are kept.
  await writeTreeAtomic(dir, [
    { path: 'report.json', content: reportJson(results, m) },
    { path: 'report.html', content: reportHtml(results, m) },
  ], { force: meta.force ?? false, ...(meta.signal ? { signal: meta.signal } : {}) });
  return [join(dir, 'report.json'), join(dir, 'report.html')];
}

export async function writeJunit(file: string, results: readonly ScenarioResult[], opts: WriteOptions = {}): Promise<void> {
  await writeOutputFile({ flag: '--junit', path: file, kind: 'file', marker: JUNIT_MARKER }, junitXml(results), { force: opts.force ?? false, ...(opts.signal ? { signal: opts.signal } : {}) });
}

export { reportHtml, junitXml };
export type { ScenarioResult, DistributionRow, StepRecord, Violation, PhaseRecord } from './types.ts';
