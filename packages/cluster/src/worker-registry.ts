// Which engine workers are taking jobs: each writes its row when it starts,
// says it is alive every few seconds, and removes it when it stops. A worker
// killed without stopping is left out once it has not been seen for a while,
// as Heat's `service list` shows an engine down.
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { EngineInfo } from '@hearth/engine';
import type { Database } from '@hearth/store';
import { clusterTables, type ClusterDatabase } from './tables.ts';

/** How often a worker says it is alive. */
export const WORKER_BEAT_MS = 5000;
/** A worker not seen for this long is taken for gone. */
export const WORKER_GONE_MS = 3 * WORKER_BEAT_MS;
/** Rows of workers gone this long are removed. */
const FORGOTTEN_MS = 24 * 3600_000;

export class WorkerRegistry {
  private readonly db: Kysely<ClusterDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = clusterTables(db);
  }

  /** Adds the worker; forgets workers long gone (killed without stopping). */
  async register(id: string, concurrency: number): Promise<void> {
    const now = Date.now();
    await this.db
      .deleteFrom('cluster_workers')
      .where('seen_at', '<', new Date(now - FORGOTTEN_MS).toISOString())
      .execute();
    const at = new Date(now).toISOString();
    await this.db
      .insertInto('cluster_workers')
      .values({ id, host: hostname(), pid: process.pid, concurrency, running: 0, started_at: at, seen_at: at })
      .execute();
  }

  /** Says the worker is alive, with how many jobs it is running. */
  async beat(id: string, running: number): Promise<void> {
    await this.db.updateTable('cluster_workers').set({ running, seen_at: new Date().toISOString() }).where('id', '=', id).execute();
  }

  async unregister(id: string): Promise<void> {
    await this.db.deleteFrom('cluster_workers').where('id', '=', id).execute();
  }

  /** The workers seen lately, oldest first. */
  async live(): Promise<EngineInfo[]> {
    const rows = await this.db
      .selectFrom('cluster_workers')
      .selectAll()
      .where('seen_at', '>=', new Date(Date.now() - WORKER_GONE_MS).toISOString())
      .orderBy('started_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      host: r.host,
      pid: Number(r.pid),
      concurrency: Number(r.concurrency),
      running: Number(r.running),
      startedAt: r.started_at,
      seenAt: r.seen_at,
    }));
  }
}
