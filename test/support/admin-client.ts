// Registration through AdminService from TypeScript (the model's gRPC API, compiled by propeller): one task and a
// one-node workflow with its launch plan, enough to create executions.
import { core } from '../../harness/flyte/idl.ts';
import type { AdminClient } from '../../harness/tiers/real-admin/client.ts';

/** Registers task `<workflow>.t`, workflow `workflow` and its launch plan (version v1); returns the launch plan id. */
export async function registerWorkflow(client: AdminClient, project: string, domain: string, workflow: string) {
  const id = (resourceType: number, name: string) => ({ resourceType, project, domain, name, version: 'v1' });
  const intVar = { type: { simple: core.SimpleType.INTEGER } };
  const iface = { inputs: { variables: {} }, outputs: { variables: { o0: intVar } } };
  const taskId = id(core.ResourceType.TASK, `${workflow}.t`);
  await client.service.createTask({ id: taskId, spec: { template: { id: taskId, type: 'python-task', interface: iface, container: { image: 'img', args: ['run'] } } } });
  const wfId = id(core.ResourceType.WORKFLOW, workflow);
  await client.service.createWorkflow({
    id: wfId,
    spec: { template: { id: wfId, interface: iface, nodes: [{ id: 'n0', taskNode: { referenceId: taskId } }], outputs: [{ var: 'o0', binding: { promise: { nodeId: 'n0', var: 'o0' } } }] } },
  });
  const lpId = id(core.ResourceType.LAUNCH_PLAN, workflow);
  await client.service.createLaunchPlan({ id: lpId, spec: { workflowId: wfId } });
  return lpId;
}
