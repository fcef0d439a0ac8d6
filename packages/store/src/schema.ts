// The store's own tables, as Kysely sees them (other packages' tables are
// theirs: see table-set.ts). JSON columns hold text (SQLite) or jsonb text
// (PostgreSQL); the store converts at its boundary.
import type { ColumnType, Generated } from 'kysely';

export interface StacksTable {
  id: string;
  name: string;
  action: string;
  status: string;
  status_reason: string;
  template: string;
  environment: string;
  parameters: string;
  files: string;
  options: string;
  outputs: string;
  /** The operation (traversal) that owns the stack; null when none runs. */
  current_traversal: string | null;
  /** The template, environment and parameters the stack had before the running update (for rollback). */
  previous: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface ResourcesTable {
  id: Generated<number>;
  stack_id: string;
  name: string;
  type: string;
  physical_id: string | null;
  action: string;
  status: string;
  status_reason: string;
  attributes: string;
  properties: string;
  definition: string;
  requires: string;
  /** Replacement generation: a replaced resource and its replacement share a name. */
  generation: number;
  /** The client token the provider was called with, so a retried create finds its object. */
  client_token: string;
  /** The provider the resource runs as (see ResourceRecord.implementation). */
  implementation: string;
  /** Set on the resource a replacement supersedes; it is deleted at the end of the update. */
  replaced_by: number | null;
  engine_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface EventsTable {
  id: Generated<number>;
  stack_id: string;
  stack_name: string;
  resource_name: string | null;
  resource_type: string | null;
  physical_id: string | null;
  action: string;
  status: string;
  reason: string;
  traversal: string | null;
  engine_id: string | null;
  time: string;
}

export interface OperationsTable {
  traversal: string;
  stack_id: string;
  kind: string;
  status: string;
  reason: string;
  started_at: string;
  finished_at: string | null;
}

export interface SignalsTable {
  id: Generated<number>;
  handle_id: string;
  /** The signal's own id (Heat keys a handle's signals by it: a repeat replaces, never adds). */
  signal_id: string | null;
  data: string;
  time: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  stacks: StacksTable;
  resources: ResourcesTable;
  events: EventsTable;
  operations: OperationsTable;
  signals: SignalsTable;
  meta: MetaTable;
}

export type Json<T> = ColumnType<T, string, string>;
