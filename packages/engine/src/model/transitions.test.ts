import { describe, expect, it } from 'vitest';
import { afterPhase, type PhaseOutcome, type TransitionOptions } from './transitions.ts';

const ok: PhaseOutcome = { failure: null, stop: null };
const failed: PhaseOutcome = { failure: 'ValueError: resources.bad: boom', stop: null };
const normal: TransitionOptions = { disableRollback: false, stopping: false };
const keep: TransitionOptions = { disableRollback: true, stopping: false };

/** A transition as "ACTION_STATUS (reason) [effects] -> next". */
function show(kind: Parameters<typeof afterPhase>[0], outcome: PhaseOutcome, options: TransitionOptions): string[] {
  const t = afterPhase(kind, outcome, options);
  return [
    ...t.writes.map((w) => `${w.action}_${w.status} (${w.reason})${w.effects.length ? ` [${w.effects.join(', ')}]` : ''}`),
    `-> ${t.next ?? 'end'}`,
  ];
}

describe('Heat’s lifecycle as a table', () => {
  it('create: complete with outputs, or failed and rolled back unless disable_rollback', () => {
    expect(show('create', ok, normal)).toEqual(['CREATE_COMPLETE (Stack CREATE completed successfully) [outputs]', '-> end']);
    expect(show('create', failed, normal)).toEqual([
      'CREATE_FAILED (Resource CREATE failed: ValueError: resources.bad: boom)',
      'ROLLBACK_IN_PROGRESS (Stack ROLLBACK started)',
      '-> rollback',
    ]);
    expect(show('create', failed, keep)).toEqual(['CREATE_FAILED (Resource CREATE failed: ValueError: resources.bad: boom)', '-> end']);
    expect(show('create', { failure: null, stop: 'timed out' }, keep)).toEqual(['CREATE_FAILED (Create timed out)', '-> end']);
  });

  it('a stopping engine leaves a failed operation failed, without rolling back', () => {
    expect(show('create', failed, { disableRollback: false, stopping: true })).toEqual([
      'CREATE_FAILED (Resource CREATE failed: ValueError: resources.bad: boom)',
      '-> end',
    ]);
  });

  it('rollback and delete: complete, or failed with the deletion’s reason', () => {
    expect(show('rollback', ok, normal)).toEqual(['ROLLBACK_COMPLETE (Stack ROLLBACK completed successfully)', '-> end']);
    expect(show('rollback', failed, normal)).toEqual([
      'ROLLBACK_FAILED (Resource DELETE failed: ValueError: resources.bad: boom)',
      '-> end',
    ]);
    expect(show('delete', ok, normal)).toEqual(['DELETE_COMPLETE (Stack DELETE completed successfully) [deleted]', '-> end']);
    expect(show('delete', failed, normal)).toEqual(['DELETE_FAILED (Resource DELETE failed: ValueError: resources.bad: boom)', '-> end']);
  });

  it('update: cleanup then complete; a failure rolls back to the previous template', () => {
    expect(show('update', ok, normal)).toEqual(['-> cleanup']);
    expect(show('cleanup', ok, normal)).toEqual([
      'UPDATE_COMPLETE (Stack UPDATE completed successfully) [outputs, forget-previous]',
      '-> end',
    ]);
    for (const kind of ['update', 'cleanup'] as const) {
      expect(show(kind, failed, normal)).toEqual([
        'UPDATE_FAILED (Resource UPDATE failed: ValueError: resources.bad: boom)',
        'ROLLBACK_IN_PROGRESS (Stack ROLLBACK started) [restore-previous]',
        '-> rollback-update',
      ]);
      expect(show(kind, failed, keep)).toEqual(['UPDATE_FAILED (Resource UPDATE failed: ValueError: resources.bad: boom)', '-> end']);
    }
    expect(show('rollback-update', ok, normal)).toEqual(['-> rollback-cleanup']);
    expect(show('rollback-update', failed, normal)).toEqual([
      'ROLLBACK_FAILED (Resource ROLLBACK failed: ValueError: resources.bad: boom)',
      '-> end',
    ]);
    expect(show('rollback-cleanup', ok, normal)).toEqual([
      'ROLLBACK_COMPLETE (Stack ROLLBACK completed successfully) [outputs, forget-previous]',
      '-> end',
    ]);
  });

  it('cancel: rolls back whatever disable_rollback says; cancel without rollback leaves the update failed', () => {
    expect(show('update', { failure: null, stop: 'cancelled' }, keep)).toEqual([
      'UPDATE_FAILED (Stack UPDATE cancelled)',
      'ROLLBACK_IN_PROGRESS (Stack ROLLBACK started) [restore-previous]',
      '-> rollback-update',
    ]);
    expect(show('update', { failure: 'x', stop: 'cancelled without rollback' }, normal)).toEqual([
      'UPDATE_FAILED (Stack UPDATE cancelled)',
      '-> end',
    ]);
    expect(show('create', { failure: null, stop: 'cancelled' }, keep)).toEqual([
      'CREATE_FAILED (Stack CREATE cancelled)',
      'ROLLBACK_IN_PROGRESS (Stack ROLLBACK started)',
      '-> rollback',
    ]);
  });

  it('check: complete or failed with the check’s reason', () => {
    expect(show('check', ok, normal)).toEqual(['CHECK_COMPLETE (Stack CHECK completed successfully)', '-> end']);
    expect(show('check', failed, normal)).toEqual(['CHECK_FAILED (Resource CHECK failed: ValueError: resources.bad: boom)', '-> end']);
  });
});
