import { describe, expect, it } from 'vitest';
import { boundsOf, boxesPath, outsideViewPath, overviewFrame } from './overview.ts';

describe('the overview map', () => {
  it('bounds all the nodes, and nothing when there are none', () => {
    expect(
      boundsOf([
        { x: 0, y: 10, width: 100, height: 50 },
        { x: -50, y: 200, width: 20, height: 20 },
      ]),
    ).toEqual({ x: -50, y: 10, width: 150, height: 210 });
    expect(boundsOf([])).toBeNull();
  });

  it('shows the nodes and the view whole, centred, at one scale, with a margin', () => {
    const nodes = { x: 0, y: 0, width: 1000, height: 300 };
    const view = { x: 100, y: 100, width: 400, height: 300 };
    const frame = overviewFrame(nodes, view, { width: 210, height: 160 }, 5);
    // 1,000 × 400 of flow in 200 × 150 pixels inside the margin: the width sets the scale.
    expect(frame.scale).toBe(5);
    expect(frame.viewBox).toEqual({ x: -25, y: -200, width: 1050, height: 800 });
    // The viewBox has the map's proportions, so that nothing is stretched.
    expect(frame.viewBox.width / frame.viewBox.height).toBe(210 / 160);
    // The view alone when there are no nodes.
    expect(overviewFrame(null, view, { width: 200, height: 150 }, 0).viewBox).toEqual(view);
  });

  it('draws every box as one rectangle of a single path, and shades what is outside the view', () => {
    expect(
      boxesPath([
        { x: 0, y: 0, width: 10, height: 5 },
        { x: 1.26, y: -2, width: 3, height: 4 },
      ]),
    ).toBe('M0,0h10v5h-10zM1.3,-2h3v4h-3z');
    const frame = overviewFrame(null, { x: 0, y: 0, width: 40, height: 30 }, { width: 4, height: 3 }, 0);
    expect(outsideViewPath(frame, { x: 10, y: 10, width: 5, height: 5 })).toBe('M0,0h40v30h-40zM10,10h5v5h-5z');
  });
});
