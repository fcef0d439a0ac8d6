import { describe, expect, it } from 'vitest';
import type { PhaseKind } from './phases.ts';
import { afterPhase, onTrouble, type PhaseOutcome, type StateWrite, type TransitionOptions, type Trouble } from './transitions.ts';

const ok: PhaseOutcome = { failure: null, stop: null };
const BOOM = 'ValueError: resources.bad: boom';
const failed: PhaseOutcome = { failure: BOOM, stop: null };
const normal: TransitionOptions = { disableRollback: false, stopping: false };
const keep: TransitionOptions = { disableRollback: true, stopping: false };

const shown = (writes: StateWrite[]) =>
  writes.map((w) => `${w.action}_${w.status} (${w.reason})${w.effects.length ? ` [${w.effects.join(', ')}]` : ''}`);
const trouble = (kind: PhaseKind, t: Trouble) => shown(onTrouble(kind, t));
const end = (kind: PhaseKind, outcome: PhaseOutcome, options: TransitionOptions) => {
  const t = afterPhase(kind, outcome, options);
  return [...shown(t.writes), `-> ${t.next ?? 'end'}`];
};

describe('Heat’s lifecycle as a table', () => {
  it('fails the stack at a phase’s first failure, with the failure', () => {
    expect(trouble('create', { failure: BOOM })).toEqual([`CREATE_FAILED (Resource CREATE failed: ${BOOM})`]);
    expect(trouble('update', { failure: BOOM })).toEqual([`UPDATE_FAILED (Resource UPDATE failed: ${BOOM})`]);
    expect(trouble('cleanup', { failure: BOOM })).toEqual([`UPDATE_FAILED (Resource UPDATE failed: ${BOOM})`]);
    expect(trouble('rollback', { failure: BOOM })).toEqual([`ROLLBACK_FAILED (Resource DELETE failed: ${BOOM})`]);
    expect(trouble('rollback-update', { failure: BOOM })).toEqual([`ROLLBACK_FAILED (Resource ROLLBACK failed: ${BOOM})`]);
    expect(trouble('delete', { failure: BOOM })).toEqual([`DELETE_FAILED (Resource DELETE failed: ${BOOM})`]);
    expect(trouble('check', { failure: BOOM })).toEqual([`CHECK_FAILED (Resource CHECK failed: ${BOOM})`]);
  });

  it('fails the stack at once when stopped, except by a cancel that rolls back or an update that takes over', () => {
    expect(trouble('create', { stop: 'timed out' })).toEqual(['CREATE_FAILED (Create timed out)']);
    expect(trouble('update', { stop: 'cancelled without rollback' })).toEqual(['UPDATE_FAILED (Stack UPDATE cancelled)']);
    expect(trouble('create', { stop: 'cancelled without rollback' })).toEqual(['CREATE_FAILED (Stack CREATE cancelled)']);
    expect(trouble('create', { stop: 'stopped' })).toEqual(['CREATE_FAILED (Stack CREATE cancelled)']);
    expect(trouble('update', { stop: 'cancelled' })).toEqual([]);
    expect(trouble('update', { stop: 'superseded' })).toEqual([]);
  });

  it('create: complete with outputs, or rolled back after a failure unless disable_rollback', () => {
    expect(end('create', ok, normal)).toEqual(['CREATE_COMPLETE (Stack CREATE completed successfully) [outputs]', '-> end']);
    expect(end('create', failed, normal)).toEqual(['ROLLBACK_IN_PROGRESS (Stack ROLLBACK started)', '-> rollback']);
    expect(end('create', failed, keep)).toEqual(['-> end']);
    expect(end('create', { failure: null, stop: 'timed out' }, normal)).toEqual([
      'ROLLBACK_IN_PROGRESS (Stack ROLLBACK started)',
      '-> rollback',
    ]);
    // A stopping engine leaves a failed operation failed.
    expect(end('create', failed, { disableRollback: false, stopping: true })).toEqual(['-> end']);
  });

  it('rollback, delete and check: complete, or left failed', () => {
    expect(end('rollback', ok, normal)).toEqual(['ROLLBACK_COMPLETE (Stack ROLLBACK completed successfully)', '-> end']);
    expect(end('rollback', failed, normal)).toEqual(['-> end']);
    expect(end('delete', ok, normal)).toEqual(['DELETE_COMPLETE (Stack DELETE completed successfully) [deleted]', '-> end']);
    expect(end('delete', failed, normal)).toEqual(['-> end']);
    expect(end('check', ok, normal)).toEqual(['CHECK_COMPLETE (Stack CHECK completed successfully)', '-> end']);
  });

  it('update: cleanup then complete; a failure rolls back to the previous template', () => {
    expect(end('update', ok, normal)).toEqual(['-> cleanup']);
    expect(end('cleanup', ok, normal)).toEqual([
      'UPDATE_COMPLETE (Stack UPDATE completed successfully) [outputs, forget-previous]',
      '-> end',
    ]);
    for (const kind of ['update', 'cleanup'] as const) {
      expect(end(kind, failed, normal)).toEqual(['ROLLBACK_IN_PROGRESS (Stack ROLLBACK started) [restore-previous]', '-> rollback-update']);
      expect(end(kind, failed, keep)).toEqual(['-> end']);
    }
    expect(end('rollback-update', ok, normal)).toEqual(['-> rollback-cleanup']);
    expect(end('rollback-update', failed, normal)).toEqual(['-> end']);
    expect(end('rollback-cleanup', ok, normal)).toEqual([
      'ROLLBACK_COMPLETE (Stack ROLLBACK completed successfully) [outputs, forget-previous]',
      '-> end',
    ]);
  });

  it('cancel rolls back whatever disable_rollback says; nothing else that stopped a phase does', () => {
    expect(end('update', { failure: null, stop: 'cancelled' }, keep)).toEqual([
      'ROLLBACK_IN_PROGRESS (Stack ROLLBACK started) [restore-previous]',
      '-> rollback-update',
    ]);
    for (const stop of ['cancelled without rollback', 'stopped', 'superseded'] as const) {
      expect(end('update', { failure: 'x', stop }, normal), stop).toEqual(['-> end']);
      expect(end('create', { failure: null, stop }, normal), stop).toEqual(['-> end']);
    }
  });

  it('adopt: complete with outputs, or rolled back as an abandon', () => {
    expect(trouble('adopt', { failure: BOOM })).toEqual([`ADOPT_FAILED (Resource ADOPT failed: ${BOOM})`]);
    expect(end('adopt', ok, normal)).toEqual([
      'ADOPT_COMPLETE (Stack ADOPT completed successfully) [outputs, forget-adopt-data]',
      '-> end',
    ]);
    // Heat rolls a failed adopt back as an abandon: the objects stay.
    expect(end('adopt', failed, normal)).toEqual(['ROLLBACK_IN_PROGRESS (Stack ROLLBACK started)', '-> rollback-adopt']);
    expect(end('rollback-adopt', ok, normal)).toEqual(['ROLLBACK_COMPLETE (Stack ROLLBACK completed successfully)', '-> end']);
    expect(end('adopt', failed, keep)).toEqual(['-> end']);
  });

  it('suspend and resume: complete, or left failed (they never roll back)', () => {
    expect(trouble('suspend', { failure: BOOM })).toEqual([`SUSPEND_FAILED (Resource SUSPEND failed: ${BOOM})`]);
    expect(trouble('resume', { failure: BOOM })).toEqual([`RESUME_FAILED (Resource RESUME failed: ${BOOM})`]);
    expect(end('suspend', ok, normal)).toEqual(['SUSPEND_COMPLETE (Stack SUSPEND completed successfully)', '-> end']);
    expect(end('resume', ok, normal)).toEqual(['RESUME_COMPLETE (Stack RESUME completed successfully) [outputs]', '-> end']);
    expect(end('suspend', failed, normal)).toEqual(['-> end']);
    expect(end('resume', failed, normal)).toEqual(['-> end']);
  });
});
