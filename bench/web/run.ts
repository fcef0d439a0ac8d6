// bench/web: the designer in Chromium against the real server, for
// templates of 100 and 1,000 resources. Prints one JSON line per size:
// first render, keystroke → canvas, canvas action → YAML (medians), and
// frame times while panning. Never fails on time; not part of npm test.
//   npm run bench:web
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { syntheticTemplate } from '../template/synthetic.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const data = mkdtempSync(join(tmpdir(), 'hearth-bench-web-'));
  const proc = spawn(process.execPath, [join(root, 'apps/server/bin/hearth.mjs'), 'serve', '--port', '0', '--data', data], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ok, fail) => {
    proc.on('exit', (code) => fail(new Error(`the server exited (${code})`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) ok(m[1]!);
    });
  });
  return {
    url,
    stop: () => {
      proc.kill('SIGTERM');
      rmSync(data, { recursive: true, force: true });
    },
  };
}

async function saveDesign(url: string, name: string, template: string): Promise<string> {
  const response = await fetch(`${url}/trpc/designs.save`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, template }),
  });
  const body = (await response.json()) as { result: { data: { id: string } } };
  return body.result.data.id;
}

/**
 * Until the first open's automatic layout is done and saved with the design
 * ("Saved" shows at once on open, before the layout lands).
 */
async function laidOutAndSaved(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const state = (window as unknown as { hearth: { design: { getState(): { needsLayout: boolean } } } }).hearth.design.getState();
      return !state.needsLayout && document.querySelector('[data-testid="save-state"]')?.textContent === 'Saved';
    },
    undefined,
    { timeout: 120_000 },
  );
}

/**
 * When the design's graph had all `count` resources and the canvas had drawn its view of them (the nodes
 * and edges in view: the canvas draws only those), in the page's clock; false until then. Polled at each
 * frame, it stamps the frame that found it drawn: a stamp read afterwards would also count whatever the
 * page did next (the editor is fetched and mounted once the canvas is painted) before it could answer.
 */
function drawnAt(count: number): number | false {
  const design = (window as unknown as { hearth?: Hearth }).hearth?.design.getState();
  const done =
    (design?.graph?.resources.length ?? 0) >= count &&
    document.querySelector('[data-testid="node"]') !== null &&
    (!design?.graph?.edges.length || document.querySelector('[data-testid="edge"]') !== null);
  return done && performance.now();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? NaN;
const round = (x: number) => Math.round(x * 10) / 10;

type Hearth = {
  design: {
    getState(): { apply(op: unknown): boolean; graph: { resources: Array<{ name: string }>; edges: unknown[] } | null };
  };
};

/** Keystrokes typed first after the design opens, and then while typing on. */
const COLD_KEYSTROKES = 10;
const STEADY_KEYSTROKES = 50;

function coldAndSteady(ms: number[]): Record<string, { median: number; p95: number }> {
  const [cold, steady] = [ms.slice(0, COLD_KEYSTROKES), ms.slice(COLD_KEYSTROKES)];
  return {
    [`first_${cold.length}`]: { median: round(median(cold)), p95: round(p95(cold)) },
    [`next_${steady.length}`]: { median: round(median(steady)), p95: round(p95(steady)) },
  };
}

/**
 * Keystroke in the YAML (a letter added to or taken from a resource's name) → the frame that shows
 * it in the editor (input held up), and → the canvas shows the node renamed (painted).
 */
async function keystrokeToCanvas(page: Page, runs: number): Promise<{ times: number[]; painted: number[] }> {
  // The editor loads after the canvas.
  await page.waitForFunction(() => 'hearthEditor' in window, undefined, { timeout: 120_000 });
  return page.evaluate(async (n) => {
    type Model = { getValue(): string; setValue(v: string): void; getLineContent(l: number): string };
    const editor = (
      window as unknown as {
        hearthEditor: { getModel(): Model; setPosition(p: unknown): void; trigger(s: string, h: string, a: unknown): void };
      }
    ).hearthEditor;
    const model = editor.getModel();
    model.setValue(model.getValue().replace(/^resources:\n/m, 'resources:\n  zz_bench: {type: OS::Heat::None}\n'));
    let line = 1;
    while (!model.getLineContent(line).startsWith('  zz_bench:')) line++;
    const column = '  zz_bench'.length + 1;
    const shown = (name: string) => document.querySelector(`[data-testid="node"][data-resource="${name}"]`) !== null;
    // Put the node in the middle of the view (the canvas draws only what is in view).
    const pane = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
    const m = /translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([-\d.]+)\)/.exec(
      (document.querySelector('.react-flow__viewport') as HTMLElement).style.transform,
    )!;
    const [tx, ty, zoom] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const hearth = (
      window as unknown as { hearth: { design: { getState(): { moveNodes(p: Record<string, { x: number; y: number }>): void } } } }
    ).hearth;
    hearth.design.getState().moveNodes({ zz_bench: { x: (pane.width / 2 - tx) / zoom, y: (pane.height / 2 - ty) / zoom } });
    for (let i = 0; i < 500 && !shown('zz_bench'); i++) await new Promise((r) => setTimeout(r, 20));
    if (!shown('zz_bench')) throw new Error('the canvas did not show the new resource');
    const times: number[] = [];
    const painted: number[] = [];
    for (let i = 0; i < n; i++) {
      const want = i % 2 === 0 ? 'zz_bencha' : 'zz_bench';
      editor.setPosition({ lineNumber: line, column: i % 2 === 0 ? column : column + 1 });
      const t0 = performance.now();
      if (i % 2 === 0) editor.trigger('keyboard', 'type', { text: 'a' });
      else editor.trigger('keyboard', 'deleteLeft', null);
      // The frame that shows the typed character: how long the keystroke held up input.
      await new Promise((r) => requestAnimationFrame(r));
      painted.push(performance.now() - t0);
      for (let k = 0; k < 600 && !shown(want); k++) await new Promise((r) => requestAnimationFrame(r));
      if (!shown(want)) {
        const st = (
          window as unknown as {
            hearth: {
              design: {
                getState(): {
                  positions: Record<string, unknown>;
                  needsLayout: boolean;
                  stale: boolean;
                  graph: { resources: Array<{ name: string }> };
                };
              };
            };
          }
        ).hearth.design.getState();
        throw new Error(
          `the canvas did not show ${want} (step ${i}; line: ${model.getLineContent(line)}; in graph: ${st.graph.resources.some((r) => r.name === want)}; position: ${JSON.stringify(st.positions[want])}; needsLayout ${st.needsLayout}; stale ${st.stale})`,
        );
      }
      await new Promise((r) => requestAnimationFrame(r));
      times.push(performance.now() - t0);
    }
    return { times, painted };
  }, runs);
}

/** A canvas action (a property set from the form) → the YAML shows it (painted). */
async function canvasToYaml(page: Page, runs: number, resource: string): Promise<number[]> {
  return page.evaluate(
    async ({ n, resource: r }) => {
      const hearth = (window as unknown as { hearth: Hearth }).hearth;
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        hearth.design.getState().apply({ op: 'setMetadata', resource: r, metadata: { bench: i } });
        await new Promise((res) => requestAnimationFrame(res));
        times.push(performance.now() - t0);
      }
      return times;
    },
    { n: runs, resource },
  );
}

/** Export menu click → the file's download starts, for the SVG and the PNG of the whole design. */
async function exportTimes(page: Page, kind: 'svg' | 'png', runs: number): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    await page.getByTestId('export-menu').click();
    const t0 = performance.now();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${kind}`).click()]);
    ms.push(performance.now() - t0);
    const path = await download.path();
    bytes = path ? statSync(path).size : 0;
  }
  return { ms, bytes };
}

/** Frame intervals while dragging the canvas for about a second. */
async function panFrames(page: Page): Promise<number[]> {
  const pane = page.locator('.react-flow__pane');
  const box = (await pane.boundingBox())!;
  await startFrameLog(page);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 0; i < 60; i++)
    await page.mouse.move(box.x + box.width / 2 + Math.sin(i / 6) * 200, box.y + box.height / 2 + Math.cos(i / 6) * 120);
  await page.mouse.up();
  return stopFrameLog(page);
}

/** Starts recording frame intervals (stopFrameLog returns them). */
async function startFrameLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; stopFrames: boolean };
    w.frames_ = [];
    w.stopFrames = false;
    let last = performance.now();
    const tick = (t: number) => {
      w.frames_.push(t - last);
      last = t;
      if (!w.stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function stopFrameLog(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; stopFrames: boolean };
    w.stopFrames = true;
    return w.frames_.slice(2);
  });
}

/**
 * Dragging a node in view in a circle (60 pointer moves): each move → the end of the frame that shows
 * it, the frame intervals, and letting it go → the end of the frame after (its edges routed again).
 */
async function dragNode(page: Page): Promise<{ steps: number[]; frames: number[]; drop: number; moved: boolean }> {
  const node = page.getByTestId('node').nth(3);
  const name = await node.getAttribute('data-resource');
  const box = (await node.boundingBox())!;
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const positionOf = (resource: string | null) =>
    page.evaluate(
      (r) =>
        JSON.stringify(
          (window as unknown as { hearth: { design: { getState(): { positions: Record<string, unknown> } } } }).hearth.design.getState()
            .positions[r!],
        ),
      resource,
    );
  const before = await positionOf(name);
  await page.evaluate(() => {
    const w = window as unknown as { dragSteps: number[] };
    w.dragSteps = [];
    // The frame after the move was handled has painted it; the task after that frame is its end.
    document.addEventListener(
      'pointermove',
      (e) => requestAnimationFrame(() => setTimeout(() => w.dragSteps.push(performance.now() - e.timeStamp))),
      { capture: true },
    );
  });
  await startFrameLog(page);
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  for (let i = 0; i < 60; i++) await page.mouse.move(at.x + Math.sin(i / 6) * 200, at.y + 120 - Math.cos(i / 6) * 120);
  const frames = await stopFrameLog(page);
  const t0 = await page.evaluate(() => performance.now());
  await page.mouse.up();
  const drop = await page.evaluate(
    (start) => new Promise<number>((done) => requestAnimationFrame(() => setTimeout(() => done(performance.now() - start)))),
    t0,
  );
  const steps = await page.evaluate(() => (window as unknown as { dragSteps: number[] }).dragSteps.slice(2));
  return { steps, frames, drop, moved: (await positionOf(name)) !== before };
}

/**
 * Until the page has nothing left to do: three idle moments in a row that the browser gives in full
 * (about 50 ms each, as it does when no task or frame is waiting).
 */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (let calm = 0, i = 0; calm < 3 && i < 2000; i++) {
      const left = await new Promise<number>((r) => requestIdleCallback((d) => r(d.timeRemaining())));
      calm = left > 45 ? calm + 1 : 0;
    }
  });
}

/** Chromium's counters of the page's work so far (ScriptDuration, TaskDuration: seconds), to read before and after. */
async function workCounters(page: Page): Promise<() => Promise<Record<string, number>>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
}

/**
 * `n` test resources that complete spread over one second: in the order of their names (the first
 * ones, those in view when the design opens, complete in the run's first tenth, while the page is
 * still taking every resource's start), or `spread`, those in view completing all through the run.
 */
function liveTemplate(n: number, order: 'in order' | 'spread' = 'in order'): string {
  // 389 and 1,000 have no common factor: i → 389·i mod n visits every slot once.
  const slot = (i: number) => (order === 'spread' ? (i * 389) % n : i);
  return `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: n }, (_, i) => `  r${i}: {type: OS::Heat::TestResource, properties: {wait_secs: ${(slot(i) / n).toFixed(3)}}}\n`).join('')}`;
}

/**
 * The floor under event → node on this machine: the same deployment's events received by a page that
 * only listens (an EventSource on the server's event stream, no app). It is what the server, the
 * browser's network process and a page's event loop take to pass an event on while the engine runs
 * 1,000 resources a second on the same two cores. Delays are in the order the events came (their ids),
 * which is the order the resources complete.
 */
async function liveFloor(page: Page, url: string, n: number): Promise<Record<string, unknown>> {
  await page.goto(`${url}/blank.txt`); // same origin, no app (a plain "Not found")
  await page.evaluate(async () => {
    const w = window as unknown as { delays: number[]; done: Promise<void> };
    w.delays = [];
    const source = new EventSource(`/trpc/stacks.watch?input=${encodeURIComponent('{}')}`);
    await new Promise((opened) => source.addEventListener('open', opened, { once: true }));
    const opened = Date.now();
    w.done = new Promise<void>((finished) =>
      source.addEventListener('message', (m: MessageEvent<string>) => {
        const now = Date.now();
        // A message is a batch of events (its SSE id is the last event's).
        const batch = JSON.parse(m.data) as Array<{ resourceName: string | null; action: string; status: string; time: string }>;
        for (const e of batch) {
          const time = Date.parse(e.time);
          if (time < opened) continue; // an earlier stack's events, replayed
          if (e.resourceName && e.status === 'COMPLETE') w.delays.push(now - time);
          if (!e.resourceName && e.action === 'CREATE' && e.status === 'COMPLETE') {
            source.close();
            finished();
          }
        }
      }),
    );
  });
  const created = await fetch(`${url}/trpc/stacks.create`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: `floor-${n}-${Date.now()}`, template: liveTemplate(n), options: { simulation: { latency: 0 } } }),
  });
  if (!created.ok) throw new Error(`stacks.create: ${created.status} ${await created.text()}`);
  const delays = await page.evaluate(async () => {
    const w = window as unknown as { delays: number[]; done: Promise<void> };
    await w.done;
    return w.delays;
  });
  return {
    case: 'live-floor',
    resources: n,
    events_seen: delays.length,
    event_to_listening_page_ms: { median: round(median(delays)), p95: round(p95(delays)) },
    // The resources that complete in the run's first tenth (those in view in the designer's "in order"
    // case) complete while the server still writes and sends every resource's start.
    first_tenth_to_listening_page_ms: { median: round(median(delays.slice(0, n / 10))), p95: round(p95(delays.slice(0, n / 10))) },
  };
}

/**
 * Engine event → the node's status on the page: a 1,000-resource stack whose
 * resources complete spread over one second (about 1,000 events a second),
 * deployed from the page. Delay per COMPLETE event of a node in view, and frame times meanwhile.
 */
async function liveDelay(page: Page, url: string, n: number, order: 'in order' | 'spread'): Promise<Record<string, unknown>> {
  const id = await saveDesign(url, `live-${n}-${order}`, liveTemplate(n, order));
  await page.goto(`${url}/?design=${id}`);
  await page.waitForFunction(drawnAt, n, { timeout: 120_000 });
  await laidOutAndSaved(page);
  // The editor loads after the canvas, and reads the whole text as it does (its load is measured by the
  // first render and the first keystrokes): what is measured here is a deployment watched once it has.
  await page.waitForFunction(() => 'hearthEditor' in window, undefined, { timeout: 120_000 });
  await settled(page);
  await startFrameLog(page);
  await page.evaluate(() => {
    type Ev = { resourceName: string | null; status: string; time: string };
    const w = window as unknown as {
      shown: Array<[number, string]>;
      hearth: {
        run: { getState(): { events: Ev[] } };
        schedule: { subscribe(listener: (s: { computeMs: number }, prev: { computeMs: number }) => void): void };
      };
      hearthArrivals: Array<[number, string]>;
      scheduleMs: number[];
    };
    // Each computation of the schedule view (the critical path, what waits on what) while the events come.
    w.scheduleMs = [];
    w.hearth.schedule.subscribe((s, prev) => {
      if (s.computeMs !== prev.computeMs) w.scheduleMs.push(s.computeMs);
    });
    w.hearthArrivals = [];
    // When each node showed its resource complete; matched with the events after the run, so that
    // measuring adds no search of the event list to the page's frames.
    w.shown = [];
    new MutationObserver((records) => {
      // The server stamps events with its wall clock; so does Date.now() here (same machine).
      const now = Date.now();
      for (const r of records) {
        const el = r.target as HTMLElement;
        if (el.getAttribute('data-status') === 'CREATE_COMPLETE') w.shown.push([now, el.getAttribute('data-resource')!]);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  });
  // The page's own work during the deployment (script, and every task).
  const counters = await workCounters(page);
  await page.getByLabel('Stack name').fill(`live-${n}-${Date.now()}`);
  await page.getByLabel('Simulated latency').fill('0');
  await page.getByTestId('apply').click();
  const before = await counters();
  await page.getByTestId('confirm-apply').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="stack-status"]')?.getAttribute('data-state') === 'CREATE_COMPLETE',
    undefined,
    { timeout: 120_000 },
  );
  const after = await counters();
  const work = (name: string) => round(((after[name] ?? 0) - (before[name] ?? 0)) * 1000);
  const frames = await stopFrameLog(page);
  const { delays, arrivals, scheduleMs } = await page.evaluate(() => {
    type Ev = { resourceName: string | null; status: string; time: string };
    const w = window as unknown as {
      shown: Array<[number, string]>;
      hearth: { run: { getState(): { events: Ev[] } } };
      hearthArrivals: Array<[number, string]>;
      scheduleMs: number[];
    };
    const completed = new Map<string, number>();
    for (const e of w.hearth.run.getState().events) {
      if (e.resourceName && e.status === 'COMPLETE') completed.set(e.resourceName, Date.parse(e.time));
    }
    return {
      delays: w.shown.filter(([, name]) => completed.has(name)).map(([at, name]) => at - completed.get(name)!),
      arrivals: w.hearthArrivals.map(([at, time]) => at - Date.parse(time)),
      scheduleMs: w.scheduleMs,
    };
  });
  return {
    case: 'live-status',
    resources: n,
    completing: order === 'spread' ? 'those in view, all through the run' : "those in view, in the run's first tenth",
    events_seen: delays.length,
    event_to_node_ms: { median: round(median(delays)), p95: round(p95(delays)) },
    event_to_page_ms: { median: round(median(arrivals)), p95: round(p95(arrivals)) },
    frame_ms: { median: round(median(frames)), p95: round(p95(frames)) },
    page_work_ms: { script: work('ScriptDuration'), tasks: work('TaskDuration') },
    schedule_view_ms: { median: round(median(scheduleMs)), p95: round(p95(scheduleMs)), computed: scheduleMs.length },
  };
}

const server = await startServer();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-quic'],
});
try {
  const liveOnly = process.argv.includes('live') && !sizes.length;
  for (const n of liveOnly ? [] : sizes.length ? sizes : [100, 1000]) {
    const id = await saveDesign(server.url, `bench-${n}`, syntheticTemplate(n));
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // The layout is computed on first open and saved with the design: measure the open that users repeat.
    await page.goto(`${server.url}/?design=${id}`);
    await page.waitForFunction(drawnAt, n, { timeout: 120_000 });
    await laidOutAndSaved(page);
    const renders: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${server.url}/?design=${id}`);
      const at = await page.waitForFunction(drawnAt, n, { timeout: 120_000, polling: 'raf' });
      renders.push((await at.jsonValue()) as number);
    }
    const resources = await page.evaluate(() =>
      (window as unknown as { hearth: Hearth }).hearth.design.getState().graph!.resources.map((r) => r.name),
    );
    // The page's own work per keystroke (script, and every task).
    const counters = await workCounters(page);
    await page.waitForFunction(() => 'hearthEditor' in window, undefined, { timeout: 120_000 });
    const before = await counters();
    // Typing right after the design opens runs code the page and the worker have not optimised yet: the
    // first keystrokes are reported apart from the steady typing after them.
    const keys = await keystrokeToCanvas(page, COLD_KEYSTROKES + STEADY_KEYSTROKES);
    const after = await counters();
    const perKey = (name: string) => round((((after[name] ?? 0) - (before[name] ?? 0)) * 1000) / keys.times.length);
    const actions = await canvasToYaml(page, 20, resources[Math.floor(resources.length / 2)]!);
    const frames = await panFrames(page);
    const drag = await dragNode(page);
    const svg = await exportTimes(page, 'svg', 5);
    const png = await exportTimes(page, 'png', 5);
    console.log(
      JSON.stringify({
        resources: n,
        first_render_ms: round(median(renders)),
        keystroke_to_editor_frame_ms: coldAndSteady(keys.painted),
        keystroke_to_canvas_ms: coldAndSteady(keys.times),
        page_work_per_keystroke_ms: { script: perKey('ScriptDuration'), tasks: perKey('TaskDuration') },
        canvas_to_yaml_ms: { median: round(median(actions)), p95: round(p95(actions)) },
        pan_frame_ms: { median: round(median(frames)), p95: round(p95(frames)), fps: round(1000 / median(frames)) },
        drag_step_ms: { median: round(median(drag.steps)), p95: round(p95(drag.steps)), moved: drag.moved },
        drag_frame_ms: { median: round(median(drag.frames)), p95: round(p95(drag.frames)), fps: round(1000 / median(drag.frames)) },
        drop_to_frame_ms: round(drag.drop),
        export_svg_ms: { median: round(median(svg.ms)), p95: round(p95(svg.ms)), bytes: svg.bytes },
        export_png_ms: { median: round(median(png.ms)), p95: round(p95(png.ms)), bytes: png.bytes },
      }),
    );
    await page.close();
  }
  const listener = await browser.newPage();
  console.log(JSON.stringify(await liveFloor(listener, server.url, 1000)));
  await listener.close();
  for (const order of ['in order', 'spread'] as const) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    console.log(JSON.stringify(await liveDelay(page, server.url, 1000, order)));
    await page.close();
  }
} finally {
  await browser.close();
  server.stop();
}
