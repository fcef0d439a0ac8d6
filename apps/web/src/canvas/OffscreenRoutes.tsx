// The parts of routes React Flow does not draw: past DRAW_ONLY_IN_VIEW_ABOVE
// resources it draws an edge only while the box of its two nodes is in view,
// and a route bent around the nodes in its way can leave that box
// (offscreen-routes.ts). Those in view by their route alone are drawn here,
// in the viewport, as React Flow would draw them; a click on one selects its
// edge (then Delete removes it, as React Flow's own edges do).
import { useCallback } from 'react';
import { useStore, ViewportPortal, type ReactFlowState } from '@xyflow/react';
import { inViewOnlyByRoute, type EdgeLayout, type GraphEdge, type RouteBeyondNodes } from '@hearth/design';
import { EdgeShape } from './DependencyEdge.tsx';

export interface OffscreenRoute extends RouteBeyondNodes {
  edge: GraphEdge;
  layout: EdgeLayout;
  selected: boolean;
}

const SVG_STYLE = { position: 'absolute', left: 0, top: 0, width: 1, height: 1, overflow: 'visible', pointerEvents: 'none' } as const;

export function OffscreenRoutes({ routes, onSelect }: { routes: readonly OffscreenRoute[]; onSelect: (edge: string) => void }) {
  // Which to draw, as a key: panning redraws this only when the set changes, not at every step.
  const shown = useStore(
    useCallback(
      (s: ReactFlowState) => {
        const [x, y, zoom] = s.transform;
        const view = { x: -x / zoom, y: -y / zoom, width: s.width / zoom, height: s.height / zoom };
        return inViewOnlyByRoute(routes, view)
          .map((r) => r.index)
          .join(' ');
      },
      [routes],
    ),
  );
  if (!shown) return null;
  const drawn = new Set(shown.split(' ').map(Number));
  return (
    <ViewportPortal>
      <svg className="offscreen-routes" style={SVG_STYLE}>
        {routes
          .filter((r) => drawn.has(r.index))
          .map(({ edge, layout, selected }) => (
            <EdgeShape
              key={edge.id}
              id={`offscreen:${edge.id}`}
              source={edge.source}
              target={edge.target}
              kind={edge.kind}
              from={layout.from}
              to={layout.to}
              via={layout.via}
              label={edge.label}
              labelT={layout.label?.t ?? 0.5}
              labelDy={layout.label?.dy ?? 0}
              selected={selected}
              testId="offscreen-route"
              onClick={() => onSelect(edge.id)}
            />
          ))}
      </svg>
    </ViewportPortal>
  );
}
