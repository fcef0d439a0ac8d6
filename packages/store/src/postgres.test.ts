// The store on a private PostgreSQL: the same queries as on SQLite, and the
// guarantees several workers rely on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { listenTo } from './notifications.ts';
import { openPostgresStore } from './postgres.ts';
import { checkResourceBatches } from './resource-writes.check.ts';
import { checkSignalsKeyedById } from './signals.check.ts';
import { startPostgresServer, type PostgresServer } from './postgres-server.ts';
import { checkSetOverTime } from './table-sets.check.ts';
import type { NewEvent, Store } from './store.ts';

let postgres: PostgresServer;
let store: Store;

beforeAll(async () => {
  postgres = await startPostgresServer();
  store = await openPostgresStore(postgres.url);
}, 120_000);

afterAll(async () => {
  await store?.close();
  postgres?.stop();
});

const event = (resourceName: string): NewEvent => ({
  stackId: 's',
  stackName: 's',
  resourceName,
  resourceType: null,
  physicalId: null,
  action: 'CREATE',
  status: 'IN_PROGRESS',
  reason: '',
  traversal: null,
  engineId: null,
});

describe('the PostgreSQL store', () => {
  it('applies a patch of its own to each of several resources, and deletes several at once', async () => {
    await checkResourceBatches(store);
  });

  it('lets only one operation own a stack, among concurrent connections', async () => {
    await store.createStack({
      id: 'cas',
      name: 'cas',
      action: 'CREATE',
      status: 'COMPLETE',
      statusReason: '',
      template: '',
      environment: '',
      parameters: {},
      files: {},
      options: {},
      currentTraversal: null,
    });
    const claims = await Promise.all(['a', 'b', 'c', 'd'].map((t) => store.updateStack('cas', { currentTraversal: t }, null)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('makes event ids visible in commit order: a writer waits for the one before it to commit', async () => {
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((r) => (releaseFirst = r));
    const order: string[] = [];
    const first = store.transaction(async (tx) => {
      const [e] = await tx.appendEvents([event('first')]);
      await firstHolds;
      order.push('first commits');
      return e!;
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = store.appendEvents([event('second')]).then(([e]) => {
      order.push('second committed');
      return e!;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual([]);
    releaseFirst();
    const [a, b] = await Promise.all([first, second]);
    expect(order).toEqual(['first commits', 'second committed']);
    expect(b.id).toBeGreaterThan(a.id);
  });

  it('keeps signals and settings', async () => {
    await checkSignalsKeyedById(store);
    await store.setMeta('k', 'v1');
    await store.setMeta('k', 'v2');
    expect(await store.getMeta('k')).toBe('v2');
  });

  it('adds a package’s tables to a database first opened without them, and leaves them alone while not in use', async () => {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('create database table_sets');
    await admin.end();
    const url = postgres.url.replace(/\/postgres$/, '/table_sets');
    await checkSetOverTime((tables) => openPostgresStore(url, { tables }));
  });

  it('says which database it could not use, without its password', async () => {
    const url = postgres.url.replace('hearth@', 'hearth:secret@').replace(/\/postgres$/, '/nosuchdb');
    await expect(openPostgresStore(url)).rejects.toThrow(
      /Cannot use the database at postgresql:\/\/hearth:\*\*\*@127\.0\.0\.1:\d+\/nosuchdb: .*nosuchdb/,
    );
  });

  it('outlives a restart of the database: the pool connects again, and so does a listener (which is told once)', async () => {
    const heard: string[] = [];
    const listening = await listenTo(postgres.url, 'restart_test', () => heard.push('hint'), 'test notifications');
    try {
      await sql`select pg_notify('restart_test', '')`.execute(store.db);
      await until(() => heard.length === 1);
      // A transaction open across the restart fails; the process goes on.
      const open = store.transaction(async (tx) => {
        await tx.setMeta('during', 'restart');
        await new Promise((r) => setTimeout(r, 1500));
        await tx.setMeta('after', 'restart');
      });
      const failed = expect(open).rejects.toThrow();
      await postgres.restart(200);
      await failed;
      // Told once after it listens again, then hears what follows.
      await until(() => heard.length === 2, 10_000);
      await sql`select pg_notify('restart_test', '')`.execute(store.db);
      await until(() => heard.length === 3);
      expect(await store.getMeta('during')).toBeNull();
    } finally {
      await listening.stop();
    }
  }, 30_000);
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
