// `flytectl update execution-cluster-label` ignores -p, -d and positional arguments; only the file counts.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { commandLines, positionals } from './commands.ts';

const VALUE_FLAGS = new Set(['--attrFile', '-p', '--project', '-d', '--domain', '-c', '--config', '-o', '--output', '--admin.endpoint']);

export const flytectlUpdateIgnoredArgs: Rule = {
  code: 'FMC504',
  severity: 'warning',
  summary: '`flytectl update execution-cluster-label` ignores -p, -d and the workflow argument: only --attrFile counts',
  hint: 'put project, domain and workflow in the attribute file and pass only --attrFile',
  ref: ['flytectl/cmd/update/matchable_execution_cluster_label.go:52-74', 'docs/deployment/deployment/multicluster.rst:506-509', 'docs/flyte-behaviour.md#ecl-files'],
  check(input) {
    const out: Finding[] = [];
    for (const a of input.commands) {
      for (const cmd of commandLines(a)) {
        const i = cmd.words.indexOf('flytectl');
        if (i < 0 || cmd.words[i + 1] !== 'update' || cmd.words[i + 2] !== 'execution-cluster-label') continue;
        const ignored = [
          ...cmd.words.slice(i + 3).filter((w) => /^(-p|--project|-d|--domain)(=|$)/.test(w)),
          ...positionals(cmd.words, i + 3, VALUE_FLAGS).map((p) => p.word),
        ];
        if (ignored.length > 0) out.push(finding(this, { file: a.file, path: '(command)', line: cmd.line }, `ignored by update: ${ignored.map((w) => `"${w}"`).join(', ')}`));
      }
    }
    return out;
  },
};
