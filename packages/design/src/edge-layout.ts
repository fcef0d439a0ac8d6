// Where the edges go, for the canvas and the SVG export alike: each edge from
// the dependent's left side to the right side of what it requires, routed
// around the nodes in its way (routes.ts), its label at the free spot nearest
// its middle (labels.ts). EdgeLayouts keeps the last result and gives it again
// while the geometry is the same: typing in a 1,000-resource design, even
// renaming a resource (its node stays where it was), does not route and place
// again.
import type { XY } from './layout.ts';
import { placeLabels } from './labels.ts';
import { pointOnRoute, routeEdges } from './routes.ts';
import { sameBox, type Box } from './viewport.ts';

export interface EdgeGeometry {
  id: string;
  /** The boxes of the dependent (source) and of what it requires (target). */
  source: Box;
  target: Box;
  /** The label's text as drawn (null: none). */
  label: string | null;
}

export interface EdgeLayout {
  from: XY;
  to: XY;
  /** The points the edge passes through (none: the plain curve). */
  via: XY[];
  /** Where its label goes: how far along the route, and how far above or below it (null: no label). */
  label: { t: number; dy: number } | null;
}

/** Where an edge starts and ends: the middle of its source's left side and of its target's right side. */
function endsOf(e: EdgeGeometry): { from: XY; to: XY } {
  return {
    from: { x: e.source.x, y: e.source.y + e.source.height / 2 },
    to: { x: e.target.x + e.target.width, y: e.target.y + e.target.height / 2 },
  };
}

/** Each edge's layout, in the order given, among the `nodes` it is routed around. */
export function layoutEdges(edges: readonly EdgeGeometry[], nodes: readonly Box[]): EdgeLayout[] {
  const ends = edges.map((e) => ({ id: e.id, ...endsOf(e), ends: [e.source, e.target] }));
  const routes = routeEdges(ends, nodes);
  const places = placeLabels(
    ends.flatMap((r, i) => {
      const text = edges[i]!.label;
      const via = routes.get(r.id) ?? [];
      return text ? [{ id: r.id, text, from: r.from, to: r.to, at: (t: number) => pointOnRoute(r.from, r.to, via, t) }] : [];
    }),
    nodes,
  );
  return ends.map((r) => {
    const place = places.get(r.id);
    return { from: r.from, to: r.to, via: routes.get(r.id) ?? [], label: place ? { t: place.t, dy: place.dy } : null };
  });
}

/** The places of the labelled edges in the order placeLabels takes them (by id). */
const labelOrder = (edges: readonly EdgeGeometry[]) =>
  edges
    .flatMap((e, i) => (e.label ? [i] : []))
    .sort((a, b) => (edges[a]!.id < edges[b]!.id ? -1 : edges[a]!.id > edges[b]!.id ? 1 : 0))
    .join(' ');

/**
 * Whether a layout of these edges and nodes is the layout of those: the same nodes' boxes, each edge's
 * ends and label, and the order labels are placed in (placeLabels goes by id, so a rename may change it).
 * Compared item by item: at 1,000 resources a key string of all of it cost the page about 2 ms a keystroke.
 */
function sameGeometry(
  last: { edges: readonly EdgeGeometry[]; nodes: readonly Box[] },
  edges: readonly EdgeGeometry[],
  nodes: readonly Box[],
): boolean {
  if (last.nodes.length !== nodes.length || last.edges.length !== edges.length) return false;
  for (let i = 0; i < nodes.length; i++) if (!sameBox(last.nodes[i]!, nodes[i]!)) return false;
  let sameIds = true;
  for (let i = 0; i < edges.length; i++) {
    const [a, b] = [last.edges[i]!, edges[i]!];
    if (!sameBox(a.source, b.source) || !sameBox(a.target, b.target) || (a.label ?? '') !== (b.label ?? '')) return false;
    sameIds &&= a.id === b.id;
  }
  return sameIds || labelOrder(last.edges) === labelOrder(edges);
}

/** Edge layouts that are computed again only when their geometry changed. */
export class EdgeLayouts {
  private last: {
    edges: readonly EdgeGeometry[];
    nodes: readonly Box[];
    byId: ReadonlyMap<string, EdgeGeometry>;
    layouts: ReadonlyMap<string, EdgeLayout>;
    all: EdgeLayout[];
  } | null = null;

  /** The layouts (the same array as last time when the geometry is the same). */
  layout(edges: readonly EdgeGeometry[], nodes: readonly Box[]): EdgeLayout[] {
    if (!this.last || !sameGeometry(this.last, edges, nodes)) {
      const all = layoutEdges(edges, nodes);
      this.last = {
        edges,
        nodes,
        byId: new Map(edges.map((e) => [e.id, e])),
        layouts: new Map(edges.map((e, i) => [e.id, all[i]!])),
        all,
      };
    }
    return this.last.all;
  }

  /**
   * The layouts while nodes are dragged: an edge whose ends have not moved since the last layout keeps
   * it (the same object); an edge at a moved node is the plain curve between its ends, its label at the
   * middle. Nothing is routed or kept: routing every edge again at each step of a drag takes about 50 ms
   * at 1,000 resources, so the canvas routes once, when the nodes are dropped.
   */
  held(edges: readonly EdgeGeometry[]): EdgeLayout[] {
    return edges.map((e) => {
      const before = this.last?.byId.get(e.id);
      const kept =
        before && sameBox(before.source, e.source) && sameBox(before.target, e.target) ? this.last!.layouts.get(e.id) : undefined;
      if (kept && (kept.label === null) === (e.label === null)) return kept;
      return {
        ...endsOf(e),
        via: [],
        label: e.label ? { t: 0.5, dy: 0 } : null,
      };
    });
  }
}
