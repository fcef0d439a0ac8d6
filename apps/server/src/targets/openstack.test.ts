// Stacks on a real OpenStack through Hearth's own API and command line: a
// real Keystone and Heat (Debian's packages, started by the test), a real
// Hearth server. Deploy, plan, update (PUT and PATCH), cancel, a failure
// with rollback, a wait condition signalled with its own curl_cli, opening
// a stack made directly through Heat's API, and a server restarted in the
// middle of an operation: the event log has each of Heat's events once.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeatClient, KeystoneSession, loadCloud, type HeatApiError, type HeatEvent, type StackIdentity } from '@hearth/openstack';
import type { EventRecord } from '@hearth/store';
import { startRealHeat, type RealHeat } from '@hearth/openstack/test-support';
import { runCli, startTestServer, type TestServer } from '../test-support/server.ts';

let heat: RealHeat;
let dir: string;
let server: TestServer;
let direct: HeatClient;
let session: KeystoneSession;

const TEMPLATE = `heat_template_version: 2018-08-31
parameters:
  label: {type: string, default: one}
  wait: {type: number, default: 1}
resources:
  secret: {type: OS::Heat::RandomString, properties: {length: 12}}
  slow:
    type: OS::Heat::TestResource
    properties: {value: {get_param: label}, action_wait_secs: {create: {get_param: wait}, update: {get_param: wait}}}
  group:
    type: OS::Heat::ResourceGroup
    properties: {count: 2, resource_def: {type: OS::Heat::Value, properties: {value: member}}}
  summary: {type: OS::Heat::Value, properties: {value: {get_attr: [slow, output]}}}
outputs:
  label: {value: {get_attr: [summary, value]}}
`;

beforeAll(async () => {
  heat = await startRealHeat();
  dir = mkdtempSync(join(tmpdir(), 'hearth-targets-'));
  writeFileSync(join(dir, 'clouds.yaml'), heat.cloudsYaml('demo'));
  writeFileSync(join(dir, 'app.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'app2.yaml'), TEMPLATE.replace('length: 12', 'length: 16'));
  writeFileSync(
    join(dir, 'fails.yaml'),
    `heat_template_version: 2018-08-31\nresources:\n  ok: {type: OS::Heat::None}\n  bad: {type: OS::Heat::TestResource, properties: {fail: true}}\n`,
  );
  writeFileSync(join(dir, 'tiny.yaml'), `heat_template_version: 2018-08-31\nresources:\n  secret: {type: OS::Heat::RandomString}\n`);
  // The server reads the clouds as the openstack CLI would, from OS_CLIENT_CONFIG_FILE.
  process.env.OS_CLIENT_CONFIG_FILE = join(dir, 'clouds.yaml');
  server = await startTestServer();
  session = new KeystoneSession(loadCloud('demo', process.env, [dir]));
  direct = new HeatClient(session);
}, 20 * 60_000);

afterAll(async () => {
  await server?.stop();
  await session?.close();
  await heat?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

const hearth = (...args: string[]) => runCli(server.url, ...args);
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
/**
 * The first of the stack's events (Hearth's log, replayed then live through
 * its event stream) that `match` takes: the test waits on Hearth's events,
 * never on a clock.
 */
function eventOf(stack: string, match: (e: EventRecord) => boolean): Promise<EventRecord> {
  return new Promise((resolve, reject) => {
    const subscription = server.client.stacks.watch.subscribe(
      { stack, lastEventId: null },
      {
        onData: ({ data }) => {
          const found = (data as unknown as EventRecord[]).find(match);
          if (!found) return;
          subscription.unsubscribe();
          resolve(found);
        },
        onError: reject,
      },
    );
  });
}

/** The stack's own (stack-level) event `<action>_COMPLETE`. */
const stackDone = (action: string) => (e: EventRecord) => e.resourceName === null && e.action === action && e.status === 'COMPLETE';

const lines = (out: string[]) => out.map((l) => JSON.parse(l) as Record<string, unknown>);

/** Every event of a stack and its nested stacks as Heat has them, in marker pages. */
async function heatEvents(stack: StackIdentity): Promise<HeatEvent[]> {
  const out: HeatEvent[] = [];
  for (let marker: string | undefined; ;) {
    const page = await direct.events(stack, { limit: 100, ...(marker ? { marker } : {}) });
    out.push(...page);
    if (page.length < 100) return out;
    marker = page.at(-1)!.id;
  }
}

/** The stack's events in Hearth's log (its own stack only, as the canvas reads them). */
async function hearthEvents(name: string) {
  return (await server.client.stacks.events.query({ stack: name, limit: 1000 })).events;
}

describe('stacks on a real OpenStack, through Hearth', () => {
  it('lists the cloud without its credentials, and shows Heat’s verdict on a template', async () => {
    const listed = await server.client.clouds.list.query();
    expect(listed.clouds).toEqual([{ name: 'demo', region: 'RegionOne', authUrl: heat.authUrl }]);
    expect(JSON.stringify(listed)).not.toContain(heat.demo.password);
    const good = await server.client.clouds.validate.query({ cloud: 'demo', template: TEMPLATE });
    expect(good).toMatchObject({ valid: true, parameters: ['label', 'wait'] });
    const bad = await server.client.clouds.validate.query({
      cloud: 'demo',
      template: 'heat_template_version: 2018-08-31\nresources:\n  x: {type: OS::No::Such}\n',
    });
    expect(bad.valid).toBe(false);
    expect(bad.message).toMatch(/OS::No::Such/);
    // Heat's own refusal, as Heat worded it.
    writeFileSync(join(dir, 'bad.yaml'), 'heat_template_version: 2018-08-31\nresources:\n  x: {type: OS::Heat::None, depends_on: ghost}\n');
    const heatSaysNo = await hearth('deploy', '--os-cloud', 'demo', unique('bad'), join(dir, 'bad.yaml'));
    expect(heatSaysNo.code).not.toBe(0);
    expect(heatSaysNo.err.join('\n')).toMatch(/ghost/);
    const refused = await hearth('deploy', '--os-cloud', 'nowhere', unique('x'), join(dir, 'tiny.yaml'));
    expect(refused.code).not.toBe(0);
    expect(refused.err.join('\n')).toMatch(/no cloud named nowhere/i);
  });

  it('deploys with --os-cloud --watch: the JSON and exit code of a rehearsal, each of Heat’s events once; plans with Heat’s preview; updates (PUT, PATCH); deletes', async () => {
    const rehearsal = await hearth('deploy', '--watch', '--format', 'json', unique('rehearsal'), join(dir, 'tiny.yaml'));
    expect(rehearsal.code).toBe(0);
    const name = unique('hearth-cloud');
    const deployed = await hearth('deploy', '--os-cloud', 'demo', '--watch', '--format', 'json', name, join(dir, 'app.yaml'));
    expect(deployed.err).toEqual([]);
    expect(deployed.code).toBe(0);
    const events = lines(deployed.out).filter((l) => l.type === 'event');
    const summary = lines(deployed.out).find((l) => l.type === 'summary')!;
    const rehearsed = lines(rehearsal.out);
    // The same fields for both kinds of target.
    expect(Object.keys(events[0]!).sort()).toEqual(Object.keys(rehearsed.find((l) => l.type === 'event')!).sort());
    expect(Object.keys(summary).sort()).toEqual(Object.keys(rehearsed.find((l) => l.type === 'summary')!).sort());
    expect(summary.state).toBe('CREATE_COMPLETE');
    const order = events.map((e) => `${String(e.resourceName)} ${String(e.action)}_${String(e.status)}`);
    expect(order.indexOf('slow CREATE_IN_PROGRESS')).toBeLessThan(order.indexOf('slow CREATE_COMPLETE'));
    expect(order.indexOf('slow CREATE_COMPLETE')).toBeLessThan(order.indexOf('summary CREATE_IN_PROGRESS'));
    expect(order).toContain('group/0 CREATE_COMPLETE');

    const shown = await server.client.stacks.get.query({ stack: name });
    expect(shown.target).toEqual({ kind: 'openstack', cloud: 'demo' });
    expect(shown.outputs).toEqual({ label: 'one' });
    expect(shown.resources.map((r) => r.name).sort()).toEqual(['group', 'secret', 'slow', 'summary']);
    expect(shown.resources.every((r) => !r.simulated && r.status === 'COMPLETE')).toBe(true);
    const identity = { id: shown.id, stack_name: name };
    const own = (await heatEvents(identity)).map((e) => e.id);
    const logged = await hearthEvents(name);
    expect(logged.filter((e) => !e.resourceName?.includes('/')).length).toBe(own.length);
    expect(new Set(logged.map((e) => e.id)).size).toBe(logged.length);

    // Heat's preview as the plan; then the update it describes.
    const plan = await server.client.templates.plan.query({ stack: name, template: TEMPLATE.replace('length: 12', 'length: 16') });
    expect(plan.changes.find((c) => c.resource === 'secret')?.action).toBe('replace');
    expect(plan.changes.find((c) => c.resource === 'slow')?.action).toBe('unchanged');
    const updated = await hearth('update', '--watch', '--format', 'json', name, join(dir, 'app2.yaml'));
    expect(updated.code).toBe(0);
    expect(lines(updated.out).find((l) => l.type === 'plan')).toMatchObject({ summary: { replace: 1 } });
    expect(lines(updated.out).at(-1)).toMatchObject({ type: 'summary', state: 'UPDATE_COMPLETE' });

    const patched = await hearth('update', '--existing', '--watch', '-p', 'label=two', name);
    expect(patched.code).toBe(0);
    expect((await server.client.stacks.get.query({ stack: name })).outputs).toEqual({ label: 'two' });

    const deleted = await hearth('delete', '--watch', '--format', 'json', name);
    expect(deleted.code).toBe(0);
    expect(lines(deleted.out).at(-1)).toMatchObject({ type: 'summary', state: 'DELETE_COMPLETE' });
    // Heat sets the stack's state before it records the event: it is deleted (found by id as DELETE_COMPLETE, or gone).
    const after = await direct.get(identity.id).then(
      (s) => s.stack_status,
      (error: HeatApiError) => error.status,
    );
    expect(['DELETE_COMPLETE', 404]).toContain(after);
  }, 300_000);

  it('rolls back a failed create (exit 1, ROLLBACK_COMPLETE), and cancels an update, rolling it back', async () => {
    const failing = unique('hearth-fails');
    const failed = await hearth('deploy', '--os-cloud', 'demo', '--watch', '--format', 'json', failing, join(dir, 'fails.yaml'));
    expect(failed.code).toBe(1);
    const end = lines(failed.out).at(-1)!;
    expect(end).toMatchObject({ type: 'summary', state: 'ROLLBACK_COMPLETE' });
    expect(lines(failed.out).some((l) => l.resourceName === 'bad' && l.status === 'FAILED')).toBe(true);
    await hearth('delete', '--watch', failing);

    const name = unique('hearth-cancel');
    expect((await hearth('deploy', '--os-cloud', 'demo', '--watch', '-p', 'wait=0', name, join(dir, 'app.yaml'))).code).toBe(0);
    const started = await hearth('update', '-p', 'wait=15', '-p', 'label=slowly', name, join(dir, 'app.yaml'));
    expect(started.code).toBe(0);
    // Heat takes a cancel once the update is in progress on its side. The group (a nested stack, updated
    // on every stack update) must be done first: Heat cancels a nested update it catches in progress and
    // then fails to roll it back (ROLLBACK_FAILED), which a busy machine made happen.
    await eventOf(name, (e) => e.resourceName === 'slow' && e.action === 'UPDATE' && e.status === 'IN_PROGRESS');
    await eventOf(name, (e) => e.resourceName === 'group' && e.action === 'UPDATE' && e.status === 'COMPLETE');
    const cancelled = await hearth('cancel', '--watch', '--format', 'json', name);
    expect(cancelled.code, [...cancelled.out, ...cancelled.err].join('\n')).toBe(0);
    expect(lines(cancelled.out).at(-1)).toMatchObject({ type: 'summary', state: 'ROLLBACK_COMPLETE' });

    // Without rollback: Heat stops the update and leaves the stack UPDATE_FAILED, as it is meant to (exit 0).
    expect((await hearth('update', '-p', 'wait=15', '-p', 'label=again', name, join(dir, 'app.yaml'))).code).toBe(0);
    const since = (await hearthEvents(name)).at(-1)!.id;
    await eventOf(name, (e) => e.id > since && e.resourceName === 'slow' && e.action === 'UPDATE' && e.status === 'IN_PROGRESS');
    await eventOf(name, (e) => e.id > since && e.resourceName === 'group' && e.action === 'UPDATE' && e.status === 'COMPLETE');
    const stopped = await hearth('cancel', '--no-rollback', '--watch', '--format', 'json', name);
    expect(stopped.code, [...stopped.out, ...stopped.err].join('\n')).toBe(0);
    expect(lines(stopped.out).at(-1)).toMatchObject({ type: 'summary', state: 'UPDATE_FAILED' });
    await hearth('delete', '--watch', name);
  }, 300_000);

  it('opens a stack made directly through Heat’s API (a wait condition signalled by its curl_cli), follows it live, and deletes it', async () => {
    const name = unique('made-elsewhere');
    const template = `heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::WaitConditionHandle}
  waiter: {type: OS::Heat::WaitCondition, properties: {handle: {get_resource: handle}, timeout: 600}}
  after: {type: OS::Heat::Value, depends_on: waiter, properties: {value: {get_attr: [waiter, data]}}}
outputs:
  curl: {value: {get_attr: [handle, curl_cli]}}
`;
    const stack = await direct.create(name, { template, disableRollback: false });
    const listed = await server.client.clouds.stacks.query({ cloud: 'demo' });
    expect(listed.find((s) => s.id === stack.id)).toMatchObject({ name, opened: false });
    const opened = await server.client.clouds.open.mutate({ cloud: 'demo', stack: name });
    expect(opened).toMatchObject({ id: stack.id, name, target: { kind: 'openstack', cloud: 'demo' } });
    const shown = await server.client.stacks.get.query({ stack: name });
    expect(shown.template).toContain('OS::Heat::WaitCondition');

    // The machine's side, once the handle exists (Hearth shows it live): its own curl command, as a server's user_data would run it.
    await eventOf(name, (e) => e.resourceName === 'handle' && e.status === 'COMPLETE');
    const curl = (await direct.get(stack.id)).outputs?.find((o) => o.output_key === 'curl')?.output_value;
    expect(typeof curl).toBe('string');
    const signalled = await promisify(execFile)('bash', ['-c', `${curl} --data-binary '{"status": "SUCCESS", "data": "ready"}'`]);
    expect(signalled.stdout).toMatch(/^HTTP\/\S+ 200/m);
    // Live: Hearth reads on until the create ends (the stack's state is written with its event).
    await eventOf(name, stackDone('CREATE'));
    const done = await server.client.stacks.get.query({ stack: name });
    expect(`${done.action}_${done.status}`).toBe('CREATE_COMPLETE');
    const order = (await hearthEvents(name)).map((e) => `${e.resourceName ?? '(stack)'} ${e.action}_${e.status}`);
    expect(order).toContain('waiter CREATE_COMPLETE');
    expect(order.indexOf('waiter CREATE_COMPLETE')).toBeLessThan(order.indexOf('after CREATE_IN_PROGRESS'));
    expect(order.at(-1)).toBe('(stack) CREATE_COMPLETE');
    expect((await server.client.clouds.stacks.query({ cloud: 'demo' })).find((s) => s.id === stack.id)?.opened).toBe(true);

    const deleted = await hearth('delete', '--os-cloud', 'demo', '--watch', name);
    expect(deleted.code).toBe(0);
  });

  it('reads on after the server restarts in the middle of an operation: nothing lost, nothing twice', async () => {
    const name = unique('hearth-restart');
    await server.client.stacks.create.mutate({
      name,
      template: TEMPLATE,
      parameters: { wait: 8 },
      target: { cloud: 'demo' },
    });
    await eventOf(name, (e) => e.resourceName === 'slow' && e.status === 'IN_PROGRESS');
    await server.stop(true);
    server = await startTestServer({ dataDir: server.dataDir });
    await eventOf(name, stackDone('CREATE'));
    const stack = await server.client.stacks.get.query({ stack: name });
    expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
    const fromHeat = (await heatEvents({ id: stack.id, stack_name: name })).map((e) => `${e.resource_name} ${e.resource_status}`);
    const logged = (await hearthEvents(name))
      .filter((e) => !e.resourceName?.includes('/'))
      .map((e) => `${e.resourceName ?? name} ${e.action}_${e.status}`);
    expect(logged.sort()).toEqual(fromHeat.sort());
    expect((await hearth('delete', '--watch', name)).code).toBe(0);
  }, 180_000);
});
