// Where the canvas looks when a design opens or is laid out: the whole graph
// when it fits at a zoom where names can be read; otherwise a readable zoom
// at the graph's left edge, where its workflow starts (requirements are laid
// out left of what needs them), level with the first resource there. The
// fit-view control still shows it all.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether two boxes are the same place and size. */
export const sameBox = (a: Box, b: Box): boolean => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Below this zoom a node's 13 px name is smaller than 6 px on screen. */
export const READABLE_ZOOM = 0.5;
const PADDING = 24;

/**
 * The first view of a graph occupying `bounds` in a pane of `pane` pixels. `start`: where its workflow
 * starts (the top of its left-most column of resources); a graph too tall to show whole opens level
 * with it (a layered layout of a big design centres its first column far below the graph's top, and
 * its top left may hold only parameters).
 */
export function firstView(bounds: Box, pane: { width: number; height: number }, maxZoom = 1.2, start?: { y: number }): Viewport {
  const fit = Math.min(
    (pane.width - 2 * PADDING) / Math.max(bounds.width, 1),
    (pane.height - 2 * PADDING) / Math.max(bounds.height, 1),
    maxZoom,
  );
  if (fit >= READABLE_ZOOM) {
    return {
      x: pane.width / 2 - (bounds.x + bounds.width / 2) * fit,
      y: pane.height / 2 - (bounds.y + bounds.height / 2) * fit,
      zoom: fit,
    };
  }
  const zoom = READABLE_ZOOM;
  // Vertically: centred when the graph's height fits, else from where its workflow starts (or its top).
  const y =
    bounds.height * zoom <= pane.height - 2 * PADDING
      ? pane.height / 2 - (bounds.y + bounds.height / 2) * zoom
      : PADDING - (start?.y ?? bounds.y) * zoom;
  return { x: PADDING - bounds.x * zoom, y, zoom };
}

/**
 * Where a design's workflow starts on the canvas: the top of its left-most column of resources (nodes
 * `columnWidth` apart or less from the left-most one), from their positions. Undefined without any.
 */
export function workflowStart(positions: Iterable<{ x: number; y: number }>, columnWidth: number): { x: number; y: number } | undefined {
  const all = [...positions];
  if (!all.length) return undefined;
  const left = Math.min(...all.map((p) => p.x));
  const column = all.filter((p) => p.x < left + columnWidth);
  return { x: left, y: Math.min(...column.map((p) => p.y)) };
}
