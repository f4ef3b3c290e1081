// Placeholders such as `<your-dataplane1-token>` copied from the guide and never filled in.
import type { Doc, Finding, Rule } from '../types.ts';
import { finding, isObj, lineIn, placeholderIn } from '../util.ts';
import { commandLines } from './commands.ts';

function walk(doc: Doc, v: unknown, path: (string | number)[], out: { path: (string | number)[]; value: string }[]): void {
  if (typeof v === 'string') {
    if (placeholderIn(v)) out.push({ path, value: v });
  } else if (Array.isArray(v)) v.forEach((x, i) => walk(doc, x, [...path, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) walk(doc, x, [...path, k], out);
}

const STRICT = /(?<![<\w])<[A-Za-z][A-Za-z0-9_.-]*>/;

export const placeholder: Rule = {
  code: 'FMC901',
  severity: 'warning',
  summary: 'a `<...>` placeholder is still in the file',
  hint: 'fill in the real value (flyte-mc render with a backend fills endpoints and credentials)',
  ref: ['docs/deployment/deployment/multicluster.rst:307-330', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    for (const a of input.all) {
      if (a.kind === 'commands') {
        for (const cmd of commandLines(a)) {
          const m = STRICT.exec(cmd.text);
          if (m) out.push(finding(this, { file: a.file, path: '(command)', line: cmd.line }, `placeholder ${m[0]} in a command`));
        }
        continue;
      }
      for (const doc of a.docs) {
        const hits: { path: (string | number)[]; value: string }[] = [];
        walk(doc, doc.data, [], hits);
        for (const h of hits) out.push(finding(this, { file: a.file, path: h.path, line: lineIn(doc, h.path) }, `placeholder ${placeholderIn(h.value)} left in`));
      }
    }
    return out;
  },
};
