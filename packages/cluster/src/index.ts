// @hearth/cluster: several engine workers sharing one PostgreSQL database.
export { clusterEngine, type ClusterEngine } from './cluster-engine.ts';
export { PostgresScheduler } from './postgres-scheduler.ts';
export { JobQueue, DEFAULT_QUEUE_SETTINGS, type QueueSettings } from './job-queue.ts';
export { relayEvents, type EventRelay } from './event-relay.ts';
export { startWorker, type WorkerOptions, type RunningWorker } from './worker.ts';
export { CLUSTER_TABLES, clusterTables, type ClusterTables } from './tables.ts';
