// End-to-end tests: Debian's Chromium (never a downloaded browser) against
// the real server, started here on its own port with its own data directory.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.HEARTH_E2E_PORT ?? 4399);
/** The scale-out setup (PostgreSQL, API server, two workers) listens on the next port. */
export const clusterPort = port + 1;
/** A server whose clouds.yaml names a real Keystone and Heat ("e2e") listens on the one after. */
export const cloudPort = port + 2;

export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['line']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    acceptDownloads: true,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: [
    {
      command: `rm -rf e2e/artifacts/data && node apps/server/bin/hearth.mjs serve --port ${port} --data e2e/artifacts/data`,
      cwd: '..',
      url: `http://127.0.0.1:${port}/trpc/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `node --import tsx e2e/cluster-server.ts ${clusterPort}`,
      cwd: '..',
      url: `http://127.0.0.1:${clusterPort}/trpc/health`,
      reuseExistingServer: false,
      // PostgreSQL may have to be installed from Debian's packages first.
      timeout: 300_000,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    },
    {
      command: `node --import tsx e2e/cloud-server.ts ${cloudPort}`,
      cwd: '..',
      url: `http://127.0.0.1:${cloudPort}/trpc/health`,
      reuseExistingServer: false,
      // Keystone, Heat and RabbitMQ may have to be installed from Debian's packages first (~8 minutes).
      timeout: 20 * 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 60_000 },
    },
  ],
});
