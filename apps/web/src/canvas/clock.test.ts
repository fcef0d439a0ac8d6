import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecondClock } from './clock.ts';

describe('the shared second clock', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('runs one timer for all its users, ticks them together, and stops when the last one leaves', () => {
    const clock = createSecondClock();
    const ticks: string[] = [];
    const leaveA = clock.subscribe(() => ticks.push('a'));
    const leaveB = clock.subscribe(() => ticks.push('b'));
    expect(vi.getTimerCount()).toBe(1);
    const before = clock.now();
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual(['a', 'b']);
    expect(clock.now()).toBe(before + 1000);
    leaveA();
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual(['a', 'b', 'b']);
    leaveB();
    expect(vi.getTimerCount()).toBe(0);
  });
});
