// Locates the corpus of real Heat templates with Heat's own verdicts.
// HEARTH_CORPUS wins; then the shared corpus beside the repository (which
// may hold templates added after this copy was made); then the copy in
// test-data/ that every clone has.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the first directory upwards that holds pnpm-workspace.yaml. */
function repoRoot(): string {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = start;
    while (true) {
      if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
}

export function corpusRoot(): string {
  const root = repoRoot();
  const candidates = [process.env.HEARTH_CORPUS, join(root, '../shared/corpus'), join(root, 'test-data/heat-corpus')];
  for (const c of candidates) if (c && existsSync(join(c, 'index.json'))) return c;
  throw new Error(`No corpus found; looked in ${candidates.filter(Boolean).join(', ')}`);
}

/** The CloudFormation-format corpus: `cfn/` of the corpus, found as corpusRoot finds it. */
export function cfnCorpusRoot(): string {
  const root = repoRoot();
  const candidates = [process.env.HEARTH_CORPUS, join(root, '../shared/corpus'), join(root, 'test-data/heat-corpus')]
    .filter((c): c is string => !!c)
    .map((c) => join(c, 'cfn'));
  for (const c of candidates) if (existsSync(join(c, 'index.json'))) return c;
  throw new Error(`No CloudFormation corpus found; looked in ${candidates.join(', ')}`);
}

export interface CorpusEntry {
  path: string;
  kind: 'hot' | 'env' | 'cfn';
}

export interface HeatVerdict {
  template: string;
  parsed: boolean;
  valid: boolean;
  error?: string;
  resources?: Record<string, { type: string; requires: string[] | null }>;
  implicit?: Record<string, string[]>;
  outputs?: Record<string, string[]>;
  create_order?: string[][];
  graph_source?: string;
  outputs_error?: string;
}

export function corpusEntries(root: string, kind: 'hot' | 'cfn' = 'hot'): CorpusEntry[] {
  return (JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as CorpusEntry[]).filter((e) => e.kind === kind);
}

export function heatVerdict(root: string, path: string): HeatVerdict | null {
  const file = join(root, 'expected', `${path}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HeatVerdict) : null;
}
