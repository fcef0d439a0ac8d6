// bench/engine --workers N: the same stacks run by N `hearth worker`
// processes sharing a private PostgreSQL, started from this process's API-side
// engine (what `hearth serve --database` does).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Engine } from '@hearth/engine';
import { CLUSTER_TABLES, clusterEngine, JobQueue } from '@hearth/cluster';
import { createProviders, SIM_TABLES } from '@hearth/resources';
import { openPostgresStore, startPostgresServer } from '@hearth/store';
import { criticalPathLength, shapeTemplate, type Shape } from './shapes.ts';

function startWorker(cli: string, databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, 'worker'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('is taking jobs')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`a worker exited (${code}): ${out}`)));
  });
}

async function waitFor(engine: Engine, stackId: string) {
  for (;;) {
    const stack = await engine.getStack(stackId).catch(() => null);
    if (!stack || stack.currentTraversal === null) return stack;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function runWorkersCase(
  root: string,
  shape: Shape,
  n: number,
  wait: number,
  workers: number,
): Promise<Record<string, number | string>> {
  const postgres = await startPostgresServer();
  const children: ChildProcess[] = [];
  try {
    const store = await openPostgresStore(postgres.url, { tables: [CLUSTER_TABLES, SIM_TABLES] });
    const queue = await JobQueue.open(postgres.url);
    const { engine } = clusterEngine({ store, providers: createProviders({ store }), queue });
    const cli = join(root, 'apps', 'server', 'bin', 'hearth.mjs');
    for (let i = 0; i < workers; i++) children.push(await startWorker(cli, postgres.url));
    const template = shapeTemplate(shape, n, wait);
    const t0 = performance.now();
    const created = await waitFor(engine, (await engine.createStack({ name: `${shape}-${n}`, template })).id);
    const t1 = performance.now();
    if (created?.status !== 'COMPLETE') throw new Error(`create ended ${created?.action}_${created?.status}: ${created?.statusReason}`);
    await engine.deleteStack(created.id);
    const deleted = await store.getStack(created.id).then(() => waitFor(engine, created.id));
    const t2 = performance.now();
    const final = await store.getStack(created.id);
    if (final?.status !== 'COMPLETE') throw new Error(`delete ended ${final?.action}_${final?.status}: ${final?.statusReason ?? deleted}`);
    const events = await store.listEvents({ stackId: created.id });
    const perWorker = new Map<string, number>();
    for (const e of events)
      if (e.resourceName && e.status === 'COMPLETE') perWorker.set(e.engineId ?? '', (perWorker.get(e.engineId ?? '') ?? 0) + 1);
    await engine.shutdown();
    await store.close();
    return {
      shape,
      n,
      wait_secs: wait,
      workers,
      create_s: Math.round(t1 - t0) / 1000,
      delete_s: Math.round(t2 - t1) / 1000,
      critical_path_s: criticalPathLength(shape, n) * wait,
      events: events.length,
      actions_per_worker: [...perWorker.values()].sort((a, b) => b - a).join('/'),
      store: 'postgresql',
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    postgres.stop();
  }
}
