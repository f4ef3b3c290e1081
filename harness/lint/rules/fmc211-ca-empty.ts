// An empty CA file is no error at startup; the system roots are used and calls fail later with x509 errors.
import type { Finding, Rule } from '../types.ts';
import { credentialEntries, finding } from '../util.ts';

export const caEmpty: Rule = {
  code: 'FMC211',
  severity: 'warning',
  summary: 'CA certificate in the credentials Secret is empty: calls fail later with x509 errors',
  hint: 'fill it from the data plane\'s token Secret (.data.ca\\.crt)',
  ref: ['flyteadmin/pkg/flytek8s/client.go:21-39', 'docs/flyte-behaviour.md#startup'],
  check(input) {
    const out: Finding[] = [];
    for (const { secret: s, entry: e, bytes: b } of credentialEntries(input, 'ca')) {
      if (b && b.toString('latin1').trim() === '') out.push(finding(this, { file: s.file, path: e.path, line: e.line }, `CA "${e.key}" is empty`));
    }
    return out;
  },
};
