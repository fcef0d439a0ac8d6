// A real Keystone and Heat for the integration tests, from Debian's packages,
// set up and started by scripts/real-heat (it installs what is missing,
// writes every file under one directory, and starts the services as plain
// processes). Its ports are fixed (Keystone 5000, Heat 8004), so one test
// file uses it at a time: the others wait for it, in turn (a kernel lock,
// flock(1), held by a child of the test process: released when it is let go
// or when the process dies).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
const LOCK = '/tmp/hearth-real-heat.flock';

/**
 * Waits until no other test process uses the real Heat, then holds it; the
 * answer lets it go. The lock is the kernel's: `flock` says "held" once it
 * has it and keeps it until its stdin closes (this process letting go, or
 * dying), so a crashed test leaves nothing behind and nobody polls.
 */
async function exclusive(): Promise<() => void> {
  const holder = spawn('flock', [LOCK, '-c', 'echo held; exec cat > /dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolveHeld, reject) => {
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`flock ${LOCK} ended (${code}) before holding the lock`)));
    holder.stdout.once('data', () => resolveHeld());
  });
  holder.removeAllListeners('exit');
  return () => holder.stdin.end();
}

export interface RealHeat {
  authUrl: string;
  /** A user that owns stacks in its own project (member + heat_stack_owner). */
  demo: { username: string; password: string; project: string };
  admin: { username: string; password: string; project: string };
  /** A clouds.yaml naming this Keystone and Heat `name`, as the demo user (its password inline). */
  cloudsYaml(name: string): string;
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
  const authUrl = 'http://127.0.0.1:5000/v3';
  const demo = { username: 'demo', password: 'demopass', project: 'demo' };
  return {
    authUrl,
    demo,
    admin: { username: 'admin', password: 'adminpass', project: 'admin' },
    cloudsYaml(name) {
      return `clouds:
  ${name}:
    auth: {auth_url: ${authUrl}, username: ${demo.username}, password: ${demo.password}, project_name: ${demo.project}, user_domain_name: Default, project_domain_name: Default}
    region_name: RegionOne
`;
    },
    async stop() {
      try {
        await run('bash', [resolve(RECIPE, 'stop.sh'), DIR], options);
      } finally {
        release();
      }
    },
  };
}
