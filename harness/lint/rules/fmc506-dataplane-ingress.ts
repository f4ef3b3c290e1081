// charts/flyte-core/values-dataplane.yaml does not turn off common.ingress.enabled (values.yaml default true), so a
// data plane gets Ingresses routing to flyteadmin and flyteconsole Services it does not have.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';

export const dataplaneIngress: Rule = {
  code: 'FMC506',
  severity: 'warning',
  summary: 'rendered data plane: an Ingress for flyteadmin/flyteconsole is left on',
  hint: 'set common.ingress.enabled: false in values-dataplane.yaml',
  ref: ['charts/flyte-core/values-dataplane.yaml', 'charts/flyte-core/values.yaml:781-785', 'charts/flyte-core/templates/common/ingress.yaml'],
  check(input) {
    const out: Finding[] = [];
    for (const m of input.manifests) {
      if (!m.propeller || m.admin) continue;
      m.objects.forEach((o, i) => {
        if (o.kind === 'Ingress') out.push(finding(this, { file: m.file, path: `(Ingress ${o.metadata.name})`, line: m.sources[i]?.line }, `Ingress ${o.metadata.name} routes to Services this data plane does not run`));
      });
    }
    return out;
  },
};
