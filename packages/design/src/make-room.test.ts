import { describe, expect, it } from 'vitest';
import { makeRoom } from './make-room.ts';

const box = (x: number, y: number, width = 220, height = 64) => ({ x, y, width, height });

describe('making room under a node that grew', () => {
  const group = { name: 'g', box: box(0, 0) };
  const others = {
    g: group.box,
    under: box(0, 120),
    farUnder: box(0, 900),
    overlapping: box(150, 200),
    beside: box(300, 120),
    above: box(0, -200),
    // Beside the group's bottom edge, not under it: it stays.
    level: box(100, 40),
  };

  it('moves the nodes under it (sharing some of its width) down by as much as it grew, and no other', () => {
    expect(makeRoom(group, 64 + 300, others)).toEqual({
      under: { x: 0, y: 420 },
      farUnder: { x: 0, y: 1200 },
      overlapping: { x: 150, y: 500 },
    });
  });

  it('moves them back up by as much when it shrinks again', () => {
    const open = { name: 'g', box: box(0, 0, 220, 364) };
    const moved = { ...others, g: open.box, under: box(0, 420), farUnder: box(0, 1200), overlapping: box(150, 500) };
    expect(makeRoom(open, 64, moved)).toEqual({
      under: { x: 0, y: 120 },
      farUnder: { x: 0, y: 900 },
      overlapping: { x: 150, y: 200 },
    });
  });

  it('moves nothing when its height is the same', () => {
    expect(makeRoom(group, 64, others)).toEqual({});
  });
});
