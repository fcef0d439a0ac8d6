// The one place a state change and its event are built: a resource's or a
// stack's new state, the row patch that records it and the event that says
// so, with the traversal and the engine that made it.
import type { HeatAction, HeatStatus, ResourcePatch, ResourceRecord, StackPatch } from '@hearth/store';
import { REASON } from '../states.ts';
import type { StateChange } from '../state-writer.ts';

/** Who makes the changes, in which operation. */
export interface ChangeSource {
  stack: { id: string; name: string };
  traversal: string | null;
  engineId: string;
}

export function resourceChange(
  source: ChangeSource,
  rec: ResourceRecord,
  action: HeatAction,
  status: HeatStatus,
  reason: string = REASON.stateChanged,
  patch: ResourcePatch = {},
  /** Remove the resource's row in the same commit (a completed delete). */
  remove = false,
): StateChange {
  return {
    resource: {
      id: rec.id,
      patch: { ...patch, action, status, statusReason: reason, engineId: status === 'IN_PROGRESS' ? source.engineId : null },
      remove,
    },
    event: {
      stackId: source.stack.id,
      stackName: source.stack.name,
      resourceName: rec.name,
      resourceType: rec.type,
      physicalId: patch.physicalId ?? rec.physicalId,
      action,
      status,
      reason,
      traversal: source.traversal,
      engineId: source.engineId,
    },
  };
}

/** An event about a resource that leaves its row as it is (Heat's _add_event, as for a restricted action). */
export function resourceEvent(
  source: ChangeSource,
  rec: ResourceRecord,
  action: HeatAction,
  status: HeatStatus,
  reason: string,
): StateChange {
  const { event } = resourceChange(source, rec, action, status, reason);
  return { event };
}

export function stackChange(
  source: ChangeSource,
  action: HeatAction,
  status: HeatStatus,
  reason: string,
  patch: StackPatch = {},
): StateChange {
  return {
    stack: { id: source.stack.id, patch: { ...patch, action, status, statusReason: reason } },
    event: {
      stackId: source.stack.id,
      stackName: source.stack.name,
      resourceName: null,
      resourceType: null,
      physicalId: null,
      action,
      status,
      reason,
      traversal: source.traversal,
      engineId: source.engineId,
    },
  };
}
