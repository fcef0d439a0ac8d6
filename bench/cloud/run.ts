// bench/cloud: how long a real Heat's event takes to reach the canvas.
// Starts Keystone and Heat (Debian's packages, scripts/real-heat) and a
// Hearth server configured for that cloud, deploys a fixed template from the
// designer to the real Heat (the run panel's target picker), and measures,
// for every resource state change, the time from Heat recording the event
// (its database row, to the microsecond: Heat's API gives whole seconds) to
// the node showing that state on the page. Prints one JSON line per run and
// a summary (median, p95, max). Never fails on time; not part of npm test.
//   npm run bench:cloud [RUNS]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { startRealHeat } from '@hearth/openstack/test-support';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const runs = Number(process.argv[2] ?? 3);
/** Six waves of four resources, each taking a second to create: events keep coming for ~10 s. */
const WAVES = 6;
const WIDTH = 4;
const template = `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: WAVES * WIDTH }, (_, i) => {
  const wave = Math.floor(i / WIDTH);
  const after = wave ? `, depends_on: [${Array.from({ length: WIDTH }, (_, j) => `r${(wave - 1) * WIDTH + j}`).join(', ')}]` : '';
  return `  r${i}: {type: OS::Heat::TestResource, properties: {value: v${i}, action_wait_secs: {create: 1}}${after}}\n`;
}).join('')}`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] ?? NaN;
const round = (x: number) => Math.round(x);

const heat = await startRealHeat();
const work = mkdtempSync(join(tmpdir(), 'hearth-bench-cloud-'));
writeFileSync(join(work, 'clouds.yaml'), heat.cloudsYaml('bench'));
const server = spawn(process.execPath, [join(root, 'apps/server/bin/hearth.mjs'), 'serve', '--port', '0', '--data', join(work, 'data')], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, OS_CLIENT_CONFIG_FILE: join(work, 'clouds.yaml') },
});
const url = await new Promise<string>((ok, fail) => {
  server.on('exit', (code) => fail(new Error(`the server exited (${code})`)));
  createInterface({ input: server.stdout! }).on('line', (line) => {
    const m = /listening on (http:\/\/\S+)/.exec(line);
    if (m) ok(m[1]!);
  });
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
const all: number[] = [];
try {
  const saved = await fetch(`${url}/trpc/designs.save`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'cloud-bench', template }),
  });
  const design = ((await saved.json()) as { result: { data: { id: string } } }).result.data.id;
  for (let run = 1; run <= runs; run++) {
    const page = await browser.newPage();
    await page.goto(`${url}/?design=${design}`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="node"]').length >= n, WAVES * WIDTH);
    await page.evaluate(() => {
      const w = window as unknown as { seen: Array<[number, string, string]> };
      w.seen = [];
      new MutationObserver((records) => {
        const now = Date.now();
        for (const r of records) {
          const el = r.target as HTMLElement;
          const state = el.getAttribute('data-status');
          if (state) w.seen.push([now, el.getAttribute('data-resource') ?? '', state]);
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
    });
    const name = `bench-${run}-${Date.now()}`;
    await page.getByLabel('Stack name').fill(name);
    await page.getByTestId('target').selectOption('bench');
    await page.getByTestId('apply').click();
    await page.getByTestId('confirm-apply').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="stack-status"]')?.getAttribute('data-state') === 'CREATE_COMPLETE',
      undefined,
      { timeout: 600_000 },
    );
    const seen = await page.evaluate(() => (window as unknown as { seen: Array<[number, string, string]> }).seen);
    // When Heat wrote each event: its row in Heat's own database, in UTC to the microsecond.
    // (read with Python's sqlite3, which Heat's machine has anyway)
    const rows = JSON.parse(
      execFileSync('python3', [
        '-c',
        `import json, sqlite3, sys
db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
rows = db.execute("SELECT e.resource_name, e.resource_action || '_' || e.resource_status, e.created_at FROM event e JOIN stack s ON s.id = e.stack_id WHERE s.name = ?", (sys.argv[2],))
print(json.dumps([{'name': r[0], 'state': r[1], 'at': str(r[2])} for r in rows]))`,
        '/tmp/hearth-real-heat/data/heat.sqlite',
        name,
      ]).toString(),
    ) as Array<{ name: string; state: string; at: string }>;
    const recorded = new Map(rows.map((r) => [`${r.name} ${r.state}`, Date.parse(`${r.at.replace(' ', 'T')}Z`)]));
    const delays: number[] = [];
    const first = new Set<string>();
    for (const [at, resource, state] of seen) {
      const key = `${resource} ${state}`;
      if (first.has(key)) continue;
      first.add(key);
      const wrote = recorded.get(key);
      if (wrote !== undefined) delays.push(at - wrote);
    }
    all.push(...delays);
    console.log(
      JSON.stringify({
        case: 'heat-event-to-node',
        run,
        resources: WAVES * WIDTH,
        changes_measured: delays.length,
        ms: { median: round(median(delays)), p95: round(p95(delays)), max: round(Math.max(...delays)) },
      }),
    );
    await fetch(`${url}/trpc/stacks.delete`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ stack: name }),
    });
    await page.close();
  }
  console.log(
    JSON.stringify({
      case: 'heat-event-to-node',
      summary: true,
      changes_measured: all.length,
      ms: { median: round(median(all)), p95: round(p95(all)), max: round(Math.max(...all)) },
    }),
  );
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await heat.stop();
  rmSync(work, { recursive: true, force: true });
}
