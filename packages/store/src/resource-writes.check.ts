// A check shared by the SQLite and PostgreSQL store tests: resources written
// in batches end as if each patch had been applied alone.
import { expect } from 'vitest';
import type { NewResource, Store } from './store.ts';

const resource = (name: string): NewResource => ({
  stackId: 'batches',
  name,
  type: 'OS::Heat::None',
  physicalId: null,
  action: 'INIT',
  status: 'COMPLETE',
  statusReason: '',
  attributes: {},
  properties: {},
  definition: {},
  requires: [],
  generation: 0,
  clientToken: `token-${name}`,
  implementation: 'OS::Heat::None',
  replacedBy: null,
  engineId: null,
});

export async function checkResourceBatches(store: Store): Promise<void> {
  const rows = await store.insertResources(Array.from({ length: 5 }, (_, i) => resource(`r${i}`)));
  const [a, b, c, d, e] = rows.map((r) => r.id) as [number, number, number, number, number];
  await store.updateResourcesEach([
    { id: a, patch: { status: 'COMPLETE', physicalId: 'phys-a', attributes: { ip: '10.0.0.1' }, generation: 2 } },
    { id: b, patch: { status: 'FAILED', physicalId: null, attributes: {}, generation: 3 } },
    { id: c, patch: { statusReason: "it's done", replacedBy: d } },
    { id: d, patch: { statusReason: 'alone', replacedBy: null } },
  ]);
  await store.deleteResourcesById([e]);
  const after = await store.getResources([a, b, c, d, e]);
  expect(after.map((r) => [r.name, r.status, r.physicalId, r.attributes, r.generation, r.statusReason, r.replacedBy])).toEqual([
    ['r0', 'COMPLETE', 'phys-a', { ip: '10.0.0.1' }, 2, '', null],
    ['r1', 'FAILED', null, {}, 3, '', null],
    ['r2', 'COMPLETE', null, {}, 0, "it's done", d],
    ['r3', 'COMPLETE', null, {}, 0, 'alone', null],
  ]);
}
