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

/** The page's frame and idle callbacks, held until the test runs them. */
function holdCallbacks() {
  const frames: Array<() => void> = [];
  const idle: Array<{ run: () => void; timeout: number | undefined }> = [];
  vi.stubGlobal('requestAnimationFrame', (run: () => void) => frames.push(run));
  vi.stubGlobal('requestIdleCallback', (run: () => void, options?: { timeout?: number }) => idle.push({ run, timeout: options?.timeout }));
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
});
