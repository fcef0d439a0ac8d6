// The store: stacks, resources, events (ids only ever grow), operations,
// wait condition signals and settings. One implementation over Kysely serves
// SQLite and PostgreSQL. Other packages keep their own tables beside these
// (designs, the simulated cloud's inventory, the cluster's state): see
// table-set.ts.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, ResourcesTable, StacksTable } from './schema.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Heat's actions (a stack's and a resource's). */
export const HEAT_ACTIONS = [
  'INIT',
  'CREATE',
  'UPDATE',
  'DELETE',
  'ROLLBACK',
  'CHECK',
  'SUSPEND',
  'RESUME',
  'ADOPT',
  'SNAPSHOT',
  // Heat's stack restore from a snapshot (seen on stacks Hearth follows on a cloud).
  'RESTORE',
  // Only in events: a signal a resource handled (Heat's Resource.signal).
  'SIGNAL',
] as const;
export type HeatAction = (typeof HEAT_ACTIONS)[number];
export const HEAT_STATUSES = ['IN_PROGRESS', 'COMPLETE', 'FAILED'] as const;
export type HeatStatus = (typeof HEAT_STATUSES)[number];

/** A stored action, checked once as it is read (a row nothing could have written is an error, not a string). */
export function heatAction(value: string): HeatAction {
  if ((HEAT_ACTIONS as readonly string[]).includes(value)) return value as HeatAction;
  throw new StoreError(`The store holds an action Hearth does not know: ${JSON.stringify(value)}.`, 'INVALID');
}

export function heatStatus(value: string): HeatStatus {
  if ((HEAT_STATUSES as readonly string[]).includes(value)) return value as HeatStatus;
  throw new StoreError(`The store holds a status Hearth does not know: ${JSON.stringify(value)}.`, 'INVALID');
}

export interface StackRecord {
  id: string;
  name: string;
  action: HeatAction;
  status: HeatStatus;
  statusReason: string;
  template: string;
  environment: string;
  parameters: Record<string, JsonValue>;
  files: Record<string, string>;
  options: Record<string, JsonValue>;
  outputs: Record<string, JsonValue>;
  currentTraversal: string | null;
  previous: JsonValue;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface ResourceRecord {
  id: number;
  stackId: string;
  name: string;
  type: string;
  physicalId: string | null;
  action: HeatAction;
  status: HeatStatus;
  statusReason: string;
  attributes: Record<string, JsonValue>;
  properties: Record<string, JsonValue>;
  definition: JsonValue;
  requires: string[];
  generation: number;
  clientToken: string;
  /**
   * What the resource was created as: the provider that runs it (the
   * built-in type its type resolved to, or `@template` for a nested
   * template). It deletes, checks and compares as this, whatever the
   * environment says later, as Heat loads a resource with the environment it
   * was made with. Empty for rows written before Hearth kept it.
   */
  implementation: string;
  replacedBy: number | null;
  engineId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EventRecord {
  id: number;
  stackId: string;
  stackName: string;
  resourceName: string | null;
  resourceType: string | null;
  physicalId: string | null;
  action: HeatAction;
  status: HeatStatus;
  reason: string;
  traversal: string | null;
  engineId: string | null;
  time: string;
}

export interface OperationRecord {
  traversal: string;
  stackId: string;
  kind: string;
  status: string;
  reason: string;
  startedAt: string;
  finishedAt: string | null;
}

export type NewEvent = Omit<EventRecord, 'id' | 'time'> & { time?: string };
export type NewStack = Pick<
  StackRecord,
  'id' | 'name' | 'action' | 'status' | 'statusReason' | 'template' | 'environment' | 'parameters' | 'files' | 'options'
> & {
  currentTraversal: string | null;
};
export type NewResource = Omit<ResourceRecord, 'id' | 'createdAt' | 'updatedAt'>;
export type ResourcePatch = Partial<Omit<ResourceRecord, 'id' | 'stackId' | 'createdAt'>>;
export type StackPatch = Partial<Omit<StackRecord, 'id' | 'createdAt'>>;

export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'INVALID',
  ) {
    super(message);
  }
}

const now = () => new Date().toISOString();
/** The advisory lock that orders event ids in PostgreSQL (any constant no other code uses). */
const EVENTS_LOCK = 72_011;
const json = (v: unknown) => JSON.stringify(v ?? null);
function parse<T>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T;
}

function stackFromRow(r: StacksTable): StackRecord {
  return {
    id: r.id,
    name: r.name,
    action: heatAction(r.action),
    status: heatStatus(r.status),
    statusReason: r.status_reason,
    template: r.template,
    environment: r.environment,
    parameters: parse(r.parameters),
    files: parse(r.files),
    options: parse(r.options),
    outputs: parse(r.outputs),
    currentTraversal: r.current_traversal,
    previous: parse(r.previous),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
  };
}

type ResourceRow = Omit<ResourcesTable, 'id'> & { id: number };

function resourceFromRow(r: ResourceRow): ResourceRecord {
  return {
    id: Number(r.id),
    stackId: r.stack_id,
    name: r.name,
    type: r.type,
    physicalId: r.physical_id,
    action: heatAction(r.action),
    status: heatStatus(r.status),
    statusReason: r.status_reason,
    attributes: parse(r.attributes),
    properties: parse(r.properties),
    definition: parse(r.definition),
    requires: parse(r.requires),
    generation: Number(r.generation),
    clientToken: r.client_token,
    implementation: r.implementation,
    replacedBy: r.replaced_by === null ? null : Number(r.replaced_by),
    engineId: r.engine_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Resource columns of an integer type (the others are text). */
const INTEGER_RESOURCE_COLUMNS = new Set(['generation', 'replaced_by']);

function resourcePatchToRow(p: ResourcePatch): Partial<Omit<ResourcesTable, 'id'>> {
  const row: Record<string, unknown> = {};
  if (p.name !== undefined) row.name = p.name;
  if (p.type !== undefined) row.type = p.type;
  if (p.physicalId !== undefined) row.physical_id = p.physicalId;
  if (p.action !== undefined) row.action = p.action;
  if (p.status !== undefined) row.status = p.status;
  if (p.statusReason !== undefined) row.status_reason = p.statusReason;
  if (p.attributes !== undefined) row.attributes = json(p.attributes);
  if (p.properties !== undefined) row.properties = json(p.properties);
  if (p.definition !== undefined) row.definition = json(p.definition);
  if (p.requires !== undefined) row.requires = json(p.requires);
  if (p.generation !== undefined) row.generation = p.generation;
  if (p.clientToken !== undefined) row.client_token = p.clientToken;
  if (p.implementation !== undefined) row.implementation = p.implementation;
  if (p.replacedBy !== undefined) row.replaced_by = p.replacedBy;
  if (p.engineId !== undefined) row.engine_id = p.engineId;
  row.updated_at = p.updatedAt ?? now();
  return row as Partial<Omit<ResourcesTable, 'id'>>;
}

function stackPatchToRow(p: StackPatch): Partial<StacksTable> {
  const row: Record<string, unknown> = {};
  if (p.name !== undefined) row.name = p.name;
  if (p.action !== undefined) row.action = p.action;
  if (p.status !== undefined) row.status = p.status;
  if (p.statusReason !== undefined) row.status_reason = p.statusReason;
  if (p.template !== undefined) row.template = p.template;
  if (p.environment !== undefined) row.environment = p.environment;
  if (p.parameters !== undefined) row.parameters = json(p.parameters);
  if (p.files !== undefined) row.files = json(p.files);
  if (p.options !== undefined) row.options = json(p.options);
  if (p.outputs !== undefined) row.outputs = json(p.outputs);
  if (p.currentTraversal !== undefined) row.current_traversal = p.currentTraversal;
  if (p.previous !== undefined) row.previous = p.previous === null ? null : json(p.previous);
  if (p.deletedAt !== undefined) row.deleted_at = p.deletedAt;
  row.updated_at = p.updatedAt ?? now();
  return row as Partial<StacksTable>;
}

function eventFromRow(r: Omit<EventRecord, 'id'> & { id: number | string }): EventRecord {
  return { ...r, id: Number(r.id) };
}

const EVENT_COLUMNS = [
  'id',
  'stack_id as stackId',
  'stack_name as stackName',
  'resource_name as resourceName',
  'resource_type as resourceType',
  'physical_id as physicalId',
  'action',
  'status',
  'reason',
  'traversal',
  'engine_id as engineId',
  'time',
] as const;

type Db = Kysely<Database> | Transaction<Database>;

function resourceToRow(r: NewResource, t: string) {
  return {
    stack_id: r.stackId,
    name: r.name,
    type: r.type,
    physical_id: r.physicalId,
    action: heatAction(r.action),
    status: heatStatus(r.status),
    status_reason: r.statusReason,
    attributes: json(r.attributes),
    properties: json(r.properties),
    definition: json(r.definition),
    requires: json(r.requires),
    generation: r.generation,
    client_token: r.clientToken,
    implementation: r.implementation,
    replaced_by: r.replacedBy,
    engine_id: r.engineId,
    created_at: t,
    updated_at: t,
  };
}

function eventToRow(e: NewEvent, t: string) {
  return {
    stack_id: e.stackId,
    stack_name: e.stackName,
    resource_name: e.resourceName,
    resource_type: e.resourceType,
    physical_id: e.physicalId,
    action: e.action,
    status: e.status,
    reason: e.reason,
    traversal: e.traversal,
    engine_id: e.engineId,
    time: e.time ?? t,
  };
}

/** A signal as a handle keeps it: Heat's status, reason and data, and its id when the sender gave one. */
export interface SignalInput {
  id: string | null;
  data: { status: 'SUCCESS' | 'FAILURE'; reason: string | null; data: JsonValue };
}

export interface StoredSignal {
  id: string;
  /** True when it replaced an earlier signal with the same id. */
  replaced: boolean;
  /** The handle's signals now. */
  count: number;
}

export class Store {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  async close(): Promise<void> {
    await this.db.destroy();
    await this.onClose();
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new Store(trx as unknown as Kysely<Database>, this.dialect)));
  }

  private get q(): Db {
    return this.db;
  }

  // ---------------------------------------------------------------- stacks

  async createStack(s: NewStack): Promise<StackRecord> {
    const existing = await this.q
      .selectFrom('stacks')
      .select('id')
      .where('name', '=', s.name)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (existing) throw new StoreError(`A stack named ${s.name} already exists.`, 'CONFLICT');
    const t = now();
    const row: StacksTable = {
      id: s.id,
      name: s.name,
      action: s.action,
      status: s.status,
      status_reason: s.statusReason,
      template: s.template,
      environment: s.environment,
      parameters: json(s.parameters),
      files: json(s.files),
      options: json(s.options),
      outputs: json({}),
      current_traversal: s.currentTraversal,
      previous: null,
      created_at: t,
      updated_at: t,
      deleted_at: null,
    };
    await this.q.insertInto('stacks').values(row).execute();
    return stackFromRow(row);
  }

  /** A live stack by id or name (deleted stacks only by id). */
  async getStack(idOrName: string): Promise<StackRecord | null> {
    const byId = await this.q.selectFrom('stacks').selectAll().where('id', '=', idOrName).executeTakeFirst();
    if (byId) return stackFromRow(byId);
    const byName = await this.q
      .selectFrom('stacks')
      .selectAll()
      .where('name', '=', idOrName)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return byName ? stackFromRow(byName) : null;
  }

  /** What changes while a stack runs, without its template and files (cheap to read for every step). */
  async stackState(id: string): Promise<Pick<StackRecord, 'action' | 'status' | 'statusReason' | 'currentTraversal'> | null> {
    const row = await this.q
      .selectFrom('stacks')
      .select(['action', 'status', 'status_reason', 'current_traversal'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row
      ? {
          action: heatAction(row.action),
          status: heatStatus(row.status),
          statusReason: row.status_reason,
          currentTraversal: row.current_traversal,
        }
      : null;
  }

  async listStacks(options: { includeDeleted?: boolean } = {}): Promise<StackRecord[]> {
    let q = this.q.selectFrom('stacks').selectAll().orderBy('created_at');
    if (!options.includeDeleted) q = q.where('deleted_at', 'is', null);
    return (await q.execute()).map(stackFromRow);
  }

  /**
   * Every stack's id and options (deleted ones too), the most recently changed first: what reading
   * across stacks needs (their durations, say), without their templates and files.
   */
  async stackOptionsByRecency(): Promise<Array<Pick<StackRecord, 'id' | 'options' | 'updatedAt'>>> {
    const rows = await this.q.selectFrom('stacks').select(['id', 'options', 'updated_at']).orderBy('updated_at', 'desc').execute();
    return rows.map((r) => ({ id: r.id, options: parse(r.options), updatedAt: r.updated_at }));
  }

  /** Stacks an operation is running on (after a restart: the ones left unfinished). */
  async stacksInProgress(): Promise<StackRecord[]> {
    return (
      await this.q.selectFrom('stacks').selectAll().where('current_traversal', 'is not', null).where('deleted_at', 'is', null).execute()
    ).map(stackFromRow);
  }

  /**
   * Updates a stack; with `expectTraversal`, only when its current traversal
   * is that one (a compare-and-swap that makes concurrent operations exclusive).
   */
  async updateStack(id: string, patch: StackPatch, expectTraversal?: string | null): Promise<boolean> {
    let q = this.q.updateTable('stacks').set(stackPatchToRow(patch)).where('id', '=', id);
    if (expectTraversal !== undefined) {
      q = expectTraversal === null ? q.where('current_traversal', 'is', null) : q.where('current_traversal', '=', expectTraversal);
    }
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // ---------------------------------------------------------------- resources

  /** How many resources these stacks hold together (every generation, as Heat counts them). */
  async countResources(stackIds: string[]): Promise<number> {
    if (!stackIds.length) return 0;
    const row = await this.q
      .selectFrom('resources')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('stack_id', 'in', stackIds)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The stack's resources as it has them now: not the generations a replacement superseded. */
  async liveResources(stackId: string): Promise<ResourceRecord[]> {
    const rows = await this.q
      .selectFrom('resources')
      .selectAll()
      .where('stack_id', '=', stackId)
      .where('replaced_by', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => resourceFromRow(r as ResourceRow));
  }

  /** The stack's live resources by name. */
  async liveResourcesByName(stackId: string): Promise<Map<string, ResourceRecord>> {
    return new Map((await this.liveResources(stackId)).map((r) => [r.name, r]));
  }

  async listResources(stackId: string): Promise<ResourceRecord[]> {
    const rows = await this.q.selectFrom('resources').selectAll().where('stack_id', '=', stackId).orderBy('id').execute();
    return rows.map((r) => resourceFromRow(r as ResourceRow));
  }

  /** The stack's resources with these names (every generation). */
  async resourcesNamed(stackId: string, names: string[]): Promise<ResourceRecord[]> {
    if (!names.length) return [];
    const rows = await this.q
      .selectFrom('resources')
      .selectAll()
      .where('stack_id', '=', stackId)
      .where('name', 'in', names)
      .orderBy('id')
      .execute();
    return rows.map((r) => resourceFromRow(r as ResourceRow));
  }

  async getResource(id: number): Promise<ResourceRecord | null> {
    const row = await this.q.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? resourceFromRow(row as ResourceRow) : null;
  }

  async getResources(ids: number[]): Promise<ResourceRecord[]> {
    if (!ids.length) return [];
    const rows = await this.q.selectFrom('resources').selectAll().where('id', 'in', ids).orderBy('id').execute();
    return rows.map((r) => resourceFromRow(r as ResourceRow));
  }

  async insertResource(r: NewResource): Promise<ResourceRecord> {
    return (await this.insertResources([r]))[0]!;
  }

  /** The live resources that have this physical id (a wait condition handle, for its signal endpoint). */
  async resourcesByPhysicalId(physicalId: string): Promise<ResourceRecord[]> {
    const rows = await this.q.selectFrom('resources').selectAll().where('physical_id', '=', physicalId).execute();
    return rows.map((row) => resourceFromRow(row as ResourceRow));
  }

  /** Inserts many resources with few statements; returns them with their ids, in order. */
  async insertResources(rs: NewResource[]): Promise<ResourceRecord[]> {
    const out: ResourceRecord[] = [];
    for (let i = 0; i < rs.length; i += 50) {
      const chunk = rs.slice(i, i + 50);
      const t = now();
      const rows = chunk.map((r) => resourceToRow(r, t));
      // The rows of one insert get increasing ids in row order.
      const ids = (await this.q.insertInto('resources').values(rows).returning('id').execute())
        .map((r) => Number(r.id))
        .sort((a, b) => a - b);
      chunk.forEach((r, k) => out.push({ ...r, id: ids[k]!, createdAt: t, updatedAt: t }));
    }
    return out;
  }

  /** Applies one patch to many resources. */
  async updateResources(ids: number[], patch: ResourcePatch): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await this.q
        .updateTable('resources')
        .set(resourcePatchToRow(patch))
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
    }
  }

  /**
   * Applies a patch of its own to each resource: rows whose patches set the
   * same columns share one statement (a CASE on the id per column).
   */
  async updateResourcesEach(updates: Array<{ id: number; patch: ResourcePatch }>): Promise<void> {
    const shapes = new Map<string, Array<{ id: number; row: Record<string, unknown> }>>();
    for (const u of updates) {
      const row = resourcePatchToRow(u.patch) as Record<string, unknown>;
      const shape = Object.keys(row).sort().join(',');
      const alike = shapes.get(shape);
      if (alike) alike.push({ id: u.id, row });
      else shapes.set(shape, [{ id: u.id, row }]);
    }
    for (const [shape, rows] of shapes) {
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200);
        if (chunk.length === 1) {
          await this.q.updateTable('resources').set(chunk[0]!.row).where('id', '=', chunk[0]!.id).execute();
          continue;
        }
        const set = Object.fromEntries(
          shape.split(',').map((column) => {
            const type = sql.raw(INTEGER_RESOURCE_COLUMNS.has(column) ? 'integer' : 'text');
            const whens = chunk.map((r) => sql`when ${r.id} then cast(${r.row[column]} as ${type})`);
            return [column, sql`case ${sql.ref('id')} ${sql.join(whens, sql` `)} end`];
          }),
        );
        await this.q
          .updateTable('resources')
          .set(set)
          .where(
            'id',
            'in',
            chunk.map((r) => r.id),
          )
          .execute();
      }
    }
  }

  async updateResource(id: number, patch: ResourcePatch): Promise<void> {
    await this.q.updateTable('resources').set(resourcePatchToRow(patch)).where('id', '=', id).execute();
  }

  async deleteResource(id: number): Promise<void> {
    await this.deleteResourcesById([id]);
  }

  async deleteResourcesById(ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await this.q
        .deleteFrom('resources')
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
    }
  }

  async deleteResources(stackId: string): Promise<void> {
    await this.q.deleteFrom('resources').where('stack_id', '=', stackId).execute();
  }

  // ---------------------------------------------------------------- events

  async appendEvent(e: NewEvent): Promise<EventRecord> {
    return (await this.appendEvents([e]))[0]!;
  }

  /** Appends many events with few statements; ids increase in the order given. */
  async appendEvents(events: NewEvent[]): Promise<EventRecord[]> {
    if (this.dialect === 'postgres') {
      if (!this.db.isTransaction) return this.transaction((tx) => tx.appendEvents(events));
      // Several workers append at once: ids must become visible in the order they are given, or a
      // reader resuming after id N could skip an event committed later with a smaller id. One lock,
      // held until commit, makes id order commit order; the notification wakes the API servers.
      await sql`select pg_advisory_xact_lock(${EVENTS_LOCK}), pg_notify('hearth_events', '')`.execute(this.db);
    }
    const out: EventRecord[] = [];
    for (let i = 0; i < events.length; i += 200) {
      const chunk = events.slice(i, i + 200);
      const t = now();
      const rows = chunk.map((e) => eventToRow(e, t));
      const ids = (await this.q.insertInto('events').values(rows).returning('id').execute()).map((r) => Number(r.id)).sort((a, b) => a - b);
      chunk.forEach((e, k) => out.push({ ...e, id: ids[k]!, time: rows[k]!.time }));
    }
    return out;
  }

  async listEvents(
    filter: { stackId?: string; afterId?: number; limit?: number; resourceName?: string; beforeId?: number; newestFirst?: boolean } = {},
  ): Promise<EventRecord[]> {
    let q = this.q.selectFrom('events').select(EVENT_COLUMNS);
    if (filter.stackId !== undefined) q = q.where('stack_id', '=', filter.stackId);
    if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
    if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
    if (filter.resourceName !== undefined) q = q.where('resource_name', '=', filter.resourceName);
    q = q.orderBy('id', filter.newestFirst ? 'desc' : 'asc');
    if (filter.limit !== undefined) q = q.limit(filter.limit);
    return (await q.execute()).map((r) => eventFromRow(r as EventRecord));
  }

  async lastEventId(): Promise<number> {
    const row = await this.q
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  // ---------------------------------------------------------------- operations

  async startOperation(o: Omit<OperationRecord, 'finishedAt' | 'status' | 'reason'>): Promise<void> {
    await this.q
      .insertInto('operations')
      .values({
        traversal: o.traversal,
        stack_id: o.stackId,
        kind: o.kind,
        status: 'IN_PROGRESS',
        reason: '',
        started_at: o.startedAt,
        finished_at: null,
      })
      .execute();
  }

  async finishOperation(traversal: string, status: string, reason: string): Promise<void> {
    await this.q.updateTable('operations').set({ status, reason, finished_at: now() }).where('traversal', '=', traversal).execute();
  }

  async listOperations(stackId: string): Promise<OperationRecord[]> {
    const rows = await this.q.selectFrom('operations').selectAll().where('stack_id', '=', stackId).orderBy('started_at').execute();
    return rows.map((r) => ({
      traversal: r.traversal,
      stackId: r.stack_id,
      kind: r.kind,
      status: r.status,
      reason: r.reason,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    }));
  }

  // ---------------------------------------------------------------- wait condition signals

  /**
   * Keeps a signal under its id, as Heat keeps a handle's signals: a signal
   * with an id the handle already has replaces that one (a retried curl
   * counts once); without an id it gets the next number. A handle holds at
   * most `limit` signals: past that, a new id is refused (null).
   */
  async putSignal(handleId: string, signal: SignalInput, limit: number): Promise<StoredSignal | null> {
    if (!this.db.isTransaction) return this.transaction((tx) => tx.putSignal(handleId, signal, limit));
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`signals:${handleId}`}))`.execute(this.db);
    const count = Number(
      (
        await this.q
          .selectFrom('signals')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('handle_id', '=', handleId)
          .executeTakeFirstOrThrow()
      ).n,
    );
    const id = signal.id ?? String(count + 1);
    const data = { ...signal.data, reason: signal.data.reason ?? `Signal ${count + 1} received` };
    const existing = await this.q
      .selectFrom('signals')
      .select('id')
      .where('handle_id', '=', handleId)
      .where('signal_id', '=', id)
      .executeTakeFirst();
    if (existing) {
      await this.q
        .updateTable('signals')
        .set({ data: json(data), time: now() })
        .where('id', '=', existing.id)
        .execute();
      return { id, replaced: true, count };
    }
    if (count >= limit) return null;
    await this.q
      .insertInto('signals')
      .values({ handle_id: handleId, signal_id: id, data: json(data), time: now() })
      .execute();
    return { id, replaced: false, count: count + 1 };
  }

  /** A handle's signals, in the order they first arrived: each with its id and what it said. */
  async listSignals(handleId: string): Promise<Array<{ id: string; data: JsonValue; time: string }>> {
    const rows = await this.q.selectFrom('signals').selectAll().where('handle_id', '=', handleId).orderBy('id').execute();
    return rows.map((r) => ({ id: r.signal_id ?? String(r.id), data: parse(r.data), time: r.time }));
  }

  async deleteSignals(handleId: string): Promise<void> {
    await this.q.deleteFrom('signals').where('handle_id', '=', handleId).execute();
  }

  // ---------------------------------------------------------------- meta

  async getMeta(key: string): Promise<string | null> {
    const row = await this.q.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    const existing = await this.getMeta(key);
    if (existing === null) await this.q.insertInto('meta').values({ key, value }).execute();
    else await this.q.updateTable('meta').set({ value }).where('key', '=', key).execute();
  }
}
