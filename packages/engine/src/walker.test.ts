import { describe, expect, it } from 'vitest';
import { DagWalker } from './walker.ts';

const deps = (o: Record<string, string[]>) => new Map(Object.entries(o).map(([k, v]) => [k, new Set(v)]));
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('DagWalker', () => {
  it('starts a node the moment its last requirement completes, not when a wave ends', async () => {
    const log: string[] = [];
    const slow = new Set(['b']);
    const walker = new DagWalker(['a', 'b', 'c'], deps({ c: ['a'] }), async (n) => {
      log.push(`start ${n}`);
      if (slow.has(n)) for (let i = 0; i < 5; i++) await tick();
      else await tick();
      log.push(`end ${n}`);
    });
    const result = await walker.walk();
    expect(result.failed).toEqual([]);
    expect(log.indexOf('start c')).toBeLessThan(log.indexOf('end b'));
    expect(log.indexOf('start c')).toBeGreaterThan(log.indexOf('end a'));
  });

  it('after a failure starts nothing new, lets running nodes finish, and reports the skipped ones', async () => {
    const ended: string[] = [];
    const walker = new DagWalker(['bad', 'slow', 'next'], deps({ next: ['bad'] }), async (n) => {
      if (n === 'bad') throw new Error('boom');
      for (let i = 0; i < 3; i++) await tick();
      ended.push(n);
    });
    const result = await walker.walk();
    expect(result.failed.map((f) => f.node)).toEqual(['bad']);
    expect(ended).toEqual(['slow']);
    expect(result.skipped).toEqual(['next']);
  });

  it('respects a concurrency limit', async () => {
    let running = 0;
    let peak = 0;
    const nodes = Array.from({ length: 20 }, (_, i) => `n${i}`);
    await new DagWalker(
      nodes,
      new Map(),
      async () => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
      },
      { concurrency: 3 },
    ).walk();
    expect(peak).toBe(3);
  });

  it('finishes at once on an empty graph', async () => {
    expect(await new DagWalker([], new Map(), async () => {}).walk()).toEqual({ completed: [], failed: [], skipped: [] });
  });
});
