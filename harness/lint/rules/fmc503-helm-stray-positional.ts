// The guide's GCP commands carry a stray positional `values.yaml` and `--create-namespace flyte`; helm
// install/upgrade take exactly RELEASE and CHART, so they fail with "expected at most two arguments".
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { commandLines, positionals } from './commands.ts';

const VALUE_FLAGS = new Set([
  '-n', '--namespace', '-f', '--values', '--set', '--set-string', '--set-file', '--set-json', '--set-literal', '--version',
  '--kube-context', '--kubeconfig', '--timeout', '--repo', '--description', '--post-renderer', '--post-renderer-args',
  '--history-max', '--username', '--password', '--ca-file', '--cert-file', '--key-file', '-o', '--output', '-l', '--labels',
  '--kube-apiserver', '--kube-as-user', '--kube-as-group', '--kube-token', '--registry-config', '--repository-cache', '--repository-config',
]);

export const helmStrayPositional: Rule = {
  code: 'FMC503',
  severity: 'warning',
  summary: 'helm install/upgrade with more than RELEASE and CHART as arguments (e.g. `--create-namespace flyte`)',
  hint: 'pass values files with --values, and the namespace with -n (--create-namespace takes no value)',
  ref: ['docs/deployment/deployment/multicluster.rst:237-240,420', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    for (const a of input.commands) {
      for (const cmd of commandLines(a)) {
        const h = cmd.words.indexOf('helm');
        const sub = cmd.words[h + 1];
        if (h < 0 || (sub !== 'install' && sub !== 'upgrade')) continue;
        const pos = positionals(cmd.words, h + 2, VALUE_FLAGS);
        if (pos.length > 2) {
          out.push(finding(this, { file: a.file, path: '(command)', line: cmd.line }, `helm ${sub} takes RELEASE and CHART, but also got ${pos.slice(2).map((p) => `"${p.word}"`).join(', ')}`));
        }
      }
    }
    return out;
  },
};
