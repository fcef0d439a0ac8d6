// A stack's events for one watcher: every stored event after the one it saw
// last, then live ones as they happen, in batches (one message carries up to
// BATCH events, tracked by the last one's id). The store is the record; live
// events are only a shortcut. A watcher that does not read (a slow or
// stalled browser) holds at most LIVE_BUFFER events: past that the shortcut
// is dropped and it reads the store again, a page at a time, as fast as it
// takes them (the HTTP response waits for the socket to drain).
import type { EventBus } from '@hearth/engine';
import type { EventRecord, Store } from '@hearth/store';

/** Live events kept for one watcher that has not taken them yet. */
export const LIVE_BUFFER = 256;
/**
 * Events in one message: sending each alone costs the server more than the event itself, and each
 * message waits a turn of the event loop. A watcher that opens just after a big stack starts (the
 * page that deployed it) replays a thousand events at once; in messages of 100 it took ten turns
 * while the engine ran between them, and the last came 100 ms after the first.
 */
export const BATCH = 500;
const PAGE = BATCH;

/**
 * Sending is a chain of promises (microtasks) that never returns to the
 * event loop while sockets take data: between two batches the stream lets
 * other work run, or thirty watchers of a big deployment would keep every
 * other request waiting for seconds.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface EventStreamOptions {
  store: Store;
  bus: EventBus;
  /** Only this stack's events (all stacks' when absent, unless `stackNamed`). */
  stackId?: string | undefined;
  /**
   * A stack that may not be made yet: its events once it is, from its first (`find` gives its id if
   * it exists now). The page that deploys a stack watches it before asking for it, so that it takes
   * the first events as they happen, not as a replay of a thousand once the create has returned.
   */
  stackNamed?: { name: string; find(): Promise<string | null> } | undefined;
  /** The last event id the watcher has (0: from the start). */
  after: number;
  signal?: AbortSignal | undefined;
}

export class EventStream implements AsyncIterable<EventRecord[]> {
  private live: EventRecord[] = [];
  /** Live events were dropped: read the store from the last one sent. */
  private behind = false;
  private wake: (() => void) | null = null;
  /** The most live events this watcher held at once (for tests). */
  highWater = 0;

  constructor(private readonly options: EventStreamOptions) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<EventRecord[]> {
    const { store, bus, signal, stackNamed } = this.options;
    let { stackId } = this.options;
    let last = this.options.after;
    // Listen first, then read the store: what happens meanwhile waits in `live`.
    const unsubscribe = bus.subscribe((event) => {
      if (stackId === undefined && stackNamed) {
        if (event.stackName !== stackNamed.name) return;
        // The awaited stack's first event: read it, and any before it, from the store.
        stackId = event.stackId;
        this.behind = true;
        this.wake?.();
        return;
      }
      if (stackId !== undefined && event.stackId !== stackId) return;
      if (this.behind) return;
      if (this.live.length >= LIVE_BUFFER) {
        this.live = [];
        this.behind = true;
      } else {
        this.live.push(event);
        this.highWater = Math.max(this.highWater, this.live.length);
      }
      this.wake?.();
    });
    const onAbort = () => this.wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    let first = true;
    const batch = async (events: EventRecord[]): Promise<EventRecord[]> => {
      if (!first) await nextTurn();
      first = false;
      last = events.at(-1)!.id;
      return events;
    };
    try {
      let replay = true;
      while (!signal?.aborted) {
        if (replay || this.behind) {
          this.behind = false;
          replay = false;
          if (stackId === undefined && stackNamed) {
            stackId = (await stackNamed.find()) ?? undefined;
            if (stackId === undefined) continue; // not made yet: its first event will say
          }
          for (;;) {
            const page = await store.listEvents({ ...(stackId !== undefined ? { stackId } : {}), afterId: last, limit: PAGE });
            for (let i = 0; i < page.length; i += BATCH) yield await batch(page.slice(i, i + BATCH));
            if (page.length < PAGE) break;
          }
          continue;
        }
        if (this.live.length) {
          const fresh = this.live.splice(0, BATCH).filter((e) => e.id > last);
          if (fresh.length) yield await batch(fresh);
          continue;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      unsubscribe();
    }
  }
}
