import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  it('commits items added in the same turn together, and those added during a commit in the next one', async () => {
    const commits: number[][] = [];
    let release: () => void = () => {};
    const group = new GroupCommit<number, string>(async (items) => {
      commits.push(items);
      if (commits.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((i) => `done ${i}`);
    });
    const first = [group.add(1), group.add(2)];
    await new Promise((r) => setImmediate(r));
    const second = [group.add(3), group.add(4), group.add(5)];
    release();
    expect(await Promise.all([...first, ...second])).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    expect(commits).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('takes at most maxItems in one commit', async () => {
    const commits: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      commits.push(items);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => group.add(i)));
    expect(commits).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('when a shared commit fails, tries each item alone: only the bad one fails', async () => {
    const commits: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      commits.push(items);
      if (items.includes(2)) throw new Error('item 2 is bad');
      return items.map((i) => i * 10);
    });
    const results = await Promise.allSettled([group.add(1), group.add(2), group.add(3)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 'item 2 is bad', 30]);
    expect(commits).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});
