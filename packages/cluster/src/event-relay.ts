// Events reach browsers whatever worker wrote them: each event insert
// notifies 'hearth_events' on commit (see the store); the API server reads
// what is new since the last id it relayed and publishes it on its bus. A
// notification is only a hint, so a lost one costs at most the safety poll.
import type { EventBus } from '@hearth/engine';
import { listenTo, type Store } from '@hearth/store';

export interface EventRelay {
  /** Resolves once every event committed so far has been published. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const SAFETY_POLL_MS = 1000;
const BATCH = 2000;

export async function relayEvents(url: string, store: Store, bus: EventBus): Promise<EventRelay> {
  let last = await store.lastEventId();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const pump = async () => {
    for (;;) {
      const events = await store.listEvents({ afterId: last, limit: BATCH });
      for (const event of events) {
        bus.publish(event);
        last = event.id;
      }
      if (events.length < BATCH) return;
    }
  };
  const relay = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pump()
      .catch((error: unknown) => console.error(`hearth: relaying events: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          relay();
        }
      });
  };

  const listening = await listenTo(url, 'hearth_events', relay, 'event notifications');
  const timer = setInterval(relay, SAFETY_POLL_MS);
  return {
    async flush() {
      const target = await store.lastEventId();
      while (last < target && !stopped) {
        relay();
        await running;
        if (last < target) await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await listening.stop();
    },
  };
}
