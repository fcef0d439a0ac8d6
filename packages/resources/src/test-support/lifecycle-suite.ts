// Stack operations as users see them (states, reasons, events, the
// simulated cloud), written once and run against each engine: the embedded
// one here, and engine workers on PostgreSQL in packages/cluster.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '@hearth/engine';
import { transitions, type Harness, type MakeHarness } from './harness.ts';
import { watch } from './watch.ts';

const chain = `heat_template_version: 2018-08-31
parameters:
  greeting: {type: string, default: hello}
resources:
  a:
    type: OS::Heat::TestResource
    properties: {value: {get_param: greeting}}
  b:
    type: OS::Heat::TestResource
    properties: {value: {get_attr: [a, output]}}
  c:
    type: OS::Heat::None
    depends_on: b
outputs:
  b_out: {value: {get_attr: [b, output]}}
`;

export interface SuiteOptions {
  /** The engine runs in the test's process, so stopping it stops its stacks (not so for workers). */
  stopsWithTheProcess: boolean;
}

export function lifecycleSuite(makeHarness: MakeHarness, options: SuiteOptions): void {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('create and delete', () => {
    it('creates resources in dependency order with Heat states and reasons, and resolves outputs', async () => {
      const stack = await h.create({ name: 's1', template: chain });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
      expect(stack.statusReason).toBe('Stack CREATE completed successfully');
      expect(stack.outputs).toEqual({ b_out: 'hello' });
      const events = await h.events(stack.id);
      expect(transitions(events)).toEqual([
        '<stack> CREATE_IN_PROGRESS',
        'a CREATE_IN_PROGRESS',
        'a CREATE_COMPLETE',
        'b CREATE_IN_PROGRESS',
        'b CREATE_COMPLETE',
        'c CREATE_IN_PROGRESS',
        'c CREATE_COMPLETE',
        '<stack> CREATE_COMPLETE',
      ]);
      expect(events.find((e) => e.resourceName === 'a')!.reason).toBe('state changed');
      const ids = events.map((e) => e.id);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      const deleted = await h.remove('s1');
      expect(`${deleted.action}_${deleted.status}`).toBe('DELETE_COMPLETE');
      const del = transitions(await h.store.listEvents({ stackId: stack.id, afterId: ids.at(-1)! }));
      expect(del.indexOf('c DELETE_COMPLETE')).toBeLessThan(del.indexOf('b DELETE_IN_PROGRESS'));
      expect(del.indexOf('b DELETE_COMPLETE')).toBeLessThan(del.indexOf('a DELETE_IN_PROGRESS'));
      await expect(h.engine.getStack('s1')).rejects.toThrow(/no stack s1/);
    });
  });

  describe('refusals', () => {
    it('refuses a check while another operation is in progress (an update or a delete would take over)', async () => {
      // A wait condition nobody signals keeps the create in progress until the delete below interrupts it.
      const waiting = `heat_template_version: 2018-08-31
resources:
  h: {type: OS::Heat::WaitConditionHandle}
  w: {type: OS::Heat::WaitCondition, properties: {handle: {get_resource: h}, timeout: 1800}}
`;
      const stack = await h.engine.createStack({ name: 'busy', template: waiting });
      await expect(h.engine.checkStack('busy')).rejects.toThrow(/already has an action \(CREATE\) in progress/);
      await expect(h.engine.checkStack('busy')).rejects.toBeInstanceOf(EngineError);
      await h.engine.deleteStack('busy');
      expect((await h.engine.wait(stack.id)).status).toBe('COMPLETE');
    });

    it('refuses an invalid template with its diagnostics', async () => {
      const error = await h.engine
        .createStack({ name: 'bad', template: 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Nope}\n' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('TEMPLATE_INVALID');
      expect((error as EngineError).diagnostics[0]).toMatchObject({ line: 3 });
    });
  });

  describe('failure and rollback', () => {
    const failing = `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}
  slow: {type: OS::Heat::TestResource, properties: {wait_secs: 0.2}}
  bad:
    type: OS::Heat::TestResource
    depends_on: subnet
    properties: {fail: true}
  after:
    type: OS::Heat::None
    depends_on: bad
`;

    // Two latches instead of timing: `slow` is a wait condition signalled only
    // once `bad` has failed, and `bad` starts only once `slow` is running.
    const latched = `heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}
  slow_handle: {type: OS::Heat::WaitConditionHandle}
  slow:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: slow_handle}, timeout: 600}
  gate_handle: {type: OS::Heat::WaitConditionHandle}
  gate:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: gate_handle}, timeout: 600}
  bad:
    type: OS::Heat::TestResource
    depends_on: [subnet, gate]
    properties: {fail: true}
  after:
    type: OS::Heat::None
    depends_on: bad
`;

    it('fails the stack at the first failure, lets running actions finish, then rolls back and leaves nothing behind', async () => {
      const w = watch(h);
      w.on('slow CREATE_IN_PROGRESS', () => void w.signal('gate_handle'));
      w.on('<stack> CREATE_FAILED', () => void w.signal('slow_handle'));
      const stack = await h.create({ name: 'f', template: latched }).finally(() => w.close());
      expect(`${stack.action}_${stack.status}`).toBe('ROLLBACK_COMPLETE');
      expect(stack.statusReason).toBe('Stack ROLLBACK completed successfully');
      const t = transitions(await h.events(stack.id));
      expect(t).not.toContain('after CREATE_IN_PROGRESS');
      // As Heat's convergence engine: the stack fails at the first failure; what was running finishes; then the rollback.
      expect(t.indexOf('<stack> CREATE_FAILED')).toBeGreaterThan(t.indexOf('bad CREATE_FAILED'));
      expect(t.indexOf('slow CREATE_COMPLETE')).toBeGreaterThan(t.indexOf('<stack> CREATE_FAILED'));
      expect(t.indexOf('<stack> ROLLBACK_IN_PROGRESS')).toBeGreaterThan(t.indexOf('slow CREATE_COMPLETE'));
      expect(t).toContain('slow DELETE_COMPLETE');
      const failedEvent = (await h.events(stack.id)).find((e) => e.resourceName === 'bad' && e.status === 'FAILED')!;
      expect(failedEvent.reason).toBe('ValueError: resources.bad: Test Resource failed bad');
      const stackFailed = (await h.events(stack.id)).find(
        (e) => e.resourceName === null && e.action === 'CREATE' && e.status === 'FAILED',
      )!;
      expect(stackFailed.reason).toBe('Resource CREATE failed: ValueError: resources.bad: Test Resource failed bad');
      expect(await h.cloud.objects.list({ stackId: stack.id })).toEqual([]);
      expect(await h.engine.resources(stack.id)).toEqual([]);
    });

    it('aborts what still runs error_wait_time after the first failure, then rolls back (no 30-minute wait)', async () => {
      const quick = await makeHarness({ errorWaitSeconds: 0 });
      try {
        const w = watch(quick);
        w.on('slow CREATE_IN_PROGRESS', () => void w.signal('gate_handle'));
        // slow waits 30 minutes for a signal that never comes: the failure ends it.
        const stack = await quick
          .create({ name: 'prompt', template: latched.replace('timeout: 600}', 'timeout: 1800}') })
          .finally(() => w.close());
        expect(`${stack.action}_${stack.status}`).toBe('ROLLBACK_COMPLETE');
        const events = await quick.events(stack.id);
        const t = transitions(events);
        expect(t.indexOf('slow CREATE_FAILED')).toBeGreaterThan(t.indexOf('<stack> CREATE_FAILED'));
        expect(events.find((e) => e.resourceName === 'slow' && e.status === 'FAILED')!.reason).toBe('CREATE aborted');
        expect(t.indexOf('<stack> ROLLBACK_IN_PROGRESS')).toBeGreaterThan(t.indexOf('slow CREATE_FAILED'));
      } finally {
        await quick.close();
      }
    });

    it('keeps what was made when disable_rollback is set', async () => {
      const stack = await h.create({ name: 'f2', template: failing, options: { disableRollback: true } });
      expect(`${stack.action}_${stack.status}`).toBe('CREATE_FAILED');
      const kinds = (await h.cloud.objects.list({ stackId: stack.id })).map((o) => o.kind).sort();
      expect(kinds).toEqual(['network', 'subnet']);
      const deleted = await h.remove('f2');
      expect(deleted.status).toBe('COMPLETE');
      expect(await h.cloud.objects.list({ stackId: stack.id })).toEqual([]);
    });

    it('honours timeout_mins', async () => {
      const stack = await h.engine.createStack({
        name: 't',
        template: 'heat_template_version: 2018-08-31\nresources:\n  forever: {type: OS::Heat::TestResource, properties: {wait_secs: -1}}\n',
        options: { timeoutMins: 0.005, disableRollback: true },
      });
      const done = await h.engine.wait(stack.id);
      expect(`${done.action}_${done.status}`).toBe('CREATE_FAILED');
      expect(done.statusReason).toBe('Create timed out');
      const r = (await h.engine.resources(stack.id))[0]!;
      expect(`${r.action}_${r.status}`).toBe('CREATE_FAILED');
      expect(r.statusReason).toBe('Create timed out');
    });
  });

  describe('update', () => {
    const v1 = `heat_template_version: 2018-08-31
resources:
  keep: {type: OS::Heat::TestResource, properties: {value: same}}
  tweak: {type: OS::Heat::TestResource, properties: {value: one}}
  swap: {type: OS::Heat::TestResource, properties: {value: x, update_replace_value: a}}
  gone: {type: OS::Heat::None}
  kept:
    type: OS::Heat::None
    deletion_policy: Retain
  net: {type: OS::Neutron::Net, properties: {name: n1}}
  user:
    type: OS::Heat::TestResource
    properties: {value: {get_attr: [swap, output]}}
outputs:
  tweak: {value: {get_attr: [tweak, output]}}
`;
    const v2 = `heat_template_version: 2018-08-31
resources:
  keep: {type: OS::Heat::TestResource, properties: {value: same}}
  tweak: {type: OS::Heat::TestResource, properties: {value: two}}
  swap: {type: OS::Heat::TestResource, properties: {value: x, update_replace_value: b}}
  net: {type: OS::Neutron::Net, properties: {name: n2}}
  fresh: {type: OS::Heat::None}
  user:
    type: OS::Heat::TestResource
    properties: {value: {get_attr: [swap, output]}}
outputs:
  tweak: {value: {get_attr: [tweak, output]}}
`;

    it('plans every resource with its reason, and the same plan drives the update', async () => {
      const stack = await h.create({ name: 'u', template: v1 });
      expect(stack.status).toBe('COMPLETE');
      const plan = await h.engine.plan('u', { name: 'u', template: v2 });
      const byName = Object.fromEntries(plan.changes.map((c) => [c.resource, c]));
      expect(byName.keep!.action).toBe('unchanged');
      expect(byName.tweak!.action).toBe('update');
      expect(byName.tweak!.changes).toEqual([{ path: 'properties.value', before: 'one', after: 'two', forcesReplacement: false }]);
      expect(byName.swap!.action).toBe('replace');
      expect(byName.swap!.reason).toMatch(/update_replace_value/);
      expect(byName.gone!.action).toBe('delete');
      expect(byName.kept!.action).toBe('retain');
      expect(byName.fresh!.action).toBe('create');
      expect(byName.net!.action).toBe('update');
      // user's input comes from swap, which is replaced: its value is known only after apply.
      expect(['update', 'unchanged']).toContain(byName.user!.action);

      const netBefore = (await h.cloud.objects.list({ stackId: stack.id, kind: 'network' }))[0]!;
      const updated = await h.update('u', { template: v2 });
      expect(`${updated.action}_${updated.status}`).toBe('UPDATE_COMPLETE');
      expect(updated.outputs).toEqual({ tweak: 'two' });
      const t = transitions(await h.events(stack.id));
      expect(t).not.toContain('keep UPDATE_IN_PROGRESS');
      expect(t).toContain('tweak UPDATE_COMPLETE');
      // Replacement: the new swap is created before the old one is deleted.
      expect(t.lastIndexOf('swap CREATE_COMPLETE')).toBeLessThan(t.lastIndexOf('swap DELETE_COMPLETE'));
      expect(t).toContain('gone DELETE_COMPLETE');
      const live = await h.engine.resources(stack.id);
      expect(live.map((r) => r.name).sort()).toEqual(['fresh', 'keep', 'net', 'swap', 'tweak', 'user']);
      expect(live.find((r) => r.name === 'swap')!.generation).toBe(1);
      const netAfter = (await h.cloud.objects.list({ stackId: stack.id, kind: 'network' }))[0]!;
      expect(netAfter.id).toBe(netBefore.id);
      expect(netAfter.data.name).toBe('n2');
    });

    it('rolls a failed update back to the previous template', async () => {
      await h.create({ name: 'r', template: v1 });
      const broken = v2.replace('fresh: {type: OS::Heat::None}', 'fresh: {type: OS::Heat::TestResource, properties: {fail: true}}');
      const done = await h.update('r', { template: broken });
      expect(`${done.action}_${done.status}`).toBe('ROLLBACK_COMPLETE');
      expect(done.template).toBe(v1);
      const live = await h.engine.resources(done.id);
      expect(live.map((r) => r.name).sort()).toEqual(['gone', 'keep', 'kept', 'net', 'swap', 'tweak', 'user']);
      expect(live.find((r) => r.name === 'tweak')!.attributes).toMatchObject({ output: 'one' });
      expect((await h.cloud.objects.list({ stackId: done.id, kind: 'network' }))[0]!.data.name).toBe('n1');
    });

    // fresh waits for a signal the test sends (or never sends): the update is in progress exactly as long as the test wants.
    const waiting = v2.replace(
      'fresh: {type: OS::Heat::None}',
      'fresh_handle: {type: OS::Heat::WaitConditionHandle}\n  fresh:\n    type: OS::Heat::WaitCondition\n    properties: {handle: {get_resource: fresh_handle}, timeout: 1800}',
    );

    it('cancels an update in progress: the stack rolls back to the template it had, even with disable_rollback', async () => {
      await h.create({ name: 'c', template: v1, options: { disableRollback: true } });
      const w = watch(h);
      const { stack } = await h.engine.updateStack('c', { template: waiting });
      await w.seen('fresh CREATE_IN_PROGRESS');
      await h.engine.cancelUpdate('c');
      const done = await h.engine.wait(stack.id);
      w.close();
      expect(`${done.action}_${done.status}`).toBe('ROLLBACK_COMPLETE');
      expect(done.template).toBe(v1);
      const events = await h.events(stack.id);
      const t = transitions(events);
      // As Heat's cancel_update: straight from UPDATE_IN_PROGRESS to the rollback, never UPDATE_FAILED.
      expect(t).not.toContain('<stack> UPDATE_FAILED');
      expect(t.indexOf('<stack> ROLLBACK_IN_PROGRESS')).toBeGreaterThan(t.indexOf('<stack> UPDATE_IN_PROGRESS'));
      expect(events.find((e) => e.resourceName === 'fresh' && e.status === 'FAILED')!.reason).toBe('UPDATE cancelled');
      await expect(h.engine.cancelUpdate('c')).rejects.toThrow('Cancelling update when stack is ROLLBACK_COMPLETE is not supported.');
    });

    it('cancels without rollback: the update fails at once, what runs finishes, nothing rolls back', async () => {
      await h.create({ name: 'c2', template: v1 });
      const w = watch(h);
      w.on('<stack> UPDATE_FAILED', () => void w.signal('fresh_handle'));
      const { stack } = await h.engine.updateStack('c2', { template: waiting });
      await w.seen('fresh CREATE_IN_PROGRESS');
      await h.engine.cancelUpdate('c2', { rollback: false });
      const done = await h.engine.wait(stack.id);
      w.close();
      expect(`${done.action}_${done.status}`).toBe('UPDATE_FAILED');
      expect(done.statusReason).toBe('Stack UPDATE cancelled');
      const t = transitions(await h.events(stack.id));
      expect(t.indexOf('fresh CREATE_COMPLETE')).toBeGreaterThan(t.indexOf('<stack> UPDATE_FAILED'));
      expect(t).not.toContain('<stack> ROLLBACK_IN_PROGRESS');
    });

    it('cancels a create only without rollback, as Heat does', async () => {
      const w = watch(h);
      w.on('<stack> CREATE_FAILED', () => void w.signal('fresh_handle'));
      const stack = await h.engine.createStack({ name: 'c3', template: waiting });
      await w.seen('fresh CREATE_IN_PROGRESS');
      await expect(h.engine.cancelUpdate('c3')).rejects.toThrow('Cancelling update when stack is CREATE_IN_PROGRESS is not supported.');
      await h.engine.cancelUpdate('c3', { rollback: false });
      const done = await h.engine.wait(stack.id);
      w.close();
      expect(`${done.action}_${done.status}`).toBe('CREATE_FAILED');
      expect(done.statusReason).toBe('Stack CREATE cancelled');
    });

    it('a delete after a cancel without rollback aborts what that cancel let run', async () => {
      const w = watch(h);
      const stack = await h.engine.createStack({ name: 'c4', template: waiting });
      await w.seen('fresh CREATE_IN_PROGRESS');
      await h.engine.cancelUpdate('c4', { rollback: false });
      // The wait condition is never signalled: only the delete can end its wait.
      await h.engine.deleteStack('c4');
      const gone = await h.engine.wait(stack.id);
      w.close();
      expect(`${gone.action}_${gone.status}`).toBe('DELETE_COMPLETE');
      const events = await h.events(stack.id);
      expect(events.find((e) => e.resourceName === 'fresh' && e.status === 'FAILED')!.reason).toBe('CREATE cancelled');
    });

    it('lets a new update take over one in progress (no conflict), and a delete interrupt a create', async () => {
      await h.create({ name: 's', template: v1 });
      const w = watch(h);
      await h.engine.updateStack('s', { template: waiting });
      await w.seen('fresh CREATE_IN_PROGRESS');
      const { stack } = await h.engine.updateStack('s', { template: v2 });
      const done = await h.engine.wait(stack.id);
      w.close();
      expect(`${done.action}_${done.status}`).toBe('UPDATE_COMPLETE');
      expect(done.template).toBe(v2);
      const t = transitions(await h.events(stack.id));
      expect(t.filter((x) => x === '<stack> UPDATE_IN_PROGRESS')).toHaveLength(2);
      expect(t).not.toContain('<stack> UPDATE_FAILED');

      const w2 = watch(h);
      const creating = await h.engine.createStack({ name: 'd', template: waiting });
      await w2.seen('fresh CREATE_IN_PROGRESS');
      await h.engine.deleteStack('d');
      const gone = await h.engine.wait(creating.id);
      w2.close();
      expect(`${gone.action}_${gone.status}`).toBe('DELETE_COMPLETE');
      const events = await h.events(creating.id);
      const d = transitions(events);
      expect(d.indexOf('<stack> CREATE_FAILED')).toBeLessThan(d.indexOf('<stack> DELETE_IN_PROGRESS'));
      expect(events.find((e) => e.resourceName === null && e.status === 'FAILED')!.reason).toBe('Stack CREATE cancelled');
      expect(await h.cloud.objects.list({ stackId: creating.id })).toEqual([]);
    });
  });

  describe('check', () => {
    it('checks every resource against the simulated cloud', async () => {
      const stack = await h.create({
        name: 'k',
        template:
          'heat_template_version: 2018-08-31\nresources:\n  net: {type: OS::Neutron::Net}\n  v: {type: OS::Cinder::Volume, properties: {size: 1}}\n',
      });
      const ok = await h.engine.wait((await h.engine.checkStack('k')).id);
      expect(`${ok.action}_${ok.status}`).toBe('CHECK_COMPLETE');
      const vol = (await h.cloud.objects.list({ stackId: stack.id, kind: 'volume' }))[0]!;
      await h.cloud.objects.delete(vol.id);
      const bad = await h.engine.wait((await h.engine.checkStack('k')).id);
      expect(`${bad.action}_${bad.status}`).toBe('CHECK_FAILED');
      expect(bad.statusReason).toMatch(/resources\.v/);
    });
  });

  if (options.stopsWithTheProcess) {
    describe('shutdown', () => {
      it('stops running work and leaves the stack failed, without rolling back', async () => {
        const stack = await h.engine.createStack({
          name: 'stop',
          template:
            'heat_template_version: 2018-08-31\nresources:\n  net: {type: OS::Neutron::Net}\n  slow: {type: OS::Heat::TestResource, properties: {wait_secs: 30}, depends_on: net}\n',
        });
        for (let i = 0; i < 200 && (await h.engine.resources(stack.id)).find((r) => r.name === 'slow')?.status !== 'IN_PROGRESS'; i++)
          await new Promise((r) => setTimeout(r, 5));
        await h.engine.shutdown();
        const after = (await h.store.getStack(stack.id))!;
        expect(`${after.action}_${after.status}`).toBe('CREATE_FAILED');
        expect((await h.engine.resources(stack.id)).find((r) => r.name === 'slow')!.statusReason).toMatch(/the engine is shutting down/);
        expect((await h.cloud.objects.list({ stackId: stack.id })).map((o) => o.kind)).toEqual(['network']);
      });
    });
  }
}
