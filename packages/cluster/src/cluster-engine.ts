// An engine whose operations run on engine workers sharing PostgreSQL: the
// engine (checks, plans, Heat's lifecycle) composed with the PostgreSQL
// scheduler. The API server starts operations with it; `hearth worker`
// processes run them (`scheduler.work`).
import { Engine, type EngineOptions } from '@hearth/engine';
import type { JobQueue } from './job-queue.ts';
import { PostgresScheduler } from './postgres-scheduler.ts';

export interface ClusterEngine {
  engine: Engine;
  scheduler: PostgresScheduler;
}

export function clusterEngine(options: Omit<EngineOptions, 'scheduler'> & { queue: JobQueue }): ClusterEngine {
  const { queue, ...rest } = options;
  let scheduler: PostgresScheduler | null = null;
  const engine = new Engine({
    ...rest,
    scheduler: (parts) => (scheduler = new PostgresScheduler(parts, queue)),
  });
  return { engine, scheduler: scheduler! };
}
