// The steps of one stack operation and what each waits for, as Heat orders
// them: a create follows the workflow; a delete runs it backwards (a
// resource goes once everything that uses it has gone); an update creates,
// updates and replaces in the workflow's order (a replacement is a new copy
// that what depends on it is then updated to use) and cleans up old copies
// and removed resources at the end, backwards.
import type { Wait, Workflow } from './workflow.ts';

export type Operation = 'create' | 'update' | 'delete';
/** What a step does to its resource (`unchanged`: an update leaves it as it is). */
export type StepAction = 'create' | 'update' | 'replace' | 'delete' | 'unchanged';

export interface Step {
  /** The resource name, or `cleanup:<name>` for an update's removal of an old copy. */
  id: string;
  resource: string;
  type: string;
  action: StepAction;
  /** Steps that must finish before this one starts (`on` holds their ids). */
  after: Wait[];
  /** A wait condition's senders: it finishes once `signalsNeeded` of them have. */
  signalledBy: Wait[];
  signalsNeeded: number;
  /** An update's cleanup runs once every other step is done. */
  phase: 'main' | 'cleanup';
}

/** For an update: what the plan does to each resource (those of the template and those it removes). */
export interface PlannedActions {
  /** Resources of the new template: create, update, replace or unchanged. */
  actions: ReadonlyMap<string, StepAction>;
  /** Resources only the stack has, that the update deletes: name → type. */
  removed: ReadonlyMap<string, string>;
}

export const CLEANUP = 'cleanup:';

export function createSteps(workflow: Workflow): Step[] {
  return workflow.resources.map((r) => ({
    id: r.name,
    resource: r.name,
    type: r.type,
    action: 'create',
    after: r.waits,
    signalledBy: r.signalledBy,
    signalsNeeded: r.signalsNeeded,
    phase: 'main',
  }));
}

/** Everything that waits for a resource must be deleted before it. */
export function deleteSteps(workflow: Workflow): Step[] {
  const users = new Map<string, Wait[]>();
  for (const r of workflow.resources)
    for (const w of r.waits) {
      const list = users.get(w.on) ?? [];
      list.push({ resource: w.on, on: r.name, kind: w.kind, reason: `${r.name} uses it (${w.reason})` });
      users.set(w.on, list);
    }
  return workflow.resources.map((r) => ({
    id: r.name,
    resource: r.name,
    type: r.type,
    action: 'delete',
    after: users.get(r.name) ?? [],
    signalledBy: [],
    signalsNeeded: 0,
    phase: 'main',
  }));
}

/**
 * An update: the template's resources in the workflow's order, each doing
 * what the plan says; then the cleanup (old copies of replaced resources,
 * removed resources) once every forward step is done, old copies in reverse
 * order of the workflow.
 */
export function updateSteps(workflow: Workflow, plan: PlannedActions): Step[] {
  const forward: Step[] = workflow.resources.map((r) => {
    const action = plan.actions.get(r.name) ?? 'create';
    return {
      id: r.name,
      resource: r.name,
      type: r.type,
      action,
      after: r.waits,
      // A wait condition left as it is does not wait for its signals again.
      signalledBy: action === 'unchanged' ? [] : r.signalledBy,
      signalsNeeded: action === 'unchanged' ? 0 : r.signalsNeeded,
      phase: 'main',
    };
  });
  const replaced = forward.filter((s) => s.action === 'replace').map((s) => s.resource);
  const replacedSet = new Set(replaced);
  const cleanups: Step[] = [];
  for (const name of replaced) {
    const id = `${CLEANUP}${name}`;
    // The old copy goes after the old copies of what used it.
    const users = workflow.resources
      .filter((r) => replacedSet.has(r.name) && r.waits.some((w) => w.on === name))
      .map((r) => ({ resource: id, on: `${CLEANUP}${r.name}`, kind: 'depends_on' as const, reason: `the old ${r.name} used it` }));
    cleanups.push({
      id,
      resource: name,
      type: workflow.byName.get(name)?.type ?? '',
      action: 'delete',
      after: users,
      signalledBy: [],
      signalsNeeded: 0,
      phase: 'cleanup',
    });
  }
  for (const [name, type] of plan.removed) {
    const id = `${CLEANUP}${name}`;
    cleanups.push({
      id,
      resource: name,
      type,
      action: 'delete',
      after: [],
      signalledBy: [],
      signalsNeeded: 0,
      phase: 'cleanup',
    });
  }
  return [...forward, ...cleanups];
}
