// Where each edge label goes: on its edge's curve, at the middle when that
// spot is free, else at the free spot nearest the middle, so that labels
// neither cover each other nor the nodes. Edges leave a resource from its
// left side and reach what it requires on its right (the canvas's handles),
// along React Flow's default bezier curve, reproduced here so that a label
// sits on the line it names.
import type { XY } from './layout.ts';
import type { Box } from './viewport.ts';

export interface LabelRequest {
  id: string;
  text: string;
  /** The source handle (the dependent's left side) and the target handle (the required one's right side). */
  from: XY;
  to: XY;
  /** The point at `t` along the edge as drawn, when it is not the plain curve (a routed edge, see routes.ts). */
  at?: (t: number) => XY;
}

export interface LabelOptions {
  /** Width of one character and height of a label, in flow units (the canvas draws labels at 10px). */
  charWidth?: number;
  height?: number;
  /** Places along the curve to try, nearest the middle first. */
  candidates?: readonly number[];
}

/** 0.5, 0.45, 0.55, 0.4, … 0.1, 0.9: nearest the middle first. */
const CANDIDATES = [0.5, ...Array.from({ length: 8 }, (_, i) => [0.5 - (i + 1) * 0.05, 0.5 + (i + 1) * 0.05]).flat()].map(
  (t) => Math.round(t * 100) / 100,
);
/** React Flow's default bezier curvature. */
const CURVATURE = 0.25;
const CELL = 64;

function controlOffset(distance: number): number {
  return distance >= 0 ? 0.5 * distance : CURVATURE * 25 * Math.sqrt(-distance);
}

/** The control points of an edge's curve, as React Flow draws it from a left source handle to a right target handle. */
export function edgeControls(from: XY, to: XY): [XY, XY] {
  return [
    { x: from.x - controlOffset(from.x - to.x), y: from.y },
    { x: to.x + controlOffset(from.x - to.x), y: to.y },
  ];
}

/** The point at `t` of the edge's curve. */
export function pointOnEdge(from: XY, to: XY, t: number): XY {
  const [c1, c2] = edgeControls(from, to);
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return { x: a * from.x + b * c1.x + c * c2.x + d * to.x, y: a * from.y + b * c1.y + c * c2.y + d * to.y };
}

/** Boxes in a grid of cells, to find what overlaps a box without looking at every other one. */
class BoxIndex {
  private readonly cells = new Map<string, Box[]>();

  private keys(b: Box): string[] {
    const out: string[] = [];
    for (let i = Math.floor(b.x / CELL); i <= Math.floor((b.x + b.width) / CELL); i++)
      for (let j = Math.floor(b.y / CELL); j <= Math.floor((b.y + b.height) / CELL); j++) out.push(`${i},${j}`);
    return out;
  }

  add(b: Box): void {
    for (const k of this.keys(b)) {
      const list = this.cells.get(k);
      if (list) list.push(b);
      else this.cells.set(k, [b]);
    }
  }

  hits(b: Box): boolean {
    for (const k of this.keys(b))
      for (const o of this.cells.get(k) ?? [])
        if (b.x < o.x + o.width && o.x < b.x + b.width && b.y < o.y + o.height && o.y < b.y + b.height) return true;
    return false;
  }
}

/**
 * A label's place: where along its edge's curve (0 at the source handle, 1 at the target's), how far
 * above (negative) or below the curve, and the point that makes.
 */
export interface LabelPlace extends XY {
  t: number;
  dy: number;
}

/**
 * The place of each label. Labels are placed in id order (the same input
 * gives the same places); one with no free spot keeps the middle.
 */
export function placeLabels(
  labels: readonly LabelRequest[],
  obstacles: readonly Box[],
  options: LabelOptions = {},
): Map<string, LabelPlace> {
  const { charWidth = 6, height = 14, candidates = CANDIDATES } = options;
  const index = new BoxIndex();
  for (const o of obstacles) index.add(o);
  const out = new Map<string, LabelPlace>();
  for (const label of [...labels].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const w = label.text.length * charWidth + 8;
    const boxAt = (p: XY): Box => ({ x: p.x - w / 2, y: p.y - height / 2, width: w, height });
    let chosen: LabelPlace | null = null;
    // On the line first; then just above or below it (a short edge in a crowd has no free spot on it).
    const along = label.at ?? ((t: number) => pointOnEdge(label.from, label.to, t));
    for (const dy of [0, -height, height]) {
      for (const t of candidates) {
        const p = along(t);
        if (!index.hits(boxAt({ x: p.x, y: p.y + dy }))) {
          chosen = { t, dy, x: p.x, y: p.y + dy };
          break;
        }
      }
      if (chosen) break;
    }
    const at = chosen ?? { t: 0.5, dy: 0, ...along(0.5) };
    index.add(boxAt(at));
    out.set(label.id, at);
  }
  return out;
}
