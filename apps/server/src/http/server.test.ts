// The server over real HTTP: API, signals, security, limits, concurrency, restarts.
import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { rawCall, startTestServer, until, type TestServer } from '../test-support/server.ts';

const sh = promisify(exec);

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.stop();
  servers = [];
});
async function start(options: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(options);
  servers.push(s);
  return s;
}

const SIMPLE = `heat_template_version: 2018-08-31
parameters:
  size: {type: number, default: 1}
resources:
  net: {type: OS::Neutron::Net}
  vol:
    type: OS::Cinder::Volume
    properties: {size: {get_param: size}}
outputs:
  size: {value: {get_attr: [vol, size]}}
`;

const SLOW = (secs: number) => `heat_template_version: 2018-08-31
resources:
  slow: {type: OS::Heat::TestResource, properties: {value: v1, wait_secs: ${secs}}}
`;

async function errorOf(p: Promise<unknown>): Promise<TRPCClientError<never>> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(TRPCClientError);
  return e as TRPCClientError<never>;
}

describe('the API', () => {
  it('validates with positions, plans, and runs a stack to its outputs', async () => {
    const { client } = await start();
    const bad = await client.templates.validate.query({
      template: 'heat_template_version: 2018-08-31\nresources:\n  a:\n    type: OS::Nova::Server\n    properties: {imgae: x}\n',
    });
    expect(bad.valid).toBe(false);
    expect(bad.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ line: 5, path: 'resources.a.properties.imgae' });
    const good = await client.templates.validate.query({ template: SIMPLE });
    expect(good.valid).toBe(true);
    expect(good.positions.vol).toEqual({ line: 6, column: 3 });
    const plan = await client.templates.plan.query({ template: SIMPLE });
    expect(plan.summary.create).toBe(2);

    // Before a deployment a client asks whether the stack is there: no stack is null, not an error.
    expect(await client.stacks.find.query({ stack: 'api1' })).toBeNull();
    await client.stacks.create.mutate({ name: 'api1', template: SIMPLE, parameters: { size: 3 } });
    await until(async () => !(await client.stacks.get.query({ stack: 'api1' })).inProgress);
    expect(await client.stacks.find.query({ stack: 'api1' })).toMatchObject({ name: 'api1', action: 'CREATE', status: 'COMPLETE' });
    const shown = await client.stacks.get.query({ stack: 'api1' });
    expect(`${shown.action}_${shown.status}`).toBe('CREATE_COMPLETE');
    expect(shown.resources.find((r) => r.name === 'vol')).toMatchObject({ status: 'COMPLETE', simulated: true });
    expect((await client.stacks.outputs.query({ stack: 'api1' })).outputs).toEqual({ size: 3 });
    const page = await client.stacks.events.query({ stack: 'api1', limit: 3 });
    expect(page.events).toHaveLength(3);
    expect(page.more).toBe(true);
    expect((await client.stacks.list.query()).map((s) => s.name)).toEqual(['api1']);
    const health = await client.health.query();
    expect(health.cloud).toBe('simulated');
    // One process: the server itself runs the stacks.
    const engines = await client.engines.list.query();
    expect(engines.mode).toBe('one process');
    expect(engines.engines).toEqual([expect.objectContaining({ pid: process.pid, running: 0 })]);
  });

  it('refuses bad input with a code and a message a user can act on', async () => {
    const { client, url } = await start();
    const invalid = await errorOf(
      client.stacks.create.mutate({ name: 'x1', template: 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Nope}\n' }),
    );
    expect(invalid.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect((invalid.data as unknown as { diagnostics: Array<{ line: number }> }).diagnostics[0]!.line).toBe(3);
    const missing = await errorOf(client.stacks.get.query({ stack: 'nope' }));
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.message).toBe('There is no stack nope.');
    const badName = await errorOf(client.stacks.create.mutate({ name: '1bad name', template: SIMPLE }));
    expect(badName.data).toMatchObject({ code: 'BAD_REQUEST' });
    expect(badName.message).toMatch(/starts with a letter/);
    const malformed = await rawCall(url, 'stacks.create', null, { body: '{"name": "x", "template": ' });
    expect(malformed.status).toBe(400);
    const stray = await rawCall(url, 'stacks.create', { name: 'x2', template: SIMPLE, options: { parentStack: 'evil' } });
    expect(stray.status).toBe(400);
    expect(stray.text).toMatch(/parentStack/);
  });

  it('keeps designs across a restart', async () => {
    const first = await start();
    const saved = await first.client.designs.save.mutate({
      name: 'mine',
      template: SIMPLE,
      layout: { net: { x: 10, y: 20 } },
      files: { 'a.yaml': 'x' },
    });
    await first.client.designs.rename.mutate({ id: saved.id, name: 'ours' });
    const clash = await first.client.designs.save.mutate({ name: 'other', template: SIMPLE });
    const conflict = await errorOf(first.client.designs.rename.mutate({ id: clash.id, name: 'ours' }));
    expect(conflict.data).toMatchObject({ code: 'CONFLICT' });
    // A new design with a taken name (a file imported twice) gets a free one; saving it again keeps it.
    const again = await first.client.designs.save.mutate({ name: 'other', template: SIMPLE });
    expect(again.name).toBe('other (2)');
    expect((await first.client.designs.save.mutate({ id: again.id, name: again.name, template: SIMPLE })).name).toBe('other (2)');
    await first.client.designs.delete.mutate({ id: again.id });
    await first.stop(true);
    servers = servers.filter((s) => s !== first);
    const second = await start({ dataDir: first.dataDir });
    const loaded = await second.client.designs.get.query({ design: 'ours' });
    expect(loaded).toMatchObject({ template: SIMPLE, layout: { net: { x: 10, y: 20 } }, files: { 'a.yaml': 'x' } });
    await second.client.designs.delete.mutate({ id: saved.id });
    expect((await second.client.designs.list.query()).map((d) => d.name)).toEqual(['other']);
  });

  it('streams events from a given id on, so a client that reconnects misses nothing and sees nothing twice', async () => {
    const { client } = await start();
    await client.stacks.create.mutate({ name: 'w1', template: SIMPLE });
    await until(async () => !(await client.stacks.get.query({ stack: 'w1' })).inProgress);
    const all = (await client.stacks.events.query({ stack: 'w1' })).events;
    const cut = all[2]!.id;
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = client.stacks.watch.subscribe(
        { stack: 'w1', lastEventId: String(cut) },
        {
          onData: ({ id, data }) => {
            // A batch is tracked by its last event's id.
            expect(String(data.at(-1)!.id)).toBe(id);
            seen.push(...data.map((e) => e.id));
            if (seen.length === all.length - 3) {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(seen).toEqual(all.slice(3).map((e) => e.id));
    // And live: events of an update arrive as they happen, after the ones already seen.
    const live: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const sub = client.stacks.watch.subscribe(
        { stack: 'w1', lastEventId: String(all.at(-1)!.id) },
        {
          onData: ({ data }) => {
            for (const e of data) {
              live.push(`${e.resourceName ?? 'stack'} ${e.action}_${e.status}`);
              if (!e.resourceName && e.status !== 'IN_PROGRESS') {
                sub.unsubscribe();
                resolve();
              }
            }
          },
          onError: reject,
        },
      );
    });
    await client.stacks.update.mutate({ stack: 'w1', template: SIMPLE, parameters: { size: 2 } });
    await done;
    expect(live).toEqual(['stack UPDATE_IN_PROGRESS', 'vol UPDATE_IN_PROGRESS', 'vol UPDATE_COMPLETE', 'stack UPDATE_COMPLETE']);
  });

  it('streams the events of a stack watched before it is made, from its first, as they happen', async () => {
    const { client } = await start();
    const seen: string[] = [];
    let started!: () => void;
    const listening = new Promise<void>((resolve) => (started = resolve));
    const done = new Promise<void>((resolve, reject) => {
      const sub = client.stacks.watch.subscribe(
        { stack: 'early', lastEventId: null, untilMade: true },
        {
          onStarted: () => started(),
          onData: ({ data }) => {
            for (const e of data) {
              seen.push(`${e.stackName} ${e.resourceName ?? 'stack'} ${e.action}_${e.status}`);
              if (!e.resourceName && e.status === 'COMPLETE') {
                sub.unsubscribe();
                resolve();
              }
            }
          },
          onError: reject,
        },
      );
    });
    await listening;
    await client.stacks.create.mutate({ name: 'other', template: SIMPLE });
    await until(async () => !(await client.stacks.get.query({ stack: 'other' })).inProgress);
    await client.stacks.create.mutate({ name: 'early', template: SIMPLE });
    await done;
    const stored = (await client.stacks.events.query({ stack: 'early' })).events;
    expect(seen).toEqual(stored.map((e) => `early ${e.resourceName ?? 'stack'} ${e.action}_${e.status}`));
    expect(seen[0]).toBe('early stack CREATE_IN_PROGRESS');
  });

  it('refuses a watch of a stack that does not exist: the watcher is told, not left waiting', async () => {
    const { client } = await start();
    const error = await new Promise<unknown>((resolve) => {
      const sub = client.stacks.watch.subscribe(
        { stack: 'gone', lastEventId: null },
        {
          onData: () => resolve(new Error('got events of a stack that does not exist')),
          onError: (e) => {
            sub.unsubscribe();
            resolve(e);
          },
        },
      );
    });
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).message).toMatch(/gone/);
  });

  it("lets a new update supersede a create still in progress, as Heat's convergence engine does", async () => {
    const { client } = await start();
    const waiting = `heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::WaitConditionHandle}
  wait:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: handle}, timeout: 600}
`;
    await client.stacks.create.mutate({ name: 'c1', template: waiting });
    await until(async () =>
      (await client.stacks.get.query({ stack: 'c1' })).resources.some(
        (r) => r.name === 'wait' && r.action === 'CREATE' && r.status === 'IN_PROGRESS',
      ),
    );
    // No 409: the create that waits for a signal gives way to the update.
    await client.stacks.update.mutate({ stack: 'c1', template: SLOW(0) });
    await until(async () => !(await client.stacks.get.query({ stack: 'c1' })).inProgress);
    const stack = await client.stacks.get.query({ stack: 'c1' });
    expect(`${stack.action}_${stack.status}`).toBe('UPDATE_COMPLETE');
    expect(stack.resources.map((r) => r.name)).toEqual(['slow']);
  });
});

describe('wait condition signals', () => {
  it('are received over HTTP from the handle’s curl_cli, with its own token and never the user’s', async () => {
    const { client, url } = await start();
    const template = `heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::WaitConditionHandle}
  wait:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: handle}, timeout: 30}
outputs:
  curl: {value: {get_attr: [handle, curl_cli]}}
  data: {value: {get_attr: [wait, data]}}
`;
    await client.stacks.create.mutate({ name: 'sig', template });
    let handle: { physicalId: string | null; attributes: Record<string, unknown> } | undefined;
    await until(async () => {
      handle = (await client.stacks.get.query({ stack: 'sig' })).resources.find(
        (r) => r.name === 'handle' && r.action === 'CREATE' && r.status === 'COMPLETE',
      );
      return Boolean(handle);
    });
    const curl = String(handle!.attributes.curl_cli);
    expect(curl).toContain(`${url}/signal/${handle!.physicalId}`);
    // Wrong token: refused, and the stack still waits.
    const wrong = await fetch(`${url}/signal/${handle!.physicalId}`, { method: 'POST', headers: { 'X-Auth-Token': 'nope' }, body: '{}' });
    expect(wrong.status).toBe(403);
    const unknown = await fetch(`${url}/signal/00000000-0000-0000-0000-000000000000`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    await sh(`${curl} --silent --fail --data-binary '{"status": "SUCCESS", "reason": "done", "data": "hello", "id": "1"}'`);
    await until(async () => !(await client.stacks.get.query({ stack: 'sig' })).inProgress);
    const done = await client.stacks.get.query({ stack: 'sig' });
    expect(`${done.action}_${done.status}`).toBe('CREATE_COMPLETE');
    expect(JSON.parse(String(done.outputs.data))).toEqual({ '1': 'hello' });
  });

  it('scale a group when its policy’s alarm_url is posted to (the URL carries its token, as Heat’s pre-signed URL)', async () => {
    const { client, url } = await start();
    const template = `heat_template_version: 2018-08-31
resources:
  asg:
    type: OS::Heat::AutoScalingGroup
    properties: {min_size: 1, max_size: 2, resource: {type: OS::Heat::None}}
  up:
    type: OS::Heat::ScalingPolicy
    properties: {auto_scaling_group_id: {get_resource: asg}, adjustment_type: change_in_capacity, scaling_adjustment: 1}
outputs:
  alarm: {value: {get_attr: [up, alarm_url]}}
  size: {value: {get_attr: [asg, current_size]}}
`;
    await client.stacks.create.mutate({ name: 'scaled', template });
    await until(async () => !(await client.stacks.get.query({ stack: 'scaled' })).inProgress);
    const alarm = String((await client.stacks.get.query({ stack: 'scaled' })).outputs.alarm);
    expect(alarm.startsWith(`${url}/signal/`)).toBe(true);
    const withoutToken = await fetch(alarm.replace(/\?token=.*$/, ''), { method: 'POST' });
    expect(withoutToken.status).toBe(403);
    const scaled = await fetch(alarm, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"current": "alarm"}' });
    expect(await scaled.json()).toEqual({ ok: true, reason: 'Unknown' });
    expect((await client.stacks.get.query({ stack: 'scaled' })).outputs.size).toBe(2);
    // At max_size: Heat's NoActionRequired.
    const again = await fetch(alarm, { method: 'POST' });
    expect(await again.json()).toMatchObject({ ok: true, action: 'none' });
  });
});

describe('off loopback', () => {
  it('needs the token for the API, the event stream and the web app; signals need the handle’s own token', async () => {
    const s = await start({ host: '0.0.0.0' });
    expect(s.server.token).toMatch(/^[\w-]{20,}$/);
    const base = s.url;
    expect((await rawCall(base, 'health', undefined, { method: 'GET' })).status).toBe(401);
    expect((await rawCall(base, 'stacks.list', undefined, { method: 'GET', headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${base}/trpc/stacks.watch?input=${encodeURIComponent('{}')}`)).status).toBe(401);
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect(
      (await rawCall(base, 'health', undefined, { method: 'GET', headers: { Authorization: `Bearer ${s.server.token}` } })).status,
    ).toBe(200);
    const page = await fetch(`${base}/designer?token=${s.server.token}`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/designer');
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect((await fetch(`${base}/designer`, { headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(200);
    // The client with the token works, including the stream.
    await s.client.stacks.create.mutate({ name: 'tok', template: SIMPLE });
    await until(async () => !(await s.client.stacks.get.query({ stack: 'tok' })).inProgress);
    // The user's token is no signal token.
    const signal = await fetch(`${base}/signal/00000000-0000-0000-0000-000000000000`, {
      method: 'POST',
      headers: { 'X-Auth-Token': s.server.token! },
    });
    expect(signal.status).toBe(404);
  });

  it('serves no token on loopback and sends headers that stop template text from running as script', async () => {
    const s = await start();
    expect(s.server.token).toBeNull();
    const page = await fetch(`${s.url}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('limits', () => {
  it('refuses oversized templates and too many resources with clear errors, without harming other stacks', async () => {
    const { client, url } = await start({ limits: { maxTemplateBytes: 4096, maxResourcesPerStack: 5 } });
    await client.stacks.create.mutate({ name: 'bystander', template: SLOW(0.4) });
    const big = await rawCall(url, 'stacks.create', { name: 'big', template: `${SIMPLE}#${'x'.repeat(5000)}\n` });
    expect(big.status).toBe(413);
    expect(big.json?.error?.message).toMatch(/The template is \d+ bytes; this server accepts at most 4096/);
    const many = `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: 6 }, (_, i) => `  r${i}: {type: OS::Heat::None}\n`).join('')}`;
    const tooMany = await errorOf(client.stacks.create.mutate({ name: 'many', template: many }));
    expect(tooMany.message).toBe('The template has 6 resources; a stack may have at most 5. Split it into nested stacks.');
    const aliases = `heat_template_version: 2018-08-31\nx: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nz: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nw: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nv: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nresources: {}\n`;
    const bomb = await client.templates.validate.query({ template: aliases });
    expect(bomb.valid).toBe(false);
    const bystander = await client.stacks.get.query({ stack: 'bystander' });
    await until(async () => !(await client.stacks.get.query({ stack: 'bystander' })).inProgress);
    expect(bystander.name).toBe('bystander');
    expect((await client.stacks.get.query({ stack: 'bystander' })).status).toBe('COMPLETE');
  });

  it('fails a template that nests itself at the depth limit, with Heat’s reason', async () => {
    const { client } = await start();
    const self = `heat_template_version: 2018-08-31\nresources:\n  inner: {type: self.yaml}\n`;
    const deep = await client.stacks.create.mutate({ name: 'deep', template: self, files: { 'self.yaml': self } }).catch((e: unknown) => e);
    expect(deep).toMatchObject({ name: 'deep' });
    await until(async () => !(await client.stacks.get.query({ stack: 'deep' })).inProgress);
    const failed = (await client.stacks.events.query({ stack: 'deep' })).events.find(
      (e) => e.resourceName === null && e.status === 'FAILED',
    )!;
    expect(failed.reason).toMatch(
      /^Resource CREATE failed: StackValidationFailed: resources\.inner(\.resources\.inner)+: Recursion depth exceeds 5\.$/,
    );
  });
});
