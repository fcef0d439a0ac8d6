// The seed scenario: examples/sql-server-cluster.yaml on the simulated cloud,
// run against each engine (the embedded one, and workers in packages/cluster).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '@hearth/store';
import { transitions, type Harness, type MakeHarness } from './harness.ts';
import { watch } from './watch.ts';

const template = readFileSync(resolve(import.meta.dirname, '../../../../examples/sql-server-cluster.yaml'), 'utf8');

interface Deployment {
  resource: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export function sqlServerClusterSuite(makeHarness: MakeHarness): void {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('examples/sql-server-cluster.yaml', () => {
    it('deploys in dependency order, and the replicas receive the master’s outputs', async () => {
      const stack = await h.create({ name: 'sql', template, options: { simulation: { latency: 0.005 } } });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      const events = await h.events(stack.id);
      const resources = await h.engine.resources(stack.id);
      expect(resources).toHaveLength(40);

      // No step started before every step it depends on had completed.
      const started = new Map<string, EventRecord>();
      const completed = new Map<string, EventRecord>();
      for (const e of events) {
        if (!e.resourceName || e.action !== 'CREATE') continue;
        if (e.status === 'IN_PROGRESS') started.set(e.resourceName, e);
        if (e.status === 'COMPLETE') completed.set(e.resourceName, e);
      }
      for (const r of resources) {
        for (const dep of r.requires) {
          expect(completed.get(dep)!.id, `${r.name} started before ${dep} completed`).toBeLessThan(started.get(r.name)!.id);
        }
      }
      // The order the scenario is about, spelled out.
      const before = (a: string, b: string) => expect(completed.get(a)!.id, `${a} before ${b}`).toBeLessThan(started.get(b)!.id);
      before('ad_primary', 'ad_secondary');
      for (const n of [0, 1, 2]) before('ad_secondary', `node${n}_prereq`);
      for (const n of [0, 1, 2]) before(`node${n}_prereq`, 'master_cluster');
      before('master_cluster', 'node1_join');
      before('node1_join', 'node1_sql');
      before('node2_sql', 'node2_alwayson');
      before('node1_alwayson', 'primary_replica');
      before('primary_replica', 'node1_replica');
      // The wait condition completed only once the primary replica's script signalled it.
      expect(completed.get('ag_ready')!.id).toBeGreaterThan(started.get('primary_replica')!.id);
      before('ag_ready', 'node2_replica');

      // The replicas received the master's outputs.
      const attrs = (name: string) => resources.find((r) => r.name === name)!.attributes as Record<string, unknown>;
      const servers = await h.cloud.objects.list({ kind: 'server' });
      const log = (server: string) => servers.find((s) => s.data.name === server)!.data.deployments as unknown as Deployment[];
      for (const server of ['sql-1', 'sql-2']) {
        const replica = log(server).find((d) => d.resource.endsWith('_replica'))!;
        expect(replica.inputs.primary_endpoint).toBe(attrs('primary_replica').endpoint_url);
        expect(replica.inputs.availability_group).toBe('ag1');
        expect(replica.inputs.cluster_name).toBe(attrs('master_cluster').cluster_name);
        // The wait condition's data is what the primary replica's agent signalled: its outputs.
        expect(JSON.parse(String(replica.inputs.ready))).toEqual({
          primary_replica: {
            availability_group: 'ag1',
            endpoint_url: attrs('primary_replica').endpoint_url,
            listener_ip: attrs('master_cluster').cluster_ip,
          },
        });
        const join = log(server).find((d) => d.resource.endsWith('_join'))!;
        expect(join.inputs.cluster_ip).toBe(attrs('master_cluster').cluster_ip);
      }
      const node0 = servers.find((s) => s.data.name === 'sql-0')!;
      const port0 = (await h.cloud.objects.list({ kind: 'port' })).find((p) => p.data.device_id === node0.id)!;
      const secondaryIp = (port0.data.fixed_ips as Array<{ ip_address: string }>)[1]!.ip_address;
      expect(attrs('master_cluster').cluster_ip).toBe(secondaryIp);
      expect(stack.outputs).toMatchObject({
        cluster_address: secondaryIp,
        availability_group: 'ag1',
        primary_endpoint: `TCP://${String(node0.data.first_address)}:5022`,
        replica_states: { 'sql-1': 'SYNCHRONIZED', 'sql-2': 'SYNCHRONIZED' },
      });
      // Steps ran on the servers in the scenario's order.
      expect(log('sql-0').map((d) => d.resource)).toEqual(['node0_prereq', 'master_cluster', 'node0_sql', 'primary_replica']);
      expect(log('sql-1').map((d) => d.resource)).toEqual(['node1_prereq', 'node1_join', 'node1_sql', 'node1_alwayson', 'node1_replica']);

      const deleted = await h.remove('sql');
      expect(`${deleted.action}_${deleted.status}`).toBe('DELETE_COMPLETE');
      expect(await h.cloud.objects.list({})).toEqual([]);
    });

    it('rolls back a failure in one replica and leaves the inventory empty', async () => {
      const stack = await h.create({ name: 'sql-fail', template, options: { simulation: { fail: ['node2_replica'] } } });
      expect(`${stack.action}_${stack.status}`).toBe('ROLLBACK_COMPLETE');
      const events = await h.events(stack.id);
      const failed = events.find((e) => e.resourceName === 'node2_replica' && e.status === 'FAILED')!;
      expect(failed.reason).toMatch(/^SimulatedFault: resources\.node2_replica: Simulated failure/);
      expect(events.some((e) => e.resourceName === null && e.action === 'ROLLBACK' && e.status === 'COMPLETE')).toBe(true);
      expect(await h.cloud.objects.list({})).toEqual([]);
      expect(await h.engine.resources(stack.id)).toEqual([]);
    });

    // Issue 13, item 11: ag_ready (a wait condition, timeout 1800) must not hold a failed stack for 30 minutes.
    it('with a failure in node1_join, the stack fails at once and rolls back after error_wait_time, not after ag_ready’s 30 minutes', async () => {
      const quick = await makeHarness({ errorWaitSeconds: 0 });
      try {
        const stack = await quick.create({ name: 'sql-join', template, options: { simulation: { fail: ['node1_join'] } } });
        expect(`${stack.action}_${stack.status}`).toBe('ROLLBACK_COMPLETE');
        const events = await quick.events(stack.id);
        const t = transitions(events);
        expect(t.indexOf('<stack> CREATE_FAILED')).toBeLessThan(t.indexOf('ag_ready CREATE_FAILED'));
        expect(events.find((e) => e.resourceName === 'ag_ready' && e.status === 'FAILED')!.reason).toBe('CREATE aborted');
        expect(await quick.cloud.objects.list({})).toEqual([]);
      } finally {
        await quick.close();
      }
    });

    it('with a failure in node1_join, a user can delete the stack while ag_ready still waits', async () => {
      const w = watch(h);
      const stack = await h.engine.createStack({ name: 'sql-del', template, options: { simulation: { fail: ['node1_join'] } } });
      await w.seen('ag_ready CREATE_IN_PROGRESS');
      const failed = await w.seen('<stack> CREATE_FAILED');
      w.close();
      expect(failed.reason).toMatch(/^Resource CREATE failed: SimulatedFault: resources\.node1_join: Simulated failure/);
      // Still running (ag_ready waits for error_wait_time): the delete stops it.
      const deleted = await h.engine.deleteStack('sql-del');
      expect(deleted.id).toBe(stack.id);
      const gone = await h.engine.wait(stack.id);
      expect(`${gone.action}_${gone.status}`).toBe('DELETE_COMPLETE');
      expect(await h.cloud.objects.list({})).toEqual([]);
    });
  });
}
