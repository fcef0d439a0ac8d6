// The worker side of the PostgreSQL scheduler, one job at a time, on a real
// PostgreSQL: what a worker does with a node another worker left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviders, SIM_TABLES, SimObjects } from '@hearth/resources';
import { openPostgresStore, startPostgresServer, type PostgresServer, type Store } from '@hearth/store';
import type { Engine } from '@hearth/engine';
import { clusterEngine } from './cluster-engine.ts';
import type { PostgresScheduler } from './postgres-scheduler.ts';
import { JobQueue } from './job-queue.ts';
import { CLUSTER_TABLES } from './tables.ts';
import { Traversals } from './traversals.ts';

let postgres: PostgresServer;
let store: Store;
let objects: SimObjects;
let queue: JobQueue;
let worker: Engine;
let scheduler: PostgresScheduler;

const TEMPLATE = `heat_template_version: 2018-08-31
resources:
  key:
    type: OS::Nova::KeyPair
    properties: {name: deployer}
  server:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: m1.tiny, key_name: {get_resource: key}}
`;

beforeAll(async () => {
  postgres = await startPostgresServer();
  store = await openPostgresStore(postgres.url, { tables: [CLUSTER_TABLES, SIM_TABLES] });
  objects = new SimObjects(store.db);
  // Nobody takes jobs from this queue: the test runs each step by hand.
  queue = await JobQueue.open(postgres.url, { expirySeconds: 1 });
  ({ engine: worker, scheduler } = clusterEngine({ store, providers: createProviders({ store }), queue, engineId: 'survivor' }));
}, 120_000);

afterAll(async () => {
  await queue?.stop();
  await store?.close();
  postgres?.stop();
});

async function events(stackId: string) {
  return (await store.listEvents({ stackId })).map((e) => `${e.resourceName ?? 'stack'} ${e.action}_${e.status} ${e.engineId}`);
}

describe('a cluster worker', () => {
  it('takes over a node whose worker died after the cloud made its object, and adopts that object', async () => {
    const stack = await worker.createStack({ name: 'adopt', template: TEMPLATE });
    const traversal = (await store.getStack(stack.id))!.currentTraversal!;
    const key = { stackId: stack.id, traversal, phase: 0, key: 'key' };
    const [rec] = await store.resourcesNamed(stack.id, ['key']);

    // The dead worker: it held the node and its create reached the cloud, then nothing more.
    await store.transaction(async (tx) => {
      await new Traversals(tx.db).claim(key, 'dead', 200);
      await new Traversals(tx.db).announce(key, 'dead');
      await tx.updateResource(rec!.id, { action: 'CREATE', status: 'IN_PROGRESS', engineId: 'dead' });
      await tx.appendEvents([
        {
          stackId: stack.id,
          stackName: 'adopt',
          resourceName: 'key',
          resourceType: rec!.type,
          physicalId: null,
          action: 'CREATE',
          status: 'IN_PROGRESS',
          reason: 'state changed',
          traversal,
          engineId: 'dead',
        },
      ]);
    });
    const made = await objects.insert({
      id: 'made-by-the-dead',
      kind: 'keypair',
      clientToken: rec!.clientToken,
      stackId: stack.id,
      resourceName: 'key',
      data: { name: 'deployer' },
    });

    await scheduler.checkNode(key);
    // Its lease had not run out yet: the survivor leaves it alone.
    expect((await store.resourcesNamed(stack.id, ['key']))[0]!.status).toBe('IN_PROGRESS');

    await new Promise((r) => setTimeout(r, 250));
    await scheduler.checkNode(key);
    const key2 = (await store.resourcesNamed(stack.id, ['key']))[0]!;
    expect(`${key2.action}_${key2.status}`).toBe('CREATE_COMPLETE');
    expect(key2.physicalId).toBe(made.id);

    await scheduler.checkNode({ ...key, key: 'server' });
    await scheduler.endPhase({ stackId: stack.id, traversal, phase: 0 });
    expect(await events(stack.id)).toEqual([
      `stack CREATE_IN_PROGRESS ${worker.engineId}`,
      'key CREATE_IN_PROGRESS dead',
      'key CREATE_COMPLETE survivor',
      'server CREATE_IN_PROGRESS survivor',
      'server CREATE_COMPLETE survivor',
      'stack CREATE_COMPLETE survivor',
    ]);
    expect((await objects.list({ stackId: stack.id })).map((o) => o.kind).sort()).toEqual(['keypair', 'server']);
    const server = (await store.resourcesNamed(stack.id, ['server']))[0]!;
    expect((await objects.byId(server.physicalId!))?.data.key_name).toBe(made.id);
    expect((await store.getStack(stack.id))?.currentTraversal).toBeNull();
  });

  it('at start, fails an operation its server left before writing its first phase (and only such)', async () => {
    const stack = await worker.createStack({ name: 'orphan', template: TEMPLATE });
    const running = (await store.getStack(stack.id))!.currentTraversal!;
    await store.createStack({ ...stack, id: 'left', name: 'left', currentTraversal: 'lost-traversal' });
    await store.startOperation({ traversal: 'lost-traversal', stackId: 'left', kind: 'CREATE', startedAt: '2026-01-01T00:00:00.000Z' });
    expect((await worker.recover()).map((s) => s.name)).toEqual(['left']);
    const left = (await store.getStack('left'))!;
    expect([left.status, left.currentTraversal]).toEqual(['FAILED', null]);
    expect(left.statusReason).toMatch(/server stopped before the CREATE could start/);
    expect((await store.getStack(stack.id))!.currentTraversal).toBe(running);
  });

  it('skips a node of a traversal that is no longer the stack’s', async () => {
    const stack = await worker.createStack({ name: 'stale', template: TEMPLATE });
    const traversal = (await store.getStack(stack.id))!.currentTraversal!;
    await store.updateStack(stack.id, { currentTraversal: 'newer' }, traversal);
    await scheduler.checkNode({ stackId: stack.id, traversal, phase: 0, key: 'key' });
    expect((await store.resourcesNamed(stack.id, ['key']))[0]!.action).toBe('INIT');
    expect(await objects.list({ stackId: stack.id })).toHaveLength(0);
  });
});
