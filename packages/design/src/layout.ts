// Where nodes go: an automatic layered layout for imported templates (elkjs,
// loaded only when needed), and a place for each new node near where it was
// dropped or next to what it connects to. Positions are keyed by name.
import type { Graph } from './view-model.ts';

export interface XY {
  x: number;
  y: number;
}

/** Node positions by key: a resource's name, or `param:name` and `output:name` for a parameter or an output. */
export type Positions = Record<string, XY>;

/** Whether a position (or a node's id) is a parameter's or an output's (`param:name`, `output:name`) rather than a resource's. */
export const isTermKey = (key: string): boolean => key.includes(':');

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 64;
const GAP_X = 90;
const GAP_Y = 28;

/**
 * Layered layout, requirements to the left of what needs them. `heights`: nodes drawn taller than
 * NODE_HEIGHT (an expanded group's member list), by name.
 */
export async function autoLayout(graph: Graph, heights: Readonly<Record<string, number>> = {}): Promise<Positions> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': String(GAP_Y),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP_X),
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: graph.resources.map((r) => ({ id: r.name, width: NODE_WIDTH, height: heights[r.name] ?? NODE_HEIGHT })),
    edges: graph.edges.map((e, i) => ({ id: `e${i}`, sources: [e.target], targets: [e.source] })),
  });
  const positions: Positions = {};
  for (const child of result.children ?? []) positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0 };
  return positions;
}

/** A quick grid for when a layout is needed at once (very large templates before ELK answers). */
export function gridLayout(names: string[], columns = Math.max(1, Math.ceil(Math.sqrt(names.length)))): Positions {
  const positions: Positions = {};
  names.forEach((name, i) => {
    positions[name] = { x: (i % columns) * (NODE_WIDTH + GAP_X), y: Math.floor(i / columns) * (NODE_HEIGHT + GAP_Y) };
  });
  return positions;
}

function overlaps(p: XY, positions: Positions): boolean {
  return Object.values(positions).some((q) => Math.abs(q.x - p.x) < NODE_WIDTH && Math.abs(q.y - p.y) < NODE_HEIGHT + 8);
}

/** A free spot at or below `p`. */
export function freeSpot(p: XY, positions: Positions): XY {
  const spot = { ...p };
  for (let i = 0; i < 200 && overlaps(spot, positions); i++) spot.y += NODE_HEIGHT + GAP_Y;
  return spot;
}

/** Places a node that appeared in the text: right of what it requires, left of what requires it, or below everything. */
export function placeNew(name: string, graph: Graph, positions: Positions): XY {
  const requires = graph.edges.filter((e) => e.source === name && positions[e.target]).map((e) => positions[e.target]!);
  if (requires.length) {
    const x = Math.max(...requires.map((p) => p.x)) + NODE_WIDTH + GAP_X;
    const y = requires.reduce((s, p) => s + p.y, 0) / requires.length;
    return freeSpot({ x, y }, positions);
  }
  const dependents = graph.edges.filter((e) => e.target === name && positions[e.source]).map((e) => positions[e.source]!);
  if (dependents.length) {
    const x = Math.min(...dependents.map((p) => p.x)) - NODE_WIDTH - GAP_X;
    return freeSpot({ x, y: dependents[0]!.y }, positions);
  }
  const all = Object.values(positions);
  if (!all.length) return { x: 0, y: 0 };
  return freeSpot({ x: Math.min(...all.map((p) => p.x)), y: Math.max(...all.map((p) => p.y)) + NODE_HEIGHT + GAP_Y }, positions);
}

/**
 * Positions for a new version of the graph: kept by name; a resource renamed
 * (one gone, one new, at the same place in the text) keeps its spot; new ones
 * are placed near what they connect to. The places the user gave parameters
 * and outputs (`param:name`, `output:name`) stay as they are.
 */
export function carryPositions(previous: Graph | null, next: Graph, positions: Positions, hints: Record<string, XY> = {}): Positions {
  const out: Positions = {};
  for (const key in positions) if (isTermKey(key)) out[key] = positions[key]!;
  for (const r of next.resources) if (positions[r.name]) out[r.name] = positions[r.name]!;
  // A node with a hint (dropped somewhere, or renamed by an edit) goes there: it is no match for one that went.
  const added = next.resources.filter((r) => !out[r.name] && !hints[r.name]);
  // (What went matters only for a node to match: typing inside a resource spares going through them.)
  const nextNames = added.length ? new Set(next.resources.map((r) => r.name)) : null;
  const gone = nextNames ? (previous?.resources ?? []).filter((r) => !nextNames.has(r.name) && positions[r.name]) : [];
  if (added.length === 1 && gone.length === 1) out[added[0]!.name] = positions[gone[0]!.name]!;
  else if (added.length && gone.length) {
    // Several at once: match by position in the resources section.
    const prevIndex = new Map((previous?.resources ?? []).map((r, i) => [r.name, i]));
    const nextIndex = new Map(next.resources.map((r, i) => [r.name, i]));
    for (const a of added) {
      const match = gone.find((g) => prevIndex.get(g.name) === nextIndex.get(a.name) && !Object.values(out).includes(positions[g.name]!));
      if (match) out[a.name] = positions[match.name]!;
    }
  }
  for (const r of next.resources) {
    if (out[r.name]) continue;
    out[r.name] = hints[r.name] ? freeSpot(hints[r.name]!, out) : placeNew(r.name, next, out);
  }
  // Nothing moved, came or went (typing inside a resource): the same object, so that what is drawn from
  // the positions (routes, labels, nodes) knows without looking that it has nothing to redo.
  const keys = Object.keys(out);
  if (keys.length === Object.keys(positions).length && keys.every((k) => out[k] === positions[k])) return positions;
  return out;
}
