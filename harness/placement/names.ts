// Execution-name patterns for sampling: `{i}` is the sample index, `{i:N}` the index zero-padded to N digits.
import { InputError } from '../errors.ts';

/** Compiles PATTERN into a function of the index; throws InputError when it has no `{i}`. */
export function namePattern(pattern: string): (i: number) => string {
  const parts = pattern.split(/(\{i(?::\d+)?\})/);
  if (parts.length < 3) throw new InputError(`name pattern ${JSON.stringify(pattern)} must contain {i} or {i:WIDTH}`);
  const pieces = parts.map((p) => {
    const m = /^\{i(?::(\d+))?\}$/.exec(p);
    if (!m) return p;
    return m[1] === undefined ? -1 : Number(m[1]);
  });
  if (pieces.length === 3 && typeof pieces[1] === 'number') {
    const [pre, width, post] = pieces as [string, number, string];
    return width < 0 ? (i) => pre + i + post : (i) => pre + String(i).padStart(width, '0') + post;
  }
  return (i) => pieces.map((p) => (typeof p === 'string' ? p : p < 0 ? String(i) : String(i).padStart(p, '0'))).join('');
}
