// What a stack becomes as a phase of its operation goes: Heat's lifecycle
// as one pure table. Both schedulers ask it; no scheduler decides a stack's
// state by itself.
//
// Two moments write the stack's state, as in Heat's convergence engine:
// - the phase's first trouble (a resource failed, or the operation was
//   stopped): the stack fails at once (mark_failed), while actions already
//   running may still finish;
// - the phase's end, once every node has settled: complete, or the
//   rollback that follows a failure, and the phase that runs next.
import { REASON } from '../states.ts';
import type { PhaseKind, StopReason } from './phases.ts';

export type StackAction = 'CREATE' | 'UPDATE' | 'DELETE' | 'ROLLBACK' | 'CHECK' | 'SUSPEND' | 'RESUME' | 'ADOPT';

/** How a phase ended: the first resource failure (Heat's reason), and why it stopped, if it was stopped. */
export interface PhaseOutcome {
  failure: string | null;
  stop: StopReason | null;
}

/** A phase's first trouble: a resource's failure, or a stop. */
export type Trouble = { failure: string } | { stop: StopReason };

export interface TransitionOptions {
  /** The stack's disable_rollback. */
  disableRollback: boolean;
  /** The engine is shutting down: a failed operation stays failed. */
  stopping: boolean;
}

/** What a state write carries beside the state. */
export type StateEffect =
  /** The outputs, resolved now. */
  | 'outputs'
  /** The stack is gone (DELETE_COMPLETE). */
  | 'deleted'
  /** The update is over: the template it replaced is forgotten. */
  | 'forget-previous'
  /** An adopt is over: the data it adopted from is forgotten. */
  | 'forget-adopt-data'
  /** The rollback of an update begins: the stack takes back the template it had. */
  | 'restore-previous';

export interface StateWrite {
  action: StackAction;
  status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';
  reason: string;
  effects: StateEffect[];
}

export interface Transition {
  writes: StateWrite[];
  /** The phase that runs next, or null: the operation is over. */
  next: PhaseKind | null;
}

const write = (action: StackAction, status: StateWrite['status'], reason: string, ...effects: StateEffect[]): StateWrite => ({
  action,
  status,
  reason,
  effects,
});

/** The stack's action while a phase of this kind runs. */
export function actionDuring(kind: PhaseKind): StackAction {
  switch (kind) {
    case 'create':
      return 'CREATE';
    case 'adopt':
      return 'ADOPT';
    case 'update':
    case 'cleanup':
      return 'UPDATE';
    case 'delete':
      return 'DELETE';
    case 'check':
      return 'CHECK';
    case 'suspend':
      return 'SUSPEND';
    case 'resume':
      return 'RESUME';
    default:
      return 'ROLLBACK';
  }
}

/** The action a failed resource of a phase was doing, as Heat names it in "Resource X failed". */
function failedActionIn(kind: PhaseKind): StackAction {
  return kind === 'rollback' ? 'DELETE' : actionDuring(kind);
}

/**
 * The stack's state when a phase first meets trouble: it fails at once with
 * the first resource failure, or with why it was stopped. A cancel that
 * rolls back writes nothing now (the stack goes straight to ROLLBACK, as
 * Heat's cancel_update does), nor does an update superseded by another.
 */
export function onTrouble(kind: PhaseKind, trouble: Trouble): StateWrite[] {
  const action = actionDuring(kind);
  if ('failure' in trouble) return [write(action, 'FAILED', REASON.resourceFailed(failedActionIn(kind), trouble.failure))];
  switch (trouble.stop) {
    case 'cancelled':
    case 'superseded':
      return [];
    case 'timed out':
      return [write(action, 'FAILED', REASON.timedOut(action))];
    case 'cancelled without rollback':
    case 'stopped':
      return [write(action, 'FAILED', REASON.cancelled(action))];
  }
}

function succeeded(outcome: PhaseOutcome): boolean {
  return outcome.failure === null && outcome.stop === null;
}

/**
 * Whether a failed create or update rolls back: unless disable_rollback or
 * the engine is stopping; always after a cancel that asks for it; never
 * after a cancel without rollback, a stop, or an update that took over.
 */
function rollsBack(outcome: PhaseOutcome, options: TransitionOptions): boolean {
  if (options.stopping) return false;
  if (outcome.stop === 'cancelled') return true;
  if (outcome.stop !== null && outcome.stop !== 'timed out') return false;
  return !options.disableRollback;
}

/** What the stack becomes when every node of the phase has settled, and what runs next. */
export function afterPhase(kind: PhaseKind, outcome: PhaseOutcome, options: TransitionOptions): Transition {
  const end: Transition = { writes: [], next: null };
  if (!succeeded(outcome)) {
    // The failure was written when it happened: what is left is the rollback, if any.
    if ((kind === 'create' || kind === 'adopt' || kind === 'update' || kind === 'cleanup') && rollsBack(outcome, options)) {
      // heat/engine/stack.py adopt: a failed adopt is rolled back as an abandon (the objects stay).
      if (kind === 'adopt') return { writes: [write('ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'))], next: 'rollback-adopt' };
      return kind === 'create'
        ? { writes: [write('ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'))], next: 'rollback' }
        : { writes: [write('ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'), 'restore-previous')], next: 'rollback-update' };
    }
    return end;
  }
  switch (kind) {
    case 'create':
      return { writes: [write('CREATE', 'COMPLETE', REASON.stackCompleted('CREATE'), 'outputs')], next: null };
    case 'adopt':
      return { writes: [write('ADOPT', 'COMPLETE', REASON.stackCompleted('ADOPT'), 'outputs', 'forget-adopt-data')], next: null };
    case 'rollback-adopt':
      return { writes: [write('ROLLBACK', 'COMPLETE', REASON.stackCompleted('ROLLBACK'))], next: null };
    case 'rollback':
      return { writes: [write('ROLLBACK', 'COMPLETE', REASON.stackCompleted('ROLLBACK'))], next: null };
    case 'delete':
      return { writes: [write('DELETE', 'COMPLETE', REASON.stackCompleted('DELETE'), 'deleted')], next: null };
    case 'update':
      return { writes: [], next: 'cleanup' };
    case 'cleanup':
      return { writes: [write('UPDATE', 'COMPLETE', REASON.stackCompleted('UPDATE'), 'outputs', 'forget-previous')], next: null };
    case 'rollback-update':
      return { writes: [], next: 'rollback-cleanup' };
    case 'rollback-cleanup':
      return { writes: [write('ROLLBACK', 'COMPLETE', REASON.stackCompleted('ROLLBACK'), 'outputs', 'forget-previous')], next: null };
    case 'check':
      return { writes: [write('CHECK', 'COMPLETE', REASON.stackCompleted('CHECK'))], next: null };
    case 'suspend':
      return { writes: [write('SUSPEND', 'COMPLETE', REASON.stackCompleted('SUSPEND'))], next: null };
    case 'resume':
      return { writes: [write('RESUME', 'COMPLETE', REASON.stackCompleted('RESUME'), 'outputs')], next: null };
  }
}
