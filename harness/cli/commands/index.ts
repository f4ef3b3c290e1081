// The explicit list of sub-commands, in the order `flyte-mc help` shows them. Each command's module is imported
// only when that command runs (or its usage is asked for), so `flyte-mc place` never loads the AWS SDK or
// testcontainers: start-up costs what the command uses.
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  /** One line for `flyte-mc help`; a unit test keeps it equal to the command's own summary. */
  summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'init', summary: "write a starter flyte-mc.yaml (the guide's example, corrected)", load: async () => (await import('./init.ts')).initCommand },
  { name: 'render', summary: 'write every artifact of the multicluster guide for a topology', load: async () => (await import('./render.ts')).renderCommand },
  { name: 'lint', summary: 'check values, Secret, ECL files and trust policies for the multi-cluster footguns', load: async () => (await import('./lint.ts')).lintCommand },
  {
    name: 'inspect',
    summary: 'what FlyteAdmin and propeller will run with after the chart renders these values',
    load: async () => (await import('./inspect.ts')).inspectCommand,
  },
  { name: 'schema', summary: 'print the JSON Schema of flyte-mc.yaml (for editors)', load: async () => (await import('./schema.ts')).schemaCommand },
  { name: 'place', summary: 'predict the cluster FlyteAdmin picks for execution names (bit-exact)', load: async () => (await import('./place.ts')).placeCommand },
  {
    name: 'distribution',
    summary: 'sample execution names and compare observed cluster shares with the configured weights',
    load: async () => (await import('./distribution.ts')).distributionCommand,
  },
  { name: 'diff', summary: 'share of executions whose placement a config change (day 2) would move, per label', load: async () => (await import('./diff.ts')).diffCommand },
  {
    name: 'iam',
    summary: "plan/apply the guide's IAM policy, roles and OIDC providers; check a token against a trust policy",
    load: async () => (await import('./iam.ts')).iamCommand,
  },
  {
    name: 'run',
    summary: 'run scenarios (the guide, day 2, drains, rotations, real-world reports) against a backend',
    load: async () => (await import('./run.ts')).runCommand,
  },
  {
    name: 'up',
    summary: "start a control plane and N data planes and serve FlyteAdmin's API to real clients (flytekit) until Ctrl-C",
    load: async () => (await import('./up.ts')).upCommand,
  },
];
