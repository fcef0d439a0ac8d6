import { afterEach, describe, expect, it, vi } from 'vitest';
import { useRun, type StackState } from './run.ts';
import { LIVE_IDLE_WAIT_MS, refresh } from './schedule.ts';

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
  afterEach(() => {
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
    expect(frames).toHaveLength(0);
    expect(idle).toEqual([{ run: expect.any(Function), timeout: LIVE_IDLE_WAIT_MS }]);
    idle[0]!.run();
    // Done: the next change asks again.
    refresh();
    expect(idle).toHaveLength(2);
    idle[1]!.run();
  });
});
