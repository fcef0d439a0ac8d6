// One call from a template's analysis to the schedule of an operation on it.
import type { Analysis } from '@hearth/template';
import type { Estimator } from './estimates.ts';
import { createSteps, deleteSteps, updateSteps, type Operation, type PlannedActions, type Step } from './steps.ts';
import { timeSteps, type Schedule, type TimingOptions } from './timing.ts';
import { workflowOf, type Workflow } from './workflow.ts';

export interface ScheduleRequest extends TimingOptions {
  operation?: Operation;
  estimate: Estimator;
  /** For an update: what the plan does to each resource. */
  plan?: PlannedActions;
}

/**
 * The steps of an operation on a workflow. Without a plan they are kept with the workflow and given
 * again (the same array, not to be changed): a running stack's view is computed again at each batch
 * of its events, and its timing keeps what it derives from them (see `timeSteps`).
 */
export function stepsOf(workflow: Workflow, operation: Operation, plan?: PlannedActions): readonly Step[] {
  if (plan) return makeSteps(workflow, operation, plan);
  let byOperation = keptSteps.get(workflow);
  if (!byOperation) keptSteps.set(workflow, (byOperation = new Map()));
  let steps = byOperation.get(operation);
  if (!steps) byOperation.set(operation, (steps = makeSteps(workflow, operation)));
  return steps;
}

const keptSteps = new WeakMap<Workflow, Map<Operation, readonly Step[]>>();

function makeSteps(workflow: Workflow, operation: Operation, plan?: PlannedActions): Step[] {
  if (operation === 'delete') return deleteSteps(workflow);
  if (operation === 'update') return updateSteps(workflow, plan ?? { actions: new Map(), removed: new Map() });
  return createSteps(workflow);
}

export function scheduleOf(source: Analysis | Workflow, request: ScheduleRequest): Schedule & { workflow: Workflow } {
  const workflow = 'byName' in source ? source : workflowOf(source);
  const { operation = 'create', estimate, plan, ...timing } = request;
  return { ...timeSteps(stepsOf(workflow, operation, plan), estimate, timing), workflow };
}
