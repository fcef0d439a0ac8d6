// One clock for every elapsed time on the canvas: a single timer while any
// is shown, and one render a second for all of them. A timer per node made a
// thousand separate renders a second during a large deployment.
import { useSyncExternalStore } from 'react';

const TICK_MS = 1000;

export function createSecondClock() {
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | null = null;
  let now = Date.now();
  return {
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      if (!timer) {
        now = Date.now();
        timer = setInterval(() => {
          now = Date.now();
          for (const l of listeners) l();
        }, TICK_MS);
      }
      return () => {
        listeners.delete(listener);
        if (!listeners.size && timer) {
          clearInterval(timer);
          timer = null;
        }
      };
    },
    now: () => now,
  };
}

const clock = createSecondClock();

/** The time (ms since the epoch), updated once a second while a component uses it. */
export function useSecondClock(): number {
  return useSyncExternalStore(clock.subscribe, clock.now);
}
