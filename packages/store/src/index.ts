// @hearth/store: where Hearth keeps everything that must survive a restart.
export * from './store.ts';
export { openMemoryStore, openSqliteStore } from './sqlite.ts';
export type { Database } from './schema.ts';
export { openPostgresStore, redact, withStartupLock } from './postgres.ts';
export { startPostgresServer, type PostgresServer } from './postgres-server.ts';
export { listenTo, type Listening } from './notifications.ts';
export { ensurePrivateFile, preparePrivateDir, writeSecretFile } from './private-files.ts';
