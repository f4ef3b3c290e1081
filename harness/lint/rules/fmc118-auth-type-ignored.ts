// The Auth struct has no `type`; non-strict config ignores the docs' `type: "file_path"`.
import type { Rule } from '../types.ts';
import { clustersOf, finding } from '../util.ts';

export function isAuthType(path: string): boolean {
  return /\.auth\.type$/i.test(path);
}

export const authTypeIgnored: Rule = {
  code: 'FMC118',
  severity: 'info',
  summary: '`auth.type` is not a FlyteAdmin field and is ignored',
  hint: 'delete auth.type; admin always reads tokenPath and certPath',
  ref: ['flyteadmin/pkg/runtime/interfaces/cluster_configuration.go:12-51', 'docs/deployment/deployment/multicluster.rst:365', 'docs/flyte-behaviour.md#clusters-config'],
  check(input) {
    const c = clustersOf(input);
    if (!c) return [];
    return c.d.ignoredKeys.filter((k) => isAuthType(k.path)).map((k) => finding(this, { file: c.artifact.file, path: k.path, line: k.line }, `"${k.key}" is ignored (the docs' type: "file_path" has no effect)`));
  },
};
