import { describe, expect, it } from 'vitest';
import { statusesFrom, useRun, type StackEvent } from './run.ts';

const ev = (
  id: number,
  resourceName: string | null,
  action: StackEvent['action'],
  status: StackEvent['status'],
  reason = '',
): StackEvent => ({
  id,
  stackId: 's',
  stackName: 's',
  resourceName,
  resourceType: null,
  physicalId: null,
  action,
  status,
  reason,
  time: new Date(1000 * id).toISOString(),
  traversal: null,
  engineId: null,
});

describe('run state', () => {
  it('derives each resource’s state from its last event, with the reason of a failure', () => {
    const s = statusesFrom([
      ev(1, 'a', 'CREATE', 'IN_PROGRESS'),
      ev(2, 'a', 'CREATE', 'FAILED', 'boom'),
      ev(3, 'b', 'CREATE', 'IN_PROGRESS'),
    ]);
    expect(s.a).toEqual({ state: 'CREATE_FAILED', note: 'boom', since: 1000 });
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
