// An operation as Heat's convergence engine runs it: a traversal of phases,
// each a graph of nodes (one resource action each) that may run once the
// nodes they require have settled. Both schedulers (one process, PostgreSQL
// workers) run these same phases; only where the nodes wait and who runs
// them differ.
import type { ResourceRecord } from '@hearth/store';
import type { Plan } from './plan.ts';

/** What one node does to its resource. */
export type Work = 'create' | 'update' | 'replace' | 'unchanged' | 'delete' | 'check' | 'suspend' | 'resume' | 'adopt' | 'forget';

/**
 * create, then rollback (deleting all) when it fails; delete; update (the
 * plan's creates, updates and replacements), then cleanup (deleting what was
 * replaced or removed), or rollback-update and rollback-cleanup to the
 * previous template when either fails; check; suspend (in the order of a
 * deletion) and resume (in the order of a create), which never roll back;
 * adopt (a create that takes existing objects), whose rollback (rollback-adopt)
 * forgets the resources and keeps their objects, as Heat's abandon does.
 */
export type PhaseKind =
  | 'adopt'
  | 'rollback-adopt'
  | 'create'
  | 'rollback'
  | 'delete'
  | 'update'
  | 'cleanup'
  | 'rollback-update'
  | 'rollback-cleanup'
  | 'check'
  | 'suspend'
  | 'resume';

export const PHASE_KINDS: readonly PhaseKind[] = [
  'create',
  'adopt',
  'rollback-adopt',
  'rollback',
  'delete',
  'update',
  'cleanup',
  'rollback-update',
  'rollback-cleanup',
  'check',
  'suspend',
  'resume',
];

/**
 * Why a phase stopped, beyond a resource's failure:
 * - cancelled: Heat's cancel_update; the stack rolls back to its previous template;
 * - cancelled without rollback: the stack fails at once, actions running finish;
 * - timed out: the stack's timeout_mins passed;
 * - stopped: interrupted from outside (a delete of the stack, its parent stopping);
 * - superseded: a new update takes over the stack (it starts once this one has stopped).
 * Running actions are aborted, except after a cancel without rollback.
 */
export type StopReason = 'cancelled' | 'cancelled without rollback' | 'timed out' | 'stopped' | 'superseded';

export const STOP_REASONS: readonly StopReason[] = ['cancelled', 'cancelled without rollback', 'timed out', 'stopped', 'superseded'];

/** Whether the stop aborts the actions running when it comes. */
export function abortsRunning(reason: StopReason): boolean {
  return reason !== 'cancelled without rollback';
}

export interface PhaseNode {
  key: string;
  resourceId: number;
  work: Work;
  /** Keys of the nodes of the same phase this one waits for. */
  requires: string[];
}

/** The phases that run the previous template (a rollback of an update): they share that template's analysis. */
export function runsPreviousTemplate(kind: PhaseKind): boolean {
  return kind === 'rollback-update' || kind === 'rollback-cleanup';
}

/** The resource action a node's work is, in Heat's words. */
export function actionOf(work: Work): 'CREATE' | 'UPDATE' | 'DELETE' | 'CHECK' | 'SUSPEND' | 'RESUME' | 'ADOPT' {
  switch (work) {
    case 'adopt':
      return 'ADOPT';
    case 'forget':
      return 'DELETE';
    case 'suspend':
      return 'SUSPEND';
    case 'resume':
      return 'RESUME';
    case 'delete':
      return 'DELETE';
    case 'update':
      return 'UPDATE';
    case 'check':
      return 'CHECK';
    default:
      return 'CREATE';
  }
}

/** A resource that is not a replaced generation (the one the stack has now, by its name). */
export function isCurrent(r: ResourceRecord): boolean {
  return r.replacedBy === null;
}

/**
 * The order of a deletion, keyed by resource id: each resource waits for the
 * deletion of every resource that requires it.
 */
export function deletionWaits(live: ResourceRecord[]): Map<string, Set<string>> {
  const names = new Map<string, ResourceRecord[]>();
  for (const r of live) names.set(r.name, [...(names.get(r.name) ?? []), r]);
  const waitsFor = new Map<string, Set<string>>(live.map((r) => [String(r.id), new Set<string>()]));
  for (const r of live) {
    for (const dep of r.requires) for (const target of names.get(dep) ?? []) waitsFor.get(String(target.id))!.add(String(r.id));
  }
  return waitsFor;
}

/** A create's (or an adopt's) nodes: every resource of the new stack, after the ones it requires. */
export function creationNodes(records: ResourceRecord[], work: 'create' | 'adopt' = 'create'): PhaseNode[] {
  return records.map((r) => ({ key: r.name, resourceId: r.id, work, requires: [...r.requires] }));
}

/** A deletion's nodes (delete, rollback of a create, cleanups): in reverse dependency order. */
export function deletionNodes(live: ResourceRecord[]): PhaseNode[] {
  const waits = deletionWaits(live);
  return live.map((r) => ({ key: String(r.id), resourceId: r.id, work: 'delete', requires: [...waits.get(String(r.id))!] }));
}

/** A failed adopt's rollback: each resource forgotten (its object kept), in the order of a deletion. */
export function forgetNodes(live: ResourceRecord[]): PhaseNode[] {
  return deletionNodes(live).map((n) => ({ ...n, work: 'forget' }));
}

/** A check's nodes: every current resource, all at once. */
export function checkNodes(live: ResourceRecord[]): PhaseNode[] {
  return live.map((r) => ({ key: String(r.id), resourceId: r.id, work: 'check', requires: [] }));
}

/** A suspend's nodes (Heat suspends in reverse dependency order, as it deletes). */
export function suspendNodes(live: ResourceRecord[]): PhaseNode[] {
  return deletionNodes(live).map((n) => ({ ...n, work: 'suspend' }));
}

/** A resume's nodes: each resource after the ones it requires, as a create. */
export function resumeNodes(live: ResourceRecord[]): PhaseNode[] {
  const ids = new Map(live.map((r) => [r.name, String(r.id)]));
  return live.map((r) => ({
    key: String(r.id),
    resourceId: r.id,
    work: 'resume',
    requires: r.requires.flatMap((name) => (ids.has(name) ? [ids.get(name)!] : [])),
  }));
}

/** An update's nodes: the plan's creates, updates and replacements in dependency order (`rows`: each resource's row by name). */
export function updateNodes(plan: Plan, rows: ReadonlyMap<string, ResourceRecord>): PhaseNode[] {
  return plan.changes
    .filter((c) => c.action !== 'delete' && c.action !== 'retain')
    .map((c) => ({ key: c.resource, resourceId: rows.get(c.resource)!.id, work: c.action as Work, requires: c.requires }));
}
