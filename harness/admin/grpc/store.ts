// The model's executions table as FlyteAdmin's event handlers see it. FlyteAdmin stores the full
// WorkflowExecution.Phase enum; the model's table keeps six phases, so the phases it lacks live here:
// UNDEFINED (created, no event yet; shown QUEUED), SUCCEEDING and FAILING (shown RUNNING), TIMED_OUT (shown FAILED).
// What the model itself sets (ABORTING from TerminateExecution, terminal phases) wins over the detail kept here.
import type { FlyteAdmin } from '../model.ts';
import type { Phase } from '../executions.ts';
import type { ExecutionKey, ExecutionStore, WorkflowPhase } from './events.ts';

const SHOWN: Record<WorkflowPhase, Phase> = {
  UNDEFINED: 'QUEUED',
  QUEUED: 'QUEUED',
  RUNNING: 'RUNNING',
  SUCCEEDING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILING: 'RUNNING',
  FAILED: 'FAILED',
  ABORTED: 'ABORTED',
  TIMED_OUT: 'FAILED',
  ABORTING: 'ABORTING',
};

export function modelExecutionStore(model: FlyteAdmin): ExecutionStore {
  const detail = new Map<string, WorkflowPhase>();
  const row = (id: ExecutionKey): number | undefined => {
    const i = model.executions.index(id.name);
    if (i === undefined) return undefined;
    const r = model.executions.at(i);
    return r.project === id.project && r.domain === id.domain ? i : undefined;
  };
  return {
    lookup(id) {
      const i = row(id);
      if (i === undefined) return undefined;
      const shown = model.executions.phaseAt(i);
      const d = detail.get(id.name);
      const phase: WorkflowPhase = d !== undefined && SHOWN[d] === shown ? d : shown === 'QUEUED' ? 'UNDEFINED' : shown;
      return { cluster: model.executions.clusterAt(i), phase };
    },
    setPhase(id, phase) {
      const i = row(id);
      if (i === undefined) return;
      detail.set(id.name, phase);
      model.executions.setPhase(i, SHOWN[phase]);
    },
  };
}
