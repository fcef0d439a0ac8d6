// Where the canvas looks when a design opens or is laid out: the whole graph
// when it fits at a zoom where names can be read; otherwise a readable zoom
// at the graph's top left, where its workflow starts (requirements are laid
// out left of what needs them). The fit-view control still shows it all.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Below this zoom a node's 13 px name is smaller than 6 px on screen. */
export const READABLE_ZOOM = 0.5;
const PADDING = 24;

/** The first view of a graph occupying `bounds` in a pane of `pane` pixels. */
export function firstView(bounds: Box, pane: { width: number; height: number }, maxZoom = 1.2): Viewport {
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
  // Vertically: centred when the graph's height fits, else from its top.
  const y =
    bounds.height * zoom <= pane.height - 2 * PADDING ? pane.height / 2 - (bounds.y + bounds.height / 2) * zoom : PADDING - bounds.y * zoom;
  return { x: PADDING - bounds.x * zoom, y, zoom };
}
