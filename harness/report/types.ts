// The result of one scenario run: what report.json, report.html and the JUnit file are made from.

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepRecord {
  name: string;
  status: StepStatus;
  ms: number;
  detail?: string;
}

export interface Violation {
  step: string;
  message: string;
}

export interface DistributionRow {
  /** The label whose list placed these executions; '(all enabled)' for the equal-weighted fallback. */
  label: string;
  cluster: string;
  /** Configured share (weight / total). */
  expected: number;
  /** Observed share. */
  observed: number;
  count: number;
  /** G-test p-value of the label's whole row set (same value on each of its rows). */
  pValue: number;
  /** Which phase of the scenario (e.g. 'before day 2'). */
  phase: string;
}

export interface PhaseRecord {
  name: string;
  /** Executions created in this phase, per stored cluster ('' = creation failed). */
  byCluster: Record<string, number>;
  total: number;
}

export interface ScenarioResult {
  scenario: string;
  backend: string;
  /** The flyte-core chart the releases were rendered with, or the built-in chart model. */
  chart: string;
  passed: boolean;
  expectations: string[];
  steps: StepRecord[];
  executions: { total: number; lost: number; failed: number; byCluster: Record<string, number>; byLabel: Record<string, Record<string, number>> };
  distribution: DistributionRow[];
  phases: PhaseRecord[];
  survival: { checked: number; terminable: number; stranded: number };
  violations: Violation[];
  ms: number;
  error?: string;
  /** Stopped by Ctrl-C (or a closed output pipe) before it finished: neither passed nor a failure of the deployment. */
  interrupted?: boolean;
}

