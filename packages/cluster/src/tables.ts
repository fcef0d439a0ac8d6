// The cluster's tables in the shared database: Heat's convergence state for
// engine workers (phases, nodes and the requirements they have seen
// satisfied) and the workers taking jobs. Registered with the store as
// CLUSTER_TABLES by everything that opens a database the cluster uses.
import { sql, type ColumnType, type Kysely } from 'kysely';
import { tablesOf, type Database, type TableSet, type WithTables } from '@hearth/store';

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

export interface ClusterTables {
  cluster_phases: ClusterPhasesTable;
  cluster_nodes: ClusterNodesTable;
  cluster_inputs: ClusterInputsTable;
  cluster_workers: ClusterWorkersTable;
}

/** The store's tables and the cluster's, as the cluster's code sees them. */
export type ClusterDatabase = Database & ClusterTables;

/** The cluster's view of a store's connection or transaction (`store.db`, `tx.db`). */
export const clusterTables = (db: Kysely<Database>): WithTables<ClusterTables> => tablesOf<ClusterTables>(db);

// The names are the ones databases recorded when these migrations were the store's.
export const CLUSTER_TABLES: TableSet = {
  owner: '@hearth/cluster',
  migrations: () => ({
    '003-cluster-traversals': {
      async up(db: Kysely<unknown>) {
        // Heat's convergence state for engine workers: each operation's walk is phases of nodes (one
        // per resource action) with the requirements they still wait for, and the worker holding each.
        await db.schema
          .createTable('cluster_phases')
          .addColumn('traversal', 'text', (c) => c.notNull())
          .addColumn('phase', 'integer', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('total', 'integer', (c) => c.notNull())
          .addColumn('failure', 'text')
          .addColumn('stopped', 'integer', (c) => c.notNull())
          // Why it stopped beyond a failure: 'cancelled' or 'timed out'.
          .addColumn('stop_reason', 'text')
          // When the stack's timeout ends it (ISO time), if it has one.
          .addColumn('deadline', 'text')
          .addColumn('ended', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('cluster_phases_pk', ['traversal', 'phase'])
          .execute();
        await db.schema
          .createTable('cluster_nodes')
          .addColumn('traversal', 'text', (c) => c.notNull())
          .addColumn('phase', 'integer', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('resource_id', 'integer', (c) => c.notNull())
          .addColumn('work', 'text', (c) => c.notNull())
          .addColumn('dependents', 'text', (c) => c.notNull())
          .addColumn('remaining', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('owner', 'text')
          .addColumn('lease_until', 'text')
          .addColumn('started_at', 'text')
          // 1 once the resource's IN_PROGRESS event is written (exactly once, by whichever worker).
          .addColumn('announced', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('cluster_nodes_pk', ['traversal', 'phase', 'key'])
          .execute();
        await db.schema.createIndex('cluster_nodes_owner').on('cluster_nodes').columns(['owner', 'state']).execute();
        // Whether a phase has nodes left to settle, asked after every settlement.
        await sql`create index cluster_nodes_open on cluster_nodes (traversal, phase) where state in ('waiting', 'ready', 'running')`.execute(
          db,
        );
        // One row per satisfied requirement: a repeated report of the same completion changes nothing.
        await db.schema
          .createTable('cluster_inputs')
          .addColumn('traversal', 'text', (c) => c.notNull())
          .addColumn('phase', 'integer', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('satisfied_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('cluster_inputs_pk', ['traversal', 'phase', 'key', 'satisfied_by'])
          .execute();
      },
    },
    '004-cluster-workers': {
      async up(db: Kysely<unknown>) {
        // The engine workers taking jobs: each says it is alive every few seconds, and leaves when it stops.
        await db.schema
          .createTable('cluster_workers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('pid', 'integer', (c) => c.notNull())
          .addColumn('concurrency', 'integer', (c) => c.notNull())
          .addColumn('running', 'integer', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('seen_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '006-cluster-phase-abort': {
      async up(db: Kysely<unknown>) {
        // After a phase's first failure, actions still running are aborted once error_wait_time has passed.
        await db.schema.alterTable('cluster_phases').addColumn('abort_at', 'text').execute();
      },
    },
  }),
};
