// An edge: depends_on solid; get_resource and get_attr dashed and labelled
// with the property they fill. Source is the resource that depends, target
// the one it requires.
import { memo } from 'react';
import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { EdgeKind } from '../graph/derive.ts';

export type DependencyFlowEdge = Edge<{ kind: EdgeKind; label: string | null }, 'dependency'>;

function DependencyEdgeView(props: EdgeProps<DependencyFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const kind = props.data?.kind ?? 'depends_on';
  return (
    <g data-testid="edge" data-source={props.source} data-target={props.target} data-kind={kind} className={`dep-edge dep-${kind}`}>
      <BaseEdge
        id={props.id}
        path={path}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        style={{ strokeDasharray: kind === 'depends_on' ? undefined : '6 4', strokeWidth: props.selected ? 2.5 : 1.5 }}
        {...(props.data?.label
          ? { label: props.data.label, labelX, labelY, labelStyle: { fontSize: 10 }, labelBgPadding: [3, 2] as [number, number] }
          : {})}
      />
    </g>
  );
}

export const DependencyEdge = memo(DependencyEdgeView);
