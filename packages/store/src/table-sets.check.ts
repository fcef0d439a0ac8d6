// A check shared by the SQLite and PostgreSQL store tests: a package's table
// set over a database's life. The widgets set stands for any package's.
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Store } from './store.ts';
import { tablesOf, type TableSet } from './table-set.ts';

type WidgetTables = { widgets: { id: string; colour: string | null } };

export const WIDGETS: TableSet = {
  owner: 'widgets',
  migrations: () => ({
    // Sorts among the store's own (after 001-initial, before 002-...): it runs out of order on an older database.
    '001-initial-widgets': {
      async up(db) {
        await db.schema
          .createTable('widgets')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .execute();
      },
    },
    '007-widgets-colour': {
      async up(db) {
        await db.schema.alterTable('widgets').addColumn('colour', 'text').execute();
      },
    },
  }),
};

const widgets = (store: Store) => tablesOf<WidgetTables>(store.db);
export const addWidget = (store: Store, id: string) => widgets(store).insertInto('widgets').values({ id, colour: 'red' }).execute();
export const widgetIds = async (store: Store) =>
  (await widgets(store).selectFrom('widgets').select('id').orderBy('id').execute()).map((r) => r.id);
export const recorded = async (store: Store) =>
  (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db)).rows.map((r) => r.name);
export const tableNames = async (store: Store) => (await store.db.introspection.getTables()).map((t) => t.name).sort();

export async function addStack(store: Store): Promise<void> {
  await store.createStack({
    id: 's1',
    name: 'web',
    action: 'CREATE',
    status: 'COMPLETE',
    statusReason: '',
    template: 't',
    environment: '',
    parameters: {},
    files: {},
    options: {},
    currentTraversal: null,
  });
}

/** Opens one database (the same each time) with the store's tables and these sets'. */
export type Reopen = (tables: TableSet[]) => Promise<Store>;

/**
 * First opened with the store's tables only; then with the set (its tables
 * appear); then without it for a while (its tables and rows stay); then with
 * it again: everything is there.
 */
export async function checkSetOverTime(open: Reopen): Promise<void> {
  let store = await open([]);
  await addStack(store);
  expect(await tableNames(store)).not.toContain('widgets');
  await store.close();

  store = await open([WIDGETS]);
  expect(await tableNames(store)).toContain('widgets');
  await addWidget(store, 'w1');
  await store.close();

  store = await open([]);
  expect((await store.getStack('web'))?.id).toBe('s1');
  await store.close();

  store = await open([WIDGETS]);
  expect(await widgetIds(store)).toEqual(['w1']);
  expect((await store.getStack('web'))?.id).toBe('s1');
  expect(await recorded(store)).toEqual([
    '001-initial',
    '001-initial-widgets',
    '002-resources-by-physical-id',
    '005-signals-by-id',
    '007-resource-implementation',
    '007-widgets-colour',
  ]);
  await store.close();
}
