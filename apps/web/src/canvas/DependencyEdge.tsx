// An edge: depends_on solid; get_resource and get_attr dashed and labelled
// with the property they fill; a dependency Heat adds by itself (a server on
// a network waits for its subnet) dotted; a wait condition's wait for the
// signal a resource sends, finely dotted. Source is the resource that
// depends, target the one it requires.
import { memo } from 'react';
import { BaseEdge, type Edge, type EdgeProps } from '@xyflow/react';
import { pointOnRoute, routePath, type EdgeKind, type XY } from '@hearth/design';
import { useSchedule } from '../state/schedule.ts';

export type DependencyFlowEdge = Edge<
  {
    kind: EdgeKind;
    label: string | null;
    /** Where along the curve its label sits, and how far above or below. */ labelT?: number;
    labelDy?: number;
    /** The points it passes through around the nodes in its way (none: the plain curve). */
    via?: XY[];
  },
  'dependency'
>;

const DASHES: Record<EdgeKind, string | undefined> = {
  depends_on: undefined,
  get_resource: '6 4',
  get_attr: '6 4',
  implicit: '2 4',
  signal: '1 3',
};

const EDGE_TITLES: Record<EdgeKind, (source: string, target: string) => string> = {
  depends_on: (s, t) => `${s} depends_on ${t}`,
  get_resource: (s, t) => `${s} refers to ${t} (get_resource)`,
  get_attr: (s, t) => `${s} reads an attribute of ${t} (get_attr)`,
  implicit: (s, t) => `Heat makes ${s} wait for ${t} (an implicit dependency of these types)`,
  signal: (s, t) => `${s} waits for the signal ${t} sends (through its handle)`,
};

function DependencyEdgeView(props: EdgeProps<DependencyFlowEdge>) {
  // Its route around the nodes in its way (routes.ts; the plain curve is React Flow's own bezier), from the
  // handles where React Flow has them now; the label at the place placeLabels chose along it.
  const from = { x: props.sourceX, y: props.sourceY };
  const to = { x: props.targetX, y: props.targetY };
  const via = props.data?.via ?? [];
  const path = routePath(from, to, via);
  const label = pointOnRoute(from, to, via, props.data?.labelT ?? 0.5);
  const labelX = label.x;
  const labelY = label.y + (props.data?.labelDy ?? 0);
  const kind = props.data?.kind ?? 'depends_on';
  const critical = useSchedule((s) => s.highlight && (s.view?.criticalWaits.has(`${props.source}>${props.target}`) ?? false));
  return (
    <g
      data-testid="edge"
      data-source={props.source}
      data-target={props.target}
      data-kind={kind}
      {...(critical ? { 'data-critical': true } : {})}
      className={`dep-edge dep-${kind}${critical ? ' critical' : ''}`}
    >
      <title>{EDGE_TITLES[kind](props.source, props.target)}</title>
      <BaseEdge
        id={props.id}
        path={path}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        style={{ strokeDasharray: DASHES[kind], strokeWidth: props.selected || critical ? 2.5 : 1.5 }}
      />
      {/* Text on a halo of its own stroke (.edge-label): React Flow's label measures each one with
          getBBox to size its background, which costs a layout per edge as edges come into view. */}
      {props.data?.label && (
        <text className="edge-label" x={labelX} y={labelY}>
          {props.data.label}
        </text>
      )}
    </g>
  );
}

export const DependencyEdge = memo(DependencyEdgeView);
