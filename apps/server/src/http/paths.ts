// Where the repository's parts are, from wherever this code runs (the
// bundled command line in apps/server/dist, or the sources in tests).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repositoryRoot(from = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

export function defaultWebDir(): string {
  const root = repositoryRoot();
  return root ? join(root, 'apps', 'web', 'dist') : join(process.cwd(), 'web');
}

export function defaultExamplesDir(): string | null {
  const root = repositoryRoot();
  return root ? join(root, 'examples') : null;
}
