// Values under `data:` must be base64; the API server rejects anything else.
import type { Finding, Rule } from '../types.ts';
import { decodeBase64, finding, placeholderIn, secretEntries } from '../util.ts';

export const dataNotBase64: Rule = {
  code: 'FMC207',
  severity: 'error',
  summary: 'Secret data value is not valid base64',
  hint: 'put base64 under data: (kubectl get secret ... -o jsonpath=\'{.data.token}\' prints it), or the raw value under stringData:',
  ref: ['docs/flyte-behaviour.md#credentials-secret'],
  check(input) {
    const out: Finding[] = [];
    for (const s of input.secrets) {
      for (const e of secretEntries(s)) {
        if (e.section !== 'data' || e.raw === null) continue;
        if (typeof e.raw === 'string' && (placeholderIn(e.raw) || decodeBase64(e.raw))) continue;
        out.push(finding(this, { file: s.file, path: e.path, line: e.line }, `data "${e.key}" is not base64${typeof e.raw === 'string' ? '' : ` (a ${Array.isArray(e.raw) ? 'list' : typeof e.raw})`}`));
      }
    }
    return out;
  },
};
