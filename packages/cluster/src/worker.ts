// One engine worker: takes resource actions and phase ends from the queue,
// against the shared database, until stopped.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createProviders, SIM_TABLES } from '@hearth/resources';
import { openPostgresStore, type Store } from '@hearth/store';
import type { Engine } from '@hearth/engine';
import { clusterEngine } from './cluster-engine.ts';
import { JobQueue, type QueueSettings } from './job-queue.ts';
import { CLUSTER_TABLES } from './tables.ts';

export interface WorkerOptions {
  databaseUrl: string;
  /** Jobs this worker runs at once (default 20). */
  concurrency?: number;
  queue?: Partial<QueueSettings>;
  allowLocalScripts?: boolean;
  /** Where wait condition handles are signalled: the API server's address. */
  signalBaseUrl?: string;
  /** Heat's error_wait_time: how long actions may run on after a failure (default 240 s). */
  errorWaitSeconds?: number;
}

export interface RunningWorker {
  engineId: string;
  engine: Engine;
  store: Store;
  stop(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const store = await openPostgresStore(options.databaseUrl, { tables: [CLUSTER_TABLES, SIM_TABLES] });
  const queue = await JobQueue.open(options.databaseUrl, options.queue);
  const engineId = `worker-${hostname()}-${process.pid}-${randomUUID().slice(0, 4)}`;
  const { engine, scheduler } = clusterEngine({
    store,
    providers: createProviders({ store, allowLocalScripts: options.allowLocalScripts ?? false }),
    queue,
    engineId,
    ...(options.signalBaseUrl ? { signalBaseUrl: options.signalBaseUrl } : {}),
    ...(options.errorWaitSeconds !== undefined ? { errorWaitSeconds: options.errorWaitSeconds } : {}),
  });
  await scheduler.work(options.concurrency ?? 20);
  return {
    engineId,
    engine,
    store,
    async stop() {
      await engine.shutdown();
      await store.close();
    },
  };
}
