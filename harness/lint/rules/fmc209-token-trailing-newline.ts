// The token file is used verbatim as the bearer token; a trailing newline makes every API call fail.
import type { Finding, Rule } from '../types.ts';
import { credentialEntries, finding, placeholderIn } from '../util.ts';

export const tokenTrailingNewline: Rule = {
  code: 'FMC209',
  severity: 'error',
  summary: 'token in the credentials Secret ends with a newline: every call to that cluster fails',
  hint: 'create it without the newline (printf \'%s\', kubectl create secret --from-file of a file without final newline, or YAML |- )',
  ref: ['flyteadmin/pkg/flytek8s/client.go:21-39', 'docs/flyte-behaviour.md#startup'],
  check(input) {
    const out: Finding[] = [];
    for (const { secret: s, entry: e, bytes: b } of credentialEntries(input, 'token')) {
      if ((typeof e.raw === 'string' && placeholderIn(e.raw)) || !b || b.length === 0) continue;
      const last = b[b.length - 1];
      if (last === 0x0a || last === 0x0d) out.push(finding(this, { file: s.file, path: e.path, line: e.line }, `token "${e.key}" ends with a line break; admin sends it verbatim as the bearer token`));
    }
    return out;
  },
};
