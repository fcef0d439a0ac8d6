// Running the design: the stack it deploys to, the plan shown on the canvas,
// and the live state of every resource, rebuilt from the stack's events.
// Events are kept by id, so a replay after a reconnect adds nothing twice.
import { create } from 'zustand';
import type { api } from '../api.ts';

/** A stack event, as the server's API gives it. */
export type StackEvent = Awaited<ReturnType<typeof api.stacks.events.query>>['events'][number];

export interface ResourceStatus {
  /** Heat's state, e.g. CREATE_IN_PROGRESS. */
  state: string;
  note: string | null;
  /** When the current action started (ms since epoch), for elapsed time. */
  since: number;
  /** The physical resource the node stands for now (a replacement's new copy, once made). */
  physicalId: string | null;
}

/** The plan of a deployment, as the server's API gives it. */
export type Plan = Awaited<ReturnType<typeof api.templates.plan.query>>;
export type PlanChange = Plan['changes'][number];

/** Where a stack runs: Hearth's rehearsal engine (a simulated cloud) or a cloud's Heat. */
export type StackTarget = { kind: 'rehearsal' } | { kind: 'openstack'; cloud: string };

export interface StackState {
  id: string;
  name: string;
  action: string;
  status: string;
  statusReason: string;
  inProgress: boolean;
  target: StackTarget;
  /** A rehearsal's simulated latency; null on a cloud. */
  simulation: { latency: number; latencyByType: Record<string, number> } | null;
}

export interface RunState {
  stackName: string;
  stack: StackState | null;
  /** In id order, each once. */
  events: StackEvent[];
  statuses: Record<string, ResourceStatus>;
  /** Per resource: the plan's action (create, update, replace, delete, retain, unchanged). */
  planActions: Record<string, string>;
  plan: Plan | null;
  /** The stack's updatedAt the plan was made against. */
  planBasedOn: string | null;
  connection: 'idle' | 'live' | 'reconnecting';
  setStackName(name: string): void;
  setStack(stack: StackState | null): void;
  setPlan(plan: Plan | null, basedOn: string | null): void;
  /** Adds events (from a replay or live); ignores ones already seen. */
  addEvents(events: StackEvent[]): void;
  resetEvents(): void;
  setConnection(state: RunState['connection']): void;
  setStatuses(statuses: Record<string, ResourceStatus>): void;
  setPlanActions(actions: Record<string, string>): void;
}

/**
 * Each resource's state after these events (the last event of each resource
 * wins). A failure's reason stays with the resource until the stack starts a
 * new operation, so that a rolled-back resource still says why it failed.
 */
export function statusesFrom(events: StackEvent[]): Record<string, ResourceStatus> {
  return withEvents({}, events);
}

/**
 * `statuses` after `events` (which follow the ones it was made from). Entries
 * the events do not change keep their identity, so that only the nodes whose
 * state changed draw again.
 */
export function withEvents(statuses: Record<string, ResourceStatus>, events: StackEvent[]): Record<string, ResourceStatus> {
  const out = { ...statuses };
  for (const e of events) {
    if (!e.resourceName) {
      if (e.status === 'IN_PROGRESS' && e.action !== 'ROLLBACK') {
        for (const [name, r] of Object.entries(out)) if (r.note !== null) out[name] = { ...r, note: null };
      }
      continue;
    }
    const state = `${e.action}_${e.status}`;
    const prev = out[e.resourceName];
    // A replaced resource's old copy is deleted after its new copy is made: those events are the log's, not the node's.
    if (e.action === 'DELETE' && prev?.physicalId && e.physicalId && e.physicalId !== prev.physicalId) continue;
    const since = e.status === 'IN_PROGRESS' || !prev ? Date.parse(e.time) : prev.since;
    out[e.resourceName] = {
      state,
      note: e.status === 'FAILED' ? e.reason : (prev?.note ?? null),
      since,
      physicalId: e.physicalId ?? prev?.physicalId ?? null,
    };
  }
  return out;
}

/** Whether events (in id order) hold the event `id` (a binary search). */
function hasEvent(events: readonly StackEvent[], id: number): boolean {
  let [low, high] = [0, events.length - 1];
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = events[mid]!.id;
    if (at === id) return true;
    if (at < id) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

export const useRun = create<RunState>()((set, get) => ({
  stackName: '',
  stack: null,
  events: [],
  statuses: {},
  planActions: {},
  plan: null,
  planBasedOn: null,
  connection: 'idle',
  setStackName: (stackName) => set({ stackName }),
  setStack: (stack) => set({ stack }),
  setPlan: (plan, planBasedOn) =>
    set({
      plan,
      planBasedOn,
      planActions: plan ? Object.fromEntries(plan.changes.map((c) => [c.resource, c.action])) : {},
    }),
  addEvents(events) {
    const { events: known, statuses } = get();
    const last = known.at(-1)?.id ?? -Infinity;
    // Known events are in id order: one after the last is new, one before it is new unless found.
    const fresh = events
      .filter((e) => e.id > last || !hasEvent(known, e.id))
      .sort((a, b) => a.id - b.id)
      .filter((e, i, sorted) => i === 0 || e.id !== sorted[i - 1]!.id);
    if (!fresh.length) return;
    // Live events come after all those known: they only move the state on. One from before them
    // (a replay that raced the live stream) means going through them all again, in order.
    const after = fresh[0]!.id > last;
    const all = after ? known.concat(fresh) : [...known, ...fresh].sort((a, b) => a.id - b.id);
    set({ events: all, statuses: after ? withEvents(statuses, fresh) : statusesFrom(all) });
  },
  resetEvents: () => set({ events: [], statuses: {} }),
  setConnection: (connection) => set({ connection }),
  setStatuses: (statuses) => set({ statuses }),
  setPlanActions: (planActions) => set({ planActions }),
}));
