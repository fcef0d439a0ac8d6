import { describe, expect, it } from 'vitest';
import { statusesFrom, useRun, type StackEvent } from './run.ts';

const ev = (
  id: number,
  resourceName: string | null,
  action: StackEvent['action'],
  status: StackEvent['status'],
  reason = '',
  physicalId: string | null = null,
): StackEvent => ({
  id,
  stackId: 's',
  stackName: 's',
  resourceName,
  resourceType: null,
  physicalId,
  action,
  status,
  reason,
  time: new Date(1000 * id).toISOString(),
  traversal: null,
  engineId: null,
});

describe('run state', () => {
  it('keeps a replaced resource on its new copy: the old copy’s delete shows in the log, not on the node', () => {
    const events = [
      ev(1, 'a', 'CREATE', 'IN_PROGRESS'),
      ev(2, 'a', 'CREATE', 'COMPLETE', 'state changed', 'old-id'),
      ev(3, null, 'UPDATE', 'IN_PROGRESS'),
      ev(4, 'a', 'CREATE', 'IN_PROGRESS', 'state changed'),
      ev(5, 'a', 'CREATE', 'COMPLETE', 'state changed', 'new-id'),
      ev(6, 'a', 'DELETE', 'IN_PROGRESS', 'state changed', 'old-id'),
      ev(7, 'a', 'DELETE', 'COMPLETE', 'state changed', 'old-id'),
      ev(8, null, 'UPDATE', 'COMPLETE'),
    ];
    expect(statusesFrom(events).a).toMatchObject({ state: 'CREATE_COMPLETE', physicalId: 'new-id' });
    // Live, one batch at a time, as after a reload.
    useRun.getState().resetEvents();
    for (const e of events) useRun.getState().addEvents([e]);
    expect(useRun.getState().statuses.a?.state).toBe('CREATE_COMPLETE');
    // Deleting the resource itself (its current copy) still shows.
    expect(statusesFrom([...events, ev(9, 'a', 'DELETE', 'COMPLETE', '', 'new-id')]).a?.state).toBe('DELETE_COMPLETE');
  });

  it('derives each resource’s state from its last event, with the reason of a failure', () => {
    const s = statusesFrom([
      ev(1, 'a', 'CREATE', 'IN_PROGRESS'),
      ev(2, 'a', 'CREATE', 'FAILED', 'boom'),
      ev(3, 'b', 'CREATE', 'IN_PROGRESS'),
    ]);
    expect(s.a).toMatchObject({ state: 'CREATE_FAILED', note: 'boom', since: 1000 });
    expect(s.b!.state).toBe('CREATE_IN_PROGRESS');
    const rolledBack = statusesFrom([
      ev(1, 'a', 'CREATE', 'FAILED', 'boom'),
      ev(2, null, 'ROLLBACK', 'IN_PROGRESS'),
      ev(3, 'a', 'DELETE', 'COMPLETE'),
    ]);
    expect(rolledBack.a).toMatchObject({ state: 'DELETE_COMPLETE', note: 'boom' });
    const again = statusesFrom([ev(1, 'a', 'CREATE', 'FAILED', 'boom'), ev(2, null, 'UPDATE', 'IN_PROGRESS')]);
    expect(again.a!.note).toBeNull();
  });

  it('adds a replayed event once, in id order', () => {
    useRun.getState().resetEvents();
    useRun.getState().addEvents([ev(2, 'a', 'CREATE', 'COMPLETE'), ev(1, 'a', 'CREATE', 'IN_PROGRESS')]);
    useRun.getState().addEvents([ev(1, 'a', 'CREATE', 'IN_PROGRESS'), ev(2, 'a', 'CREATE', 'COMPLETE'), ev(3, null, 'CREATE', 'COMPLETE')]);
    expect(useRun.getState().events.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(useRun.getState().statuses.a!.state).toBe('CREATE_COMPLETE');
    // Events known already change nothing.
    const known = useRun.getState().events;
    useRun.getState().addEvents([ev(2, 'a', 'CREATE', 'COMPLETE')]);
    expect(useRun.getState().events).toBe(known);
  });

  it('adds an event once when one batch holds it twice (a replay that raced the live stream, in one frame)', () => {
    useRun.getState().resetEvents();
    useRun.getState().addEvents([ev(1, 'a', 'CREATE', 'IN_PROGRESS')]);
    useRun.getState().addEvents([ev(2, 'a', 'CREATE', 'COMPLETE'), ev(3, 'b', 'CREATE', 'IN_PROGRESS'), ev(2, 'a', 'CREATE', 'COMPLETE')]);
    expect(useRun.getState().events.map((e) => e.id)).toEqual([1, 2, 3]);
  });

  it('keeps the state of resources that later events do not touch, and goes back over all for an older event', () => {
    useRun.getState().resetEvents();
    useRun.getState().addEvents([ev(1, 'a', 'CREATE', 'IN_PROGRESS'), ev(2, 'b', 'CREATE', 'IN_PROGRESS')]);
    const before = useRun.getState().statuses;
    useRun.getState().addEvents([ev(4, 'b', 'CREATE', 'COMPLETE')]);
    const after = useRun.getState().statuses;
    expect(after.a).toBe(before.a);
    expect(after.b).not.toBe(before.b);
    expect(after.b!.state).toBe('CREATE_COMPLETE');
    // An event older than the last one known (3 < 4) still lands in order: a fails after all.
    useRun.getState().addEvents([ev(3, 'a', 'CREATE', 'FAILED', 'boom')]);
    expect(useRun.getState().events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(useRun.getState().statuses.a).toMatchObject({ state: 'CREATE_FAILED', note: 'boom' });
  });
});
