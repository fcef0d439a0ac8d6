// What a stack becomes when a phase of its operation ends: Heat's lifecycle
// as one pure table. (phase, outcome, options) → the stack states to write,
// in order, and the phase that runs next. Both schedulers ask this table; no
// scheduler decides a stack's state by itself.
import { REASON } from '../states.ts';
import type { PhaseKind, StopReason } from './phases.ts';

export type StackAction = 'CREATE' | 'UPDATE' | 'DELETE' | 'ROLLBACK' | 'CHECK';

/** How a phase ended: the first resource failure (Heat's reason), and why it stopped, if it was stopped. */
export interface PhaseOutcome {
  failure: string | null;
  stop: StopReason | null;
}

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

/** Heat's reason for a stack whose phase failed: why it was stopped, or the first resource failure. */
export function failureReason(action: StackAction, outcome: PhaseOutcome, failedAction: StackAction = action): string {
  if (outcome.stop === 'timed out') return REASON.timedOut(action);
  if (outcome.stop === 'cancelled' || outcome.stop === 'cancelled without rollback' || outcome.stop === 'stopped')
    return REASON.cancelled(action);
  return REASON.resourceFailed(failedAction, outcome.failure ?? 'unknown error');
}

function succeeded(outcome: PhaseOutcome): boolean {
  return outcome.failure === null && outcome.stop === null;
}

/**
 * Whether a failed create or update rolls back: unless disable_rollback or
 * the engine is stopping, and always after a cancel that asked for it, never
 * after one that did not (Heat's cancel_update and cancel_without_rollback).
 */
function rollsBack(outcome: PhaseOutcome, options: TransitionOptions): boolean {
  if (options.stopping) return false;
  if (outcome.stop === 'cancelled') return true;
  if (outcome.stop === 'cancelled without rollback' || outcome.stop === 'stopped') return false;
  return !options.disableRollback;
}

export function afterPhase(kind: PhaseKind, outcome: PhaseOutcome, options: TransitionOptions): Transition {
  const ok = succeeded(outcome);
  switch (kind) {
    case 'create':
      if (ok) return { writes: [write('CREATE', 'COMPLETE', REASON.stackCompleted('CREATE'), 'outputs')], next: null };
      if (!rollsBack(outcome, options)) return { writes: [write('CREATE', 'FAILED', failureReason('CREATE', outcome))], next: null };
      return {
        writes: [
          write('CREATE', 'FAILED', failureReason('CREATE', outcome)),
          write('ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK')),
        ],
        next: 'rollback',
      };
    case 'rollback':
      return ok
        ? { writes: [write('ROLLBACK', 'COMPLETE', REASON.stackCompleted('ROLLBACK'))], next: null }
        : { writes: [write('ROLLBACK', 'FAILED', failureReason('ROLLBACK', outcome, 'DELETE'))], next: null };
    case 'delete':
      return ok
        ? { writes: [write('DELETE', 'COMPLETE', REASON.stackCompleted('DELETE'), 'deleted')], next: null }
        : { writes: [write('DELETE', 'FAILED', failureReason('DELETE', outcome))], next: null };
    case 'update':
    case 'cleanup': {
      if (ok) {
        return kind === 'update'
          ? { writes: [], next: 'cleanup' }
          : { writes: [write('UPDATE', 'COMPLETE', REASON.stackCompleted('UPDATE'), 'outputs', 'forget-previous')], next: null };
      }
      const failed = write('UPDATE', 'FAILED', failureReason('UPDATE', outcome));
      if (!rollsBack(outcome, options)) return { writes: [failed], next: null };
      return {
        writes: [failed, write('ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'), 'restore-previous')],
        next: 'rollback-update',
      };
    }
    case 'rollback-update':
      return ok
        ? { writes: [], next: 'rollback-cleanup' }
        : { writes: [write('ROLLBACK', 'FAILED', failureReason('ROLLBACK', outcome))], next: null };
    case 'rollback-cleanup':
      return ok
        ? { writes: [write('ROLLBACK', 'COMPLETE', REASON.stackCompleted('ROLLBACK'), 'outputs', 'forget-previous')], next: null }
        : { writes: [write('ROLLBACK', 'FAILED', failureReason('ROLLBACK', outcome))], next: null };
    case 'check':
      return ok
        ? { writes: [write('CHECK', 'COMPLETE', REASON.stackCompleted('CHECK'))], next: null }
        : { writes: [write('CHECK', 'FAILED', failureReason('CHECK', outcome))], next: null };
  }
}
