// A private PostgreSQL server for tests and benchmarks: Debian's packages
// (installed when missing), a fresh cluster in a temporary directory, a free
// port on 127.0.0.1, removed again by stop().
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  url: string;
  /** Stops the server (fast: open connections are cut), waits `downMs`, and starts it again. */
  restart(downMs?: number): Promise<void>;
  stop(): void;
}

const asRoot = process.getuid?.() === 0;

function binDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0]!, 'bin') : null;
}

function install(): string {
  const sudo = asRoot ? [] : ['sudo'];
  const apt = (args: string[]) => {
    const r = spawnSync(sudo.length ? 'sudo' : 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; install PostgreSQL (Debian package postgresql) by hand.`);
  };
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', 'postgresql']);
  const dir = binDir();
  if (!dir) throw new Error('PostgreSQL was installed but initdb is not under /usr/lib/postgresql/*/bin.');
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: as root, the cluster belongs to Debian's postgres user. */
function asServerUser(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

function run(bin: string, args: string[]): void {
  const [command, argv] = asServerUser(bin, args);
  execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** run(), without blocking the processes served by this one (a test's API server). */
async function runAsync(bin: string, args: string[]): Promise<void> {
  const [command, argv] = asServerUser(bin, args);
  await promisify(execFile)(command, argv);
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir() ?? install();
  const dir = mkdtempSync(join(tmpdir(), 'hearth-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run(join(bin, 'initdb'), ['-D', data, '-U', 'hearth', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const start = [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=200`,
    'start',
  ];
  run(join(bin, 'pg_ctl'), start);
  const restart = async (downMs = 0) => {
    await runAsync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    await new Promise((r) => setTimeout(r, downMs));
    await runAsync(join(bin, 'pg_ctl'), start);
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      // Immediate: the data is removed next, so the shutdown checkpoint a fast stop writes is wasted work
      // (on a loaded machine it outlasted a 60 s test hook).
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once('exit', stop);
  return { url: `postgresql://hearth@127.0.0.1:${port}/postgres`, restart, stop };
}
