// Schema migrations, written once for SQLite and PostgreSQL with Kysely's
// schema builder and run at start.
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

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
        .createTable('designs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('layout', 'text', (c) => c.notNull())
        .addColumn('files', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sim_objects')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('client_token', 'text', (c) => c.notNull().unique())
        .addColumn('stack_id', 'text', (c) => c.notNull())
        .addColumn('resource_name', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

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
  '003-cluster-traversals': {
    async up(db: Kysely<unknown>) {
      // Heat's convergence state for engine workers: each operation's walk is phases of nodes (one
      // per resource action) with the requirements they still wait for, and the worker holding each.
      await db.schema
        .createTable('cluster_phases')
        .addColumn('traversal', 'text', (c) => c.notNull())
        .addColumn('phase', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('failure', 'text')
        .addColumn('stopped', 'integer', (c) => c.notNull())
        // Why it stopped beyond a failure: 'cancelled' or 'timed out'.
        .addColumn('stop_reason', 'text')
        // When the stack's timeout ends it (ISO time), if it has one.
        .addColumn('deadline', 'text')
        .addColumn('ended', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('cluster_phases_pk', ['traversal', 'phase'])
        .execute();
      await db.schema
        .createTable('cluster_nodes')
        .addColumn('traversal', 'text', (c) => c.notNull())
        .addColumn('phase', 'integer', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'integer', (c) => c.notNull())
        .addColumn('work', 'text', (c) => c.notNull())
        .addColumn('dependents', 'text', (c) => c.notNull())
        .addColumn('remaining', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('started_at', 'text')
        // 1 once the resource's IN_PROGRESS event is written (exactly once, by whichever worker).
        .addColumn('announced', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('cluster_nodes_pk', ['traversal', 'phase', 'key'])
        .execute();
      await db.schema.createIndex('cluster_nodes_owner').on('cluster_nodes').columns(['owner', 'state']).execute();
      // Whether a phase has nodes left to settle, asked after every settlement.
      await sql`create index cluster_nodes_open on cluster_nodes (traversal, phase) where state in ('waiting', 'ready', 'running')`.execute(
        db,
      );
      // One row per satisfied requirement: a repeated report of the same completion changes nothing.
      await db.schema
        .createTable('cluster_inputs')
        .addColumn('traversal', 'text', (c) => c.notNull())
        .addColumn('phase', 'integer', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('satisfied_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cluster_inputs_pk', ['traversal', 'phase', 'key', 'satisfied_by'])
        .execute();
    },
  },
  '004-cluster-workers': {
    async up(db: Kysely<unknown>) {
      // The engine workers taking jobs: each says it is alive every few seconds, and leaves when it stops.
      await db.schema
        .createTable('cluster_workers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('concurrency', 'integer', (c) => c.notNull())
        .addColumn('running', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('seen_at', 'text', (c) => c.notNull())
        .execute();
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
  '006-cluster-phase-abort': {
    async up(db: Kysely<unknown>) {
      // After a phase's first failure, actions still running are aborted once error_wait_time has passed.
      await db.schema.alterTable('cluster_phases').addColumn('abort_at', 'text').execute();
    },
  },
});

class InCodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrationsFor(this.dialect);
  }
}

export async function migrate(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`The database could not be migrated (${failed?.migrationName ?? 'unknown step'}): ${String(error)}`);
  }
}
