// A resource on the canvas: icon by category, name, type, problems badge,
// and for groups (ResourceGroup, nested templates) a collapsible member list.
import { memo } from 'react';
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { ResourceNodeData } from '@hearth/design';
import { useDesign } from '../state/design.ts';
import { useRun, type ResourceStatus, type RunState } from '../state/run.ts';
import { categoryStyle } from '@hearth/design';
import { PlanIcon } from './PlanIcon.tsx';
import { useSecondClock } from './clock.ts';
import { stateStyle } from './status.ts';

export type ResourceFlowNode = Node<
  ResourceNodeData & {
    expanded: boolean;
    /** The resources this one waits for (its dependency edges). */
    requires: string[];
    planAction?: string | null;
    ghost?: boolean;
  },
  'resource'
>;

/** Seconds since `since`, ticking while shown (every node on one shared clock). */
function Elapsed({ since }: { since: number }) {
  const now = useSecondClock();
  return <span className="elapsed"> {Math.max(0, Math.round((now - since) / 1000))}s</span>;
}

/**
 * A resource's live state, or, while its stack runs and it has not started,
 * what it waits for (names joined by spaces; '' for nothing). One value per
 * node, which keeps its identity (or, a string, its value) while unchanged.
 */
function liveOf(run: RunState, name: string, requires: string[]): ResourceStatus | string {
  const status = run.statuses[name];
  if (status) return status;
  if (!run.stack?.inProgress) return '';
  return requires.filter((d) => !run.statuses[d]?.state.endsWith('_COMPLETE')).join(' ');
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
    const names = live.split(' ');
    return (
      <div className="rnode-status st-init" data-testid="node-waiting">
        ○ waiting on {names.slice(0, 3).join(', ')}
        {names.length > 3 ? ` +${names.length - 3}` : ''}
      </div>
    );
  }
  return null;
}

function ResourceNodeView({ data, selected }: NodeProps<ResourceFlowNode>) {
  const style = categoryStyle(data.category);
  const toggle = useDesign((s) => s.toggleExpanded);
  // A node follows its resource's live state itself; a ghost (a resource the plan deletes) has none.
  const live = useRun((s) => (data.ghost ? '' : liveOf(s, data.name, data.requires)));
  const state = typeof live === 'string' ? undefined : live.state;
  return (
    <div
      className={`rnode${data.members ? '' : ' fixed'}${selected ? ' selected' : ''}${data.disabled ? ' disabled' : ''}${data.errors ? ' has-errors' : ''}${data.ghost ? ' ghost' : ''}`}
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
