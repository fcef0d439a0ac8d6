import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResourceBatches } from './resource-writes.check.ts';
import { checkSignalsKeyedById } from './signals.check.ts';
import { openMemoryStore, openSqliteStore } from './sqlite.ts';

describe('the SQLite store', () => {
  it('keeps stacks, resources and events across a reopen, with increasing event ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-store-'));
    let store = await openSqliteStore(dir);
    await store.createStack({
      id: 's1',
      name: 'web',
      action: 'CREATE',
      status: 'IN_PROGRESS',
      statusReason: '',
      template: 't',
      environment: '',
      parameters: {},
      files: {},
      options: {},
      currentTraversal: 'tr1',
    });
    await expect(
      store.createStack({
        id: 's2',
        name: 'web',
        action: 'CREATE',
        status: 'IN_PROGRESS',
        statusReason: '',
        template: 't',
        environment: '',
        parameters: {},
        files: {},
        options: {},
        currentTraversal: null,
      }),
    ).rejects.toThrow(/already exists/);
    const r = await store.insertResource({
      stackId: 's1',
      name: 'a',
      type: 'OS::Heat::None',
      physicalId: null,
      action: 'INIT',
      status: 'COMPLETE',
      statusReason: '',
      attributes: {},
      properties: { x: 1 },
      definition: null,
      requires: [],
      generation: 0,
      clientToken: 's1/a/0',
      implementation: 'OS::Heat::TestResource',
      replacedBy: null,
      engineId: null,
    });
    const e1 = await store.appendEvent({
      stackId: 's1',
      stackName: 'web',
      resourceName: 'a',
      resourceType: 'OS::Heat::None',
      physicalId: null,
      action: 'CREATE',
      status: 'IN_PROGRESS',
      reason: 'state changed',
      traversal: 'tr1',
      engineId: null,
    });
    const e2 = await store.appendEvent({
      stackId: 's1',
      stackName: 'web',
      resourceName: 'a',
      resourceType: 'OS::Heat::None',
      physicalId: 'p',
      action: 'CREATE',
      status: 'COMPLETE',
      reason: 'state changed',
      traversal: 'tr1',
      engineId: null,
    });
    expect(e2.id).toBeGreaterThan(e1.id);
    await store.close();
    store = await openSqliteStore(dir);
    expect((await store.getStack('web'))?.id).toBe('s1');
    expect((await store.listResources('s1'))[0]).toMatchObject({ id: r.id, properties: { x: 1 } });
    expect((await store.listEvents({ stackId: 's1', afterId: e1.id })).map((e) => e.id)).toEqual([e2.id]);
    await store.close();
  });

  it('lets only one operation own a stack (compare-and-swap on the traversal)', async () => {
    const store = await openSqliteStore(mkdtempSync(join(tmpdir(), 'hearth-store-')));
    await store.createStack({
      id: 's',
      name: 'x',
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
    const [a, b] = await Promise.all([
      store.updateStack('s', { currentTraversal: 'a' }, null),
      store.updateStack('s', { currentTraversal: 'b' }, null),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    await store.close();
  });
});

describe('batched writes', () => {
  it('gives events and resources written together increasing ids in the order given', async () => {
    const store = await openMemoryStore();
    const events = await store.appendEvents(
      Array.from({ length: 450 }, (_, i) => ({
        stackId: 's',
        stackName: 's',
        resourceName: `r${i}`,
        resourceType: null,
        physicalId: null,
        action: 'CREATE',
        status: 'IN_PROGRESS',
        reason: '',
        traversal: null,
        engineId: null,
      })),
    );
    expect(events.map((e) => e.resourceName)).toEqual(Array.from({ length: 450 }, (_, i) => `r${i}`));
    const stored = await store.listEvents({ stackId: 's' });
    expect(stored.map((e) => [e.id, e.resourceName])).toEqual(events.map((e) => [e.id, e.resourceName]));
    await store.close();
  });

  it('applies a patch of its own to each of several resources, and deletes several at once', async () => {
    const store = await openMemoryStore();
    await checkResourceBatches(store);
    await store.close();
  });

  it('keeps a handle’s signals by id, numbers those without one, and caps them', async () => {
    const store = await openMemoryStore();
    await checkSignalsKeyedById(store);
    await store.close();
  });
});
