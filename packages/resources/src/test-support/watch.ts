// Latches for tests that order what happens by the engine's own events
// (never by sleeping): wait for "name ACTION_STATUS", react to it, and
// signal a wait condition handle by its resource name.
import type { EventRecord } from '@hearth/store';
import type { Harness } from './harness.ts';

export interface Watch {
  /** Resolves with the first event "name ACTION_STATUS" ("<stack> ..." for the stack's), already seen or to come. */
  seen(transition: string): Promise<EventRecord>;
  /** Runs `then` once, at the first such event. */
  on(transition: string, then: (event: EventRecord) => void): void;
  /** Signals the wait condition handle `name` (SUCCESS), once it exists. */
  signal(name: string, data?: Record<string, unknown>): Promise<void>;
  close(): void;
}

const label = (e: EventRecord) => `${e.resourceName ?? '<stack>'} ${e.action}_${e.status}`;

export function watch(h: Harness): Watch {
  const seen = new Map<string, EventRecord>();
  const waiting = new Map<string, Array<(e: EventRecord) => void>>();
  const handles = new Map<string, string>();
  const handleWaiters = new Map<string, Array<(id: string) => void>>();
  const unsubscribe = h.engine.bus.subscribe((e) => {
    const key = label(e);
    if (
      e.resourceName &&
      e.action === 'CREATE' &&
      e.status === 'COMPLETE' &&
      e.physicalId &&
      e.resourceType?.includes('WaitConditionHandle')
    ) {
      handles.set(e.resourceName, e.physicalId);
      for (const w of handleWaiters.get(e.resourceName) ?? []) w(e.physicalId);
      handleWaiters.delete(e.resourceName);
    }
    if (seen.has(key)) return;
    seen.set(key, e);
    for (const w of waiting.get(key) ?? []) w(e);
    waiting.delete(key);
  });
  const api: Watch = {
    seen(transition) {
      const known = seen.get(transition);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiting.set(transition, [...(waiting.get(transition) ?? []), resolve]));
    },
    on(transition, then) {
      void api.seen(transition).then(then);
    },
    async signal(name, data = {}) {
      const id =
        handles.get(name) ??
        (await new Promise<string>((resolve) => handleWaiters.set(name, [...(handleWaiters.get(name) ?? []), resolve])));
      await h.engine.signal(id, { status: 'SUCCESS', ...data } as never);
    },
    close: unsubscribe,
  };
  return api;
}
