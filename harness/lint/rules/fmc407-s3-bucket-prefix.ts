// Guide prerequisites: `arn:aws:s3:::<bucket>*` also grants every bucket whose name starts with the same text.
import type { Finding, Rule } from '../types.ts';
import { finding, isObj, lineIn } from '../util.ts';

export const s3BucketPrefix: Rule = {
  code: 'FMC407',
  severity: 'warning',
  summary: 'S3 resource with `*` right after the bucket name: matches other buckets with the same prefix',
  hint: 'use arn:aws:s3:::BUCKET and arn:aws:s3:::BUCKET/*',
  ref: ['docs/deployment/deployment/multicluster.rst:60-61', 'docs/flyte-behaviour.md#guide-differences'],
  check(input) {
    const out: Finding[] = [];
    for (const p of input.policies) {
      const st = isObj(p.doc.data) ? p.doc.data.Statement : undefined;
      const list = Array.isArray(st) ? st : isObj(st) ? [st] : [];
      list.forEach((s, i) => {
        if (!isObj(s)) return;
        const res = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        res.forEach((r, j) => {
          if (typeof r !== 'string' || !/^arn:aws:s3:::[^/*]+\*/.test(r)) return;
          const path = Array.isArray(st) ? ['Statement', i, 'Resource'] : ['Statement', 'Resource'];
          const full = Array.isArray(s.Resource) ? [...path, j] : path;
          out.push(finding(this, { file: p.file, path: full, line: lineIn(p.doc, full) }, `"${r}" also matches buckets named like "${r.slice('arn:aws:s3:::'.length).split('*')[0]}-other"`));
        });
      });
    }
    return out;
  },
};
