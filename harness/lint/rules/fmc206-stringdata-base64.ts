// The guide copies `.data.token` (already base64) and tells you to put it under stringData; the mounted
// file then holds base64 text: the token gives 401s and the CA is not PEM.
import type { Finding, Rule } from '../types.ts';
import { decodeBase64, finding, isPem, placeholderIn, secretEntries } from '../util.ts';

/** A stringData value that is itself base64 of text (a token or PEM): it was copied from `.data` without decoding. */
export function looksDoubleEncoded(raw: string): boolean {
  const s = raw.trim();
  if (s.length < 16 || placeholderIn(s)) return false;
  const b = decodeBase64(s);
  if (!b || b.length === 0) return false;
  if (isPem(b)) return true;
  const text = b.toString('latin1');
  const printable = [...text].filter((ch) => ch >= ' ' && ch <= '~').length;
  return printable / text.length > 0.95;
}

export const stringDataBase64: Rule = {
  code: 'FMC206',
  severity: 'error',
  summary: 'Secret stringData holds base64 text: the mounted file is base64, not the token or PEM',
  hint: 'move the value under data: (it is already base64), or decode it first (base64 -d) for stringData',
  ref: ['docs/deployment/deployment/multicluster.rst:296', 'docs/flyte-behaviour.md#credentials-secret'],
  check(input) {
    const out: Finding[] = [];
    for (const s of input.secrets) {
      for (const e of secretEntries(s)) {
        if (e.section === 'stringData' && typeof e.raw === 'string' && looksDoubleEncoded(e.raw)) {
          out.push(finding(this, { file: s.file, path: e.path, line: e.line }, `stringData "${e.key}" is base64 of ${isPem(decodeBase64(e.raw.trim()) as Buffer) ? 'a PEM certificate' : 'text'}; the pod would read the base64 text`));
        }
      }
    }
    return out;
  },
};
