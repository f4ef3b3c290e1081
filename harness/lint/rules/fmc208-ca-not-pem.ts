// A CA file that is not PEM (e.g. base64 left undecoded) is rejected when admin builds the clients: it exits.
import type { Finding, Rule } from '../types.ts';
import { credentialEntries, finding, isPem, placeholderIn } from '../util.ts';
import { looksDoubleEncoded } from './fmc206-stringdata-base64.ts';

export const caNotPem: Rule = {
  code: 'FMC208',
  severity: 'error',
  summary: 'CA certificate in the credentials Secret does not decode to PEM',
  hint: 'use the service-account-token Secret\'s .data.ca\\.crt as is under data: (it is base64 of the PEM)',
  ref: ['flyteadmin/pkg/flytek8s/client.go:21-39', 'docs/flyte-behaviour.md#startup', 'docs/flyte-behaviour.md#credentials-secret'],
  check(input) {
    const out: Finding[] = [];
    for (const { secret: s, entry: e, bytes: b } of credentialEntries(input, 'ca')) {
      if (typeof e.raw !== 'string' || placeholderIn(e.raw)) continue;
      if (e.section === 'stringData' && looksDoubleEncoded(e.raw)) continue; // FMC206
      if (!b || b.length === 0 || isPem(b)) continue;
      out.push(finding(this, { file: s.file, path: e.path, line: e.line }, `"${e.key}" is a CA for FlyteAdmin but is not a PEM certificate; admin fails building that cluster's client`));
    }
    return out;
  },
};
