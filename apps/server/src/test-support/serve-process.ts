// The built `hearth serve` in a process of its own, for tests that must see
// what a real server does (exit, memory, a blocked event loop), not a call
// into the test's own process.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bundle = join(repo, 'apps/server/dist/cli.mjs');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

let checked = false;
/** The server bundle, rebuilt first when a source is newer (npm test builds it; a test run alone may follow an edit). */
export function builtCli(): string {
  if (checked) return join(repo, 'apps/server/bin/hearth.mjs');
  const built = (() => {
    try {
      return statSync(bundle).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(newestSource(join(repo, 'apps/server/src')), newestSource(join(repo, 'packages')));
  if (sources > built) {
    const result = spawnSync(process.execPath, [join(repo, 'scripts/build.mjs'), '--server-only'], { cwd: repo, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`building the server failed:\n${result.stderr}`);
  }
  checked = true;
  return join(repo, 'apps/server/bin/hearth.mjs');
}

export interface ServeProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** Every line it printed (stdout and stderr). */
  output: string[];
  /** Set once it exited, with how. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Its resident memory now, in bytes (from /proc). */
  rss(): number;
  /** The first line it printed (or prints next) that matches. */
  line(pattern: RegExp): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export interface ServeProcessOptions {
  args?: string[];
  env?: Record<string, string>;
  dataDir?: string;
  /** Wrap the command (e.g. `ip netns exec NAME`). */
  prefix?: string[];
  /** Resolve on this line rather than "listening on". */
  ready?: RegExp;
}

export async function startServeProcess(options: ServeProcessOptions = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hearth-serve-'));
  const argv = [process.execPath, builtCli(), 'serve', '--port', '0', '--data', dataDir, ...(options.args ?? [])];
  const [command, ...args] = [...(options.prefix ?? []), ...argv];
  const proc: ChildProcessWithoutNullStreams = spawn(command!, args, {
    cwd: repo,
    env: { ...process.env, HEARTH_PUBLIC_URL: '', HEARTH_ALLOW_HOSTS: '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waiting = new Set<{ pattern: RegExp; found(m: RegExpExecArray): void }>();
  const served: ServeProcess = {
    url: '',
    pid: proc.pid!,
    dataDir,
    output,
    exit: null,
    rss() {
      const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb * 1024;
    },
    line(pattern) {
      for (const l of output) {
        const m = pattern.exec(l);
        if (m) return Promise.resolve(m);
      }
      return new Promise((found) => waiting.add({ pattern, found }));
    },
    async stop() {
      if (!served.exit) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  proc.on('exit', (code, signal) => {
    served.exit = { code, signal };
  });
  const ready = options.ready ?? /listening on (http:\/\/\S+)/;
  served.url = await new Promise<string>((resolveUrl, reject) => {
    proc.once('exit', (code) => reject(new Error(`hearth serve exited with ${code}:\n${output.join('\n')}`)));
    for (const stream of [proc.stdout, proc.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        for (const w of waiting) {
          const found = w.pattern.exec(line);
          if (found) {
            waiting.delete(w);
            w.found(found);
          }
        }
        const m = ready.exec(line);
        if (m) resolveUrl(m[1] ?? '');
      });
    }
  });
  return served;
}
