// Servers and workers started at the same moment on a fresh database set it
// up once between them (the migrations and pg-boss's schema would deadlock).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_TABLES } from '@hearth/resources';
import { openPostgresStore, startPostgresServer, type PostgresServer } from '@hearth/store';
import { JobQueue } from './job-queue.ts';
import { CLUSTER_TABLES } from './tables.ts';

let postgres: PostgresServer;

beforeAll(async () => {
  postgres = await startPostgresServer();
}, 120_000);

afterAll(() => postgres?.stop());

describe('starting on a fresh database', () => {
  it('lets several processes start at once', async () => {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('create database fresh');
    await admin.end();
    const url = postgres.url.replace(/\/postgres$/, '/fresh');
    const tables = { tables: [CLUSTER_TABLES, SIM_TABLES] };
    const [stores, queues] = await Promise.all([
      Promise.all([openPostgresStore(url, tables), openPostgresStore(url, tables), openPostgresStore(url, tables)]),
      Promise.all([JobQueue.open(url), JobQueue.open(url)]),
    ]);
    expect(await stores[0].listStacks()).toEqual([]);
    for (const q of queues) await q.stop();
    for (const s of stores) await s.close();
  }, 60_000);
});
