#!/usr/bin/env node
// Builds what runs outside the TypeScript toolchain: the command line and
// server bundle (esbuild), and the web app (Vite) once it exists.
// `--server-only` builds just the bundle (tests that run the built server
// rebuild it this way when the sources changed).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

await build({
  // The command line, and the analysis worker the server starts beside it (apps/server/src/analysis/pool.ts).
  entryPoints: { cli: join(root, 'apps/server/src/cli/main.ts'), 'analysis-worker': join(root, 'apps/server/src/analysis/worker.ts') },
  outdir: join(root, 'apps/server/dist'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Everything is bundled (workspace packages are TypeScript sources) except native addons.
  external: ['better-sqlite3', 'pg-native'],
  logLevel: 'warning',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

const web = join(root, 'apps/web');
if (!process.argv.includes('--server-only') && existsSync(join(web, 'vite.config.ts'))) {
  const vite = spawnSync(join(web, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
