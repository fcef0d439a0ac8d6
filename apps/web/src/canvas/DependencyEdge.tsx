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

interface EdgeShapeProps {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  from: XY;
  to: XY;
  /** The points it passes through around the nodes in its way (none: the plain curve). */
  via: readonly XY[];
  label: string | null;
  /** Where along the route its label sits, and how far above or below. */
  labelT: number;
  labelDy: number;
  selected: boolean;
  markerEnd?: string | undefined;
  /** `edge` for the edges React Flow draws (the e2e contract); the canvas's own draws say what they are. */
  testId: string;
  /** For the edges the canvas draws itself (React Flow handles clicks on its own). */
  onClick?: (() => void) | undefined;
}

/** An edge as drawn: its path, its title and its label (for React Flow's edges, and the routes the canvas draws itself). */
export function EdgeShape(props: EdgeShapeProps) {
  const { from, to, via, kind } = props;
  // Its route around the nodes in its way (routes.ts; the plain curve is React Flow's own bezier), and the
  // label at the place placeLabels chose along it.
  const path = routePath(from, to, via);
  const label = pointOnRoute(from, to, via, props.labelT);
  const critical = useSchedule((s) => s.highlight && (s.view?.criticalWaits.has(`${props.source}>${props.target}`) ?? false));
  return (
    <g
      data-testid={props.testId}
      data-source={props.source}
      data-target={props.target}
      data-kind={kind}
      {...(critical ? { 'data-critical': true } : {})}
      {...(props.selected ? { 'data-selected': true } : {})}
      className={`dep-edge dep-${kind}${critical ? ' critical' : ''}`}
      onClick={props.onClick}
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
      {props.label && (
        <text className="edge-label" x={label.x} y={label.y + props.labelDy}>
          {props.label}
        </text>
      )}
    </g>
  );
}

function DependencyEdgeView(props: EdgeProps<DependencyFlowEdge>) {
  // From the handles where React Flow has them now.
  return (
    <EdgeShape
      id={props.id}
      source={props.source}
      target={props.target}
      kind={props.data?.kind ?? 'depends_on'}
      from={{ x: props.sourceX, y: props.sourceY }}
      to={{ x: props.targetX, y: props.targetY }}
      via={props.data?.via ?? []}
      label={props.data?.label ?? null}
      labelT={props.data?.labelT ?? 0.5}
      labelDy={props.data?.labelDy ?? 0}
      selected={Boolean(props.selected)}
      markerEnd={props.markerEnd}
      testId="edge"
    />
  );
}

export const DependencyEdge = memo(DependencyEdgeView);
