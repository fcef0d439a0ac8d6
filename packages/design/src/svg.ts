// The design as a picture: real SVG drawn from the view model and the node
// positions (rectangles, edge paths with arrowheads, names and labels as
// SVG text), not a screenshot of the page. Every text from the template is
// escaped; nothing in the picture is script. PNG is made from this SVG.
import { categoryStyle } from './categories.ts';
import { NODE_HEIGHT, NODE_WIDTH, type Positions } from './layout.ts';
import type { EdgeKind, Graph } from './view-model.ts';
import { layoutEdges } from './edge-layout.ts';
import { pointOnRoute, routePath } from './routes.ts';

export interface SvgOptions {
  /** A resource's state from a run (e.g. CREATE_COMPLETE), shown as a coloured bar and its text. */
  statuses?: Record<string, string>;
  /** Margin around the drawing, in pixels. */
  margin?: number;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an SVG text node or attribute value; characters XML 1.0 does not allow are dropped. */
export function xmlText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** At most `max` characters (code points: a surrogate pair is never cut). */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

const EDGE_STYLE: Record<EdgeKind, { stroke: string; dash: string | null }> = {
  depends_on: { stroke: '#64748b', dash: null },
  get_resource: { stroke: '#8b5cf6', dash: '6 4' },
  get_attr: { stroke: '#8b5cf6', dash: '6 4' },
  implicit: { stroke: '#0d9488', dash: '2 4' },
  signal: { stroke: '#c2410c', dash: '1 3' },
};

function statusColor(status: string): string {
  if (status.endsWith('_FAILED')) return '#d55e00';
  if (status.endsWith('_IN_PROGRESS')) return '#56b4e9';
  if (status.startsWith('DELETE_') || status.startsWith('ROLLBACK_')) return '#999999';
  return '#009e73';
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

/** An SVG document of the design's resources and their dependencies, laid out as on the canvas. */
export function designSvg(graph: Graph, positions: Positions, options: SvgOptions = {}): string {
  const margin = options.margin ?? 40;
  const placed = graph.resources.filter((r) => positions[r.name]);
  const xs = placed.map((r) => positions[r.name]!.x);
  const ys = placed.map((r) => positions[r.name]!.y);
  const minX = xs.length ? Math.min(...xs) : 0;
  const minY = ys.length ? Math.min(...ys) : 0;
  const width = (xs.length ? Math.max(...xs) - minX + NODE_WIDTH : NODE_WIDTH) + 2 * margin;
  const height = (ys.length ? Math.max(...ys) - minY + NODE_HEIGHT : NODE_HEIGHT) + 2 * margin;
  const at = (name: string) => {
    const p = positions[name]!;
    return { x: p.x - minX + margin, y: p.y - minY + margin };
  };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="DejaVu Sans, Arial, sans-serif">`,
    '<defs>',
    ...(Object.keys(EDGE_STYLE) as EdgeKind[]).map(
      (kind) =>
        `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${EDGE_STYLE[kind].stroke}"/></marker>`,
    ),
    '</defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    '<g class="edges">',
  ];
  // As on the canvas (layoutEdges): from the dependent's left side to the right side of what it requires,
  // around the nodes in its way, each label at the free spot nearest its edge's middle.
  const drawn = graph.edges.filter((e) => positions[e.source] && positions[e.target]);
  const boxes = placed.map((r) => ({ ...at(r.name), width: NODE_WIDTH, height: NODE_HEIGHT }));
  const boxOf = (name: string) => ({ ...at(name), width: NODE_WIDTH, height: NODE_HEIGHT });
  const layouts = layoutEdges(
    drawn.map((e) => ({ id: e.id, source: boxOf(e.source), target: boxOf(e.target), label: e.label ? clip(e.label, 40) : null })),
    boxes,
  );
  const labels: string[] = [];
  drawn.forEach((e, i) => {
    const { from, to, via, label } = layouts[i]!;
    const style = EDGE_STYLE[e.kind];
    out.push(
      `<path d="${routePath(from, to, via)}" fill="none" stroke="${style.stroke}" stroke-width="1.5"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#arrow-${e.kind})"><title>${xmlText(`${e.source} → ${e.target} (${e.kind})`)}</title></path>`,
    );
    if (e.label && label) {
      const point = pointOnRoute(from, to, via, label.t);
      const place = { x: point.x, y: point.y + label.dy };
      const text = xmlText(clip(e.label, 40));
      const w = Math.min(40, e.label.length) * 5.6 + 6;
      labels.push(
        `<rect x="${n(place.x - w / 2)}" y="${n(place.y - 7)}" width="${n(w)}" height="14" rx="2" fill="#ffffff" fill-opacity="0.9"/><text x="${n(place.x)}" y="${n(place.y + 3.5)}" font-size="10" text-anchor="middle" fill="#334155">${text}</text>`,
      );
    }
  });
  out.push('</g>', '<g class="edge-labels">', ...labels, '</g>', '<g class="nodes">');
  for (const r of placed) {
    const { x, y } = at(r.name);
    const color = categoryStyle(r.category).color;
    const status = options.statuses?.[r.name];
    out.push(
      `<g class="node" transform="translate(${n(x)},${n(y)})">`,
      `<rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6" fill="#ffffff" stroke="${r.errors ? '#dc2626' : '#cbd5e1'}" stroke-width="${r.errors ? 2 : 1}"${r.disabled ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<rect x="10" y="12" width="22" height="22" rx="4" fill="${color}"/>`,
      `<text x="21" y="27.5" font-size="12" font-weight="bold" text-anchor="middle" fill="#ffffff">${xmlText(r.category.slice(0, 1))}</text>`,
      `<text x="42" y="24" font-size="13" font-weight="bold" fill="#0f172a">${xmlText(clip(r.name, 24))}</text>`,
      `<text x="42" y="41" font-size="11" fill="#475569">${xmlText(clip(r.type, 30))}</text>`,
    );
    if (r.members) out.push(`<text x="42" y="56" font-size="10" fill="#64748b">${r.members.length + r.moreMembers} members</text>`);
    if (r.errors) out.push(`<text x="${NODE_WIDTH - 10}" y="20" font-size="11" text-anchor="end" fill="#dc2626">✖ ${r.errors}</text>`);
    if (status) {
      out.push(
        `<rect x="0" y="${NODE_HEIGHT - 5}" width="${NODE_WIDTH}" height="5" fill="${statusColor(status)}"/>`,
        `<text x="${NODE_WIDTH - 10}" y="56" font-size="9" text-anchor="end" fill="#334155">${xmlText(status)}</text>`,
      );
    }
    out.push('</g>');
  }
  out.push('</g>', '</svg>');
  return `${out.join('\n')}\n`;
}
