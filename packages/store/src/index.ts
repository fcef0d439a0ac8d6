// @hearth/store: where Hearth keeps everything that must survive a restart.
export * from './store.ts';
export { openMemoryStore, openSqliteStore, type SqliteStoreOptions } from './sqlite.ts';
export type { Database } from './schema.ts';
export { tablesOf, type Dialect, type TableSet, type WithTables } from './table-set.ts';
export { openPostgresStore, redact, withStartupLock, type PostgresStoreOptions } from './postgres.ts';
export { startPostgresServer, type PostgresServer } from './postgres-server.ts';
export { listenTo, type Listening } from './notifications.ts';
export { ensurePrivateFile, preparePrivateDir, writeSecretFile } from './private-files.ts';
