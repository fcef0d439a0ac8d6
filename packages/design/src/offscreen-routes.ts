// React Flow, drawing only what is in view (the canvas does past 400
// resources), takes an edge to be in view when the box of its two nodes is.
// A route bent around the nodes in its way (routes.ts) can leave that box:
// with both its nodes out of view, the part of it in view would not be drawn.
// These tell which routes go beyond their nodes, and which of them only
// their route puts in view, for the canvas to draw itself.
import type { EdgeGeometry, EdgeLayout } from './edge-layout.ts';
import { pointOnRoute } from './routes.ts';
import type { Box } from './viewport.ts';

/** The label's size as placeLabels reckons it (10 px text: 6 per character, 14 high, 4 of padding a side). */
const LABEL_CHAR = 6;
const LABEL_HEIGHT = 14;

export interface RouteBeyondNodes {
  /** The edge's place in the edges given. */
  index: number;
  /** The box of its two nodes (what React Flow goes by). */
  nodes: Box;
  /** The box its route and label are drawn in. */
  route: Box;
}

function bounds(points: ReadonlyArray<{ x: number; y: number }>): Box {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

const union = (a: Box, b: Box): Box => bounds([a, { x: a.x + a.width, y: a.y + a.height }, b, { x: b.x + b.width, y: b.y + b.height }]);

const within = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

/** Whether two boxes share some area (as React Flow's test: touching is not enough). */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * The box a routed edge is drawn in: the points it passes through (each stretch is a curve that leaves
 * and arrives horizontally; one running rightwards bulges past its ends by half its width) and its label.
 */
export function routeBox(layout: EdgeLayout, label: string | null): Box {
  const points = [layout.from, ...layout.via, layout.to];
  let bulge = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const dx = points[i + 1]!.x - points[i]!.x;
    if (dx > 0) bulge = Math.max(bulge, dx / 2);
  }
  let box = bounds(points);
  box = { x: box.x - bulge, y: box.y, width: box.width + 2 * bulge, height: box.height };
  if (label && layout.label) {
    const at = pointOnRoute(layout.from, layout.to, layout.via, layout.label.t);
    const width = label.length * LABEL_CHAR + 8;
    box = union(box, { x: at.x - width / 2, y: at.y + layout.label.dy - LABEL_HEIGHT / 2, width, height: LABEL_HEIGHT });
  }
  return box;
}

/** The routed edges (`layouts[i]` of `edges[i]`) drawn beyond the box of their two nodes. */
export function routesBeyondNodes(edges: readonly EdgeGeometry[], layouts: readonly EdgeLayout[]): RouteBeyondNodes[] {
  const out: RouteBeyondNodes[] = [];
  edges.forEach((e, index) => {
    const layout = layouts[index];
    if (!layout?.via.length) return;
    const nodes = union(e.source, e.target);
    const route = routeBox(layout, e.label);
    if (!within(route, nodes)) out.push({ index, nodes, route });
  });
  return out;
}

/** Of those, the ones partly in `view` while their nodes' box is not: React Flow leaves them out. */
export function inViewOnlyByRoute<T extends RouteBeyondNodes>(routes: readonly T[], view: Box): T[] {
  return routes.filter((r) => !overlaps(r.nodes, view) && overlaps(r.route, view));
}
