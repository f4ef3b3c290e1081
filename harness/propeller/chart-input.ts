// From the objects `helm template flyte-core-data` rendered for one data plane to what the launcher takes: the
// flyte-propeller-config ConfigMap data, the flytepropeller container's command, its Secret volumes, and the
// propeller RBAC objects (ServiceAccount, ClusterRole, ClusterRoleBinding) that decide what its token may do.
// Only picks objects out of a render; rendering the chart is the caller's (the chart wiring, or a test).
import type { KubeObject } from '../backends/types.ts';
import type { PropellerChartInput } from './config.ts';

export interface PropellerChartObjects {
  input: PropellerChartInput;
  /** ServiceAccount, ClusterRole(s) and ClusterRoleBinding(s) of propeller, to apply to the data plane. */
  rbac: KubeObject[];
}

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
}

export function propellerChartObjects(objects: readonly KubeObject[], deploymentName = 'flytepropeller'): PropellerChartObjects {
  const dep = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === deploymentName);
  if (!dep) throw new Error(`the render has no Deployment ${deploymentName} (is flytepropeller.enabled false?)`);
  const namespace = dep.metadata.namespace ?? 'flyte';
  const pod = (dep.spec as { template: { spec: { serviceAccountName?: string; containers: Container[]; volumes?: Record<string, unknown>[] } } }).template.spec;
  const container = pod.containers.find((c) => c.name === 'flytepropeller') ?? pod.containers[0];
  if (!container) throw new Error(`Deployment ${deploymentName} has no container`);
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name as string, v]));
  let configMountPath = '/etc/flyte/config';
  let configMap: Record<string, string> | undefined;
  const secretMounts: Record<string, Record<string, string>> = {};
  for (const m of container.volumeMounts ?? []) {
    const v = volumes.get(m.name) as { configMap?: { name: string }; projected?: { sources: { configMap?: { name: string } }[] }; secret?: { secretName: string } } | undefined;
    const cmName = v?.configMap?.name ?? v?.projected?.sources.find((s) => s.configMap)?.configMap?.name;
    if (cmName) {
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === cmName);
      if (!cm) throw new Error(`ConfigMap ${cmName} mounted by ${deploymentName} is not in the render`);
      configMap = { ...((cm.data as Record<string, string> | undefined) ?? {}) };
      configMountPath = m.mountPath;
    }
    if (v?.secret) {
      const s = objects.find((o) => o.kind === 'Secret' && o.metadata.name === v.secret?.secretName);
      const files: Record<string, string> = { ...((s?.stringData as Record<string, string> | undefined) ?? {}) };
      for (const [k, b64] of Object.entries((s?.data as Record<string, string> | undefined) ?? {})) files[k] = Buffer.from(b64, 'base64').toString('utf8');
      secretMounts[m.mountPath] = files;
    }
  }
  if (!configMap) throw new Error(`Deployment ${deploymentName} mounts no ConfigMap`);
  const serviceAccount = pod.serviceAccountName ?? 'default';
  const bindings = objects.filter(
    (o) => o.kind === 'ClusterRoleBinding' && ((o.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount),
  );
  const roles = objects.filter((o) => o.kind === 'ClusterRole' && bindings.some((b) => (b.roleRef as { name: string }).name === o.metadata.name));
  const sa = objects.filter((o) => o.kind === 'ServiceAccount' && o.metadata.name === serviceAccount);
  return {
    input: { configMap, command: [...(container.command ?? []), ...(container.args ?? [])], configMountPath, secretMounts, namespace, serviceAccount },
    rbac: [...sa, ...roles, ...bindings],
  };
}
