// COMMANDS.md and commands.sh checked for content, independently of the golden file: the guide's order of steps,
// each command's flags, and file names that are the files render wrote and the keys FlyteAdmin reads.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { render } from '../../../harness/render/index.ts';
import { parseTopology, starterTopologyYaml } from '../../../harness/topology/index.ts';

const t = parseTopology(starterTopologyYaml({ dataPlanes: 3 }));
const files = new Map(render(t).map((f) => [f.path, f.content]));
const script = files.get('commands.sh')!;
const markdown = files.get('COMMANDS.md')!;
/** Command lines of the script (continuations joined), without comments, set-up and helper bodies. */
const commands = script
  .replace(/\\\n\s*/g, '')
  .split('\n')
  .filter((l) => /^(eksctl|aws|helm|kubectl|flytectl) /.test(l));
const index = (re: RegExp) => {
  const i = commands.findIndex((c) => re.test(c));
  expect(i, String(re)).toBeGreaterThanOrEqual(0);
  return i;
};
const ctx = (cluster: string) => `"$${cluster.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CONTEXT"`;
const dataPlanes = ['dataplane_1', 'dataplane_2', 'dataplane_3'];

describe('commands.sh', () => {
  it('follows the guide\'s order: IAM, then each data plane (install, token Secret), then credentials, control plane, labels', () => {
    const steps = [...script.matchAll(/^step "(\d+)\. ([^"]+)"$/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(steps.map(([n]) => n)).toEqual(steps.map((_, i) => i + 1));
    expect(steps.map(([, s]) => s)).toEqual([
      'IAM: OIDC providers',
      'IAM: permissions policy and the two roles',
      ...dataPlanes.map((dp) => `Data plane ${dp}: install flyte-core and create the flyteadmin token Secret`),
      'Control plane: the cluster-credentials Secret',
      'Control plane: install or upgrade flyte-core with the clusters config',
      'Execution cluster labels',
    ]);
    const roles = index(/^aws iam create-role --role-name flyte-dataplane-role /);
    const credentials = index(/create secret generic cluster-credentials/);
    const controlPlane = index(/^helm upgrade --install flyte-core "\$CHART"/);
    for (const dp of dataPlanes) {
      const install = index(new RegExp(`^helm upgrade --install flyte-core-data .*dataplanes/${dp}/values-dataplane\\.yaml$`));
      const secret = index(new RegExp(`^kubectl --context ${ctx(dp).replace(/\$/g, '\\$')} apply -f dataplanes/${dp}/token-secret\\.yaml$`));
      expect(roles).toBeLessThan(install);
      expect(install).toBeLessThan(secret);
      expect(secret).toBeLessThan(credentials);
    }
    expect(credentials).toBeLessThan(controlPlane);
    expect(controlPlane).toBeLessThan(index(/^flytectl update execution-cluster-label /));
    expect(index(/^aws iam create-policy /)).toBeLessThan(index(/^aws iam attach-role-policy --role-name flyte-controlplane-role /));
  });

  it('passes each command the flags it needs: contexts, namespace, values files with the override last', () => {
    for (const dp of dataPlanes) {
      const c = commands[index(new RegExp(`dataplanes/${dp}/values-dataplane\\.yaml$`))]!;
      expect(c).toBe(`helm upgrade --install flyte-core-data "$CHART" --kube-context ${ctx(dp)} -n flyte --create-namespace --values "$CLOUD_VALUES" --values dataplanes/${dp}/values-dataplane.yaml`);
    }
    expect(commands[index(/^helm upgrade --install flyte-core "\$CHART"/)]).toBe(
      `helm upgrade --install flyte-core "$CHART" --kube-context ${ctx('controlplane')} -n flyte --create-namespace --values "$CLOUD_VALUES" --values controlplane/values-controlplane.yaml --values controlplane/values-override.yaml`,
    );
    for (const c of commands.filter((c) => c.startsWith('eksctl '))) expect(c).toMatch(/ --region us-east-2 --approve$/);
    for (const c of commands.filter((c) => c.startsWith('flytectl '))) expect(c).toMatch(/^flytectl update execution-cluster-label --attrFile ecl\/\S+\.yaml --force$/);
    expect(script).toMatch(/^set -euo pipefail$/m);
  });

  it('names only files render wrote, every ECL file once in order, and the Secret keys values-override.yaml mounts', () => {
    const named = commands.flatMap((c) => [...c.matchAll(/(?:file:\/\/|-f |--values |--attrFile )([\w./-]+\.(?:json|yaml))/g)].map((m) => m[1]!));
    for (const f of named) expect(files.has(f), f).toBe(true);
    const ecl = [...files.keys()].filter((f) => f.startsWith('ecl/'));
    expect(commands.filter((c) => c.startsWith('flytectl ')).map((c) => /--attrFile (\S+)/.exec(c)![1])).toEqual(ecl);
    const credentialKeys = [...commands[index(/create secret generic cluster-credentials/)]!.matchAll(/--from-file=(\w+)=/g)].map((m) => m[1]);
    const override = parse(files.get('controlplane/values-override.yaml')!) as { configmap: { clusters: { clusterConfigs: { auth: { tokenPath: string; certPath: string } }[] } } };
    const mounted = override.configmap.clusters.clusterConfigs.flatMap((c) => [c.auth.tokenPath, c.auth.certPath]).map((p) => p.replace('/var/run/credentials/', ''));
    expect(credentialKeys).toEqual(mounted);
    // token_field reads the Secret each data plane's token-secret.yaml creates.
    for (const dp of dataPlanes) {
      const secret = (parse(files.get(`dataplanes/${dp}/token-secret.yaml`)!) as { metadata: { name: string } }).metadata.name;
      expect(commands[index(/create secret generic cluster-credentials/)]).toContain(`--from-file=${dp}_token=<(token_field ${ctx(dp)} ${secret} token)`);
    }
  });
});

describe('COMMANDS.md', () => {
  it('has the same numbered steps and, in its sh blocks, exactly the commands of commands.sh', () => {
    const headings = [...markdown.matchAll(/^## (\d+\. .+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([...script.matchAll(/^step "([^"]+)"$/gm)].map((m) => m[1]));
    const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    const mdCommands = blocks.replace(/\\\n\s*/g, '').split('\n').filter((l) => /^(eksctl|aws|helm|kubectl|flytectl) /.test(l));
    expect(mdCommands).toEqual(commands);
  });
});
