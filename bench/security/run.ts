// bench/security: each attack of the security issue against a fresh
// `hearth serve` process, with a health request every 20 ms meanwhile. Prints
// one JSON line per attack: the attack's answer, health latency (median, p99,
// max), whether the server died, its peak resident memory. Never fails on time.
//   npm run bench:security
//   npm run bench:security -- --hearth /path/to/other/checkout/apps/server/bin/hearth.mjs   (an older build, for "before")
//   npm run bench:security -- repeat yaql        (some attacks only)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** How long an attack is watched when its own request does not end sooner. */
const WINDOW_MS = 15_000;

interface Answer {
  status: number;
  ms: number;
  text: string;
}

function call(url: string, path: string, options: { method?: string; body?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const started = performance.now();
  const target = new URL(path, url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers:
          options.body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(options.body) } : {},
        timeout: options.timeoutMs ?? WINDOW_MS * 2,
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, text: text.slice(0, 300) }));
        res.on('error', () => resolve({ status: 0, ms: performance.now() - started, text: 'response error' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, ms: performance.now() - started, text: e.message }));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

interface Server {
  url: string;
  proc: ChildProcess;
  exited: boolean;
  rssMb(): number;
  stop(): Promise<void>;
}

async function startServer(hearth: string): Promise<Server> {
  const data = mkdtempSync(join(tmpdir(), 'hearth-bench-security-'));
  const proc = spawn(process.execPath, [hearth, 'serve', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server: Server = {
    url: '',
    proc,
    exited: false,
    rssMb() {
      try {
        return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      } catch {
        return 0;
      }
    },
    async stop() {
      if (!server.exited) {
        proc.kill('SIGKILL');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
  proc.on('exit', () => (server.exited = true));
  proc.stderr!.resume();
  server.url = await new Promise<string>((resolve, reject) => {
    proc.once('exit', () => reject(new Error('hearth serve exited before listening')));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  proc.stdout!.resume();
  return server;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
const round = (n: number) => Math.round(n * 10) / 10;

const thousand = Array.from({ length: 1000 }, (_, i) => `"${i}"`).join(', ');
const hundred = Array.from({ length: 100 }, (_, i) => `"${i}"`).join(', ');
const create = (name: string, template: string) => JSON.stringify({ name, template });
const YAQL_BOMB = `heat_template_version: 2018-08-31
conditions:
  c: {yaql: {expression: "len(range(0, 100000).select(range(0, 100000))) > 0"}}
resources:
  a: {type: OS::Heat::None, condition: c}
`;
const HEAVY = `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: 2000 }, (_, i) => `  r${i}: {type: OS::Heat::Value, properties: {value: {list_join: ["-", [a, b, c]]}}}\n`).join('')}`;
const BIG_STACK = `heat_template_version: 2018-08-31\nresources:\n${Array.from({ length: 3000 }, (_, i) => `  r${i}: {type: OS::Heat::None}\n`).join('')}`;

// Request bodies made before any attack starts: making them in the middle of one would stall this
// process, whose own health requests would then look slow.
const HEAVY_BODY = JSON.stringify({ template: HEAVY });
const BATCH_BODY = JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i, { template: HEAVY }])));
const BIG_STACK_BODY = JSON.stringify({ name: 'big', template: BIG_STACK });

type Attack = (url: string) => Promise<Answer>;

const ATTACKS: Record<string, Attack> = {
  'get-validate-yaql': (url) => call(url, `/trpc/templates.validate?input=${encodeURIComponent(JSON.stringify({ template: YAQL_BOMB }))}`),
  'post-validate-yaql': (url) => call(url, '/trpc/templates.validate', { method: 'POST', body: JSON.stringify({ template: YAQL_BOMB }) }),
  'batch-40-validations': (url) =>
    call(url, `/trpc/${Array.from({ length: 40 }, () => 'templates.validate').join(',')}?batch=1`, {
      method: 'POST',
      body: BATCH_BODY,
    }),
  '40-concurrent-validations': async (url) => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => call(url, '/trpc/templates.validate', { method: 'POST', body: HEAVY_BODY })),
    );
    return {
      status: Math.max(...answers.map((a) => a.status)),
      ms: Math.max(...answers.map((a) => a.ms)),
      text: `${answers.length} answers`,
    };
  },
  'repeat-3x1000': (url) =>
    call(url, '/trpc/stacks.create', {
      method: 'POST',
      body: create(
        'repeat',
        `heat_template_version: 2018-08-31\nparameters:\n  l: {type: json, default: &l [${thousand}]}\nresources:\n  v:\n    type: OS::Heat::Value\n    properties: {value: {repeat: {for_each: {"%a%": *l, "%b%": *l, "%c%": *l}, template: "%a%%b%%c%"}}}\n`,
      ),
    }),
  'repeat-3x100': (url) =>
    call(url, '/trpc/stacks.create', {
      method: 'POST',
      body: create(
        'stall',
        `heat_template_version: 2018-08-31\nparameters:\n  l: {type: json, default: &l [${hundred}]}\nresources:\n  v:\n    type: OS::Heat::Value\n    properties: {value: {repeat: {for_each: {"%a%": *l, "%b%": *l, "%c%": *l}, template: "%a%%b%%c%"}}}\n`,
      ),
    }),
  'yaql-list-1e8': (url) =>
    call(url, '/trpc/stacks.create', {
      method: 'POST',
      body: create(
        'yaql',
        'heat_template_version: 2018-08-31\nresources:\n  v: {type: OS::Heat::Value, properties: {value: {yaql: {expression: "[1] * 100000000"}}}}\n',
      ),
    }),
  'group-1e7': (url) =>
    call(url, '/trpc/stacks.create', {
      method: 'POST',
      body: create(
        'group',
        'heat_template_version: 2018-08-31\nresources:\n  g: {type: OS::Heat::ResourceGroup, properties: {count: 10000000, resource_def: {type: OS::Heat::None}}}\n',
      ),
    }),
  'groups-100x100': (url) =>
    call(url, '/trpc/stacks.create', {
      method: 'POST',
      body: create(
        'groups',
        'heat_template_version: 2018-08-31\nresources:\n  g: {type: OS::Heat::ResourceGroup, properties: {count: 100, resource_def: {type: OS::Heat::ResourceGroup, properties: {count: 100, resource_def: {type: OS::Heat::None}}}}}\n',
      ),
    }),
  'regex-runaway': (url) =>
    call(url, '/trpc/templates.validate', {
      method: 'POST',
      body: JSON.stringify({
        template: `heat_template_version: 2018-08-31\nconditions:\n  c: {yaql: {expression: "regex('(a+)+$').matches($.data)", data: "${'a'.repeat(40)}b"}}\nresources:\n  a: {type: OS::Heat::None, condition: c}\n`,
      }),
    }),
  /** The same deployment with nobody watching: what the engine itself costs, to set the readers against. */
  'deploy-3000-unwatched': async (url) => {
    const answer = await call(url, '/trpc/stacks.create', { method: 'POST', body: BIG_STACK_BODY });
    for (let i = 0; i < 200; i++) {
      const shown = await call(url, `/trpc/stacks.get?input=${encodeURIComponent(JSON.stringify({ stack: 'big' }))}`);
      if (!shown.text.includes('"inProgress":true')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return answer;
  },
  '30-slow-event-readers': async (url) => {
    // Thirty watchers that never read, while a 3,000-resource stack deploys (6,000 events).
    const u = new URL(url);
    const sockets = Array.from({ length: 30 }, () => {
      const s = connect(Number(u.port), u.hostname);
      s.write(`GET /trpc/stacks.watch?input=${encodeURIComponent('{}')} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n\r\n`);
      s.pause();
      s.on('error', () => {});
      return s;
    });
    const answer = await call(url, '/trpc/stacks.create', { method: 'POST', body: BIG_STACK_BODY });
    for (let i = 0; i < 200; i++) {
      const shown = await call(url, `/trpc/stacks.get?input=${encodeURIComponent(JSON.stringify({ stack: 'big' }))}`);
      if (!shown.text.includes('"inProgress":true')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const s of sockets) s.destroy();
    return answer;
  },
};

async function run(name: string, attack: Attack, hearth: string): Promise<void> {
  const server = await startServer(hearth);
  // Let the server finish starting (its analysis workers load their code) before the attack.
  await new Promise((r) => setTimeout(r, 2000));
  const baseline = server.rssMb();
  let peak = baseline;
  const latencies: number[] = [];
  let watching = true;
  const probe = (async () => {
    while (watching && !server.exited) {
      const a = await call(server.url, '/trpc/health', { timeoutMs: WINDOW_MS });
      latencies.push(a.status === 200 ? a.ms : WINDOW_MS);
      peak = Math.max(peak, server.rssMb());
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const answer = await Promise.race([
    attack(server.url),
    new Promise<Answer>((r) =>
      setTimeout(() => r({ status: -1, ms: WINDOW_MS, text: `no answer within ${WINDOW_MS / 1000} s` }), WINDOW_MS),
    ),
  ]);
  // Watch a moment longer: work the answer left behind (a deployment) still counts.
  await new Promise((r) => setTimeout(r, 1000));
  watching = false;
  await probe;
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      attack: name,
      answer: { status: answer.status, ms: Math.round(answer.ms), text: answer.text.replace(/\s+/g, ' ').slice(0, 160) },
      died: server.exited,
      health: {
        samples: sorted.length,
        median_ms: round(quantile(sorted, 0.5)),
        p99_ms: round(quantile(sorted, 0.99)),
        max_ms: round(sorted.at(-1) ?? NaN),
      },
      rss_mb: { before: Math.round(baseline), peak: Math.round(peak) },
    }),
  );
  await server.stop();
}

const args = process.argv.slice(2);
let hearth = join(root, 'apps/server/bin/hearth.mjs');
const names: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--hearth') hearth = args[++i]!;
  else names.push(args[i]!);
}
for (const name of names.length ? names : Object.keys(ATTACKS)) {
  const attack = ATTACKS[name];
  if (!attack) {
    console.error(`bench/security: no attack "${name}"; the attacks are ${Object.keys(ATTACKS).join(', ')}`);
    process.exit(2);
  }
  await run(name, attack, hearth);
}
