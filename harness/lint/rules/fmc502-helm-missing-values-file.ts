// The guide's `values-eks-controlplane.yaml` does not exist in flyte-core; the overlay is values-controlplane.yaml.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { commandLines } from './commands.ts';

const MISSING = new Map([['values-eks-controlplane.yaml', 'values-controlplane.yaml'], ['values-eks-dataplane.yaml', 'values-dataplane.yaml']]);

export const helmMissingValuesFile: Rule = {
  code: 'FMC502',
  severity: 'error',
  summary: 'helm command passes a values file that flyte-core does not ship (the guide\'s values-eks-controlplane.yaml)',
  hint: 'use values-controlplane.yaml together with values-eks.yaml',
  ref: ['docs/deployment/deployment/multicluster.rst:413', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    for (const a of input.commands) {
      for (const cmd of commandLines(a)) {
        if (!cmd.words.includes('helm')) continue;
        for (const w of cmd.words) {
          const file = w.replace(/^(--values=|-f=?)/, '').split('/').pop() ?? '';
          const instead = MISSING.get(file);
          if (instead) out.push(finding(this, { file: a.file, path: '(command)', line: cmd.line }, `${file} is not a flyte-core file; did you mean ${instead}?`));
        }
      }
    }
    return out;
  },
};
