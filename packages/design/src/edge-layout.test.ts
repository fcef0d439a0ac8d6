import { describe, expect, it } from 'vitest';
import { EdgeLayouts, layoutEdges, type EdgeGeometry } from './edge-layout.ts';

const box = (x: number, y: number) => ({ x, y, width: 220, height: 64 });
// c depends on a across b's column: the plain curve would cross b.
const nodes = [box(0, 0), box(400, 0), box(800, 0)];
const edges = (names: [string, string, string]): EdgeGeometry[] => [
  { id: `d:${names[2]}>${names[0]}`, source: nodes[2]!, target: nodes[0]!, label: 'network' },
  { id: `d:${names[1]}>${names[0]}`, source: nodes[1]!, target: nodes[0]!, label: null },
];

describe('edge layouts', () => {
  it('runs each edge from its source’s left side to its target’s right side, around the nodes in its way, with its label placed', () => {
    const [long, short] = layoutEdges(edges(['a', 'b', 'c']), nodes);
    expect(long!.from).toEqual({ x: 800, y: 32 });
    expect(long!.to).toEqual({ x: 220, y: 32 });
    expect(long!.via.length).toBeGreaterThan(0);
    expect(long!.label).not.toBeNull();
    expect(short!.via).toEqual([]);
    expect(short!.label).toBeNull();
  });

  it('gives the same layouts again while the geometry is the same (a rename), and new ones when a node moves', () => {
    const cache = new EdgeLayouts();
    const first = cache.layout(edges(['a', 'b', 'c']), nodes);
    expect(cache.layout(edges(['a', 'bee', 'c']), nodes)).toBe(first);
    const moved = [box(0, 0), box(400, 300), box(800, 0)];
    const again = cache.layout(
      edges(['a', 'b', 'c']).map((e, i) => (i === 1 ? { ...e, source: moved[1]! } : e)),
      moved,
    );
    expect(again).not.toBe(first);
    expect(again).toEqual(
      layoutEdges(
        edges(['a', 'b', 'c']).map((e, i) => (i === 1 ? { ...e, source: moved[1]! } : e)),
        moved,
      ),
    );
  });

  it('lays out again when a rename changes the order labels are placed in, though nothing moved', () => {
    const cache = new EdgeLayouts();
    const labelled = (first: string, second: string): EdgeGeometry[] => [
      { id: `r:${first}>a`, source: nodes[2]!, target: nodes[0]!, label: 'network' },
      { id: `r:${second}>a`, source: nodes[1]!, target: nodes[0]!, label: 'port' },
    ];
    const first = cache.layout(labelled('c', 'd'), nodes);
    // Renamed, still in the same order by id: the same layouts.
    expect(cache.layout(labelled('c', 'e'), nodes)).toBe(first);
    // Renamed so that the second edge's id now comes first: placed again, in the new order.
    const reordered = cache.layout(labelled('c', 'b'), nodes);
    expect(reordered).not.toBe(first);
    expect(reordered).toEqual(layoutEdges(labelled('c', 'b'), nodes));
  });

  it('while nodes are dragged, keeps the last layouts and draws the edges at a moved node as plain curves, without routing', () => {
    const cache = new EdgeLayouts();
    const first = cache.layout(edges(['a', 'b', 'c']), nodes);
    // c (the long edge's source) is dragged below the others.
    const dragged = box(800, 300);
    const held = cache.held(edges(['a', 'b', 'c']).map((e, i) => (i === 0 ? { ...e, source: dragged } : e)));
    expect(held[0]).toEqual({ from: { x: 800, y: 332 }, to: { x: 220, y: 32 }, via: [], label: { t: 0.5, dy: 0 } });
    expect(held[1]).toBe(first[1]);
    // Nothing was kept of the drag: the drop routes from the geometry given then.
    const dropped = cache.layout(edges(['a', 'b', 'c']), nodes);
    expect(dropped).toBe(first);
  });
});
