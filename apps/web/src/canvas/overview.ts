// The overview map's geometry: where its window onto the flow is, and the nodes as one SVG path.
// (The same framing as React Flow's MiniMap: the nodes and the view, centred, with a margin.)

import type { Box } from '@hearth/design';

/** The box around all the boxes, or null when there are none. */
export function boundsOf(boxes: readonly Box[]): Box | null {
  if (!boxes.length) return null;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

export type OverviewFrame = {
  /** The part of the flow the map shows (its SVG viewBox). */
  viewBox: Box;
  /** Flow units per pixel of the map (what a drag on the map moves the view by). */
  scale: number;
};

/**
 * The part of the flow a map of `size` pixels shows: the nodes and the view (both whole), centred, the
 * same scale on both axes (the map's proportions), with at least `margin` map pixels around.
 */
export function overviewFrame(nodes: Box | null, view: Box, size: { width: number; height: number }, margin = 5): OverviewFrame {
  const shown = nodes ? union(nodes, view) : view;
  const scale = Math.max(shown.width / (size.width - 2 * margin), shown.height / (size.height - 2 * margin)) || 1;
  const [width, height] = [scale * size.width, scale * size.height];
  return {
    viewBox: { x: shown.x - (width - shown.width) / 2, y: shown.y - (height - shown.height) / 2, width, height },
    scale,
  };
}

const n = (v: number) => Math.round(v * 10) / 10;

/** The boxes as one path of rectangles. */
export function boxesPath(boxes: readonly Box[]): string {
  return boxes.map((b) => `M${n(b.x)},${n(b.y)}h${n(b.width)}v${n(b.height)}h${n(-b.width)}z`).join('');
}

/** The shade over everything the map shows but the view (drawn with fill-rule evenodd). */
export function outsideViewPath(frame: OverviewFrame, view: Box): string {
  const { x, y, width, height } = frame.viewBox;
  return `${boxesPath([{ x, y, width, height }])}${boxesPath([view])}`;
}
