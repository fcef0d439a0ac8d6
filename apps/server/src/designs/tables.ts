// The server's table: designs (a user's template, environment, layout and
// files, kept beside the stacks). Registered with the store as DESIGN_TABLES.
import type { TableSet } from '@hearth/store';

export interface DesignsTable {
  id: string;
  name: string;
  template: string;
  environment: string;
  /** JSON: node positions and viewport. */
  layout: string;
  /** JSON: file name to text. */
  files: string;
  created_at: string;
  updated_at: string;
}

export type DesignTables = { designs: DesignsTable };

export const DESIGN_TABLES: TableSet = {
  owner: '@hearth/server',
  migrations: () => ({
    // Databases made before the table was the server's have it already (the store's 001-initial made it).
    '001-initial-designs': {
      async up(db) {
        await db.schema
          .createTable('designs')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('template', 'text', (c) => c.notNull())
          .addColumn('environment', 'text', (c) => c.notNull())
          .addColumn('layout', 'text', (c) => c.notNull())
          .addColumn('files', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  }),
};
