import { describe, expect, it } from 'vitest';
import { observeRun, type RunEvent } from './observe.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
const ev = (resourceName: string | null, action: string, status: string, s: number): RunEvent => ({
  resourceName,
  action,
  status,
  time: at(s),
});

describe('observeRun', () => {
  it('reads the last operation: its start, end, and each step’s times from its start', () => {
    const events = [
      ev(null, 'CREATE', 'IN_PROGRESS', 0),
      ev('a', 'CREATE', 'IN_PROGRESS', 0),
      ev('a', 'CREATE', 'COMPLETE', 2),
      ev(null, 'CREATE', 'COMPLETE', 2),
      ev(null, 'UPDATE', 'IN_PROGRESS', 10),
      ev('a', 'UPDATE', 'IN_PROGRESS', 10),
      ev('a', 'UPDATE', 'COMPLETE', 11.5),
      ev('b', 'CREATE', 'IN_PROGRESS', 11.5),
      // The old copy of a replaced resource, cleaned up.
      ev('c', 'DELETE', 'IN_PROGRESS', 12),
    ];
    const run = observeRun(events)!;
    expect(run.operation).toBe('update');
    expect(run.startedAt).toBe(Date.parse(at(10)));
    expect(run.endedAt).toBeNull();
    expect(Object.fromEntries(run.observed)).toEqual({
      a: { start: 0, finish: 1.5, failed: false },
      b: { start: 1.5, finish: null },
      'cleanup:c': { start: 2, finish: null },
    });
    expect(observeRun([...events, ev(null, 'UPDATE', 'FAILED', 13)])!.endedAt).toBe(Date.parse(at(13)));
    expect(observeRun([])).toBeNull();
  });
});
