// The shared store for several engine workers: PostgreSQL, chosen by
// DATABASE_URL, with the same schema and queries as the embedded store.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate } from './migrator.ts';
import type { Database } from './schema.ts';
import { Store } from './store.ts';
import type { TableSet } from './table-set.ts';

// bigint counts and ids come back as numbers, not strings (they stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

export interface PostgresStoreOptions {
  poolSize?: number;
  /** The tables of the packages in use, beside the store's own. */
  tables?: readonly TableSet[];
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // A client that loses its server must not take the process down: an idle one reports to the pool,
  // one checked out between two statements only to itself (the next statement then fails).
  pool.on('error', (error) => console.error(`hearth: database connection lost: ${error.message}`));
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await withStartupLock(url, () => migrate(db as unknown as Kysely<unknown>, 'postgres', options.tables));
  } catch (error) {
    await db.destroy();
    throw new Error(`Cannot use the database at ${redact(url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new Store(db, 'postgres');
}

/** Any constant no other code uses: the lock that lets one process at a time set the database up. */
const STARTUP_LOCK = 72_012;

/**
 * Runs `work` while holding a lock that every Hearth process starting on the
 * database takes: servers and workers started at the same moment would
 * otherwise run the same migrations at once (and deadlock).
 */
export async function withStartupLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK]);
    return await work();
  } finally {
    await client.end().catch(() => {});
  }
}

/** The address without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
