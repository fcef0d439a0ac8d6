// A real Keystone and Heat for the integration tests, from Debian's packages,
// set up and started by scripts/real-heat (it installs what is missing,
// writes every file under one directory, and starts the services as plain
// processes). Its ports are fixed (Keystone 5000, Heat 8004), so one test
// file uses it at a time.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RECIPE = resolve(import.meta.dirname, '../../../../scripts/real-heat');
const DIR = '/tmp/hearth-real-heat';

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
  await run('bash', [resolve(RECIPE, 'setup.sh'), DIR], options);
  await run('bash', [resolve(RECIPE, 'start.sh'), DIR], options);
  return {
    authUrl: 'http://127.0.0.1:5000/v3',
    demo: { username: 'demo', password: 'demopass', project: 'demo' },
    admin: { username: 'admin', password: 'adminpass', project: 'admin' },
    async stop() {
      await run('bash', [resolve(RECIPE, 'stop.sh'), DIR], options);
    },
  };
}
