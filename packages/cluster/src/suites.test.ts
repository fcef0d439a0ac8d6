// The suites the embedded engine passes (lifecycle, Heat's types, the SQL
// Server cluster), run by the cluster engine on PostgreSQL: the same states,
// reasons, events and simulated cloud. Each
// test gets its own database; the engine takes its own jobs (one process
// acting as API server and worker).
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createProviders, SIM_TABLES } from '@hearth/resources';
import {
  harnessFor,
  heatSemanticsSuite,
  lifecycleSuite,
  sqlServerClusterSuite,
  typesSuite,
  type Harness,
  type HarnessOptions,
} from '@hearth/resources/test-support';
import { openPostgresStore, startPostgresServer, type PostgresServer } from '@hearth/store';
import { clusterEngine } from './cluster-engine.ts';
import { relayEvents } from './event-relay.ts';
import { JobQueue } from './job-queue.ts';
import { CLUSTER_TABLES } from './tables.ts';

let postgres: PostgresServer;
let databases = 0;

beforeAll(async () => {
  postgres = await startPostgresServer();
}, 120_000);

afterAll(() => postgres?.stop());

async function clusterHarness(options: HarnessOptions = {}): Promise<Harness> {
  const name = `lifecycle_${++databases}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = postgres.url.replace(/\/postgres$/, `/${name}`);
  const store = await openPostgresStore(url, { tables: [CLUSTER_TABLES, SIM_TABLES] });
  const queue = await JobQueue.open(url, { expirySeconds: 5, superviseSeconds: 1 });
  const providers = createProviders({ store });
  // Port 9 (discard) is closed here: signals the simulated servers POST fall back to in-process delivery.
  const { engine, scheduler } = clusterEngine({ store, providers, queue, signalBaseUrl: 'http://127.0.0.1:9', ...options });
  await scheduler.work(20);
  // Events reach the engine's bus as they reach an API server's: relayed from the database.
  const relay = await relayEvents(url, store, engine.bus);
  return harnessFor(store, engine, providers.cloud, { settled: () => relay.flush(), stop: () => relay.stop() });
}

lifecycleSuite(clusterHarness, { stopsWithTheProcess: false });
typesSuite(clusterHarness);
sqlServerClusterSuite(clusterHarness);
heatSemanticsSuite(clusterHarness);
