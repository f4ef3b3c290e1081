// From the objects `helm template flyte-core-data` rendered for one data plane to what the launcher takes: the
// flyte-propeller-config ConfigMap data, the flytepropeller container's command, its Secret volumes, and the
// propeller RBAC objects (ServiceAccount, ClusterRole, ClusterRoleBinding) that decide what its token may do.
// Only picks objects out of a render (read through harness/flyte, as every rendered pod is); rendering the chart is
// the caller's (the World's data-plane release, or a test).
import type { KubeObject } from '../backends/types.ts';
import { FLYTE_NAMESPACE } from '../constants.ts';
import { findObject } from '../flyte/manifests.ts';
import { argv, configMapsOf, isObj, list, podSpec, secretOf } from '../flyte/pod.ts';
import type { PropellerChartInput } from './config.ts';

export interface PropellerChartObjects {
  input: PropellerChartInput;
  /** ServiceAccount, ClusterRole(s) and ClusterRoleBinding(s) of propeller, to apply to the data plane. */
  rbac: KubeObject[];
}

/** A Secret's files as its volume shows them, decoded. */
function secretFiles(secret: KubeObject | undefined): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [k, v] of Object.entries(isObj(secret?.stringData) ? secret.stringData : {})) files[k] = String(v);
  for (const [k, b64] of Object.entries(isObj(secret?.data) ? secret.data : {})) files[k] = Buffer.from(String(b64), 'base64').toString('utf8');
  return files;
}

export function propellerChartObjects(objects: readonly KubeObject[], deploymentName = 'flytepropeller'): PropellerChartObjects {
  const dep = findObject(objects, 'Deployment', deploymentName);
  if (!dep) throw new Error(`the render has no Deployment ${deploymentName} (is flytepropeller.enabled false?)`);
  const namespace = dep.metadata.namespace ?? FLYTE_NAMESPACE;
  const pod = podSpec(dep);
  const container = pod.containers.find((c) => c.name === 'flytepropeller') ?? pod.containers[0];
  if (!container) throw new Error(`Deployment ${deploymentName} has no container`);
  let configMountPath = '/etc/flyte/config';
  let configMap: Record<string, string> | undefined;
  const secretMounts: Record<string, Record<string, string>> = {};
  for (const m of list(container.volumeMounts)) {
    const v = pod.volumes.find((x) => x.name === m.name);
    if (!v || typeof m.mountPath !== 'string') continue;
    const [cmName] = configMapsOf(v);
    if (cmName !== undefined) {
      const cm = findObject(objects, 'ConfigMap', cmName);
      if (!cm) throw new Error(`ConfigMap ${cmName} mounted by ${deploymentName} is not in the render`);
      configMap = Object.fromEntries(Object.entries(isObj(cm.data) ? cm.data : {}).map(([k, text]) => [k, String(text)]));
      configMountPath = m.mountPath;
    }
    const secret = secretOf(v);
    // Keyed by the mount path as written (a trailing slash kept): config.ts places the files under it.
    if (secret) secretMounts[m.mountPath] = secretFiles(findObject(objects, 'Secret', secret.secretName));
  }
  if (!configMap) throw new Error(`Deployment ${deploymentName} mounts no ConfigMap`);
  const serviceAccount = pod.serviceAccountName;
  const bindings = objects.filter(
    (o) => o.kind === 'ClusterRoleBinding' && list(o.subjects).some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount),
  );
  const roles = objects.filter((o) => o.kind === 'ClusterRole' && bindings.some((b) => isObj(b.roleRef) && b.roleRef.name === o.metadata.name));
  const sa = objects.filter((o) => o.kind === 'ServiceAccount' && o.metadata.name === serviceAccount);
  return {
    input: { configMap, command: argv(container), configMountPath, secretMounts, namespace, serviceAccount },
    rbac: [...sa, ...roles, ...bindings],
  };
}
