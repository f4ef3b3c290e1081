// Flyteadmin must mount Secret cluster-credentials at /var/run/credentials (additionalVolumes and
// additionalVolumeMounts); syncresources hard-codes the same name and path.
import type { Finding, Rule } from '../types.ts';
import { CREDENTIALS_MOUNT, CREDENTIALS_SECRET, clustersOf, finding, getIn, isObj, keyLine, lastSet } from '../util.ts';

export const credentialsVolume: Rule = {
  code: 'FMC202',
  severity: 'error',
  summary: 'flyteadmin does not mount Secret cluster-credentials at /var/run/credentials',
  hint: 'flyteadmin.additionalVolumes: [{name: cluster-credentials, secret: {secretName: cluster-credentials}}] and additionalVolumeMounts: [{name: cluster-credentials, mountPath: /var/run/credentials}]',
  ref: ['charts/flyte-core/templates/clusterresourcesync/deployment.yaml:68-71,86-90', 'charts/flyte-core/templates/admin/deployment.yaml:194,234', 'docs/flyte-behaviour.md#chart-credentials'],
  check(input) {
    const c = clustersOf(input);
    if (!c || c.d.base[0] !== 'configmap' || !c.d.config.clusterConfigs.some((x) => !x.inCluster)) return [];
    const out: Finding[] = [];
    const vols = lastSet(input.values, ['flyteadmin', 'additionalVolumes']);
    const mounts = lastSet(input.values, ['flyteadmin', 'additionalVolumeMounts']);
    const volList = Array.isArray(vols?.value) ? (vols.value as unknown[]) : [];
    const mountList = Array.isArray(mounts?.value) ? (mounts.value as unknown[]) : [];
    const here = (a: typeof vols, p: (string | number)[]) => {
      const art = a?.artifact ?? c.artifact;
      return { file: art.file, path: p, line: keyLine(art.doc, p) ?? art.doc.source?.lineOf(['flyteadmin']) };
    };
    const volIdx = volList.findIndex((v) => isObj(v) && getIn(v, ['secret', 'secretName']) === CREDENTIALS_SECRET);
    if (volIdx < 0) {
      const wrong = volList.findIndex((v) => isObj(v) && isObj(v.secret));
      if (wrong >= 0) {
        const name = String(getIn(volList[wrong], ['secret', 'secretName']));
        out.push(finding(this, here(vols, ['flyteadmin', 'additionalVolumes', wrong, 'secret', 'secretName']), `volume uses Secret "${name}"; the chart's syncresources always mounts "${CREDENTIALS_SECRET}", so both must use that name`));
      } else {
        out.push(finding(this, here(vols, ['flyteadmin', 'additionalVolumes']), `no volume from Secret "${CREDENTIALS_SECRET}" in flyteadmin.additionalVolumes: admin cannot read the cluster tokens`));
      }
    }
    const volName = volIdx >= 0 ? (getIn(volList[volIdx], ['name']) as unknown) : CREDENTIALS_SECRET;
    const mountIdx = mountList.findIndex((m) => isObj(m) && m.name === volName);
    if (mountIdx < 0) {
      out.push(finding(this, here(mounts, ['flyteadmin', 'additionalVolumeMounts']), `no mount of volume "${String(volName)}" in flyteadmin.additionalVolumeMounts`));
    } else if (getIn(mountList[mountIdx], ['mountPath']) !== CREDENTIALS_MOUNT) {
      const p = ['flyteadmin', 'additionalVolumeMounts', mountIdx, 'mountPath'];
      out.push(finding(this, here(mounts, p), `volume "${String(volName)}" is mounted at "${String(getIn(mountList[mountIdx], ['mountPath']))}"; syncresources reads ${CREDENTIALS_MOUNT}`));
    }
    return out;
  },
};
