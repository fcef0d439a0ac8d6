#!/usr/bin/env node
// The one entry point behind `npm start`, `npm test`, `npm run build` and the
// benchmarks. It needs nothing but Node and npm: it fetches the pinned pnpm
// through npm (corepack cannot verify pnpm's signatures on these machines),
// installs the workspace, builds it, then does the task.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '10.34.9';
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) {
    console.error(`hearth: could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`hearth: '${[command, ...args].join(' ')}' failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  return Date.now() - started;
}

function step(title) {
  console.log(`\n▸ ${title}`);
}

function pnpm(args) {
  return run('npm', ['exec', '--yes', `pnpm@${PNPM_VERSION}`, '--', ...args]);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function install() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  const manifests = [lock, join(root, 'package.json'), join(root, 'pnpm-workspace.yaml')];
  const upToDate = existsSync(marker) && manifests.every((m) => mtime(m) <= mtime(marker));
  if (upToDate && !process.env.CI) return;
  step(`installing dependencies with pnpm ${PNPM_VERSION}`);
  pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
}

function build() {
  step('building');
  run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
}

let aptUpdated = false;
function aptInstall(pkg) {
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) =>
    run(asRoot.length ? 'sudo' : 'apt-get', [...(asRoot.length ? ['apt-get'] : []), ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (!aptUpdated) apt(['update', '-qq']);
  aptUpdated = true;
  apt(['install', '-y', '-qq', pkg]);
}

function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  step('installing Chromium from Debian for the end-to-end tests');
  aptInstall('chromium');
}

/** The scale-out tests start private PostgreSQL servers; installed once here, before tests run in parallel. */
function ensurePostgres() {
  const base = '/usr/lib/postgresql';
  if (existsSync(base) && readdirSync(base).some((v) => existsSync(join(base, v, 'bin', 'initdb')))) return;
  step('installing PostgreSQL from Debian for the scale-out tests');
  aptInstall('postgresql');
}

function test() {
  const timings = {};
  step('lint (eslint)');
  timings.lint = run(bin('eslint'), ['--max-warnings=0', '.']);
  step('format (prettier --check)');
  timings.format = run(bin('prettier'), ['--check', '--log-level=warn', '.']);
  step('type check (tsc -b)');
  timings.types = run(bin('tsc'), ['-b']);
  ensurePostgres();
  step('unit and integration tests (vitest)');
  timings.unit = run(bin('vitest'), ['run']);
  if (existsSync(join(root, 'e2e', 'playwright.config.ts'))) {
    ensureChromium();
    step('end-to-end tests (Playwright in Chromium)');
    timings.e2e = run(bin('playwright'), ['test', '--config', 'e2e/playwright.config.ts']);
  }
  console.log(
    '\n✔ all checks passed: ' +
      Object.entries(timings)
        .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}s`)
        .join(', '),
  );
}

const [task, ...rest] = process.argv.slice(2);
switch (task) {
  case 'start':
    install();
    build();
    run(process.execPath, [join(root, 'apps', 'server', 'bin', 'hearth.mjs'), 'serve', ...rest]);
    break;
  case 'test':
    install();
    build();
    test();
    break;
  case 'build':
    install();
    build();
    break;
  case 'bench': {
    install();
    build();
    const [which = 'template', ...args] = rest;
    // Benchmarks run bundled, as the server and the browser run the code.
    const bundle = join(root, 'bench', '.dist', `${which}.mjs`);
    run(bin('esbuild'), [
      join(root, 'bench', which, 'run.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${bundle}`,
      '--external:better-sqlite3',
      '--external:pg-native',
      '--external:playwright-core',
      '--external:@playwright/test',
      '--log-level=warning',
      "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    ]);
    run(process.execPath, [bundle, ...args]);
    break;
  }
  default:
    console.error('usage: node scripts/hearth-task.mjs start|test|build|bench <template|engine|web|security|cloud|schedule> [args]');
    process.exit(2);
}
