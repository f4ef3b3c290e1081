// The smallest registrable entities, built by the harness: one container task with an empty interface, a workflow
// with one node running it, and a launch plan for that workflow (same name as the workflow, as the default launch
// plan has, so workflow-level EXECUTION_CLUSTER_LABEL rows on the workflow name apply). Nothing ever runs them:
// the data planes have no propeller, placement only needs FlyteAdmin to create the FlyteWorkflow object.
import type { Flyteidl } from '../../flyte/idl.ts';
import { core } from '../../flyte/idl.ts';

type Id = Flyteidl.core.IIdentifier;

export interface Entities {
  task: Flyteidl.admin.ITaskCreateRequest;
  workflow: Flyteidl.admin.IWorkflowCreateRequest;
  launchPlan: Flyteidl.admin.ILaunchPlanCreateRequest;
  launchPlanId: Id;
  workflowName: string;
}

const EMPTY_INTERFACE = { inputs: { variables: {} }, outputs: { variables: {} } };

export function minimalEntities(project: string, domain: string, workflowName: string, version = 'v1'): Entities {
  const taskId: Id = { resourceType: core.ResourceType.TASK, project, domain, name: `${workflowName}.noop`, version };
  const workflowId: Id = { resourceType: core.ResourceType.WORKFLOW, project, domain, name: workflowName, version };
  const launchPlanId: Id = { resourceType: core.ResourceType.LAUNCH_PLAN, project, domain, name: workflowName, version };
  return {
    workflowName,
    launchPlanId,
    task: {
      id: taskId,
      spec: {
        template: {
          id: taskId,
          type: 'container',
          metadata: { runtime: { type: core.RuntimeMetadata.RuntimeType.OTHER, version: '0.0.0', flavor: 'flyte-mc' }, retries: {} },
          interface: EMPTY_INTERFACE,
          container: { image: 'flyte-mc/noop:never-pulled', command: ['true'], args: [] },
        },
      },
    },
    workflow: {
      id: workflowId,
      spec: {
        template: {
          id: workflowId,
          metadata: {},
          interface: EMPTY_INTERFACE,
          nodes: [{ id: 'n0', metadata: { name: 'noop', retries: {} }, inputs: [], taskNode: { referenceId: taskId } }],
          outputs: [],
        },
      },
    },
    launchPlan: {
      id: launchPlanId,
      spec: { workflowId, defaultInputs: { parameters: {} }, fixedInputs: { literals: {} }, entityMetadata: {} },
    },
  };
}
