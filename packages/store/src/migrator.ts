// The one migrator: the store's migrations and those of every table set in
// use, run in name order by Kysely at start.
import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type Migration } from 'kysely';
import { STORE_TABLES } from './migrations.ts';
import type { Dialect, TableSet } from './table-set.ts';

/**
 * Brings the database up to date for the store and the given sets. A set
 * registered for the first time on an existing database gets its migrations
 * then (Kysely is told to accept migrations older than the last one run).
 */
export async function migrate(db: Kysely<unknown>, dialect: Dialect, sets: readonly TableSet[] = []): Promise<void> {
  const migrations = { ...leftBehind(await executedMigrations(db)), ...collect(dialect, sets) };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`The database could not be migrated (${failed?.migrationName ?? 'unknown step'}): ${String(error)}`);
  }
}

/** The store's migrations and the sets', refusing two that share a name (one would silently never run). */
function collect(dialect: Dialect, sets: readonly TableSet[]): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  const owners = new Map<string, string>();
  for (const set of new Set([STORE_TABLES, ...sets])) {
    for (const [name, migration] of Object.entries(set.migrations(dialect))) {
      const other = owners.get(name);
      if (other !== undefined) throw new Error(`Two table sets have a migration named ${name}: ${other} and ${set.owner}.`);
      owners.set(name, set.owner);
      all[name] = migration;
    }
  }
  return all;
}

/** Names of the migrations the database has recorded as run (none before its first). */
async function executedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === DEFAULT_MIGRATION_TABLE)) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Stand-ins for migrations run by a set not in use now: a worker opens the
 * database without the server's designs, a server without workers without
 * the cluster's tables. Kysely refuses a database whose recorded migrations
 * it cannot all find; these are recorded, so they never run, and the tables
 * they made stay as they are. (The sets in use replace the stand-ins for
 * their own migrations.)
 */
function leftBehind(executed: string[]): Record<string, Migration> {
  return Object.fromEntries(executed.map((name) => [name, { up: async () => {} }]));
}
