// The scale-out setup the end-to-end tests run against, beside the embedded
// server: a private PostgreSQL, the API server on it and two engine workers
// (the built command line). Stopped with SIGTERM, it stops them all and
// removes the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { startPostgresServer } from '@hearth/store';

const port = process.argv[2] ?? '4400';
const postgres = await startPostgresServer();
const env = { ...process.env, DATABASE_URL: postgres.url, HEARTH_PUBLIC_URL: `http://127.0.0.1:${port}` };
const cli = 'apps/server/bin/hearth.mjs';
const children: ChildProcess[] = [
  spawn(process.execPath, [cli, 'serve', '--port', port, '--data', 'e2e/artifacts/cluster-data'], { env, stdio: 'inherit' }),
  spawn(process.execPath, [cli, 'worker'], { env, stdio: 'inherit' }),
  spawn(process.execPath, [cli, 'worker'], { env, stdio: 'inherit' }),
];

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  postgres.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
for (const child of children) child.once('exit', () => void stop());
