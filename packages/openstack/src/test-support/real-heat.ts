// A real Keystone and Heat for the integration tests, from Debian's packages,
// set up and started by scripts/real-heat (it installs what is missing,
// writes every file under one directory, and starts the services as plain
// processes). Its ports are fixed (Keystone 5000, Heat 8004), so one test
// file uses it at a time: the others wait for it, in turn (a lock directory
// held by the test process's pid).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** scripts/real-heat of this checkout, found upwards from here (a bundled benchmark runs from bench/.dist). */
function findRecipe(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const recipe = join(dir, 'scripts/real-heat');
    if (existsSync(join(recipe, 'setup.sh'))) return recipe;
    if (dirname(dir) === dir) return resolve(import.meta.dirname, '../../../../scripts/real-heat');
  }
}
const RECIPE = findRecipe();
const DIR = '/tmp/hearth-real-heat';
const LOCK = '/tmp/hearth-real-heat.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until no other test process uses the real Heat, then holds it; the answer lets it go. */
async function exclusive(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: number | null = null;
    try {
      holder = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    } catch {
      // Made but not yet signed: a lock left that way for a minute is a crash's.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 60_000) rmSync(LOCK, { recursive: true, force: true });
    }
    if (holder !== null && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
    // Turns, not timing: the other file's tests take minutes; nothing here is asserted on time.
    else await new Promise((r) => setTimeout(r, 1000));
  }
}

export interface RealHeat {
  authUrl: string;
  /** A user that owns stacks in its own project (member + heat_stack_owner). */
  demo: { username: string; password: string; project: string };
  admin: { username: string; password: string; project: string };
  stop(): Promise<void>;
}

export async function startRealHeat(): Promise<RealHeat> {
  if (!existsSync(RECIPE)) throw new Error(`The real Heat recipe is not at ${RECIPE}.`);
  const options = { env: { ...process.env, AUTH: 'keystone' }, maxBuffer: 64 * 1024 * 1024 };
  const release = await exclusive();
  try {
    await run('bash', [resolve(RECIPE, 'setup.sh'), DIR], options);
    await run('bash', [resolve(RECIPE, 'start.sh'), DIR], options);
  } catch (error) {
    release();
    throw error;
  }
  return {
    authUrl: 'http://127.0.0.1:5000/v3',
    demo: { username: 'demo', password: 'demopass', project: 'demo' },
    admin: { username: 'admin', password: 'adminpass', project: 'admin' },
    async stop() {
      try {
        await run('bash', [resolve(RECIPE, 'stop.sh'), DIR], options);
      } finally {
        release();
      }
    },
  };
}
