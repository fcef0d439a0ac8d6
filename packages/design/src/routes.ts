// Edges routed around nodes. An edge runs from the dependent's left side to
// the right side of what it requires; when the plain curve between them would
// cross other nodes, it passes instead through the free gaps of each column of
// nodes in its way (the layered layout leaves such columns), at the height
// nearest its straight line, and is drawn as horizontal-tangent curves between
// those points. The canvas and the SVG export draw the same routes.
import type { XY } from './layout.ts';
import { sameBox, type Box } from './viewport.ts';
import { edgeControls, pointOnEdge } from './labels.ts';

export interface RouteRequest {
  id: string;
  from: XY;
  to: XY;
  /** The boxes of the edge's own two nodes, which it may touch. */
  ends: readonly Box[];
}

/** Room kept between a route and the nodes it passes. */
const MARGIN = 10;
/** Points along the plain curve checked against the nodes. */
const SAMPLES = 24;
const CELL = 128;

/** Boxes in a grid of cells, to find what a point or a band hits without looking at every box. */
class BoxGrid {
  private readonly cells = new Map<string, Box[]>();

  constructor(boxes: readonly Box[]) {
    for (const b of boxes) {
      for (let i = Math.floor(b.x / CELL); i <= Math.floor((b.x + b.width) / CELL); i++) {
        for (let j = Math.floor(b.y / CELL); j <= Math.floor((b.y + b.height) / CELL); j++) {
          const key = `${i},${j}`;
          const list = this.cells.get(key);
          if (list) list.push(b);
          else this.cells.set(key, [b]);
        }
      }
    }
  }

  /** The boxes containing `p` (with `margin` around them). */
  at(p: XY, margin = 0): Box[] {
    const out: Box[] = [];
    for (let i = Math.floor((p.x - margin) / CELL); i <= Math.floor((p.x + margin) / CELL); i++) {
      for (let j = Math.floor((p.y - margin) / CELL); j <= Math.floor((p.y + margin) / CELL); j++) {
        for (const b of this.cells.get(`${i},${j}`) ?? []) {
          if (p.x > b.x - margin && p.x < b.x + b.width + margin && p.y > b.y - margin && p.y < b.y + b.height + margin && !out.includes(b))
            out.push(b);
        }
      }
    }
    return out;
  }

  /** Every box overlapping the vertical band [x0, x1]. */
  inBand(x0: number, x1: number, all: readonly Box[]): Box[] {
    return all.filter((b) => b.x < x1 && b.x + b.width > x0);
  }
}

/**
 * The points each edge passes through (empty: the plain curve is clear). Edges that run
 * right to left, as the layout puts them, are routed; others keep the plain curve.
 */
export function routeEdges(edges: readonly RouteRequest[], nodes: readonly Box[]): Map<string, XY[]> {
  const grid = new BoxGrid(nodes);
  const out = new Map<string, XY[]>();
  for (const e of edges) out.set(e.id, route(e, nodes, grid));
  return out;
}

function route(e: RouteRequest, nodes: readonly Box[], grid: BoxGrid): XY[] {
  const { from, to } = e;
  if (to.x >= from.x - 2 * MARGIN) return [];
  const own = (b: Box) => e.ends.some((o) => sameBox(o, b));
  const blocked = (p: XY) => grid.at(p).some((b) => !own(b));
  let clear = true;
  for (let i = 1; i < SAMPLES && clear; i++) if (blocked(pointOnEdge(from, to, i / SAMPLES))) clear = false;
  if (clear) return [];
  // The columns of nodes between the two ends, nearest the source first.
  const between = grid.inBand(to.x + 1, from.x - 1, nodes).filter((b) => !own(b));
  const columns: Array<{ x0: number; x1: number; boxes: Box[] }> = [];
  for (const b of [...between].sort((a, c) => c.x + c.width - (a.x + a.width))) {
    const column = columns.find((c) => b.x < c.x1 && b.x + b.width > c.x0);
    if (column) {
      column.x0 = Math.min(column.x0, b.x);
      column.x1 = Math.max(column.x1, b.x + b.width);
      column.boxes.push(b);
    } else columns.push({ x0: b.x, x1: b.x + b.width, boxes: [b] });
  }
  columns.sort((a, b) => b.x1 - a.x1);
  const via: XY[] = [];
  for (const column of columns) {
    const middle = (column.x0 + column.x1) / 2;
    const share = (from.x - middle) / (from.x - to.x);
    const wanted = from.y + (to.y - from.y) * share;
    const y = freeHeight(column.boxes, wanted);
    via.push({ x: Math.min(column.x1 + MARGIN, from.x), y }, { x: Math.max(column.x0 - MARGIN, to.x), y });
  }
  return via;
}

/** The height nearest `wanted` that no box of the column covers (with a margin). */
function freeHeight(boxes: readonly Box[], wanted: number): number {
  const spans = boxes.map((b) => [b.y - MARGIN, b.y + b.height + MARGIN] as const).sort((a, b) => a[0] - b[0]);
  const inside = spans.find(([a, b]) => wanted > a && wanted < b);
  if (!inside) return wanted;
  // Candidates: just above or below each span; the nearest one that falls in no span.
  const candidates = spans.flatMap(([a, b]) => [a, b]).sort((p, q) => Math.abs(p - wanted) - Math.abs(q - wanted));
  return candidates.find((c) => !spans.some(([a, b]) => c > a + 0.5 && c < b - 0.5)) ?? wanted;
}

/** The route's points, ends included. */
function points(from: XY, to: XY, via: readonly XY[]): XY[] {
  return [from, ...via, to];
}

/** One stretch between two points: a curve leaving and arriving horizontally. */
function controls(a: XY, b: XY): [XY, XY] {
  const k = Math.abs(a.x - b.x) / 2;
  return [
    { x: a.x - k, y: a.y },
    { x: b.x + k, y: b.y },
  ];
}

const f = (x: number) => Math.round(x * 10) / 10;

/** The SVG path of a route (the plain curve when it passes through nothing). */
export function routePath(from: XY, to: XY, via: readonly XY[]): string {
  if (!via.length) {
    const [c1, c2] = edgeControls(from, to);
    return `M${f(from.x)},${f(from.y)} C${f(c1.x)},${f(c1.y)} ${f(c2.x)},${f(c2.y)} ${f(to.x)},${f(to.y)}`;
  }
  const ps = points(from, to, via);
  let d = `M${f(from.x)},${f(from.y)}`;
  for (let i = 0; i + 1 < ps.length; i++) {
    const a = ps[i]!;
    const b = ps[i + 1]!;
    if (a.y === b.y) d += ` L${f(b.x)},${f(b.y)}`;
    else {
      const [c1, c2] = controls(a, b);
      d += ` C${f(c1.x)},${f(c1.y)} ${f(c2.x)},${f(c2.y)} ${f(b.x)},${f(b.y)}`;
    }
  }
  return d;
}

function cubic(a: XY, c1: XY, c2: XY, b: XY, t: number): XY {
  const u = 1 - t;
  return {
    x: u * u * u * a.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * b.x,
    y: u * u * u * a.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * b.y,
  };
}

/** The point at `t` (0: the source's handle, 1: the target's) along the route, by length. */
export function pointOnRoute(from: XY, to: XY, via: readonly XY[], t: number): XY {
  if (!via.length) return pointOnEdge(from, to, t);
  const ps = points(from, to, via);
  const lengths = ps.slice(1).map((p, i) => Math.hypot(p.x - ps[i]!.x, p.y - ps[i]!.y));
  const total = lengths.reduce((s, l) => s + l, 0) || 1;
  let at = t * total;
  for (let i = 0; i < lengths.length; i++) {
    const l = lengths[i]!;
    if (at <= l || i === lengths.length - 1) {
      const a = ps[i]!;
      const b = ps[i + 1]!;
      const u = l ? Math.min(1, at / l) : 0;
      if (a.y === b.y) return { x: a.x + (b.x - a.x) * u, y: a.y };
      const [c1, c2] = controls(a, b);
      return cubic(a, c1, c2, b, u);
    }
    at -= l;
  }
  return to;
}

/** Whether a route passes through a node other than its own two (checked along its length). */
export function routeCrosses(from: XY, to: XY, via: readonly XY[], nodes: readonly Box[], ends: readonly Box[], samples = 48): boolean {
  const grid = new BoxGrid(nodes);
  for (let i = 1; i < samples; i++) {
    const p = pointOnRoute(from, to, via, i / samples);
    if (grid.at(p).some((b) => !ends.some((o) => sameBox(o, b)))) return true;
  }
  return false;
}
