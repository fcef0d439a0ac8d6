// The command line against a real server started by the test.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startTestServer, until, type TestServer } from '../test-support/server.ts';
import { main } from './main.ts';

const repo = resolve(import.meta.dirname, '../../../..');
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'hearth-cli-'));
  writeFileSync(
    join(dir, 'app.yaml'),
    `heat_template_version: 2018-08-31
parameters:
  size: {type: number, default: 1}
resources:
  data: {type: disk.yaml, properties: {size: {get_param: size}}}
  web: {type: OS::Nova::Server, properties: {image: img, flavor: small, user_data: {get_file: boot.sh}}}
outputs:
  volume: {value: {get_attr: [data, volume]}}
  boot: {value: {get_attr: [web, show, user_data]}}
`,
  );
  writeFileSync(
    join(dir, 'disk.yaml'),
    `heat_template_version: 2018-08-31
parameters:
  size: {type: number}
resources:
  vol: {type: OS::Cinder::Volume, properties: {size: {get_param: size}}}
outputs:
  volume: {value: {get_resource: vol}}
`,
  );
  writeFileSync(join(dir, 'boot.sh'), '#!/bin/sh\necho booted\n');
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const hearth = (...args: string[]) => runCli(server.url, ...args);

describe('hearth against a server', () => {
  it('deploys with --watch (nested templates and get_file sent along), shows outputs and events, updates, exports and deletes', async () => {
    const engines = await hearth('engines');
    expect(engines.code).toBe(0);
    expect(engines.out[0]).toMatch(/^The server runs the stacks itself \(engine-\w+, pid \d+\)\.$/);
    const deployed = await hearth('deploy', '--watch', 'app', join(dir, 'app.yaml'));
    expect(deployed.err).toEqual([]);
    expect(deployed.code).toBe(0);
    expect(deployed.out.some((l) => /^\S+s\s+data\s+CREATE_COMPLETE/.test(l))).toBe(true);
    expect(deployed.out.at(-1)).toMatch(/^Stack app CREATE_COMPLETE in [\d.]+s: 2 CREATE_COMPLETE$/);

    const outputs = await hearth('outputs', '--format', 'json', 'app');
    const parsed = JSON.parse(outputs.out[0]!) as { outputs: { volume: string; boot: string } };
    expect(parsed.outputs.boot).toBe('#!/bin/sh\necho booted\n');
    expect(parsed.outputs.volume).toMatch(/^[0-9a-f-]{36}$/);

    const events = await hearth('events', 'app');
    expect(events.out[0]).toMatch(/^\d+\t\S+\t\[stack app\]\tCREATE_IN_PROGRESS\tStack CREATE started$/);

    const plan = await hearth('plan', '--stack', 'app', '-p', 'size=2', join(dir, 'app.yaml'));
    expect(plan.code).toBe(0);
    expect(plan.out.at(-1)).toBe(
      'Plan: 0 to create, 1 to update, 0 to replace, 0 to delete (0 retained), 1 unchanged. In nested stacks: 0 to create, 1 to update, 0 to replace, 0 to delete.',
    );
    // The nested stack's volume, under the template resource that holds it.
    expect(plan.out).toContain('  ~ data/vol (OS::Cinder::Volume): update — size changes; updated in place.');

    const updated = await hearth('update', '--watch', '--format', 'json', '-p', 'size=2', 'app', join(dir, 'app.yaml'));
    expect(updated.code).toBe(0);
    const lines = updated.out.map((l) => JSON.parse(l) as { type: string; state?: string });
    expect(lines[0]!.type).toBe('plan');
    expect(lines.at(-1)).toMatchObject({ type: 'summary', state: 'UPDATE_COMPLETE' });

    const out = join(dir, 'export');
    const exported = await hearth('export', '--stack', '--out', out, 'app');
    expect(exported.code).toBe(0);
    expect(readFileSync(join(out, 'app.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'app.yaml'), 'utf8'));
    expect(readFileSync(join(out, 'disk.yaml'), 'utf8')).toBe(readFileSync(join(dir, 'disk.yaml'), 'utf8'));
    expect(existsSync(join(out, 'boot.sh'))).toBe(true);

    const deleted = await hearth('delete', '--watch', 'app');
    expect(deleted.code).toBe(0);
    expect(deleted.out.at(-1)).toMatch(/^Stack app DELETE_COMPLETE/);
  });

  it('exits 1 when the deployment fails, with the reason, and 1 with the server’s message for a refusal', async () => {
    const failed = await hearth('deploy', '--watch', '--simulate-fail', 'web', 'bad', join(dir, 'app.yaml'));
    expect(failed.code).toBe(1);
    expect(failed.out.some((l) => /web\s+CREATE_FAILED\s+SimulatedFault: resources\.web: Simulated failure/.test(l))).toBe(true);
    expect(failed.out.at(-2)).toMatch(/^Stack bad ROLLBACK_COMPLETE/);
    const again = await hearth('deploy', 'bad', join(dir, 'app.yaml'));
    expect(again.code).toBe(1);
    expect(again.err[0]).toBe('hearth: CONFLICT: A stack named bad already exists.');
    const missing = await hearth('outputs', 'nope');
    expect(missing.err[0]).toBe('hearth: NOT_FOUND: There is no stack nope.');
    const usage = await hearth('deploy', 'only-a-name');
    expect(usage.code).toBe(2);
  });

  it('cancels as Heat does: a create only with --no-rollback, and a delete interrupts what still runs', async () => {
    writeFileSync(
      join(dir, 'waits.yaml'),
      `heat_template_version: 2018-08-31
resources:
  handle: {type: OS::Heat::WaitConditionHandle}
  wait: {type: OS::Heat::WaitCondition, properties: {handle: {get_resource: handle}, timeout: 600}}
`,
    );
    expect((await hearth('deploy', 'waits', join(dir, 'waits.yaml'))).code).toBe(0);
    await until(async () =>
      (await server.client.stacks.get.query({ stack: 'waits' })).resources.some((r) => r.name === 'wait' && r.status === 'IN_PROGRESS'),
    );
    const refused = await hearth('cancel', 'waits');
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toBe('hearth: BAD_REQUEST: Cancelling update when stack is CREATE_IN_PROGRESS is not supported.');
    const cancelled = await hearth('cancel', '--no-rollback', 'waits');
    expect(cancelled.out).toEqual(['Stack waits: cancel without rollback requested.']);
    expect(cancelled.code).toBe(0);
    // The wait condition, never signalled, would wait ten minutes: the delete stops it.
    const deleted = await hearth('delete', '--watch', 'waits');
    expect(deleted.code).toBe(0);
    expect(deleted.out.at(-1)).toMatch(/^Stack waits DELETE_COMPLETE/);
  });

  it('suspends, resumes and checks a stack, each watched to its end; a second suspend has nothing to do', async () => {
    expect((await hearth('deploy', '--watch', 'pausable', join(dir, 'app.yaml'))).code).toBe(0);
    const suspended = await hearth('suspend', '--watch', 'pausable');
    expect(suspended.code).toBe(0);
    expect(suspended.out.some((l) => /^\S+s\s+web\s+SUSPEND_COMPLETE/.test(l))).toBe(true);
    expect(suspended.out.at(-1)).toMatch(/^Stack pausable SUSPEND_COMPLETE/);
    expect((await hearth('suspend', 'pausable')).out).toEqual(['Stack pausable: already SUSPEND_COMPLETE, nothing to do.']);
    const update = await hearth('update', 'pausable', join(dir, 'app.yaml'));
    expect(update.code).toBe(1);
    expect(update.err.at(-1)).toBe('hearth: BAD_REQUEST: Updating a stack when it is suspended is not supported.');
    const resumed = await hearth('resume', '--watch', '--format', 'json', 'pausable');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out.at(-1)!)).toMatchObject({ type: 'summary', state: 'RESUME_COMPLETE' });
    const checked = await hearth('check', '--watch', 'pausable');
    expect(checked.code).toBe(0);
    expect(checked.out.at(-1)).toMatch(/^Stack pausable CHECK_COMPLETE/);
  });

  it('abandons a stack into a file only its owner reads, and adopts it back, watched to ADOPT_COMPLETE', async () => {
    expect((await hearth('deploy', '--watch', 'movable', join(dir, 'app.yaml'))).code).toBe(0);
    const volume = (await server.client.stacks.get.query({ stack: 'movable' })).outputs.volume;
    const file = join(dir, 'movable.json');
    // A file that exists is not overwritten, and nothing is abandoned.
    writeFileSync(join(dir, 'taken.json'), 'mine');
    expect((await hearth('abandon', '--out', join(dir, 'taken.json'), 'movable')).code).toBe(2);
    expect((await hearth('outputs', 'movable')).code).toBe(0);
    const abandoned = await hearth('abandon', '--out', file, 'movable');
    expect(abandoned.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await hearth('outputs', 'movable')).err[0]).toBe('hearth: NOT_FOUND: There is no stack movable.');
    const adopted = await hearth('adopt', '--watch', 'moved', file);
    expect(adopted.code).toBe(0);
    expect(adopted.out.at(-1)).toMatch(/^Stack moved ADOPT_COMPLETE/);
    expect((await server.client.stacks.get.query({ stack: 'moved' })).outputs.volume).toBe(volume);
    expect((await hearth('adopt', 'other', join(dir, 'app.yaml'))).code).toBe(2);
  });

  it('merges several --env files as Heat does, and updates with --existing (PATCH) changing only what is given', async () => {
    writeFileSync(join(dir, 'base.env'), 'parameters: {size: 2}\n');
    writeFileSync(join(dir, 'big.env'), 'parameters: {size: 5}\n');
    const deployed = await hearth(
      'deploy',
      '--watch',
      '-e',
      join(dir, 'base.env'),
      '-e',
      join(dir, 'big.env'),
      'envs',
      join(dir, 'app.yaml'),
    );
    expect(deployed.code).toBe(0);
    const sized = async () => (await server.client.stacks.get.query({ stack: 'envs' })).effectiveParameters.size;
    expect(await sized()).toBe('5');
    const patched = await hearth('update', '--watch', '--existing', '-p', 'size=7', 'envs');
    expect(patched.code).toBe(0);
    expect(await sized()).toBe('7');
    const cleared = await hearth('update', '--watch', '--existing', '--clear-parameter', 'size', 'envs');
    expect(cleared.code).toBe(0);
    // Back to the template's default: as in Heat, the environment files' values became the stack's parameters.
    expect(await sized()).toBe('1');
    expect((await hearth('update', '--clear-parameter', 'size', 'envs', join(dir, 'app.yaml'))).code).toBe(2);
  });

  it('runs the built command line: serve, then deploy the example against it', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hearth-serve-'));
    const proc = spawn(process.execPath, [join(repo, 'apps/server/bin/hearth.mjs'), 'serve', '--port', '0', '--data', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        proc.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
        createInterface({ input: proc.stdout }).on('line', (line) => {
          const m = /listening on (http:\/\/\S+)/.exec(line);
          if (m) resolveUrl(m[1]!);
        });
      });
      const cli = spawn(
        process.execPath,
        [
          join(repo, 'apps/server/bin/hearth.mjs'),
          'deploy',
          '--watch',
          '--server',
          url,
          'sql',
          join(repo, 'examples/sql-server-cluster.yaml'),
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      cli.stdout.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((r) => cli.on('exit', r));
      expect(output).toMatch(/Stack sql CREATE_COMPLETE in [\d.]+s: 40 CREATE_COMPLETE/);
      expect(code).toBe(0);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.on('exit', r));
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('hearth serve', () => {
  it('says clearly when its port is taken', async () => {
    const port = Number(new URL(server.url).port);
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['serve', '--port', String(port), '--data', mkdtempSync(join(tmpdir(), 'hearth-busy-'))], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect(code).toBe(1);
    expect(err).toEqual([`hearth serve: 127.0.0.1:${port} is already in use; choose another port with --port (or PORT).`]);
  });
});
