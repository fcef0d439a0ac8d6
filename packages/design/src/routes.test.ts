// Edges go around the nodes in their way: on a hand-made column and on the
// SQL Server example as the automatic layout lays it out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '@hearth/template';
import { autoLayout, NODE_HEIGHT, NODE_WIDTH, type Positions, type XY } from './layout.ts';
import { pointOnEdge } from './labels.ts';
import { pointOnRoute, routeCrosses, routeEdges, routePath } from './routes.ts';
import { deriveGraph, type Graph } from './view-model.ts';
import type { Box } from './viewport.ts';

const box = (x: number, y: number): Box => ({ x, y, width: NODE_WIDTH, height: NODE_HEIGHT });

describe('routeEdges', () => {
  const source = box(700, 100);
  const target = box(0, 100);
  const from = { x: source.x, y: source.y + NODE_HEIGHT / 2 };
  const to = { x: target.x + NODE_WIDTH, y: target.y + NODE_HEIGHT / 2 };

  it('keeps the plain curve when nothing is in the way', () => {
    const routes = routeEdges([{ id: 'e', from, to, ends: [source, target] }], [source, target, box(350, 400)]);
    expect(routes.get('e')).toEqual([]);
    expect(routePath(from, to, [])).toMatch(/^M700,132 C/);
    expect(pointOnRoute(from, to, [], 0.3)).toEqual(pointOnEdge(from, to, 0.3));
  });

  it('passes through the gap of a column in its way, at the height nearest its line', () => {
    const blocker = box(350, 100);
    const nodes = [source, target, blocker, box(350, 200)];
    expect(routeCrosses(from, to, [], nodes, [source, target])).toBe(true);
    const via = routeEdges([{ id: 'e', from, to, ends: [source, target] }], nodes).get('e')!;
    expect(via).toHaveLength(2);
    expect(via[0]!.y).toBe(via[1]!.y);
    // Above the blocker (the gap below it is farther, past the second node).
    expect(via[0]!.y).toBeLessThanOrEqual(blocker.y - 10);
    expect(routeCrosses(from, to, via, nodes, [source, target])).toBe(false);
    expect(pointOnRoute(from, to, via, 0)).toEqual(from);
    expect(pointOnRoute(from, to, via, 1)).toEqual(to);
  });
});

describe('on the SQL Server example', () => {
  it('routes nearly every edge clear of the nodes it used to cross', async () => {
    const text = readFileSync(join(import.meta.dirname, '../../../examples/sql-server-cluster.yaml'), 'utf8');
    const graph: Graph = deriveGraph(analyzeTemplate(text));
    const positions: Positions = await autoLayout(graph);
    const boxOf = (name: string) => box(positions[name]!.x, positions[name]!.y);
    const nodes = graph.resources.map((r) => boxOf(r.name));
    const requests = graph.edges.map((e) => {
      const s = boxOf(e.source);
      const t = boxOf(e.target);
      const ends = { from: { x: s.x, y: s.y + NODE_HEIGHT / 2 } as XY, to: { x: t.x + NODE_WIDTH, y: t.y + NODE_HEIGHT / 2 } as XY };
      return { id: e.id, ...ends, ends: [s, t] };
    });
    const before = requests.filter((r) => routeCrosses(r.from, r.to, [], nodes, r.ends)).length;
    const routes = routeEdges(requests, nodes);
    const after = requests.filter((r) => routeCrosses(r.from, r.to, routes.get(r.id)!, nodes, r.ends)).length;
    console.log(`edges crossing a node: ${before} plain curves → ${after} routed (of ${requests.length})`);
    expect(before).toBeGreaterThan(5);
    expect(after).toBeLessThanOrEqual(Math.floor(before / 4));
  });
});
