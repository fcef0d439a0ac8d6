// Hearth attacked as an attacker would: a real `hearth serve` process, real
// HTTP. Each case checks the refusal (status and message) and that the
// server is still alive and answering health at once afterwards.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect as connectClient } from '../cli/remote.ts';
import { answersHealth, errorMessage, send } from '../test-support/http.ts';
import { createNetworkNamespace } from '../test-support/netns.ts';
import { runCli } from '../test-support/server.ts';
import { startServeProcess, type ServeProcess } from '../test-support/serve-process.ts';

const ATTACKER = { Host: 'attacker.example:8080', Origin: 'http://attacker.example:8080' };
const TEMPLATE = 'heat_template_version: 2018-08-31\nresources:\n  a: {type: OS::Heat::None}\n';

/** Checks the server process lives and answers health within 100 ms. */
async function alive(server: ServeProcess, headers: Record<string, string> = {}): Promise<void> {
  expect(server.exit, server.output.join('\n')).toBeNull();
  expect(await answersHealth(server.url, headers)).toBeLessThan(100);
}

describe('a server on loopback', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    server = await startServeProcess();
  }, 60_000);
  afterAll(() => server?.stop());
  afterEach(() => alive(server));

  it('answers to no other host name: a page rebound to 127.0.0.1 can neither call the API nor load the app (DNS rebinding)', async () => {
    const create = await send(server.url, '/trpc/stacks.create', {
      method: 'POST',
      headers: ATTACKER,
      body: JSON.stringify({ name: 'pwned', template: TEMPLATE }),
    });
    expect(create.status).toBe(403);
    expect(errorMessage(create)).toMatch(/answers only to .*127\.0\.0\.1.*start it with --allow-host attacker\.example/);
    for (const path of ['/', '/trpc/designs.list', '/trpc/stacks.watch', '/signal/00000000-0000-0000-0000-000000000000']) {
      const sent = await send(server.url, path, { headers: ATTACKER });
      expect(sent.status, path).toBe(403);
    }
    const stacks = await send(server.url, '/trpc/stacks.list');
    expect(JSON.stringify(stacks.json)).not.toContain('pwned');
  });

  it('lets no other site’s page call the API: not by Origin, not by Sec-Fetch-Site', async () => {
    const fromPage = await send(server.url, '/trpc/stacks.create', {
      method: 'POST',
      headers: { Origin: 'http://localhost:3000' },
      body: JSON.stringify({ name: 'csrf', template: TEMPLATE }),
    });
    expect(fromPage.status).toBe(403);
    expect(errorMessage(fromPage)).toContain('from the page at http://localhost:3000');
    const img = await send(server.url, '/trpc/designs.list', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(img.status).toBe(403);
    expect(errorMessage(img)).toContain('Sec-Fetch-Site: cross-site');
    // Its own pages may: same origin.
    const own = await send(server.url, '/trpc/designs.list', {
      headers: { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(own.status).toBe(200);
  });

  it('evaluates templates only for POST requests, so an <img> cannot start an evaluation', async () => {
    const bomb = {
      template: `heat_template_version: 2018-08-31
conditions:
  c: {yaql: {expression: "len(range(0, 100000).select(range(0, 100000))) > 0"}}
resources: {}
`,
    };
    for (const path of ['templates.validate', 'templates.plan']) {
      const sent = await send(server.url, `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(bomb))}`);
      expect(sent.status, path).toBe(405);
      expect(errorMessage(sent)).toMatch(/only as a POST request/);
    }
  });

  it('refuses batches larger than it allows, naming the limit', async () => {
    const paths = Array.from({ length: 40 }, () => 'templates.validate').join(',');
    const input = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i, { template: TEMPLATE }]));
    const sent = await send(server.url, `/trpc/${paths}?batch=1`, { method: 'POST', body: JSON.stringify(input) });
    expect(sent.status).toBe(400);
    expect(errorMessage(sent)).toBe('The request batches 40 calls; this server accepts at most 10 in one request.');
  });

  it('names its limits for oversized and deeply nested requests', async () => {
    const big = await send(server.url, '/trpc/templates.validate', {
      method: 'POST',
      body: JSON.stringify({ template: 'x'.repeat(17 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(errorMessage(big)).toMatch(/^The request body is \d+ bytes; this server accepts at most 16777216/);
    const deep = `{"template": "x", "parameters": {"p": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const nested = await send(server.url, '/trpc/templates.validate', { method: 'POST', body: deep });
    expect(nested.status).toBe(400);
    expect(errorMessage(nested)).toBe("The request's JSON nests more than 64 levels deep; this server accepts at most 64.");
  });

  it('counts each signal id once, takes only JSON objects, and caps what a handle keeps', async () => {
    const template = `heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::WaitConditionHandle}
  wait:
    type: OS::Heat::WaitCondition
    properties: {handle: {get_resource: handle}, count: 2, timeout: 600}
outputs:
  data: {value: {get_attr: [wait, data]}}
`;
    const created = await send(server.url, '/trpc/stacks.create', { method: 'POST', body: JSON.stringify({ name: 'sig', template }) });
    expect(created.status).toBe(200);
    let handle: { endpoint: string; token: string } | undefined;
    while (!handle) {
      const shown = (await send(server.url, `/trpc/stacks.get?input=${encodeURIComponent(JSON.stringify({ stack: 'sig' }))}`)).json as {
        result: {
          data: { resources: Array<{ name: string; action: string; status: string; attributes: { endpoint?: string; token?: string } }> };
        };
      };
      // Created, not merely listed (a resource not made yet is INIT_COMPLETE).
      const h = shown.result.data.resources.find((r) => r.name === 'handle' && r.action === 'CREATE' && r.status === 'COMPLETE');
      if (h) handle = { endpoint: h.attributes.endpoint!, token: h.attributes.token! };
    }
    const signal = (body: string) =>
      send(server.url, new URL(handle!.endpoint).pathname, { method: 'POST', headers: { 'X-Auth-Token': handle!.token }, body });
    // A retried curl sends the same id twice: the handle still holds one signal.
    expect((await signal('{"id": "1", "status": "SUCCESS"}')).json).toMatchObject({ signal: '1', replaced: false, signals: 1 });
    expect((await signal('{"id": "1", "status": "SUCCESS"}')).json).toMatchObject({ signal: '1', replaced: true, signals: 1 });
    for (const body of ['[1, 2, 3]', 'null', '"SUCCESS"', '{"status": "DONE"}', '{"status": "SUCCESS", "extra": 1}']) {
      const refused = await signal(body);
      expect(refused.status, body).toBe(400);
      expect(errorMessage(refused), body).toMatch(/JSON object|Metadata format invalid/);
    }
    const deep = await signal(`{"data": ${'['.repeat(1000)}${']'.repeat(1000)}}`);
    expect(deep.status).toBe(400);
    expect(errorMessage(deep)).toContain('at most 32');
    const big = await signal(JSON.stringify({ data: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    expect((await signal('{"id": "2", "data": "two"}')).json).toMatchObject({ signal: '2', signals: 2 });
    let outputs: Record<string, unknown> | undefined;
    while (!outputs) {
      const shown = (await send(server.url, `/trpc/stacks.get?input=${encodeURIComponent(JSON.stringify({ stack: 'sig' }))}`)).json as {
        result: { data: { status: string; inProgress: boolean; outputs: Record<string, unknown> } };
      };
      if (!shown.result.data.inProgress) {
        expect(shown.result.data.status).toBe('COMPLETE');
        outputs = shown.result.data.outputs;
      }
    }
    expect(JSON.parse(String(outputs.data))).toEqual({ 1: null, 2: 'two' });
    // After completion the handle still takes signals up to its cap of 1000 ids, then refuses new ones.
    for (let i = 3; i <= 1000; i++) expect((await signal(`{"id": "${i}"}`)).status).toBe(200);
    const full = await signal('{"id": "1001"}');
    expect(full.status).toBe(409);
    expect(errorMessage(full)).toContain('already holds 1000 signals');
  });

  it('exports never through a symbolic link, and all files or none', async () => {
    const saved = await send(server.url, '/trpc/designs.save', {
      method: 'POST',
      body: JSON.stringify({ name: 'linked', template: TEMPLATE, files: { 'sub/x.yaml': 'x: 1\n' } }),
    });
    expect(saved.status).toBe(200);
    const work = mkdtempSync(join(tmpdir(), 'hearth-export-'));
    const outside = join(work, 'outside');
    mkdirSync(outside);
    const out = join(work, 'out');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'sub'));
    const refused = await runCli(server.url, 'export', '--out', out, 'linked');
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toContain(
      `${join(out, 'sub')} is a symbolic link, and Hearth does not write through links; nothing was written.`,
    );
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(out)).toEqual(['sub']);
    // A file that cannot be written (a folder has its name) fails the export before any file lands.
    await send(server.url, '/trpc/designs.save', {
      method: 'POST',
      body: JSON.stringify({ name: 'clash', template: TEMPLATE, files: { a: 'x', 'a/b': 'y' } }),
    });
    const fresh = join(work, 'fresh');
    const failed = await runCli(server.url, 'export', '--out', fresh, 'clash');
    expect(failed.code).toBe(1);
    expect(failed.err.join('\n')).toMatch(/could not write the export: .*nothing was written/);
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(work).sort()).toEqual(['out', 'outside']);
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps serving while thirty watchers stall, and a reader that keeps up still gets every event once', async () => {
    const u = new URL(server.url);
    const stalled = Array.from({ length: 30 }, () => {
      const socket = connect(Number(u.port), u.hostname);
      socket.on('error', () => {});
      socket.write(
        `GET /trpc/stacks.watch?input=${encodeURIComponent('{}')} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      socket.pause();
      return socket;
    });
    try {
      const template = `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: 500 }, (_, i) => `  r${i}: {type: OS::Heat::None}\n`).join('')}`;
      expect(
        (await send(server.url, '/trpc/stacks.create', { method: 'POST', body: JSON.stringify({ name: 'watched', template }) })).status,
      ).toBe(200);
      const client = connectClient({ server: server.url });
      const ids: number[] = [];
      await new Promise<void>((resolve, reject) => {
        const sub = client.stacks.watch.subscribe(
          { stack: 'watched', lastEventId: null },
          {
            onData: ({ data }) => {
              for (const e of data) {
                ids.push(e.id);
                if (e.resourceName === null && e.status === 'COMPLETE') {
                  sub.unsubscribe();
                  resolve();
                }
              }
            },
            onError: reject,
          },
        );
      });
      // 1,000 resource events and the stack's two, in id order, none twice.
      expect(ids).toHaveLength(1002);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
      expect(await answersHealth(server.url)).toBeLessThan(100);
    } finally {
      for (const socket of stalled) socket.destroy();
    }
  });

  it('keeps its data to its owner: directory 0700, database 0600', () => {
    expect(statSync(server.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(server.dataDir, 'hearth.sqlite')).mode & 0o777).toBe(0o600);
  });
});

describe('templates that explode', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    // A short analysis time limit: the runaway below would otherwise hold its worker for the default 10 s.
    server = await startServeProcess({ env: { HEARTH_ANALYSIS_TIMEOUT_SECONDS: '2' } });
  }, 60_000);
  afterAll(() => server?.stop());
  afterEach(() => alive(server));

  const thousand = Array.from({ length: 1000 }, (_, i) => `"${i}"`).join(', ');
  const hundred = Array.from({ length: 100 }, (_, i) => `"${i}"`).join(', ');
  const create = (name: string, template: string) =>
    send(server.url, '/trpc/stacks.create', { method: 'POST', body: JSON.stringify({ name, template }) });
  const validate = (template: string) =>
    send(server.url, '/trpc/templates.validate', { method: 'POST', body: JSON.stringify({ template }) });

  it('answers a yaql bomb in a condition with Heat’s own refusal', async () => {
    const sent = await validate(`heat_template_version: 2018-08-31
conditions:
  c: {yaql: {expression: "len(range(0, 100000).select(range(0, 100000))) > 0"}}
resources:
  a: {type: OS::Heat::None, condition: c}
`);
    expect(sent.status).toBe(200);
    const report = (sent.json as { result: { data: { valid: boolean; diagnostics: Array<{ message: string }> } } }).result.data;
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d) => d.message)).toContain('Collection length exceeds 200 elements');
  });

  it('refuses, before anything runs, templates of a few hundred bytes that would exhaust memory', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'repeat',
        `heat_template_version: 2018-08-31
parameters:
  l: {type: json, default: &l [${thousand}]}
resources:
  v:
    type: OS::Heat::Value
    properties: {value: {repeat: {for_each: {"%a%": *l, "%b%": *l, "%c%": *l}, template: "%a%%b%%c%"}}}
`,
        /"repeat" would make 1,000,000,000 items; Hearth computes lists and maps of at most 100,000 items\./,
      ],
      [
        'stall',
        `heat_template_version: 2018-08-31
parameters:
  l: {type: json, default: &l [${hundred}]}
resources:
  v:
    type: OS::Heat::Value
    properties: {value: {repeat: {for_each: {"%a%": *l, "%b%": *l, "%c%": *l}, template: "%a%%b%%c%"}}}
`,
        /"repeat" would make 1,000,000 items/,
      ],
      [
        'group',
        'heat_template_version: 2018-08-31\nresources:\n  g: {type: OS::Heat::ResourceGroup, properties: {count: 10000000, resource_def: {type: OS::Heat::None}}}\n',
        /Maximum resources per stack exceeded\. \(The stack with its resource groups would hold 10,000,001 resources/,
      ],
      [
        'groups',
        'heat_template_version: 2018-08-31\nresources:\n  g: {type: OS::Heat::ResourceGroup, properties: {count: 100, resource_def: {type: OS::Heat::ResourceGroup, properties: {count: 100, resource_def: {type: OS::Heat::None}}}}}\n',
        /would hold 10,101 resources; a stack with its nested stacks may hold at most 5,000/,
      ],
    ];
    for (const [name, template, message] of cases) {
      const sent = await create(name, template);
      expect(sent.status, name).toBeGreaterThanOrEqual(400);
      expect(errorMessage(sent), name).toMatch(message);
    }
    const stacks = JSON.stringify((await send(server.url, '/trpc/stacks.list')).json);
    for (const [name] of cases) expect(stacks).not.toContain(`"name":"${name}"`);
  });

  it('measures a yaql expression before it makes anything: 169 bytes asking for 800 MB fail with Heat’s message', async () => {
    const template =
      'heat_template_version: 2018-08-31\nresources:\n  v: {type: OS::Heat::Value, properties: {value: {yaql: {expression: "[1] * 100000000"}}}}\n';
    expect((await create('quota', template)).status).toBe(200);
    let reason: string | undefined;
    while (reason === undefined) {
      const events = (await send(server.url, '/trpc/stacks.events', { method: 'POST', body: JSON.stringify({ stack: 'quota' }) })).json as {
        result: { data: { events: Array<{ resourceName: string | null; status: string; reason: string }> } };
      };
      reason = events.result.data.events.find((e) => e.resourceName === 'v' && e.status === 'FAILED')?.reason;
    }
    expect(reason).toBe('StackValidationFailed: resources.v: Expression consumed too much memory');
  });

  it('stops a template that would run forever in its worker, and stays responsive meanwhile', async () => {
    const runaway = `heat_template_version: 2018-08-31
conditions:
  c: {yaql: {expression: "regex('(a+)+$').matches($.data)", data: "${'a'.repeat(40)}b"}}
resources:
  a: {type: OS::Heat::None, condition: c}
`;
    const pending = validate(runaway);
    expect(await answersHealth(server.url)).toBeLessThan(100);
    const sent = await pending;
    expect(sent.status).toBe(422);
    expect(errorMessage(sent)).toBe('The template took longer than 2 s to analyse, the most Hearth gives one template; it was stopped.');
  });

  it('keeps answering while 40 validations queue for the analysis workers', async () => {
    const heavy = `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: 2000 }, (_, i) => `  r${i}: {type: OS::Heat::Value, properties: {value: {list_join: ["-", [a, b, c]]}}}\n`).join('')}`;
    const all = Array.from({ length: 40 }, () => validate(heavy));
    expect(await answersHealth(server.url)).toBeLessThan(100);
    const answers = await Promise.all(all);
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });
});

describe('a server that may run local scripts', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    server = await startServeProcess({ args: ['--allow-local-scripts'] });
  }, 60_000);
  afterAll(() => server?.stop());

  it('needs the token even on loopback, and signs a browser in once with the link it prints', async () => {
    const script = `heat_template_version: 2018-08-31
resources:
  run: {type: Hearth::Local::Script, properties: {command: "touch /tmp/hearth-pwned"}}
`;
    const anonymous = await send(server.url, '/trpc/stacks.create', {
      method: 'POST',
      body: JSON.stringify({ name: 's', template: script }),
    });
    expect(anonymous.status).toBe(401);
    expect(errorMessage(anonymous)).toContain('needs its access token');
    const page = await send(server.url, '/');
    expect(page.status).toBe(401);
    const login = (await server.line(/Sign in a browser with this link \(it works once\): (\S+)/))[1]!;
    expect(login).toMatch(/\?login=/);
    const first = await send(server.url, new URL(login).pathname + new URL(login).search);
    expect(first.status).toBe(303);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^hearth_token=.{32,}/);
    expect(String(first.headers['set-cookie'])).toContain('HttpOnly');
    expect((await send(server.url, '/trpc/designs.list', { headers: { Cookie: cookie } })).status).toBe(200);
    const again = await send(server.url, new URL(login).pathname + new URL(login).search);
    expect(again.status).toBe(401);
    // An empty cookie is no token.
    expect((await send(server.url, '/trpc/designs.list', { headers: { Cookie: 'hearth_token=' } })).status).toBe(401);
    await alive(server, { Cookie: cookie });
    expect(statSync(join(server.dataDir, 'api-token')).mode & 0o777).toBe(0o600);
  });
});

describe('a server reached from another host (a network namespace)', () => {
  const namespace = createNetworkNamespace();
  let server: ServeProcess;
  beforeAll(async () => {
    if (namespace) server = await startServeProcess({ args: ['--host', namespace.hostAddress] });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    namespace?.remove();
  });

  it.skipIf(!namespace)('lets nobody in without the token, checks the Host even with it, and signs a browser in once', async () => {
    const token = readFileSync(join(server.dataDir, 'api-token'), 'utf8').trim();
    const login = new URL((await server.line(/Sign in a browser with this link \(it works once\): (\S+)/))[1]!);
    expect(login.hostname).toBe(namespace!.hostAddress);
    // Run as another machine would: every request from inside the namespace.
    const script = `
      const http = require('node:http');
      const ask = (path, headers = {}) => new Promise((resolve) => {
        http.get({ host: ${JSON.stringify(namespace!.hostAddress)}, port: ${new URL(server.url).port}, path, headers }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode, cookie: res.headers['set-cookie'] ?? null, body: body.slice(0, 300) }));
        }).on('error', (e) => resolve({ error: e.message }));
      });
      (async () => {
        const token = ${JSON.stringify(token)};
        const out = {
          anonymous: await ask('/trpc/designs.list'),
          page: await ask('/'),
          emptyCookie: await ask('/trpc/designs.list', { Cookie: 'hearth_token=' }),
          bearer: await ask('/trpc/designs.list', { Authorization: 'Bearer ' + token }),
          rebound: await ask('/trpc/designs.list', { Authorization: 'Bearer ' + token, Host: 'attacker.example' }),
          login: await ask(${JSON.stringify(login.pathname + login.search)}),
          loginAgain: await ask(${JSON.stringify(login.pathname + login.search)}),
        };
        console.log(JSON.stringify(out));
      })();
    `;
    const answers = JSON.parse(await namespace!.node(script)) as Record<string, { status: number; cookie: string[] | null; body: string }>;
    expect(answers.anonymous!.status).toBe(401);
    expect(answers.page!.status).toBe(401);
    expect(answers.emptyCookie!.status).toBe(401);
    expect(answers.bearer!.status).toBe(200);
    expect(answers.rebound!.status).toBe(403);
    expect(answers.rebound!.body).toContain('--allow-host attacker.example');
    expect(answers.login!.status).toBe(303);
    expect(String(answers.login!.cookie)).toContain('HttpOnly');
    expect(answers.loginAgain!.status).toBe(401);
    expect(server.exit).toBeNull();
  });
});

describe('the access token file', () => {
  it('is replaced when empty, and a short one is refused at start with a message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-token-'));
    const first = await startServeProcess({ args: ['--allow-local-scripts'], dataDir });
    const tokenFile = join(dataDir, 'api-token');
    await first.stop();
    writeFileSync(tokenFile, '');
    const replaced = await startServeProcess({ args: ['--allow-local-scripts'], dataDir });
    await replaced.line(/^Access token \(shown once/);
    await replaced.stop();
    writeFileSync(tokenFile, 'short\n');
    const refused = await startServeProcess({ args: ['--allow-local-scripts'], dataDir, ready: /(needs at least 32)/ }).catch(
      (e: Error) => e,
    );
    expect(String(refused instanceof Error ? refused.message : refused.output.join('\n'))).toContain(
      'has 5 characters; Hearth needs at least 32',
    );
    if (!(refused instanceof Error)) await refused.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
