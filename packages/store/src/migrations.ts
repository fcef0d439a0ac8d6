// The store's own tables (stacks, resources, events, operations, signals,
// meta): their migrations, written once for SQLite and PostgreSQL with
// Kysely's schema builder. Other packages bring theirs as table sets; one
// migrator runs them all at start (migrator.ts).
//
// The names are those databases already recorded: 003, 004 and 006 moved to
// @hearth/cluster, and the designs and simulated cloud tables 001-initial once
// created moved to their owners (which create them only if missing).
import { Kysely, sql, type Migration } from 'kysely';
import type { Dialect, TableSet } from './table-set.ts';

const migrationsFor = (dialect: Dialect): Record<string, Migration> => ({
  '001-initial': {
    async up(db: Kysely<unknown>) {
      const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
      await db.schema
        .createTable('stacks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('files', 'text', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('outputs', 'text', (c) => c.notNull())
        .addColumn('current_traversal', 'text')
        .addColumn('previous', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
      // A name is unique among the stacks that exist (deleted ones keep theirs for history).
      await sql`create unique index stacks_live_name on stacks (name) where deleted_at is null`.execute(db);

      await db.schema
        .createTable('resources')
        .addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('stack_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('physical_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text', (c) => c.notNull())
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('requires', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('client_token', 'text', (c) => c.notNull())
        .addColumn('replaced_by', 'integer')
        .addColumn('engine_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('resources_stack').on('resources').columns(['stack_id', 'name']).execute();

      await db.schema
        .createTable('events')
        .addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('stack_id', 'text', (c) => c.notNull())
        .addColumn('stack_name', 'text', (c) => c.notNull())
        .addColumn('resource_name', 'text')
        .addColumn('resource_type', 'text')
        .addColumn('physical_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('traversal', 'text')
        .addColumn('engine_id', 'text')
        .addColumn('time', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_stack').on('events').columns(['stack_id', 'id']).execute();

      await db.schema
        .createTable('operations')
        .addColumn('traversal', 'text', (c) => c.primaryKey())
        .addColumn('stack_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('operations_stack').on('operations').columns(['stack_id', 'started_at']).execute();

      await db.schema
        .createTable('signals')
        .addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('handle_id', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('signals_handle').on('signals').columns(['handle_id', 'id']).execute();

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '002-resources-by-physical-id': {
    async up(db: Kysely<unknown>) {
      // The signal endpoint finds a wait condition handle by its physical id.
      await db.schema.createIndex('resources_physical_id').on('resources').column('physical_id').execute();
    },
  },
  '005-signals-by-id': {
    async up(db: Kysely<unknown>) {
      // A handle's signals are keyed by their id, as Heat keys its handle's metadata.
      await db.schema.alterTable('signals').addColumn('signal_id', 'text').execute();
      await sql`update signals set signal_id = 'legacy-' || cast(id as text)`.execute(db);
      await db.schema.createIndex('signals_handle_signal').on('signals').columns(['handle_id', 'signal_id']).unique().execute();
    },
  },
  '007-resource-implementation': {
    async up(db: Kysely<unknown>) {
      // What each resource was created as, so that it deletes as that after its alias or template has gone.
      await db.schema
        .alterTable('resources')
        .addColumn('implementation', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
    },
  },
});

export const STORE_TABLES: TableSet = { owner: '@hearth/store', migrations: migrationsFor };
