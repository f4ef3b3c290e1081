// In a data plane propeller must reach the control plane's FlyteAdmin (events) and datacatalog; the chart's
// defaults flyteadmin:81 and datacatalog:89 (charts/flyte-core/values.yaml configmap.admin, configmap.catalog) name
// Services that exist only in the control plane's cluster.
import type { Finding, Rule } from '../types.ts';
import { finding } from '../util.ts';

const DEFAULTS = { admin: 'flyteadmin:81', catalog: 'datacatalog:89' };

export const dataplanePropellerDefaultEndpoints: Rule = {
  code: 'FMC505',
  severity: 'error',
  summary: 'rendered data plane: propeller still points at the in-cluster flyteadmin:81 or datacatalog:89',
  hint: 'set configmap.admin.admin.endpoint to the control plane\'s ingress (host:443) and configmap.catalog.catalog-cache.endpoint to its datacatalog in values-dataplane.yaml',
  ref: ['charts/flyte-core/values.yaml:1048-1064', 'docs/deployment/deployment/multicluster.rst:205-215'],
  check(input) {
    const out: Finding[] = [];
    for (const m of input.manifests) {
      if (!m.propeller?.ok || m.admin) continue; // a control plane running workflows has flyteadmin:81 in reach
      const p = m.propeller.propeller;
      const line = m.sources[m.objects.findIndex((o) => o.kind === 'ConfigMap' && o.metadata.name === 'flyte-propeller-config')]?.line;
      if (p.adminEndpoint === DEFAULTS.admin) out.push(finding(this, { file: m.file, path: '(flyte-propeller-config admin.yaml).admin.endpoint', line }, `propeller sends events to ${DEFAULTS.admin}, which no data plane serves: workflows never leave Ready`));
      if (p.catalogEndpoint === DEFAULTS.catalog) out.push(finding(this, { file: m.file, path: '(flyte-propeller-config catalog.yaml).catalog-cache.endpoint', line }, `propeller looks up cached outputs at ${DEFAULTS.catalog}, which no data plane serves`));
    }
    return out;
  },
};
