// A resource on the canvas: icon by category, name, type, problems badge,
// and for groups (ResourceGroup, nested templates) a collapsible member list.
import { memo } from 'react';
import { Handle, Position, type NodeHandle, type NodeProps, type Node } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH, type ResourceNodeData } from '@hearth/design';
import { useDesign } from '../state/design.ts';
import { useRun, type ResourceStatus } from '../state/run.ts';
import { useSchedule } from '../state/schedule.ts';
import { categoryStyle } from '@hearth/design';
import { PlanIcon } from './PlanIcon.tsx';
import { useSecondClock } from './clock.ts';
import { stateStyle } from './status.ts';

export type ResourceFlowNode = Node<
  ResourceNodeData & {
    expanded: boolean;
    planAction?: string | null;
    ghost?: boolean;
  },
  'resource'
>;

/** The side of a handle (`.handle` in styles.css). */
const HANDLE_SIZE = 9;
/** Where `.rnode`'s borders put its handles: React Flow centres them on the inner edge of the left (5 px) and right (1 px) border. */
const HANDLE_TOP = NODE_HEIGHT / 2 - HANDLE_SIZE / 2;

/**
 * The handles of a node of the fixed size (no member list), as React Flow would measure them. Given
 * with the node, they spare React Flow drawing every node once to measure it, which at 1,000
 * resources it does even for nodes out of view (`onlyRenderVisibleElements` draws unmeasured nodes).
 */
export const FIXED_NODE_HANDLES: NodeHandle[] = [
  { type: 'source', position: Position.Left, x: 5 - HANDLE_SIZE / 2, y: HANDLE_TOP, width: HANDLE_SIZE, height: HANDLE_SIZE },
  { type: 'target', position: Position.Right, x: NODE_WIDTH - 1 - HANDLE_SIZE / 2, y: HANDLE_TOP, width: HANDLE_SIZE, height: HANDLE_SIZE },
];

/** Seconds since `since`, ticking while shown (every node on one shared clock). */
function Elapsed({ since }: { since: number }) {
  const now = useSecondClock();
  return <span className="elapsed"> {Math.max(0, Math.round((now - since) / 1000))}s</span>;
}

function StatusLine({ live }: { live: ResourceStatus | string }) {
  if (typeof live !== 'string') {
    const style = stateStyle(live.state);
    return (
      <div className={`rnode-status ${style.className}`} data-testid="node-status" title={live.note ?? style.label}>
        <span aria-hidden>{style.icon}</span> {live.state}
        {live.state.endsWith('_IN_PROGRESS') ? <Elapsed since={live.since} /> : null}
        {live.note && <span className="rnode-reason"> — {live.note}</span>}
      </div>
    );
  }
  if (live) {
    // The chain down to what runs: the nearest and the farthest when it is long.
    const chain = live.split(' → ');
    return (
      <div className="rnode-status st-init" data-testid="node-waiting" title={`waiting on ${live}`}>
        ○ waiting on {chain.length > 3 ? `${chain[0]} → … → ${chain.at(-1)}` : live}
      </div>
    );
  }
  return null;
}

function ResourceNodeView({ data, selected }: NodeProps<ResourceFlowNode>) {
  const style = categoryStyle(data.category);
  const toggle = useDesign((s) => s.toggleExpanded);
  // A node follows its resource's live state itself; a ghost (a resource the plan deletes) has none.
  // Before it starts in a run, it says what it waits on (the schedule's chain down to what runs).
  const status = useRun((s) => (data.ghost ? undefined : s.statuses[data.name]));
  const waiting = useSchedule((s) => (data.ghost ? '' : (s.view?.waiting[data.name] ?? '')));
  const critical = useSchedule((s) => s.highlight && !data.ghost && (s.view?.critical.has(data.name) ?? false));
  const live = status ?? waiting;
  const state = typeof live === 'string' ? undefined : live.state;
  return (
    <div
      className={`rnode${data.members ? '' : ' fixed'}${critical ? ' critical' : ''}${selected ? ' selected' : ''}${data.disabled ? ' disabled' : ''}${data.errors ? ' has-errors' : ''}${data.ghost ? ' ghost' : ''}`}
      data-testid={data.ghost ? 'ghost-node' : 'node'}
      data-resource={data.name}
      data-type={data.type}
      {...(state ? { 'data-status': state } : {})}
      {...(data.planAction ? { 'data-plan': data.planAction } : {})}
      style={{ borderLeftColor: style.color }}
    >
      <Handle type="source" position={Position.Left} className="handle" />
      <span className="rnode-icon" style={{ background: style.color }} aria-hidden>
        {style.glyph}
      </span>
      <div className="rnode-text">
        <div className="rnode-name">{data.name}</div>
        <div className="rnode-type">{data.type || '(no type)'}</div>
        <StatusLine live={live} />
      </div>
      {data.errors > 0 && (
        <span className="badge badge-error" data-testid="node-errors" title={data.problem ?? ''}>
          ✖ {data.errors}
        </span>
      )}
      {data.errors === 0 && data.warnings > 0 && (
        <span className="badge badge-warning" title={data.problem ?? ''}>
          ⚠ {data.warnings}
        </span>
      )}
      {data.planAction && data.planAction !== 'unchanged' && (
        <span className={`plan-badge plan-${data.planAction}`} data-testid="plan-badge">
          <PlanIcon action={data.planAction} /> {data.planAction}
        </span>
      )}
      {data.members && (
        <button
          className="rnode-toggle nodrag"
          data-testid="group-toggle"
          onClick={(e) => {
            e.stopPropagation();
            toggle(data.name);
          }}
          title={data.expanded ? 'Collapse' : 'Expand'}
        >
          {data.expanded ? '▾' : '▸'} {data.members.length + data.moreMembers}
        </button>
      )}
      {data.members && data.expanded && (
        <ul className="rnode-members" data-testid="group-members">
          {data.members.map((m) => (
            <li key={m.name}>
              <b>{m.name}</b> {m.type}
            </li>
          ))}
          {data.moreMembers > 0 && <li className="muted">… and {data.moreMembers} more</li>}
        </ul>
      )}
      <Handle type="target" position={Position.Right} className="handle" />
    </div>
  );
}

export const ResourceNode = memo(ResourceNodeView);

export type TermFlowNode = Node<{ name: string; detail: string; kind: 'parameter' | 'output' }, 'term'>;

/** A parameter or an output: smaller, no handles. */
function TermNodeView({ data }: NodeProps<TermFlowNode>) {
  return (
    <div className={`tnode tnode-${data.kind}`} data-testid={data.kind} data-name={data.name}>
      <span className="tnode-kind">{data.kind === 'parameter' ? 'param' : 'output'}</span> {data.name}
      <div className="tnode-detail">{data.detail}</div>
    </div>
  );
}

export const TermNode = memo(TermNodeView);
