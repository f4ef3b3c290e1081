// Flytectl parses attribute files with UnmarshalStrict; an unknown key is an error.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';
import { eclRow } from './ecl.ts';

export const eclUnknownKey: Rule = {
  code: 'FMC302',
  severity: 'error',
  summary: 'ECL file has a key flytectl does not know: `flytectl update` rejects the file',
  hint: 'an execution-cluster-label file has only project, domain, workflow and value',
  ref: ['flytectl/cmd/config/subcommand/matchable_attr_file_config_utils.go:38-47', 'docs/flyte-behaviour.md#ecl-files'],
  check(input) {
    const out: Finding[] = [];
    for (const a of input.ecl) {
      for (const k of eclRow(a).unknown) out.push(finding(this, { file: a.file, path: [k.key], line: k.line }, `unknown field "${k.key}"`));
    }
    return out;
  },
};
