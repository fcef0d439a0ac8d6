// bench/schedule: how long a schedule takes to compute at N resources (it
// follows every keystroke), and how close the estimate of the SQL Server
// example comes to a real run on the simulated cloud: the estimate before
// any run (the simulated latency alone), then after one run (past
// durations), against the second run's actual time; and the view computed
// again while a stack runs. Prints JSON lines;
// never fails on time.
//   npm run bench:schedule                 (1,000 resources; latency 0.3 s)
//   npm run bench:schedule -- 2000 --latency 0.5
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '@hearth/engine';
import { createProviders, SIM_TABLES } from '@hearth/resources';
import { durationSamples, estimator, historyOf, observeRun, scheduleOf, scheduleView, workflowOf, type RunEvent } from '@hearth/schedule';
import { openSqliteStore } from '@hearth/store';
import { analyzeTemplate } from '@hearth/template';
import { syntheticTemplate } from '../template/synthetic.ts';

const args = process.argv.slice(2);
const latencyAt = args.indexOf('--latency');
const latency = latencyAt >= 0 ? Number(args[latencyAt + 1]) : 0.3;
const n = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--latency') ?? 1000);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

// 1. Compute time at N resources: the workflow (once per analysis) and the timing (once per change or event batch).
{
  const analysis = analyzeTemplate(syntheticTemplate(n), { filename: 'synthetic.yaml' });
  const estimate = estimator({ simulation: { latency: 1 } });
  const workflowMs: number[] = [];
  const scheduleMs: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const workflow = workflowOf(analysis);
    const t1 = performance.now();
    scheduleOf(workflow, { estimate });
    const t2 = performance.now();
    if (i >= 10) {
      workflowMs.push(t1 - t0);
      scheduleMs.push(t2 - t1);
    }
  }
  const total = workflowMs.map((w, i) => w + scheduleMs[i]!);
  console.log(
    JSON.stringify({
      case: 'compute',
      resources: analysis.resources.length,
      workflow_ms: { median: round(quantile(workflowMs, 0.5)), p95: round(quantile(workflowMs, 0.95)) },
      schedule_ms: { median: round(quantile(scheduleMs, 0.5)), p95: round(quantile(scheduleMs, 0.95)) },
      total_ms: { median: round(quantile(total, 0.5)), p95: round(quantile(total, 0.95)) },
    }),
  );
}

// 2. The view while a stack runs (computed again as its events come): the same workflow, with half
// the resources done and a tenth running.
{
  const analysis = analyzeTemplate(syntheticTemplate(n), { filename: 'synthetic.yaml' });
  const workflow = workflowOf(analysis);
  const estimate = estimator({ simulation: { latency: 1 } });
  const started = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(started + s * 1000).toISOString();
  const events: RunEvent[] = [{ resourceName: null, action: 'CREATE', status: 'IN_PROGRESS', time: at(0) }];
  const names = scheduleOf(workflow, { estimate }).steps.map((s) => s.resource);
  names.slice(0, Math.floor(names.length * 0.6)).forEach((name, i) => {
    events.push({ resourceName: name, action: 'CREATE', status: 'IN_PROGRESS', time: at(i / 100) });
    if (i < names.length / 2) events.push({ resourceName: name, action: 'CREATE', status: 'COMPLETE', time: at(i / 100 + 1) });
  });
  const viewMs: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    scheduleView({ workflow, estimate, run: observeRun(events), now: started + 20_000 });
    if (i >= 10) viewMs.push(performance.now() - t0);
  }
  console.log(
    JSON.stringify({
      case: 'view while running',
      resources: analysis.resources.length,
      view_ms: { median: round(quantile(viewMs, 0.5)), p95: round(quantile(viewMs, 0.95)) },
    }),
  );
}

// 3. Accuracy on the SQL Server example, rehearsed on the simulated cloud.
{
  const template = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'sql-server-cluster.yaml'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-schedule-'));
  const store = await openSqliteStore(dir, { tables: [SIM_TABLES] });
  try {
    const engine = new Engine({ store, providers: createProviders({ store }) });
    const simulation = { latency };
    const workflow = workflowOf(analyzeTemplate(template, { filename: 'sql-server-cluster.yaml' }));
    const deploy = async (name: string) => {
      const stack = await engine.wait((await engine.createStack({ name, template, options: { simulation } })).id);
      if (stack.status !== 'COMPLETE') throw new Error(`${name} ended ${stack.action}_${stack.status}: ${stack.statusReason}`);
      const events = await store.listEvents({ stackId: stack.id });
      return { events, actual: observeRun(events)!.endedAt! - observeRun(events)!.startedAt };
    };
    const before = scheduleOf(workflow, { estimate: estimator({ simulation }) }).total;
    const first = await deploy('sql-1');
    const history = historyOf(durationSamples(first.events, simulation));
    const after = scheduleOf(workflow, { estimate: estimator({ history, simulation }) }).total;
    const second = await deploy('sql-2');
    const actual = second.actual / 1000;
    console.log(
      JSON.stringify({
        case: 'accuracy',
        template: 'examples/sql-server-cluster.yaml',
        latency_s: latency,
        first_run_s: round(first.actual / 1000),
        estimate_before_any_run_s: round(before),
        estimate_after_one_run_s: round(after),
        second_run_s: round(actual),
        error_before_pct: round((100 * (before - actual)) / actual, 1),
        error_after_pct: round((100 * (after - actual)) / actual, 1),
      }),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
