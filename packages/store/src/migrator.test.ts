// Table sets on one database over its life: registered from the start,
// registered later, left out for a while, and a table a set took over from
// the store's first migration (as the designs and the simulated cloud's
// inventory did).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openMemoryStore, openSqliteStore } from './sqlite.ts';
import type { TableSet } from './table-set.ts';
import { addStack, addWidget, checkSetOverTime, recorded, tableNames, WIDGETS, widgetIds } from './table-sets.check.ts';

const newDir = () => mkdtempSync(join(tmpdir(), 'hearth-migrator-'));

describe('table sets', () => {
  it('keep the store’s own migrations under the names databases recorded', async () => {
    const store = await openMemoryStore();
    expect(await recorded(store)).toEqual([
      '001-initial',
      '002-resources-by-physical-id',
      '005-signals-by-id',
      '007-resource-implementation',
    ]);
    expect(await tableNames(store)).toEqual(['events', 'meta', 'operations', 'resources', 'signals', 'stacks']);
    await store.close();
  });

  it('open a database made with every set again, with its data', async () => {
    const dir = newDir();
    let store = await openSqliteStore(dir, { tables: [WIDGETS] });
    await addStack(store);
    await addWidget(store, 'w1');
    await store.close();
    store = await openSqliteStore(dir, { tables: [WIDGETS] });
    expect(await widgetIds(store)).toEqual(['w1']);
    expect((await store.getStack('web'))?.id).toBe('s1');
    await store.close();
  });

  it('are added to a database first opened without them, and left alone while not in use', async () => {
    const dir = newDir();
    await checkSetOverTime((tables) => openSqliteStore(dir, { tables }));
  });

  it('take over a table an older database has without the set’s migration (made by the old 001-initial)', async () => {
    const dir = newDir();
    let store = await openSqliteStore(dir);
    await sql`create table widgets (id text primary key)`.execute(store.db);
    await sql`insert into widgets (id) values ('old')`.execute(store.db);
    await store.close();
    store = await openSqliteStore(dir, { tables: [WIDGETS] });
    expect(await widgetIds(store)).toEqual(['old']);
    expect(await recorded(store)).toContain('001-initial-widgets');
    await store.close();
  });

  it('refuse two sets with a migration of the same name, and take a set given twice once', async () => {
    const copy: TableSet = { owner: 'copy', migrations: WIDGETS.migrations };
    await expect(openMemoryStore({ tables: [WIDGETS, copy] })).rejects.toThrow(
      'Two table sets have a migration named 001-initial-widgets: widgets and copy.',
    );
    const clash: TableSet = { owner: 'clash', migrations: () => ({ '001-initial': { up: async () => {} } }) };
    await expect(openMemoryStore({ tables: [clash] })).rejects.toThrow(/migration named 001-initial: @hearth\/store and clash/);
    const store = await openMemoryStore({ tables: [WIDGETS, WIDGETS] });
    await addWidget(store, 'w1');
    await store.close();
  });
});
