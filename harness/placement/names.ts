// Execution-name patterns for sampling: `{i}` is the sample index, `{i:N}` the index zero-padded to N digits.
import { UsageError } from '../errors.ts';

/** FlyteAdmin's limit on an execution name (execution_validator.go): a wider field could never be one. */
export const MAX_PATTERN_WIDTH = 63;

/** Compiles PATTERN into a function of the index; throws UsageError when it has no `{i}` or a width above 63. */
export function namePattern(pattern: string): (i: number) => string {
  const parts = pattern.split(/(\{i(?::\d+)?\})/);
  if (parts.length < 3) throw new UsageError(`--names: pattern ${JSON.stringify(pattern)} must contain {i} or {i:WIDTH}`);
  const pieces = parts.map((p) => {
    const m = /^\{i(?::(\d+))?\}$/.exec(p);
    if (!m) return p;
    if (m[1] === undefined) return -1;
    const width = Number(m[1]);
    if (width > MAX_PATTERN_WIDTH) {
      throw new UsageError(`--names: width ${m[1]} in ${JSON.stringify(pattern)} is above ${MAX_PATTERN_WIDTH} (an execution name has at most ${MAX_PATTERN_WIDTH} characters)`);
    }
    return width;
  });
  if (pieces.length === 3 && typeof pieces[1] === 'number') {
    const [pre, width, post] = pieces as [string, number, string];
    return width < 0 ? (i) => pre + i + post : (i) => pre + String(i).padStart(width, '0') + post;
  }
  return (i) => pieces.map((p) => (typeof p === 'string' ? p : p < 0 ? String(i) : String(i).padStart(p, '0'))).join('');
}
