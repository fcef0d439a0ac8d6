// How a package keeps tables of its own in the store's database: it declares
// them as a table set (its migrations), the code that opens the store passes
// the sets of the packages in use, and the package reads and writes its
// tables through its own typed view of the store's connection.
import type { Kysely, Migration } from 'kysely';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * A package's tables: the migrations that create and change them, run by the
 * store's one migrator together with the store's own and other sets'.
 * Migration names are shared by all sets (Kysely records them in one table):
 * give each its package's suffix, e.g. `001-initial-designs`. Tables must
 * not depend on another set's (a database may have been opened without it).
 */
export interface TableSet {
  /** Who owns the tables, for messages. */
  owner: string;
  migrations(dialect: Dialect): Record<string, Migration>;
}

/** The store's database with a package's own tables (`T`: table name to row type) beside the store's. */
export type WithTables<T> = Kysely<Database & T>;

/**
 * A package's typed view of the store's connection or transaction, with its
 * own tables. Kysely's type parameter only describes tables, so this is the
 * same object: the cast is right as long as the package's table set was
 * registered when the store was opened (its tables are missing otherwise).
 */
export function tablesOf<T>(db: Kysely<Database>): WithTables<T> {
  return db as unknown as WithTables<T>;
}
