import { describe, expect, it } from 'vitest';
import { layoutEdges, type EdgeGeometry } from './edge-layout.ts';
import { inViewOnlyByRoute, overlaps, routeBox, routesBeyondNodes } from './offscreen-routes.ts';

const box = (x: number, y: number) => ({ x, y, width: 220, height: 64 });
// c depends on a in the same row, across a column of b's with no gap: its route goes around the column.
const a = box(0, 0);
const c = box(800, 0);
const column = [-2, -1, 0, 1, 2].map((i) => box(400, i * 64));
const nodes = [a, c, ...column];
const edges: EdgeGeometry[] = [
  { id: 'r:c>a:network', source: c, target: a, label: 'network' },
  // b (the column's middle) depends on a: a plain curve between them.
  { id: 'd:b>a', source: column[2]!, target: a, label: null },
];

describe('routes beyond their nodes', () => {
  const layouts = layoutEdges(edges, nodes);

  it('finds a route bent around a column beyond the box of its two nodes, and not a plain curve', () => {
    expect(layouts[0]!.via.length).toBeGreaterThan(0);
    expect(layouts[1]!.via).toEqual([]);
    const beyond = routesBeyondNodes(edges, layouts);
    expect(beyond.map((r) => r.index)).toEqual([0]);
    expect(beyond[0]!.nodes).toEqual({ x: 0, y: 0, width: 1020, height: 64 });
    // It goes above or below the column, out of the row.
    const route = beyond[0]!.route;
    expect(route.y < -128 || route.y + route.height > 192).toBe(true);
    // Its box holds every point of the route and its label.
    expect(routeBox(layouts[0]!, 'network')).toEqual(route);
    for (const p of layouts[0]!.via) expect(overlaps({ x: p.x - 0.5, y: p.y - 0.5, width: 1, height: 1 }, route)).toBe(true);
  });

  it('a view that holds only the bend: the route is in view by itself; with a node in view, React Flow draws it', () => {
    const [beyond] = routesBeyondNodes(edges, layouts);
    const bend = layouts[0]!.via[Math.floor(layouts[0]!.via.length / 2)]!;
    // A small view around the bend, outside the row.
    const onlyBend = { x: bend.x - 20, y: bend.y - 20, width: 40, height: 40 };
    expect(overlaps(beyond!.nodes, onlyBend)).toBe(false);
    expect(inViewOnlyByRoute([beyond!], onlyBend)).toEqual([beyond]);
    expect(inViewOnlyByRoute([beyond!], { x: -10, y: -10, width: 50, height: 50 })).toEqual([]);
    // Far from it all: nothing.
    expect(inViewOnlyByRoute([beyond!], { x: 5000, y: 5000, width: 100, height: 100 })).toEqual([]);
  });
});
