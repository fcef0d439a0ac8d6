// A real OpenStack for the end-to-end tests, beside the other servers: a
// real Keystone and Heat (Debian's packages, scripts/real-heat) and a Hearth
// server whose clouds.yaml names that cloud "e2e". Stopped with SIGTERM, it
// stops the server, then Keystone and Heat.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRealHeat } from '@hearth/openstack/test-support';

const port = process.argv[2] ?? '4401';
const heat = await startRealHeat();
const dir = mkdtempSync(join(tmpdir(), 'hearth-e2e-cloud-'));
writeFileSync(join(dir, 'clouds.yaml'), heat.cloudsYaml('e2e'));
const server = spawn(process.execPath, ['apps/server/bin/hearth.mjs', 'serve', '--port', port, '--data', join(dir, 'data')], {
  env: { ...process.env, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml') },
  stdio: 'inherit',
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (server.exitCode === null && server.signalCode === null) {
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }
  await heat.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
server.once('exit', () => void stop());
