// The tables, as Kysely sees them. JSON columns hold text (SQLite) or jsonb
// text (PostgreSQL); the store converts at its boundary.
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

export interface DesignsTable {
  id: string;
  name: string;
  template: string;
  environment: string;
  layout: string;
  files: string;
  created_at: string;
  updated_at: string;
}

export interface SimObjectsTable {
  id: string;
  kind: string;
  client_token: string;
  stack_id: string;
  resource_name: string;
  data: string;
  created_at: string;
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

export interface ClusterPhasesTable {
  traversal: string;
  phase: number;
  kind: string;
  total: number;
  failure: string | null;
  stopped: number;
  stop_reason: string | null;
  deadline: string | null;
  /** After a resource failed: when actions still running are aborted (Heat's error_wait_time). */
  abort_at: string | null;
  ended: number;
}

export interface ClusterNodesTable {
  traversal: string;
  phase: number;
  key: string;
  resource_id: number;
  work: string;
  /** JSON array of the keys of the nodes waiting for this one. */
  dependents: string;
  remaining: number;
  state: string;
  owner: string | null;
  lease_until: string | null;
  started_at: string | null;
  announced: ColumnType<number, number | undefined, number>;
  attempts: number;
}

export interface ClusterInputsTable {
  traversal: string;
  phase: number;
  key: string;
  satisfied_by: string;
}

export interface ClusterWorkersTable {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  /** Jobs it was running when last seen. */
  running: number;
  started_at: string;
  seen_at: string;
}

export interface Database {
  stacks: StacksTable;
  resources: ResourcesTable;
  events: EventsTable;
  operations: OperationsTable;
  designs: DesignsTable;
  sim_objects: SimObjectsTable;
  signals: SignalsTable;
  meta: MetaTable;
  cluster_phases: ClusterPhasesTable;
  cluster_nodes: ClusterNodesTable;
  cluster_inputs: ClusterInputsTable;
  cluster_workers: ClusterWorkersTable;
}

export type Json<T> = ColumnType<T, string, string>;
