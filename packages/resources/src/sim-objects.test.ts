import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryStore, type Store } from '@hearth/store';
import { SIM_TABLES, SimObjects } from './sim-objects.ts';

let store: Store;
let objects: SimObjects;

beforeEach(async () => {
  store = await openMemoryStore({ tables: [SIM_TABLES] });
  objects = new SimObjects(store.db);
});

afterEach(() => store.close());

const object = (id: string, kind: string, stackId: string) => ({
  id,
  kind,
  clientToken: `token-${id}`,
  stackId,
  resourceName: `r-${id}`,
  data: { name: id, tags: ['a', 1, null] },
});

describe('the simulated cloud’s inventory', () => {
  it('finds an object it was given by id and by client token, and refuses a second one with the same token', async () => {
    const made = await objects.insert(object('o1', 'network', 's1'));
    expect(made.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await objects.byId('o1')).toEqual(made);
    expect(await objects.byToken('token-o1')).toEqual(made);
    expect(await objects.byId('nothing')).toBeNull();
    expect(await objects.byToken('nothing')).toBeNull();
    await expect(objects.insert({ ...object('o2', 'network', 's1'), clientToken: 'token-o1' })).rejects.toThrow();
  });

  it('replaces an object’s data, and deletes it (saying whether there was one)', async () => {
    await objects.insert(object('o1', 'volume', 's1'));
    await objects.update('o1', { name: 'renamed', size: 3 });
    expect((await objects.byId('o1'))?.data).toEqual({ name: 'renamed', size: 3 });
    expect(await objects.delete('o1')).toBe(true);
    expect(await objects.delete('o1')).toBe(false);
    expect(await objects.byId('o1')).toBeNull();
  });

  it('lists all objects oldest first, or those of a stack, a kind, or both', async () => {
    await objects.insert(object('a', 'network', 's1'));
    await new Promise((r) => setTimeout(r, 2));
    await objects.insert(object('b', 'subnet', 's1'));
    await new Promise((r) => setTimeout(r, 2));
    await objects.insert(object('c', 'network', 's2'));
    const ids = (list: Array<{ id: string }>) => list.map((o) => o.id);
    expect(ids(await objects.list())).toEqual(['a', 'b', 'c']);
    expect(ids(await objects.list({ stackId: 's1' }))).toEqual(['a', 'b']);
    expect(ids(await objects.list({ kind: 'network' }))).toEqual(['a', 'c']);
    expect(ids(await objects.list({ stackId: 's2', kind: 'network' }))).toEqual(['c']);
    expect(await objects.list({ stackId: 's2', kind: 'subnet' })).toEqual([]);
  });
});
