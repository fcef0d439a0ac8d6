import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryStore, type Store } from '@hearth/store';
import { Designs } from './store.ts';
import { DESIGN_TABLES } from './tables.ts';

let store: Store;
let designs: Designs;

beforeEach(async () => {
  store = await openMemoryStore({ tables: [DESIGN_TABLES] });
  designs = new Designs(store.db);
});

afterEach(() => store.close());

const design = (id: string, name: string) => ({
  id,
  name,
  template: 't',
  environment: 'e',
  layout: { a: [1, 2] },
  files: { 'x.yaml': 'x' },
});

describe('designs', () => {
  it('saves a design and finds it by id or name, with its layout and files', async () => {
    const saved = await designs.save(design('d1', 'web'));
    expect(saved).toMatchObject({ id: 'd1', name: 'web' });
    expect(saved.createdAt).toBe(saved.updatedAt);
    expect(await designs.get('d1')).toEqual(saved);
    expect(await designs.get('web')).toEqual(saved);
    expect(await designs.get('nothing')).toBeNull();
  });

  it('replaces a design saved again under its id, keeping when it was created', async () => {
    const first = await designs.save(design('d1', 'web'));
    await new Promise((r) => setTimeout(r, 2));
    const second = await designs.save({ ...design('d1', 'web'), template: 't2', layout: null });
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.updatedAt > first.updatedAt).toBe(true);
    expect(await designs.get('d1')).toMatchObject({ template: 't2', layout: null, createdAt: first.createdAt });
    expect(await designs.list()).toHaveLength(1);
  });

  it('refuses a name another design has, when saving or renaming', async () => {
    await designs.save(design('d1', 'web'));
    await designs.save(design('d2', 'db'));
    await expect(designs.save(design('d3', 'web'))).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'A design named web already exists.',
    });
    await expect(designs.rename('d2', 'web')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(designs.rename('nothing', 'other')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'There is no design nothing.' });
  });

  it('finds a free name for a new design: the name itself, else the first "name (n)" nobody has', async () => {
    expect(await designs.freeName('web')).toBe('web');
    await designs.save(design('d1', 'web'));
    expect(await designs.freeName('web')).toBe('web (2)');
    await designs.save(design('d2', 'web (2)'));
    expect(await designs.freeName('web')).toBe('web (3)');
    await designs.save(design('d3', 'a_b%'));
    expect(await designs.freeName('a_b%')).toBe('a_b% (2)');
  });

  it('lists designs by name without their content, renames and deletes them', async () => {
    await designs.save(design('d1', 'web'));
    await designs.save(design('d2', 'db'));
    await designs.rename('d1', 'app');
    expect((await designs.list()).map((d) => [d.id, d.name])).toEqual([
      ['d1', 'app'],
      ['d2', 'db'],
    ]);
    expect(Object.keys((await designs.list())[0]!).sort()).toEqual(['createdAt', 'id', 'name', 'updatedAt']);
    await designs.delete('d2');
    expect(await designs.get('d2')).toBeNull();
    expect((await designs.list()).map((d) => d.name)).toEqual(['app']);
  });
});
