import { afterEach, describe, expect, it } from 'vitest';
import { openMemoryStore, type NewEvent, type Store } from '@hearth/store';
import { durationHistory } from './durations.ts';

let store: Store;
afterEach(() => store?.close());

async function stack(id: string, options: Record<string, unknown>): Promise<void> {
  await store.createStack({
    id,
    name: id,
    action: 'CREATE',
    status: 'COMPLETE',
    statusReason: '',
    template: '',
    environment: '',
    parameters: {},
    files: {},
    options: options as never,
    currentTraversal: null,
  });
}

/** A resource's IN_PROGRESS at `from` and its `status` at `to` (seconds into the day). */
function run(stackId: string, name: string, type: string, from: number, to: number, status = 'COMPLETE', action = 'CREATE'): NewEvent[] {
  const base = {
    stackId,
    stackName: stackId,
    resourceName: name,
    resourceType: type,
    physicalId: null,
    reason: '',
    traversal: null,
    engineId: 'test',
  };
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
  return [
    { ...base, action: action as NewEvent['action'], status: 'IN_PROGRESS', time: at(from) },
    { ...base, action: action as NewEvent['action'], status: status as NewEvent['status'], time: at(to) },
  ];
}

describe('past durations', () => {
  it('per type and action, beyond the simulated latency on rehearsals, per cloud otherwise', async () => {
    store = await openMemoryStore();
    await stack('r1', { simulation: { latency: 2, latencyByType: { 'OS::Nova::Server': 5 } } });
    await stack('r2', {});
    await stack('c1', { cloudStack: { cloud: 'lab', heatId: 'c1', heatName: 'c1', markers: {} } });
    await store.appendEvents([
      ...run('r1', 'net', 'OS::Neutron::Net', 0, 2.5),
      ...run('r1', 'vm', 'OS::Nova::Server', 2.5, 8),
      ...run('r1', 'cfg', 'OS::Heat::SoftwareConfig', 0, 0.25),
      // A wait condition's time is its wait for signals: not a duration of its own.
      ...run('r1', 'ready', 'OS::Heat::WaitCondition', 0, 30),
      // A failed action says nothing about how long one takes.
      ...run('r1', 'bad', 'OS::Neutron::Net', 0, 9, 'FAILED'),
      ...run('r2', 'net', 'OS::Neutron::Net', 0, 1.5),
      ...run('r2', 'net', 'OS::Neutron::Net', 10, 10.5, 'COMPLETE', 'DELETE'),
      ...run('c1', 'vm', 'OS::Nova::Server', 0, 42),
    ]);
    const rehearsal = await durationHistory(store, { kind: 'rehearsal' });
    expect(rehearsal).toEqual({
      'OS::Neutron::Net': { create: { median: 1, runs: 2 }, delete: { median: 0.5, runs: 1 } },
      'OS::Nova::Server': { create: { median: 0.5, runs: 1 } },
      'OS::Heat::SoftwareConfig': { create: { median: 0.25, runs: 1 } },
    });
    expect(await durationHistory(store, { kind: 'openstack', cloud: 'lab' })).toEqual({
      'OS::Nova::Server': { create: { median: 42, runs: 1 } },
    });
    expect(await durationHistory(store, { kind: 'openstack', cloud: 'other' })).toEqual({});
    // A new run is read (the history is kept only while no event came).
    await store.appendEvents(run('r2', 'net2', 'OS::Neutron::Net', 20, 23));
    expect((await durationHistory(store, { kind: 'rehearsal' }))['OS::Neutron::Net']!.create).toEqual({ median: 1.5, runs: 3 });
  });
});
