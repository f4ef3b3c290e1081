// No template reads flyteadmin.initContainerClusterSyncAdditionalVolumeMounts.
import type { Finding, Rule } from '../types.ts';
import { finding, getIn, keyLine } from '../util.ts';

const PATH = ['flyteadmin', 'initContainerClusterSyncAdditionalVolumeMounts'];

export const deadInitContainerKey: Rule = {
  code: 'FMC203',
  severity: 'warning',
  summary: '`flyteadmin.initContainerClusterSyncAdditionalVolumeMounts` is read by no chart template',
  hint: 'delete it: the sync init container reuses flyteadmin.additionalVolumeMounts (when labelClusterMap is non-empty)',
  ref: ['docs/deployment/deployment/multicluster.rst:351-353', 'charts/flyte-core/templates/admin/deployment.yaml:115-119', 'docs/flyte-behaviour.md#chart-credentials'],
  check(input) {
    const out: Finding[] = [];
    for (const v of input.values) {
      if (getIn(v.doc.data, PATH) !== undefined) out.push(finding(this, { file: v.file, path: PATH, line: keyLine(v.doc, PATH) }, 'this key has no effect (it only ever existed in the docs)'));
    }
    return out;
  },
};
