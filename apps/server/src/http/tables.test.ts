// The server's store on a database from before each package owned its tables:
// then the store's 001-initial made the designs and the simulated cloud's
// inventory, and 003, 004 and 006 (now the cluster's) ran everywhere.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimObjects } from '@hearth/resources';
import { openSqliteStore, tablesOf, type Store } from '@hearth/store';
import { Designs } from '../designs/store.ts';
import { serverTables } from './tables.ts';

const OLD_LAYOUT = [
  '001-initial',
  '002-resources-by-physical-id',
  '003-cluster-traversals',
  '004-cluster-workers',
  '005-signals-by-id',
  '006-cluster-phase-abort',
];
const OWN_TABLES = ['cluster_inputs', 'cluster_nodes', 'cluster_phases', 'cluster_workers', 'designs', 'sim_objects'];

const tablesIn = async (store: Store) => (await store.db.introspection.getTables()).map((t) => t.name);

/** Kysely's record of the migrations run. */
const migrations = (store: Store) => tablesOf<{ kysely_migration: { name: string; timestamp: string } }>(store.db);
const recorded = async (store: Store) =>
  (await migrations(store).selectFrom('kysely_migration').select('name').orderBy('name').execute()).map((r) => r.name);

describe('the server’s tables', () => {
  it('open a database of the old layout, with or without workers, keeping its designs and simulated objects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-tables-'));
    // Every table as the old layout had them, then its record of migrations as the old layout left it.
    let store = await openSqliteStore(dir, { tables: serverTables({ sharedWithWorkers: true }) });
    await new Designs(store.db).save({ id: 'd1', name: 'web', template: 't', environment: '', layout: {}, files: {} });
    await new SimObjects(store.db).insert({ id: 'o1', kind: 'network', clientToken: 'tok', stackId: 's', resourceName: 'net', data: {} });
    await migrations(store)
      .deleteFrom('kysely_migration')
      .where('name', 'in', ['001-initial-designs', '001-initial-sim-objects', '007-resource-implementation'])
      .execute();
    await store.db.schema.alterTable('resources').dropColumn('implementation').execute();
    expect(await recorded(store)).toEqual(OLD_LAYOUT);
    await store.close();

    // A server without workers (no cluster tables registered), then one with them.
    for (const sharedWithWorkers of [false, true]) {
      store = await openSqliteStore(dir, { tables: serverTables({ sharedWithWorkers }) });
      expect((await new Designs(store.db).get('web'))?.id).toBe('d1');
      expect((await new SimObjects(store.db).byToken('tok'))?.id).toBe('o1');
      expect(await tablesIn(store)).toEqual(expect.arrayContaining(OWN_TABLES));
      expect(await recorded(store)).toEqual(
        [...OLD_LAYOUT, '001-initial-designs', '001-initial-sim-objects', '007-resource-implementation'].sort(),
      );
      await store.close();
    }
  });

  it('appear in a database first opened with the store’s tables only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-tables-'));
    let store = await openSqliteStore(dir);
    expect(await tablesIn(store)).not.toContain('designs');
    await store.close();
    store = await openSqliteStore(dir, { tables: serverTables({ sharedWithWorkers: false }) });
    expect(await tablesIn(store)).toEqual(expect.arrayContaining(['designs', 'sim_objects']));
    expect(await tablesIn(store)).not.toContain('cluster_nodes');
    await store.close();
    store = await openSqliteStore(dir, { tables: serverTables({ sharedWithWorkers: true }) });
    expect(await tablesIn(store)).toEqual(expect.arrayContaining(OWN_TABLES));
    await store.close();
  });
});
