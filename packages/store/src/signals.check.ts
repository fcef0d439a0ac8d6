// A check shared by the SQLite and PostgreSQL store tests: a handle's
// signals are keyed by id (a repeat replaces), numbered when they have none,
// and capped.
import { expect } from 'vitest';
import type { Store } from './store.ts';

export async function checkSignalsKeyedById(store: Store): Promise<void> {
  const ok = { status: 'SUCCESS' as const, reason: null, data: null };
  expect(await store.putSignal('h', { id: '1', data: ok }, 3)).toEqual({ id: '1', replaced: false, count: 1 });
  // A retried signal with the same id replaces the first one: still one signal.
  expect(await store.putSignal('h', { id: '1', data: { ...ok, data: 'again' } }, 3)).toEqual({ id: '1', replaced: true, count: 1 });
  // Without an id it is numbered after the ones held, with Heat's default reason.
  expect(await store.putSignal('h', { id: null, data: ok }, 3)).toEqual({ id: '2', replaced: false, count: 2 });
  expect(await store.putSignal('h', { id: 'x', data: { ...ok, reason: 'mine' } }, 3)).toEqual({ id: 'x', replaced: false, count: 3 });
  // Full: a new id is refused, a known one still replaces.
  expect(await store.putSignal('h', { id: 'y', data: ok }, 3)).toBeNull();
  expect(await store.putSignal('h', { id: 'x', data: ok }, 3)).toMatchObject({ replaced: true });
  expect(await store.listSignals('h')).toEqual([
    // Heat's default reason counts the signals held when it arrives, plus one: a replacement says so too.
    { id: '1', data: { status: 'SUCCESS', reason: 'Signal 2 received', data: 'again' }, time: expect.any(String) },
    { id: '2', data: { status: 'SUCCESS', reason: 'Signal 2 received', data: null }, time: expect.any(String) },
    { id: 'x', data: { status: 'SUCCESS', reason: 'Signal 4 received', data: null }, time: expect.any(String) },
  ]);
  // Concurrent signals without ids each get their own number.
  await Promise.all(Array.from({ length: 5 }, () => store.putSignal('c', { id: null, data: ok }, 100)));
  expect((await store.listSignals('c')).map((s) => s.id).sort()).toEqual(['1', '2', '3', '4', '5']);
  await store.deleteSignals('h');
  expect(await store.listSignals('h')).toEqual([]);
}
