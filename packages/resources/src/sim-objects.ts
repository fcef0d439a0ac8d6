// The simulated cloud's inventory: one row per object it holds (a server, a
// network, a volume, ...), found again by the client token it was created
// with, so a retried create returns the same object. Its table is this
// package's, registered with the store as SIM_TABLES.
import { tablesOf, type JsonValue, type Store, type TableSet, type WithTables } from '@hearth/store';

export interface SimObjectsTable {
  id: string;
  kind: string;
  client_token: string;
  stack_id: string;
  resource_name: string;
  data: string;
  created_at: string;
}

export interface SimObjectRecord {
  id: string;
  kind: string;
  clientToken: string;
  stackId: string;
  resourceName: string;
  data: Record<string, JsonValue>;
  createdAt: string;
}

type SimTables = { sim_objects: SimObjectsTable };

export const SIM_TABLES: TableSet = {
  owner: '@hearth/resources',
  migrations: () => ({
    // Databases made before the table was this package's have it already (the store's 001-initial made it).
    '001-initial-sim-objects': {
      async up(db) {
        await db.schema
          .createTable('sim_objects')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('client_token', 'text', (c) => c.notNull().unique())
          .addColumn('stack_id', 'text', (c) => c.notNull())
          .addColumn('resource_name', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  }),
};

function fromRow(row: SimObjectsTable): SimObjectRecord {
  return {
    id: row.id,
    kind: row.kind,
    clientToken: row.client_token,
    stackId: row.stack_id,
    resourceName: row.resource_name,
    data: JSON.parse(row.data) as Record<string, JsonValue>,
    createdAt: row.created_at,
  };
}

export class SimObjects {
  private readonly db: WithTables<SimTables>;

  /** Over the connection of a store opened with SIM_TABLES (`store.db`). */
  constructor(db: Store['db']) {
    this.db = tablesOf<SimTables>(db);
  }

  async byToken(clientToken: string): Promise<SimObjectRecord | null> {
    const row = await this.db.selectFrom('sim_objects').selectAll().where('client_token', '=', clientToken).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async byId(id: string): Promise<SimObjectRecord | null> {
    const row = await this.db.selectFrom('sim_objects').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** Adds an object; a client token already used is refused (the database's unique constraint). */
  async insert(o: Omit<SimObjectRecord, 'createdAt'>): Promise<SimObjectRecord> {
    const t = new Date().toISOString();
    await this.db
      .insertInto('sim_objects')
      .values({
        id: o.id,
        kind: o.kind,
        client_token: o.clientToken,
        stack_id: o.stackId,
        resource_name: o.resourceName,
        data: JSON.stringify(o.data ?? null),
        created_at: t,
      })
      .execute();
    return { ...o, createdAt: t };
  }

  /** Replaces an object's data. */
  async update(id: string, data: Record<string, JsonValue>): Promise<void> {
    await this.db
      .updateTable('sim_objects')
      .set({ data: JSON.stringify(data ?? null) })
      .where('id', '=', id)
      .execute();
  }

  /** Removes an object; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('sim_objects').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** The objects, oldest first: all, or those of a stack and/or a kind. */
  async list(filter: { stackId?: string; kind?: string } = {}): Promise<SimObjectRecord[]> {
    let q = this.db.selectFrom('sim_objects').selectAll().orderBy('created_at');
    if (filter.stackId) q = q.where('stack_id', '=', filter.stackId);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    return (await q.execute()).map(fromRow);
  }
}
