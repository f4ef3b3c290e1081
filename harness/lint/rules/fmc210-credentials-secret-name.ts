// The chart's syncresources mounts a Secret hard-coded as cluster-credentials; the guide's day-2
// Secret also has metadata.name mis-indented.
import type { Finding, Rule } from '../types.ts';
import { CREDENTIALS_SECRET, finding, getIn, isObj, keyLine, secretName } from '../util.ts';

export const credentialsSecretName: Rule = {
  code: 'FMC210',
  severity: 'error',
  summary: 'the credentials Secret is not named cluster-credentials (or metadata.name is not nested under metadata)',
  hint: 'metadata: {name: cluster-credentials, namespace: flyte}; the chart hard-codes the name',
  ref: ['charts/flyte-core/templates/clusterresourcesync/deployment.yaml:86-90', 'docs/deployment/deployment/multicluster.rst:611-621', 'docs/flyte-behaviour.md#chart-credentials'],
  check(input) {
    const out: Finding[] = [];
    for (const s of input.secrets) {
      if (s.kind !== 'secret') continue;
      const name = secretName(s);
      if (name === CREDENTIALS_SECRET) continue;
      const data = s.doc.data;
      if (name === undefined) {
        const stray = isObj(data) && 'name' in data ? ' (a top-level "name" key: metadata is mis-indented)' : '';
        const p = isObj(data) && 'name' in data ? ['name'] : ['metadata'];
        out.push(finding(this, { file: s.file, path: p, line: keyLine(s.doc, p) ?? 1 }, `Secret has no metadata.name${stray}; kubectl apply rejects it`));
      } else {
        const p = ['metadata', 'name'];
        const ns = getIn(data, ['metadata', 'namespace']);
        out.push(finding(this, { file: s.file, path: p, line: keyLine(s.doc, p) }, `Secret is named "${name}"${typeof ns === 'string' ? ` in ${ns}` : ''}; syncresources only mounts "${CREDENTIALS_SECRET}"`));
      }
    }
    return out;
  },
};
