// The examples a new user finds among their designs on first start.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Store } from '@hearth/store';
import type { Designs } from '../designs/store.ts';

const SEEDED = 'examples-seeded';

/** Adds each examples/*.yaml as a design, once (a user who deletes one does not get it back). */
export async function seedExamples(store: Store, designs: Designs, dir: string | null): Promise<string[]> {
  if (!dir || !existsSync(dir) || (await store.getMeta(SEEDED))) return [];
  const added: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && !/\.env\.ya?ml$/.test(f))
    .sort()) {
    const name = basename(file).replace(/\.ya?ml$/, '');
    if (await designs.get(name)) continue;
    const envFile = join(dir, `${name}.env.yaml`);
    await designs.save({
      id: randomUUID(),
      name,
      template: readFileSync(join(dir, file), 'utf8'),
      environment: existsSync(envFile) ? readFileSync(envFile, 'utf8') : '',
      layout: {},
      files: {},
    });
    added.push(name);
  }
  await store.setMeta(SEEDED, new Date().toISOString());
  return added;
}
