import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useRun, type StackState } from './run.ts';
import { IDLE_WAIT_MS, IDLE_REFRESH_GAP_MS, refresh, refreshForRun, useSchedule } from './schedule.ts';

const stack = (inProgress: boolean): StackState => ({
  id: 's',
  name: 's',
  action: 'CREATE',
  status: inProgress ? 'IN_PROGRESS' : 'COMPLETE',
  statusReason: '',
  inProgress,
  target: { kind: 'rehearsal' },
  simulation: { latency: 0, latencyByType: {} },
});

/** An idle moment of `ms` milliseconds, or the one given when the wait's bound passed. */
const idleFor = (ms: number, didTimeout = false): IdleDeadline => ({ didTimeout, timeRemaining: () => ms });

/** The page's frame and idle callbacks, held until the test runs them. */
function holdCallbacks() {
  const frames: Array<() => void> = [];
  const idle: Array<{ run: (deadline?: IdleDeadline) => void; timeout: number | undefined }> = [];
  vi.stubGlobal('requestAnimationFrame', (run: () => void) => frames.push(run));
  vi.stubGlobal('requestIdleCallback', (run: (deadline?: IdleDeadline) => void, options?: { timeout?: number }) =>
    idle.push({ run, timeout: options?.timeout }),
  );
  return { frames, idle };
}

describe('the schedule view’s recomputation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    useRun.setState({ stack: null });
  });

  it('waits for the next frame when no operation runs, once for many changes', () => {
    const { frames, idle } = holdCallbacks();
    useRun.setState({ stack: stack(false) });
    refresh();
    refresh();
    expect(frames).toHaveLength(1);
    expect(idle).toHaveLength(0);
    frames[0]!();
  });

  it('waits for an idle moment, within a bound, while the stack’s operation runs', () => {
    const { frames, idle } = holdCallbacks();
    useRun.setState({ stack: stack(true) });
    refresh();
    refresh();
    vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS); // (past any computation of the tests before)
    expect(frames).toHaveLength(0);
    expect(idle).toEqual([{ run: expect.any(Function), timeout: IDLE_WAIT_MS }]);
    idle[0]!.run();
    // Done: the next change asks again (after the gap).
    refresh();
    vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS);
    expect(idle).toHaveLength(2);
    idle[1]!.run();
  });

  it('waits for an idle moment, within a bound, after the design changed (a keystroke draws the canvas first)', () => {
    const { frames, idle } = holdCallbacks();
    useRun.setState({ stack: stack(false) });
    refresh('idle');
    refresh('idle');
    vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS);
    expect(frames).toHaveLength(0);
    expect(idle).toEqual([{ run: expect.any(Function), timeout: IDLE_WAIT_MS }]);
    idle[0]!.run();
  });

  it('does not hold a change wanted at the next frame behind one waiting for an idle moment, and computes once', () => {
    const { frames, idle } = holdCallbacks();
    let computed = 0;
    const stop = useSchedule.subscribe(() => computed++);
    try {
      useRun.setState({ stack: stack(false) });
      refresh('idle');
      refresh('frame');
      refresh('frame');
      vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS);
      expect(idle).toHaveLength(1);
      expect(frames).toHaveLength(1);
      frames[0]!();
      expect(computed).toBe(1);
      // The idle moment comes later: what it was asked for is done.
      idle[0]!.run();
      expect(computed).toBe(1);
      // Done: the next change asks again.
      refresh('idle');
      vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS);
      expect(idle).toHaveLength(2);
      idle[1]!.run();
      expect(computed).toBe(2);
    } finally {
      stop();
    }
  });

  it('takes a stack’s events at an idle moment, even before the stack is known to run (a deployment’s first burst)', () => {
    const before = useRun.getState();
    // The page follows a stack it is making: its first events come before the stack's own state does.
    useRun.setState({ stack: null });
    const event = { id: 1, resourceName: 'r0', action: 'CREATE', status: 'IN_PROGRESS', time: new Date(0).toISOString() };
    useRun.getState().addEvents([event as never]);
    expect(refreshForRun(useRun.getState(), before)).toBe('idle');
    // The stack's state or a plan shown: at the next frame.
    const events = useRun.getState();
    useRun.setState({ stack: stack(false) });
    expect(refreshForRun(useRun.getState(), events)).toBe('frame');
    expect(refreshForRun(useRun.getState(), useRun.getState())).toBeNull();
    useRun.getState().resetEvents();
  });

  it('waits at least IDLE_REFRESH_GAP_MS after its last computation before asking for an idle moment again', () => {
    const { idle } = holdCallbacks();
    useRun.setState({ stack: stack(true) });
    refresh();
    vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS);
    expect(idle).toHaveLength(1);
    idle[0]!.run();
    // Events keep coming: the next computation waits for the gap, then for an idle moment.
    refresh();
    refresh();
    vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS - 1);
    expect(idle).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(idle).toHaveLength(2);
    idle[1]!.run();
  });

  it('waits for an idle moment long enough for its last computation, up to IDLE_WAIT_MS in all', () => {
    const { idle } = holdCallbacks();
    let computed = 0;
    const stop = useSchedule.subscribe(() => computed++);
    try {
      useRun.setState({ stack: stack(true) });
      useSchedule.setState({ computeMs: 8 });
      computed = 0;
      refresh();
      vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS);
      expect(idle).toHaveLength(1);
      // A moment between two frames of a burst of events: too short, the view waits for the next.
      vi.advanceTimersByTime(100);
      idle[0]!.run(idleFor(3));
      expect(computed).toBe(0);
      expect(idle).toHaveLength(2);
      // ...within what is left of the bound.
      expect(idle[1]!.timeout).toBe(IDLE_WAIT_MS - 100);
      idle[1]!.run(idleFor(9));
      expect(computed).toBe(1);

      // The bound passed: computed even without an idle moment long enough.
      useSchedule.setState({ computeMs: 8 });
      computed = 0;
      refresh();
      vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS);
      expect(idle).toHaveLength(3);
      idle[2]!.run(idleFor(0, true));
      expect(computed).toBe(1);

      // A computation longer than any idle moment (a browser gives 50 ms at most) takes a long one.
      useSchedule.setState({ computeMs: 200 });
      computed = 0;
      refresh();
      vi.advanceTimersByTime(IDLE_REFRESH_GAP_MS);
      idle[3]!.run(idleFor(30));
      expect(computed).toBe(1);
    } finally {
      stop();
    }
  });
});
