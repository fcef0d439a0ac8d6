// The overview map in the canvas's corner: every node as a rectangle and the view as a window over them.
// Drag it to move the view, scroll on it to zoom (React Flow's own handling of its MiniMap, XYMinimap).
//
// React Flow's MiniMap draws each node as a component that follows React Flow's store: at 1,000 nodes,
// 1,000 selectors ran on every change of the store (each keystroke's nodes, each frame of a pan), about
// a tenth of the page's script per keystroke. This map draws all the nodes as one path, made again only
// when the nodes change, and follows the store only for the view.
import { useEffect, useMemo, useRef } from 'react';
import { Panel, useStore, useStoreApi, type ReactFlowState } from '@xyflow/react';
import { XYMinimap, type XYMinimapInstance } from '@xyflow/system';
import { shallow } from 'zustand/shallow';
import { sameBox, type Box } from '@hearth/design';
import { boundsOf, boxesPath, outsideViewPath, overviewFrame } from './overview.ts';

const SIZE = { width: 200, height: 150 };

/** The part of the flow in view. */
const viewOf = (s: ReactFlowState): Box => ({
  x: -s.transform[0] / s.transform[2],
  y: -s.transform[1] / s.transform[2],
  width: s.width / s.transform[2],
  height: s.height / s.transform[2],
});
const paneOf = (s: ReactFlowState) => ({ panZoom: s.panZoom, translateExtent: s.translateExtent, width: s.width, height: s.height });

export function OverviewMap({ boxes }: { boxes: readonly Box[] }) {
  const store = useStoreApi();
  const view = useStore(viewOf, sameBox);
  const pane = useStore(paneOf, shallow);
  const bounds = useMemo(() => boundsOf(boxes), [boxes]);
  const nodesPath = useMemo(() => boxesPath(boxes), [boxes]);
  const frame = overviewFrame(bounds, view, SIZE);
  // What a drag on the map moves the view by, read by XYMinimap while dragging.
  const scale = useRef(frame.scale);
  scale.current = frame.scale;

  const svg = useRef<SVGSVGElement>(null);
  const minimap = useRef<XYMinimapInstance | null>(null);
  useEffect(() => {
    if (!svg.current || !pane.panZoom) return;
    const instance = XYMinimap({
      domNode: svg.current,
      panZoom: pane.panZoom,
      getTransform: () => store.getState().transform,
      getViewScale: () => scale.current,
    });
    minimap.current = instance;
    return () => {
      instance.destroy();
      minimap.current = null;
    };
  }, [pane.panZoom, store]);
  useEffect(() => {
    minimap.current?.update({
      translateExtent: pane.translateExtent,
      width: pane.width,
      height: pane.height,
      pannable: true,
      zoomable: true,
    });
  }, [pane]);

  const { x, y, width, height } = frame.viewBox;
  return (
    <Panel position="bottom-right" className="react-flow__minimap overview-map" data-testid="overview-map">
      <svg
        ref={svg}
        className="react-flow__minimap-svg"
        width={SIZE.width}
        height={SIZE.height}
        viewBox={`${x} ${y} ${width} ${height}`}
        role="img"
        aria-label="Overview of the design (drag to move the view, scroll to zoom)"
      >
        <path className="react-flow__minimap-node" d={nodesPath} />
        <path className="react-flow__minimap-mask" d={outsideViewPath(frame, view)} fillRule="evenodd" pointerEvents="none" />
        <rect className="overview-view" x={view.x} y={view.y} width={view.width} height={view.height} pointerEvents="none" />
      </svg>
    </Panel>
  );
}
