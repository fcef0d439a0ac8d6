// bench/engine: how fast the engine creates and deletes stacks of N
// resources, on the real on-disk store. Runs each case --runs times (default
// 5, each in its own process) and prints one JSON line per case with the
// median and p95 of each time and the peak memory; never fails on time.
//   npm run bench:engine -- fan:1000 chain:30 layers:1000
//   npm run bench:engine -- --runs 9 fan:1000
//   npm run bench:engine -- --wait 0.5 layers:100 fan:100
//   npm run bench:engine -- --workers 2 --wait 0.1 layers:1000   (PostgreSQL, N worker processes)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '@hearth/engine';
import { createProviders, SIM_TABLES } from '@hearth/resources';
import { openSqliteStore } from '@hearth/store';
import { criticalPathLength, shapeTemplate, type Shape } from './shapes.ts';
import { runWorkersCase } from './workers.ts';

const SHAPES: readonly Shape[] = ['fan', 'chain', 'layers'];

function parseArgs(argv: string[]): { wait: number; workers: number; runs: number; cases: Array<{ shape: Shape; n: number }> } {
  let wait = 0;
  let workers = 0;
  let runs = 5;
  const cases: Array<{ shape: Shape; n: number }> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--wait') {
      wait = Number(argv[++i]);
      continue;
    }
    if (arg === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1) {
        console.error('bench/engine: --runs needs a whole number of at least 1');
        process.exit(2);
      }
      continue;
    }
    if (arg === '--workers') {
      workers = Number(argv[++i]);
      if (!Number.isInteger(workers) || workers < 1) {
        console.error('bench/engine: --workers needs a whole number of at least 1');
        process.exit(2);
      }
      continue;
    }
    const [shape, count] = arg.split(':');
    if (!SHAPES.includes(shape as Shape) || !Number.isInteger(Number(count)) || Number(count) < 1) {
      console.error(`bench/engine: "${arg}" is not a case; write SHAPE:N with SHAPE one of ${SHAPES.join(', ')}`);
      process.exit(2);
    }
    cases.push({ shape: shape as Shape, n: Number(count) });
  }
  if (!cases.length) cases.push({ shape: 'fan', n: 1000 }, { shape: 'chain', n: 30 }, { shape: 'layers', n: 1000 });
  return { wait, workers, runs, cases };
}

async function runCase(shape: Shape, n: number, wait: number): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-engine-'));
  const store = await openSqliteStore(dir, { tables: [SIM_TABLES] });
  try {
    const engine = new Engine({ store, providers: createProviders({ store }) });
    const template = shapeTemplate(shape, n, wait);
    const t0 = performance.now();
    const created = await engine.wait((await engine.createStack({ name: `${shape}-${n}`, template })).id);
    const t1 = performance.now();
    if (created.status !== 'COMPLETE') throw new Error(`create ended ${created.action}_${created.status}: ${created.statusReason}`);
    const deleted = await engine.wait((await engine.deleteStack(created.id)).id);
    const t2 = performance.now();
    if (deleted.status !== 'COMPLETE') throw new Error(`delete ended ${deleted.action}_${deleted.status}: ${deleted.statusReason}`);
    const events = (await store.listEvents({ stackId: created.id })).length;
    return {
      shape,
      n,
      wait_secs: wait,
      create_s: round(t1 - t0),
      delete_s: round(t2 - t1),
      critical_path_s: criticalPathLength(shape, n) * wait,
      events,
      store: 'sqlite',
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (ms: number) => Math.round(ms) / 1000;

const self = fileURLToPath(import.meta.url);
const { wait, workers, runs, cases } = parseArgs(process.argv.slice(2));

/** The value below which `q` of the sorted values fall (nearest rank). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One line for the runs of a case: the median and p95 of every number that varies, the rest as they are. */
function summarise(results: Array<Record<string, number | string>>): Record<string, number | string> {
  const out: Record<string, number | string> = { ...results[0], runs: results.length };
  for (const key of ['create_s', 'delete_s', 'peak_rss_mb']) {
    const values = results.map((r) => Number(r[key])).filter((v) => Number.isFinite(v));
    if (!values.length) continue;
    delete out[key];
    out[`${key}_median`] = quantile(values, 0.5);
    out[`${key}_p95`] = quantile(values, 0.95);
  }
  return out;
}
if (process.env.HEARTH_BENCH_CASE) {
  const [shape, n] = process.env.HEARTH_BENCH_CASE.split(':') as [Shape, string];
  const root = join(dirname(self), '..', '..');
  const result = workers ? await runWorkersCase(root, shape, Number(n), wait, workers) : await runCase(shape, Number(n), wait);
  console.log(JSON.stringify({ ...result, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  for (const c of cases) {
    const results: Array<Record<string, number | string>> = [];
    for (let i = 0; i < runs; i++) {
      // Each run in its own process, so that its peak memory is its own.
      const run = spawnSync(
        process.execPath,
        [...process.execArgv, self, '--wait', String(wait), ...(workers ? ['--workers', String(workers)] : [])],
        {
          env: { ...process.env, HEARTH_BENCH_CASE: `${c.shape}:${c.n}` },
          encoding: 'utf8',
        },
      );
      if (run.status !== 0) process.stderr.write(run.stderr);
      else results.push(JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, number | string>);
    }
    if (results.length) console.log(JSON.stringify(summarise(results)));
  }
}
