// Designs: saved, found by id or name, listed, renamed and deleted. Names
// are unique; a clash is the store's CONFLICT (the API answers 409).
import { StoreError, tablesOf, type JsonValue, type Store, type WithTables } from '@hearth/store';
import type { DesignTables } from './tables.ts';

export interface DesignRecord {
  id: string;
  name: string;
  template: string;
  environment: string;
  layout: JsonValue;
  files: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type DesignSummary = Pick<DesignRecord, 'id' | 'name' | 'createdAt' | 'updatedAt'>;

const json = (v: unknown) => JSON.stringify(v ?? null);

export class Designs {
  private readonly db: WithTables<DesignTables>;

  /** Over the connection of a store opened with DESIGN_TABLES (`store.db`). */
  constructor(db: Store['db']) {
    this.db = tablesOf<DesignTables>(db);
  }

  /** Adds a design, or replaces the one with its id (keeping when it was created). */
  async save(d: Omit<DesignRecord, 'createdAt' | 'updatedAt'>): Promise<DesignRecord> {
    const t = new Date().toISOString();
    const existing = await this.db.selectFrom('designs').select(['id', 'created_at']).where('id', '=', d.id).executeTakeFirst();
    const clash = await this.db.selectFrom('designs').select('id').where('name', '=', d.name).where('id', '!=', d.id).executeTakeFirst();
    if (clash) throw new StoreError(`A design named ${d.name} already exists.`, 'CONFLICT');
    const row = {
      id: d.id,
      name: d.name,
      template: d.template,
      environment: d.environment,
      layout: json(d.layout),
      files: json(d.files),
      updated_at: t,
    };
    if (existing) await this.db.updateTable('designs').set(row).where('id', '=', d.id).execute();
    else
      await this.db
        .insertInto('designs')
        .values({ ...row, created_at: t })
        .execute();
    return { ...d, createdAt: existing?.created_at ?? t, updatedAt: t };
  }

  /** `name` if no design has it, else the first of "name (2)", "name (3)", ... that none has (a second import of a file). */
  async freeName(name: string): Promise<string> {
    const taken = new Set((await this.db.selectFrom('designs').select('name').execute()).map((r) => r.name));
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${name} (${n})`;
      if (!taken.has(candidate)) return candidate;
    }
  }

  /** A design by id or name. */
  async get(idOrName: string): Promise<DesignRecord | null> {
    const row = await this.db
      .selectFrom('designs')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      template: row.template,
      environment: row.environment,
      layout: JSON.parse(row.layout) as JsonValue,
      files: JSON.parse(row.files) as Record<string, string>,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** Every design, by name, without its content. */
  async list(): Promise<DesignSummary[]> {
    const rows = await this.db.selectFrom('designs').select(['id', 'name', 'created_at', 'updated_at']).orderBy('name').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  async rename(id: string, name: string): Promise<void> {
    const clash = await this.db.selectFrom('designs').select('id').where('name', '=', name).where('id', '!=', id).executeTakeFirst();
    if (clash) throw new StoreError(`A design named ${name} already exists.`, 'CONFLICT');
    const result = await this.db
      .updateTable('designs')
      .set({ name, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new StoreError(`There is no design ${id}.`, 'NOT_FOUND');
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('designs').where('id', '=', id).execute();
  }
}
