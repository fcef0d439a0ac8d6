// Against a real Keystone and a real Heat (Debian's packages, started by the
// test): authentication through the catalog, and Heat's API as Hearth
// drives it. Heat's convergence engine takes about a second per wave of
// resources, so each stack here is small.
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloud } from './clouds.ts';
import { HeatApiError, HeatClient, type HeatEvent, type StackIdentity } from './heat.ts';
import { KeystoneSession } from './keystone.ts';
import { startRealHeat, type RealHeat } from './test-support/real-heat.ts';
import { HeatWatcher, type WatchedEvent } from './watcher.ts';

let heat: RealHeat;
let dir: string;
const sessions: KeystoneSession[] = [];

beforeAll(async () => {
  heat = await startRealHeat();
  dir = mkdtempSync(join(tmpdir(), 'hearth-os-'));
  writeFileSync(
    join(dir, 'clouds.yaml'),
    `clouds:
  demo:
    auth: {auth_url: ${heat.authUrl}, username: ${heat.demo.username}, project_name: ${heat.demo.project}, user_domain_name: Default, project_domain_name: Default}
    region_name: RegionOne
`,
  );
  writeFileSync(join(dir, 'secure.yaml'), `clouds:\n  demo:\n    auth: {password: ${heat.demo.password}}\n`);
}, 20 * 60_000);

afterAll(async () => {
  for (const s of sessions) await s.close();
  await heat?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

function session(name = 'demo', env: NodeJS.ProcessEnv = {}): KeystoneSession {
  const s = new KeystoneSession(loadCloud(name, env, [dir]));
  sessions.push(s);
  return s;
}

/** Polls until `check` gives a value (Heat has no push); the limit is generous, nothing is asserted on time. */
async function until<T>(check: () => Promise<T | null | undefined | false>, what: string, limitMs = 180_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Every event of the stack, read in marker pages as a watcher reads them.
 * Heat 19 answered no events at all to nested_depth for a stack that has no
 * nested stacks, so a flat stack is read without it.
 */
async function allEvents(client: HeatClient, stack: StackIdentity, nestedDepth = 0): Promise<HeatEvent[]> {
  const events: HeatEvent[] = [];
  for (;;) {
    const page = await client.events(stack, { limit: 5, nestedDepth, ...(events.length ? { marker: events.at(-1)!.id } : {}) });
    if (!page.length) return events;
    events.push(...page);
  }
}

const TEMPLATE = `heat_template_version: 2018-08-31
parameters:
  label: {type: string, default: one}
resources:
  secret: {type: OS::Heat::RandomString, properties: {length: 12}}
  slow:
    type: OS::Heat::TestResource
    properties: {value: {get_param: label}, action_wait_secs: {create: 1}}
  group:
    type: OS::Heat::ResourceGroup
    properties: {count: 2, resource_def: {type: OS::Heat::Value, properties: {value: {get_attr: [secret, value]}}}}
outputs:
  label: {value: {get_attr: [slow, output]}}
`;

/** A stack name of this run (the real Heat's state outlives a run). */
const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/**
 * The stack once it reaches `expected` or a state it cannot leave by itself
 * (Heat shows CREATE_FAILED for a moment before a rollback begins, so that
 * one is not taken as the end).
 */
const settled = async (client: HeatClient, stack: StackIdentity, expected: string) =>
  until(async () => {
    const s = await client.get(stack.id);
    return s.stack_status === expected || /^(ROLLBACK|DELETE)_(COMPLETE|FAILED)$/.test(s.stack_status) ? s : null;
  }, `${stack.stack_name} to reach ${expected}`);

describe('a real Keystone and Heat', () => {
  it('authenticates with a password through clouds.yaml and secure.yaml, and finds Heat in the catalog', async () => {
    const s = session();
    expect(await s.endpoint('orchestration')).toMatch(/^http:\/\/127\.0\.0\.1:8004\/v1\/[0-9a-f]{32}$/);
    expect(await s.projectId()).toMatch(/^[0-9a-f]{32}$/);
    const wrong = new KeystoneSession(loadCloud('demo', { OS_PASSWORD: 'wrong' }, [dir]));
    sessions.push(wrong);
    await expect(wrong.token()).rejects.toThrow(
      'Keystone refused the credentials of cloud demo: The request you have made requires authentication.',
    );
  });

  it("validates as Heat does, and gives Heat's own error for a bad template", async () => {
    const client = new HeatClient(session());
    expect(await client.validate({ template: TEMPLATE })).toMatchObject({ Parameters: { label: { Default: 'one' } } });
    const refused = await client
      .validate({ template: 'heat_template_version: 2018-08-31\nresources:\n  x: {type: OS::Nope}\n' })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(HeatApiError);
    // Heat's template validate answers its verdict as an HTTPBadRequest.
    expect(refused).toMatchObject({ status: 400, type: 'HTTPBadRequest' });
    expect((refused as Error).message).toContain('The Resource Type (OS::Nope) could not be found.');
  });

  it('creates, previews, PATCHes and deletes a stack; its events page by marker with nested stacks, nothing missed or repeated', async () => {
    const client = new HeatClient(session());
    const stack = await client.create(unique('hearth-it'), { template: TEMPLATE, disableRollback: false });
    const done = await settled(client, stack, 'CREATE_COMPLETE');
    expect(done.stack_status).toBe('CREATE_COMPLETE');
    expect(done.outputs?.find((o) => o.output_key === 'label')?.output_value).toBe('one');
    const resources = await client.resources(stack, 2);
    expect(resources.map((r) => r.resource_name).sort()).toEqual(['0', '1', 'group', 'secret', 'slow']);
    const events = await allEvents(client, stack, 2);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const order = events.map((e) => `${e.resource_name} ${e.resource_status}`);
    expect(order.indexOf('slow CREATE_IN_PROGRESS')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('slow CREATE_IN_PROGRESS')).toBeLessThan(order.indexOf('slow CREATE_COMPLETE'));
    expect(order).toContain('0 CREATE_COMPLETE');
    expect(order.at(-1)).toBe(`${stack.stack_name} CREATE_COMPLETE`);

    const preview = await client.preview(stack, { template: TEMPLATE.replace('length: 12', 'length: 16') });
    expect(preview.replaced.map((r) => r.resource_name)).toContain('secret');

    await client.update(stack, { parameters: { label: 'two' } }, true);
    const patched = await until(async () => {
      const s = await client.get(stack.id);
      return s.stack_status === 'UPDATE_COMPLETE' ? s : null;
    }, 'the PATCH update');
    expect(patched.outputs?.find((o) => o.output_key === 'label')?.output_value).toBe('two');

    await client.delete(stack);
    await until(async () => !(await client.list()).some((s) => s.id === stack.id), 'the delete');
  });

  it('validates and runs a CloudFormation-format template as Hearth reads it', async () => {
    const client = new HeatClient(session());
    const cfn = JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: { Label: { Type: 'String', Default: 'one' } },
      Mappings: { Sizes: { small: { length: 8 } } },
      Resources: {
        secret: { Type: 'OS::Heat::RandomString', Properties: { length: { 'Fn::FindInMap': ['Sizes', 'small', 'length'] } } },
        echo: {
          Type: 'OS::Heat::TestResource',
          Properties: { value: { 'Fn::Join': ['-', [{ Ref: 'Label' }, { Ref: 'AWS::StackName' }]] } },
          DependsOn: 'secret',
        },
      },
      Outputs: { length: { Value: { 'Fn::GetAtt': ['secret', 'value'] } }, label: { Value: { 'Fn::GetAtt': ['echo', 'output'] } } },
    });
    expect(await client.validate({ template: cfn })).toMatchObject({ Parameters: { Label: { Default: 'one' } } });
    const name = unique('hearth-cfn');
    const stack = await client.create(name, { template: cfn, disableRollback: false });
    const done = await settled(client, stack, 'CREATE_COMPLETE');
    expect(String(done.outputs?.find((o) => o.output_key === 'length')?.output_value)).toHaveLength(8);
    expect(done.outputs?.find((o) => o.output_key === 'label')?.output_value).toBe(`one-${name}`);
    await client.delete(stack);
    await until(async () => !(await client.list()).some((s) => s.id === stack.id), 'the delete');
  });

  it('rolls back a failed create, and refuses a cancel with nothing to cancel', async () => {
    const client = new HeatClient(session());
    const failing = `heat_template_version: 2018-08-31\nresources:\n  ok: {type: OS::Heat::None}\n  bad: {type: OS::Heat::TestResource, properties: {fail: true}}\n`;
    const stack = await client.create(unique('hearth-fails'), { template: failing, disableRollback: false });
    const done = await settled(client, stack, 'ROLLBACK_COMPLETE');
    expect(done.stack_status).toBe('ROLLBACK_COMPLETE');
    const events = (await allEvents(client, stack)).map((e) => `${e.resource_name} ${e.resource_status}`);
    expect(events).toContain('bad CREATE_FAILED');
    const cancel = await client.cancel(stack).catch((e) => e);
    expect(cancel).toBeInstanceOf(HeatApiError);
    expect((cancel as HeatApiError).status).toBe(400);
    await client.delete(stack);
  });

  it('authenticates with an application credential and with a token', async () => {
    const s = session();
    const token = await s.token();
    const me = await s.plainFetch(`${heat.authUrl}/auth/tokens`, { headers: { 'X-Auth-Token': token, 'X-Subject-Token': token } });
    const userId = ((await me.json()) as { token: { user: { id: string } } }).token.user.id;
    const made = await s.fetch(`${heat.authUrl}/users/${userId}/application_credentials`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ application_credential: { name: `hearth-${Date.now()}` } }),
    });
    expect(made.status).toBe(201);
    const credential = ((await made.json()) as { application_credential: { id: string; secret: string } }).application_credential;
    const byCredential = session('demo', {
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_APPLICATION_CREDENTIAL_ID: credential.id,
      OS_APPLICATION_CREDENTIAL_SECRET: credential.secret,
    });
    expect(await new HeatClient(byCredential).list()).toEqual(expect.any(Array));
    const byToken = session('demo', { OS_AUTH_TYPE: 'token', OS_TOKEN: token });
    expect(await byToken.projectId()).toBe(await s.projectId());
    expect(await new HeatClient(byToken).list()).toEqual(expect.any(Array));
  });

  it('watches a stack made elsewhere to its end, nested members included, each event once; a second watcher resumes after the first', async () => {
    const client = new HeatClient(session());
    const stack = await client.create(unique('hearth-watched'), { template: TEMPLATE });
    const watcher = new HeatWatcher(client, stack, { fastMs: 300 });
    const seen: WatchedEvent[] = [];
    const run = watcher.watch(new AbortController().signal);
    let final;
    for (;;) {
      const step = await run.next();
      if (step.done) {
        final = step.value;
        break;
      }
      seen.push(...step.value);
    }
    expect(final).toEqual({ status: 'CREATE_COMPLETE', reason: 'Stack CREATE completed successfully' });
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    const states = seen.map((e) => `${e.resource ?? '<stack>'} ${e.action}_${e.status}`);
    expect(states).toEqual(expect.arrayContaining(['group/0 CREATE_COMPLETE', 'group/1 CREATE_COMPLETE', 'slow CREATE_COMPLETE']));
    expect(states.at(-1)).toBe('<stack> CREATE_COMPLETE');

    await client.update(stack, { parameters: { label: 'three' } }, true);
    const resumed = new HeatWatcher(client, stack, { fastMs: 300, after: watcher.markers() });
    const later: WatchedEvent[] = [];
    for await (const batch of resumed.watch(new AbortController().signal)) later.push(...batch);
    expect(later.filter((e) => seen.some((s) => s.id === e.id))).toEqual([]);
    expect(later.map((e) => `${e.resource ?? '<stack>'} ${e.action}_${e.status}`)).toContain('<stack> UPDATE_COMPLETE');
    await client.delete(stack);
  });

  it('follows it from the command line: hearth watch --os-cloud, with the exit code and JSON of deploy --watch', async () => {
    const client = new HeatClient(session());
    const stack = await client.create(unique('hearth-cli'), { template: TEMPLATE });
    const bin = resolve(import.meta.dirname, '../../../apps/server/bin/hearth.mjs');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'watch', '--os-cloud', 'demo', '--format', 'json', stack.stack_name],
      {
        env: { ...process.env, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml') },
      },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; resourceName?: string; state?: string });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', stack: stack.stack_name, state: 'CREATE_COMPLETE' });
    expect(lines.some((l) => l.type === 'event' && l.resourceName === 'group/1')).toBe(true);
    const failed = await promisify(execFile)(process.execPath, [bin, 'watch', '--os-cloud', 'nope', stack.stack_name], {
      env: { ...process.env, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml') },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('There is no cloud named nope');
    await client.delete(stack);
  });
});
