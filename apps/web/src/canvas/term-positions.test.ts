import { describe, expect, it } from 'vitest';
import { NODE_WIDTH } from '@hearth/design';
import { resourceSpan, termPositions } from './term-positions.ts';

describe('where parameters and outputs go', () => {
  const positions = { a: { x: 100, y: 40 }, b: { x: 500, y: -20 }, 'param:p': { x: -900, y: -900 }, 'output:o': { x: 5000, y: 0 } };

  it('spans the resources alone, and nothing when there are none', () => {
    expect(resourceSpan(positions)).toEqual({ left: 100, right: 500, top: -20 });
    expect(resourceSpan({ 'param:p': { x: 1, y: 2 } })).toEqual({ left: 0, right: 0, top: 0 });
  });

  it('puts parameters in a column left of the resources and outputs right of them, unless the user placed them', () => {
    const span = resourceSpan(positions);
    expect(termPositions(positions, span, ['p', 'q', 'r'], 'param', 'left')).toEqual({
      p: { x: -900, y: -900 },
      q: { x: 100 - 260, y: -20 + 56 },
      r: { x: 100 - 260, y: -20 + 112 },
    });
    expect(termPositions(positions, span, ['o', 'z'], 'output', 'right')).toEqual({
      o: { x: 5000, y: 0 },
      z: { x: 500 + NODE_WIDTH + 80, y: -20 + 56 },
    });
  });
});
