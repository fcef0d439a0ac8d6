#!/usr/bin/env node
// Runs the built command line (apps/server/dist/cli.mjs). `npm start` or
// `npm test` builds it; see the README.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.mjs');
if (!existsSync(built)) {
  console.error('hearth: the command line is not built yet. Run `npm start` or `npm test` (or `npm run build`) in the repository first.');
  process.exit(2);
}
const { main } = await import(pathToFileURL(built).href);
process.exitCode = await main(process.argv.slice(2));
