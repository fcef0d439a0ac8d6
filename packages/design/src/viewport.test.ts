import { describe, expect, it } from 'vitest';
import { firstView, READABLE_ZOOM, workflowStart } from './viewport.ts';

const pane = { width: 1000, height: 600 };

describe('firstView', () => {
  it('fits a graph that is readable at its fit zoom, centred, no closer than the maximum zoom', () => {
    const view = firstView({ x: 0, y: 0, width: 1904, height: 552 }, pane);
    expect(view.zoom).toBeCloseTo(0.5, 5);
    // The graph's centre is the pane's centre.
    expect(view.x + 952 * view.zoom).toBeCloseTo(500, 5);
    expect(view.y + 276 * view.zoom).toBeCloseTo(300, 5);
    expect(firstView({ x: 0, y: 0, width: 100, height: 50 }, pane).zoom).toBe(1.2);
  });

  it('opens a graph too wide to read when fitted at a readable zoom, from its left edge, centred vertically when its height fits', () => {
    const bounds = { x: -260, y: 40, width: 4500, height: 860 };
    const view = firstView(bounds, pane);
    expect(view.zoom).toBe(READABLE_ZOOM);
    // The left edge of the graph is at the pane's padding.
    expect(view.x + bounds.x * view.zoom).toBe(24);
    expect(view.y + (bounds.y + bounds.height / 2) * view.zoom).toBe(300);
  });

  it('starts from the top left when the graph is too tall as well', () => {
    const bounds = { x: 100, y: 200, width: 4000, height: 6000 };
    const view = firstView(bounds, pane);
    expect(view.zoom).toBe(READABLE_ZOOM);
    expect(view.x + bounds.x * view.zoom).toBe(24);
    expect(view.y + bounds.y * view.zoom).toBe(24);
  });

  it('opens a graph too tall as well level with where its workflow starts, when given', () => {
    const bounds = { x: 100, y: 200, width: 4000, height: 6000 };
    const view = firstView(bounds, pane, 1.2, { y: 3000 });
    expect(view.x + bounds.x * view.zoom).toBe(24);
    expect(view.y + 3000 * view.zoom).toBe(24);
  });

  it('finds where the workflow starts: the top of the left-most column', () => {
    const positions = [
      { x: 300, y: 0 },
      { x: 0, y: 900 },
      { x: 100, y: 500 },
      { x: 0, y: 1200 },
    ];
    expect(workflowStart(positions, 220)).toEqual({ x: 0, y: 500 });
    expect(workflowStart([], 220)).toBeUndefined();
  });
});
