// Scale-out, end to end: a private PostgreSQL, the real API server on it, two
// `hearth worker` processes (the built command line). One worker is killed
// (SIGKILL) in the middle of a deployment of a few hundred simulated
// resources; the other must finish it with nothing created twice and an
// event log, as browsers receive it, complete and in order. The same stack on
// the embedded store must end the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clusterTables } from '@hearth/cluster';
import type { EventRecord } from '@hearth/store';
import { startPostgresServer, type PostgresServer } from '@hearth/store';
import { runCli, startTestServer, until, type TestServer } from '../test-support/server.ts';

const BUILT = join(import.meta.dirname, '..', '..', 'dist', 'cli.mjs');
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'hearth.mjs');
const RESOURCES = 300;
const WIDTH = 30;
const QUEUE = { expirySeconds: 4, superviseSeconds: 1 };

/** Layers of WIDTH key pairs; every tenth resource a volume, slow enough to run in several steps. */
function template(): string {
  const lines = ['heat_template_version: 2018-08-31', 'resources:'];
  for (let i = 0; i < RESOURCES; i++) {
    const volume = i % 10 === 0;
    lines.push(`  r${i}:`);
    lines.push(volume ? '    type: OS::Cinder::Volume' : '    type: OS::Nova::KeyPair');
    lines.push(volume ? `    properties: {size: 1, name: v${i}}` : `    properties: {name: k${i}}`);
    if (i >= WIDTH) {
      const base = Math.floor(i / WIDTH) * WIDTH - WIDTH;
      lines.push(`    depends_on: [r${base + (i % WIDTH)}, r${base + ((i + 1) % WIDTH)}]`);
    }
  }
  lines.push('outputs:', '  size:', `    value: {get_attr: [r${RESOURCES - 10}, size]}`);
  return `${lines.join('\n')}\n`;
}

function requirements(i: number): number[] {
  if (i < WIDTH) return [];
  const base = Math.floor(i / WIDTH) * WIDTH - WIDTH;
  return [base + (i % WIDTH), base + ((i + 1) % WIDTH)];
}

// Key pairs take long enough (inline, in one job) for a killed worker to be holding some; volumes run in steps.
const SIMULATION = { latencyByType: { 'OS::Nova::KeyPair': 0.8, 'OS::Cinder::Volume': 1.2 } };

/** Every event of the server, as a browser receives them (the watch subscription). */
function collect(test: TestServer, lastEventId: number | null = null) {
  const events: EventRecord[] = [];
  const subscription = test.client.stacks.watch.subscribe(
    { lastEventId: lastEventId === null ? null : String(lastEventId) },
    { onData: ({ data }) => void events.push(...(data as unknown as EventRecord[])) },
  );
  return { events, stop: () => subscription.unsubscribe() };
}

const workerLog: string[] = [];

interface Worker {
  process: ChildProcess;
  id: Promise<string>;
}

function startWorker(databaseUrl: string): Worker {
  const child = spawn(process.execPath, [CLI, 'worker', '--concurrency', '10'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HEARTH_JOB_EXPIRY_SECONDS: String(QUEUE.expirySeconds),
      HEARTH_JOB_SUPERVISE_SECONDS: String(QUEUE.superviseSeconds),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // What workers say (retried jobs while the database restarts, say) is shown only when a test fails.
  child.stderr!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line) workerLog.push(`[worker ${child.pid}] ${line}`);
  });
  const id = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /Hearth worker (\S+) is taking jobs/.exec(output);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it started: ${output}`)));
  });
  return { process: child, id };
}

/** The checks both modes must pass: all created once, events complete, each after its requirements. */
async function checkDeployment(test: TestServer, stackId: string, events: EventRecord[]) {
  const stack = await test.client.stacks.get.query({ stack: stackId });
  expect(`${stack.action}_${stack.status}`).toBe('CREATE_COMPLETE');
  expect(stack.outputs).toEqual({ size: 1 });

  // The simulated cloud holds exactly one object per resource, the one the resource points at.
  const store = test.server.services.store;
  const inventory = await test.server.services.cloud.objects.list({ stackId });
  const resources = await store.listResources(stackId);
  expect(inventory).toHaveLength(RESOURCES);
  expect(new Set(inventory.map((o) => o.resourceName)).size).toBe(RESOURCES);
  expect(new Set(inventory.map((o) => o.id))).toEqual(new Set(resources.map((r) => r.physicalId)));

  // What the browser received is the stored log, in order, without gaps or repeats.
  const mine = events.filter((e) => e.stackId === stackId);
  const stored = await store.listEvents({ stackId });
  expect(mine.map((e) => e.id)).toEqual(stored.map((e) => e.id));
  for (let i = 1; i < mine.length; i++) expect(mine[i]!.id).toBeGreaterThan(mine[i - 1]!.id);

  // Each resource: CREATE_IN_PROGRESS then CREATE_COMPLETE, once each, after its requirements completed.
  const byResource = new Map<string, EventRecord[]>();
  for (const e of mine) if (e.resourceName) byResource.set(e.resourceName, [...(byResource.get(e.resourceName) ?? []), e]);
  expect(byResource.size).toBe(RESOURCES);
  for (const [name, list] of byResource) {
    expect(
      list.map((e) => `${e.action}_${e.status}`),
      name,
    ).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  }
  for (let i = 0; i < RESOURCES; i++) {
    const started = byResource.get(`r${i}`)![0]!.id;
    for (const d of requirements(i)) expect(byResource.get(`r${d}`)![1]!.id).toBeLessThan(started);
  }
  const stackEvents = mine.filter((e) => e.resourceName === null).map((e) => `${e.action}_${e.status}`);
  expect(stackEvents).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  expect(mine.at(-1)!.resourceName).toBeNull();
  return { byResource, stored };
}

describe('several engine workers on PostgreSQL', () => {
  let postgres: PostgresServer;
  let api: TestServer;
  const workers: Worker[] = [];

  /** The command line against the API server. */
  const hearth = (...args: string[]) => runCli(api.url, ...args);

  beforeAll(async () => {
    expect(existsSync(BUILT), 'built by npm test before the tests run').toBe(true);
    postgres = await startPostgresServer();
    api = await startTestServer({ databaseUrl: postgres.url, queue: QUEUE });
  }, 120_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail') process.stderr.write(`${workerLog.join('\n')}\n`);
    workerLog.length = 0;
  });

  afterAll(async () => {
    for (const w of workers) w.process.kill('SIGKILL');
    await api?.stop();
    postgres?.stop();
  }, 60_000);

  it('finishes a deployment when one of two workers is killed in the middle, creating nothing twice', async () => {
    // Before any worker: the server says nothing runs its stacks (and `hearth engines` fails).
    expect(await api.client.engines.list.query()).toEqual({ mode: 'workers', engines: [] });
    expect(await hearth('engines')).toEqual({
      code: 1,
      out: [],
      err: ['No engine worker is running: deployments wait until one starts ("hearth worker").'],
    });
    // A deployment started now says it will wait (and does: the workers take it once they start).
    const early = join(mkdtempSync(join(tmpdir(), 'hearth-scale-')), 'early.yaml');
    writeFileSync(early, 'heat_template_version: 2018-08-31\nresources:\n  r: {type: OS::Heat::None}\n');
    const waiting = await hearth('deploy', 'early', early);
    rmSync(dirname(early), { recursive: true });
    expect(waiting).toMatchObject({ code: 0, err: [expect.stringMatching(/^hearth: No engine worker is running/)] });
    workers.push(startWorker(postgres.url), startWorker(postgres.url));
    const [killedId, survivorId] = (await Promise.all(workers.map((w) => w.id))) as [string, string];
    expect((await api.client.engines.list.query()).engines.map((e) => e.id).sort()).toEqual([killedId, survivorId].sort());
    await until(async () => (await api.client.stacks.get.query({ stack: 'early' })).status === 'COMPLETE', 30_000);
    const listed = await hearth('engines');
    expect(listed.code).toBe(0);
    expect(
      listed.out
        .slice(1)
        .map((line) => line.split('\t')[0])
        .sort(),
    ).toEqual([killedId, survivorId].sort());
    const stream = collect(api);
    const t0 = Date.now();
    const created = await api.client.stacks.create.mutate({ name: 'big', template: template(), options: { simulation: SIMULATION } });

    // Kill worker 1 while it holds resources in progress (nodes only a lease that runs out can free), half-way through.
    const heldBy = async (engine: string) =>
      (
        await clusterTables(api.server.services.store.db)
          .selectFrom('cluster_nodes')
          .innerJoin('resources', 'resources.id', 'cluster_nodes.resource_id')
          .select('resources.name')
          .where('cluster_nodes.owner', '=', engine)
          .where('cluster_nodes.state', '=', 'running')
          .execute()
      ).map((r) => r.name);
    const completed = () => stream.events.filter((e) => e.stackId === created.id && e.status === 'COMPLETE').length;
    await until(async () => completed() >= RESOURCES / 2 && (await heldBy(killedId)).length >= 3, 60_000);
    const dead = new Promise((resolve) => workers[0]!.process.once('exit', resolve));
    workers[0]!.process.kill('SIGKILL');
    await dead;
    const killedAt = Date.now() - t0;
    const interrupted = await heldBy(killedId);
    expect(interrupted.length).toBeGreaterThan(0);

    await until(async () => !(await api.client.stacks.get.query({ stack: created.id })).inProgress, 120_000);
    const tookMs = Date.now() - t0;
    await until(async () => stream.events.some((e) => e.stackId === created.id && e.resourceName === null && e.status !== 'IN_PROGRESS'));
    stream.stop();
    const { byResource, stored } = await checkDeployment(api, created.id, stream.events);

    // The survivor finished what the dead worker had begun.
    for (const name of interrupted) expect(byResource.get(name)![1]!.engineId, name).toBe(survivorId);
    const engines = new Set(stored.map((e) => e.engineId));
    expect(engines.has(killedId) && engines.has(survivorId)).toBe(true);
    console.log(
      `scale-out: ${RESOURCES} resources on 2 workers, one killed at ${(killedAt / 1000).toFixed(1)} s holding ${interrupted.length}; complete after ${(tookMs / 1000).toFixed(1)} s`,
    );

    // A browser that reconnects from an event id gets exactly what followed it.
    const middle = stored[Math.floor(stored.length / 2)]!.id;
    const resumed = collect(api, middle);
    const rest = stored.filter((e) => e.id > middle).map((e) => e.id);
    await until(async () => resumed.events.filter((e) => e.stackId === created.id).length >= rest.length);
    resumed.stop();
    expect(resumed.events.filter((e) => e.stackId === created.id).map((e) => e.id)).toEqual(rest);

    // Deleting it empties the simulated cloud (on the surviving worker).
    await api.client.stacks.delete.mutate({ stack: created.id });
    await until(async () => (await api.server.services.store.getStack(created.id))?.currentTraversal === null, 60_000);
    expect((await api.server.services.store.getStack(created.id))?.status).toBe('COMPLETE');
    expect(await api.server.services.cloud.objects.list({ stackId: created.id })).toHaveLength(0);
  }, 240_000);

  it('carries on when the database restarts in the middle of a deployment', async () => {
    const pair = [startWorker(postgres.url), startWorker(postgres.url)];
    workers.push(...pair);
    await Promise.all(pair.map((w) => w.id));
    const stream = collect(api);
    const created = await api.client.stacks.create.mutate({
      name: 'through-a-restart',
      template: template(),
      options: { simulation: SIMULATION },
    });
    const completed = () => stream.events.filter((e) => e.stackId === created.id && e.status === 'COMPLETE').length;
    await until(async () => completed() >= RESOURCES / 3, 60_000);
    // Every connection is cut, and for a second nothing answers.
    await postgres.restart(1000);
    // While the database was away, requests fail; then they work again.
    const settled = async () => {
      try {
        return !(await api.client.stacks.get.query({ stack: created.id })).inProgress;
      } catch {
        return false;
      }
    };
    expect(await settled()).toBe(false);
    await until(settled, 120_000);
    await until(async () => stream.events.some((e) => e.stackId === created.id && e.resourceName === null && e.status !== 'IN_PROGRESS'));
    stream.stop();
    await checkDeployment(api, created.id, stream.events);
    for (const w of pair) expect(w.process.exitCode).toBeNull();
    // Stopped workers leave the list at once.
    const ids = await Promise.all(pair.map((w) => w.id));
    for (const w of pair) w.process.kill('SIGTERM');
    await Promise.all(
      pair.map((w) => new Promise((resolve) => (w.process.exitCode !== null ? resolve(null) : w.process.once('exit', resolve)))),
    );
    const listed = (await api.client.engines.list.query()).engines.map((e) => e.id);
    for (const id of ids) expect(listed).not.toContain(id);
  }, 240_000);

  it('ends the same way as the embedded store', async () => {
    const embedded = await startTestServer();
    try {
      const stream = collect(embedded);
      const created = await embedded.client.stacks.create.mutate({
        name: 'big',
        template: template(),
        options: { simulation: SIMULATION },
      });
      await until(async () => !(await embedded.client.stacks.get.query({ stack: created.id })).inProgress, 120_000);
      await until(async () => stream.events.some((e) => e.stackId === created.id && e.resourceName === null && e.status !== 'IN_PROGRESS'));
      stream.stop();
      const local = await checkDeployment(embedded, created.id, stream.events);
      const shared = (await api.server.services.store.listEvents({})).filter((e) => e.stackName === 'big');
      // The same states with the same reasons, resource by resource.
      const story = (events: EventRecord[]) => {
        const out = new Map<string, string[]>();
        for (const e of events)
          out.set(e.resourceName ?? '(stack)', [...(out.get(e.resourceName ?? '(stack)') ?? []), `${e.action}_${e.status}: ${e.reason}`]);
        return out;
      };
      const createdOnWorkers = shared.filter((e) => e.action === 'CREATE');
      expect(story(local.stored)).toEqual(story(createdOnWorkers));
    } finally {
      await embedded.stop();
    }
  }, 180_000);
});
