import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '@hearth/engine';
import { openMemoryStore, type EventRecord, type NewEvent, type Store } from '@hearth/store';
import { BATCH, EventStream, LIVE_BUFFER } from './event-stream.ts';

let store: Store;
afterEach(() => store?.close());

const event = (stackId: string, i: number): NewEvent => ({
  stackId,
  stackName: stackId,
  resourceName: `r${i}`,
  resourceType: 'OS::Heat::None',
  physicalId: null,
  action: 'CREATE',
  status: 'COMPLETE',
  reason: 'state changed',
  traversal: null,
  engineId: 'test',
});

/** Writes events as the engine does (store first), then publishes them. */
async function happen(bus: EventBus, stackId: string, from: number, count: number): Promise<void> {
  const records = await store.appendEvents(Array.from({ length: count }, (_, i) => event(stackId, from + i)));
  for (const r of records) bus.publish(r);
}

describe('the event stream of one watcher', () => {
  it('sends the stored events, then live ones: each once, in order, only the stack’s', async () => {
    store = await openMemoryStore();
    const bus = new EventBus();
    await happen(bus, 's', 0, 700);
    await happen(bus, 'other', 0, 5);
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const batch of new EventStream({ store, bus, stackId: 's', after: 0, signal: controller.signal })) {
        expect(batch.length).toBeLessThanOrEqual(BATCH);
        seen.push(...batch.map((e) => e.resourceName!));
        if (seen.length === 700) await happen(bus, 's', 700, 10);
        if (seen.length === 710) controller.abort();
      }
    })();
    await done;
    expect(seen).toEqual(Array.from({ length: 710 }, (_, i) => `r${i}`));
  });

  it('replays a big stack’s first thousand events in two messages (each message waits a turn of the event loop)', async () => {
    store = await openMemoryStore();
    const bus = new EventBus();
    await happen(bus, 's', 0, 1000);
    const iterator = new EventStream({ store, bus, stackId: 's', after: 0 })[Symbol.asyncIterator]();
    const sizes = [(await iterator.next()).value!.length, (await iterator.next()).value!.length];
    expect(sizes).toEqual([500, 500]);
    await iterator.return?.(undefined);
  });

  it('holds a bounded number of live events for a watcher that does not read, and misses nothing when it does', async () => {
    store = await openMemoryStore();
    const bus = new EventBus();
    const stream = new EventStream({ store, bus, after: 0 });
    const iterator = stream[Symbol.asyncIterator]();
    await happen(bus, 's', 0, 1);
    // The watcher takes one event (so it is subscribed and live), then stops reading while 5,000 happen.
    expect((await iterator.next()).value?.map((e: EventRecord) => e.resourceName)).toEqual(['r0']);
    for (let i = 1; i < 5001; i += 500) await happen(bus, 's', i, 500);
    expect(stream.highWater).toBeLessThanOrEqual(LIVE_BUFFER);
    const names: string[] = [];
    while (names.length < 5000) names.push(...(await iterator.next()).value!.map((e: EventRecord) => e.resourceName!));
    expect(names).toEqual(Array.from({ length: 5000 }, (_, i) => `r${i + 1}`));
    await iterator.return?.(undefined);
  });

  it('waits for a stack not made yet: none of another stack’s events, then every one of the new stack’s from its first', async () => {
    store = await openMemoryStore();
    const bus = new EventBus();
    await happen(bus, 'old', 0, 3);
    let made: string | null = null;
    const iterator = new EventStream({ store, bus, after: 0, stackNamed: { name: 'new', find: async () => made } })[Symbol.asyncIterator]();
    const first = iterator.next();
    await happen(bus, 'other', 0, 2);
    made = 'new';
    await happen(bus, 'new', 0, 3);
    const names = (await first).value!.map((e: EventRecord) => `${e.stackId}/${e.resourceName}`);
    await happen(bus, 'new', 3, 1);
    names.push(...(await iterator.next()).value!.map((e: EventRecord) => `${e.stackId}/${e.resourceName}`));
    expect(names).toEqual(['new/r0', 'new/r1', 'new/r2', 'new/r3']);
    await iterator.return?.(undefined);
  });

  it('finds a stack made while its watcher was being set up, and replays it', async () => {
    store = await openMemoryStore();
    const bus = new EventBus();
    await happen(bus, 'new', 0, 2);
    const iterator = new EventStream({ store, bus, after: 0, stackNamed: { name: 'new', find: async () => 'new' } })[
      Symbol.asyncIterator
    ]();
    expect((await iterator.next()).value!.map((e: EventRecord) => e.resourceName)).toEqual(['r0', 'r1']);
    await iterator.return?.(undefined);
  });
});
