// Past durations per resource type and action on one target, read from the
// events the store keeps of its stacks (deleted ones too): each resource's
// IN_PROGRESS to COMPLETE. On the simulated cloud a sample is the time
// beyond the latency the stack's simulation asked for, so that rehearsals
// with another latency still say how much the engine adds.
import { settingsOf } from '@hearth/resources';
import { median, SIGNALLED_TYPES, takesSimulatedLatency, type DurationHistory, type TimedAction } from '@hearth/schedule';
import type { EventRecord, StackRecord, Store } from '@hearth/store';
import { targetOf, type StackTarget } from '../targets/index.ts';

/** Stacks read at most (the most recently changed first), and events per stack. */
export const HISTORY_LIMITS = { stacks: 30, eventsPerStack: 20_000, samplesPerKind: 50 };

const ACTIONS: Record<string, TimedAction> = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' };

function sameTarget(a: StackTarget, b: StackTarget): boolean {
  return a.kind === b.kind && (a.kind === 'rehearsal' || (b.kind === 'openstack' && a.cloud === b.cloud));
}

/** Each finished action of a stack's resources: its type, action and seconds (beyond the simulated latency on a rehearsal). */
export function samplesOf(
  stack: StackRecord,
  events: readonly EventRecord[],
): Array<{ type: string; action: TimedAction; seconds: number }> {
  const rehearsal = targetOf(stack).kind === 'rehearsal';
  const simulation = rehearsal ? settingsOf(stack.options as Parameters<typeof settingsOf>[0]) : null;
  const started = new Map<string, { action: string; at: number }>();
  const out: Array<{ type: string; action: TimedAction; seconds: number }> = [];
  for (const e of events) {
    if (!e.resourceName || !e.resourceType) continue;
    const at = Date.parse(e.time);
    if (e.status === 'IN_PROGRESS') started.set(e.resourceName, { action: e.action, at });
    else {
      const start = started.get(e.resourceName);
      started.delete(e.resourceName);
      const action = ACTIONS[e.action];
      if (!start || start.action !== e.action || e.status !== 'COMPLETE' || !action) continue;
      if (SIGNALLED_TYPES.has(e.resourceType)) continue;
      const latency =
        simulation && takesSimulatedLatency(e.resourceType) ? (simulation.latencyByType[e.resourceType] ?? simulation.latency) : 0;
      out.push({ type: e.resourceType, action, seconds: (at - start.at) / 1000 - latency });
    }
  }
  return out;
}

export async function durationHistory(store: Store, target: StackTarget): Promise<DurationHistory> {
  const stacks = (await store.listStacks({ includeDeleted: true }))
    .filter((s) => sameTarget(targetOf(s), target))
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
    .slice(0, HISTORY_LIMITS.stacks);
  const samples = new Map<string, number[]>();
  for (const stack of stacks) {
    const events = await store.listEvents({ stackId: stack.id, limit: HISTORY_LIMITS.eventsPerStack });
    for (const s of samplesOf(stack, events)) {
      const key = `${s.type}\n${s.action}`;
      const list = samples.get(key) ?? [];
      // Newest stacks come first: keep their samples.
      if (list.length < HISTORY_LIMITS.samplesPerKind) list.push(s.seconds);
      samples.set(key, list);
    }
  }
  const history: DurationHistory = {};
  for (const [key, values] of samples) {
    const [type, action] = key.split('\n') as [string, TimedAction];
    (history[type] ??= {})[action] = { median: median(values), runs: values.length };
  }
  return history;
}
