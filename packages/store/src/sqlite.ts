// The embedded store: one SQLite file in the data directory, through
// better-sqlite3 (write-ahead log, synchronous=NORMAL: a committed state
// change survives a killed process).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { migrate } from './migrator.ts';
import { ensurePrivateFile, preparePrivateDir } from './private-files.ts';
import type { Database } from './schema.ts';
import { Store } from './store.ts';
import type { TableSet } from './table-set.ts';

export interface SqliteStoreOptions {
  /** The tables of the packages in use, beside the store's own. */
  tables?: readonly TableSet[];
  /** Told when the data directory is readable by others. */
  warn?: (message: string) => void;
}

export async function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const warning = preparePrivateDir(dataDir);
  if (warning) options.warn?.(warning);
  const file = join(dataDir, 'hearth.sqlite');
  // SQLite gives its -wal and -shm files the database file's mode: made private first, they are too.
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (f === file || existsSync(f)) ensurePrivateFile(f);
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db as unknown as Kysely<unknown>, 'sqlite', options.tables);
  return new Store(db, 'sqlite');
}

/**
 * Kysely prepares every query anew; preparing costs more than running the
 * small statements the engine issues, so prepared statements are kept by SQL.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** An in-memory store, for tests that need no file. */
export async function openMemoryStore(options: { tables?: readonly TableSet[] } = {}): Promise<Store> {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(new BetterSqlite3(':memory:')) }) });
  await migrate(db as unknown as Kysely<unknown>, 'sqlite', options.tables);
  return new Store(db, 'sqlite');
}
