import { describe, expect, it } from 'vitest';
import { eventShown } from './event-filter.ts';

const ev = (resourceName: string | null, action = 'CREATE', status = 'COMPLETE') => ({ resourceName, action, status });

describe('the events tab’s filter', () => {
  it('shows the events of resources whose names hold what is typed, in any case; "stack" finds the stack’s own', () => {
    const typed = (resource: string) =>
      [ev('node1'), ev('node1_port'), ev('node10'), ev('web'), ev(null)]
        .filter((e) => eventShown(e, { resource, state: '' }))
        .map((e) => e.resourceName);
    expect(typed('')).toEqual(['node1', 'node1_port', 'node10', 'web', null]);
    expect(typed('NODE1')).toEqual(['node1', 'node1_port', 'node10']);
    expect(typed('  port ')).toEqual(['node1_port']);
    expect(typed('stack')).toEqual([null]);
  });

  it('and of a state', () => {
    const events = [ev('a', 'CREATE', 'IN_PROGRESS'), ev('a', 'CREATE', 'FAILED'), ev('b', 'DELETE', 'COMPLETE')];
    expect(events.filter((e) => eventShown(e, { resource: '', state: 'FAILED' }))).toEqual([events[1]]);
    expect(events.filter((e) => eventShown(e, { resource: 'b', state: 'COMPLETE' }))).toEqual([events[2]]);
    expect(events.filter((e) => eventShown(e, { resource: 'a', state: 'COMPLETE' }))).toEqual([]);
  });
});
