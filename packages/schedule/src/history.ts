// Past durations from stacks' events: each resource's IN_PROGRESS to its
// COMPLETE, per type and action. On the simulated cloud a sample is the
// time beyond the latency that run's simulation asked for (see
// DurationHistory); a wait condition's time is its wait for signals, not a
// duration of its own, and a failed action says nothing about how long one
// takes: neither is kept.
import {
  median,
  SIGNALLED_TYPES,
  takesSimulatedLatency,
  type DurationHistory,
  type SimulatedLatency,
  type TimedAction,
} from './estimates.ts';

export interface TypedRunEvent {
  resourceName: string | null;
  resourceType: string | null;
  action: string;
  status: string;
  time: string;
}

export interface DurationSample {
  type: string;
  action: TimedAction;
  seconds: number;
}

const ACTIONS: Record<string, TimedAction> = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' };

/** The samples one stack's events give (`simulation`: its simulated latency, null on a real cloud). */
export function durationSamples(events: readonly TypedRunEvent[], simulation: SimulatedLatency | null): DurationSample[] {
  const started = new Map<string, { action: string; at: number }>();
  const out: DurationSample[] = [];
  for (const e of events) {
    if (!e.resourceName || !e.resourceType) continue;
    const at = Date.parse(e.time);
    if (e.status === 'IN_PROGRESS') {
      started.set(e.resourceName, { action: e.action, at });
      continue;
    }
    const start = started.get(e.resourceName);
    started.delete(e.resourceName);
    const action = ACTIONS[e.action];
    if (!start || start.action !== e.action || e.status !== 'COMPLETE' || !action || SIGNALLED_TYPES.has(e.resourceType)) continue;
    const latency =
      simulation && takesSimulatedLatency(e.resourceType) ? (simulation.latencyByType?.[e.resourceType] ?? simulation.latency) : 0;
    out.push({ type: e.resourceType, action, seconds: (at - start.at) / 1000 - latency });
  }
  return out;
}

/** The history of samples given newest first: the median of the latest `perKind` per type and action. */
export function historyOf(samples: Iterable<DurationSample>, perKind = 50): DurationHistory {
  const kept = new Map<string, number[]>();
  for (const s of samples) {
    const key = `${s.type}\n${s.action}`;
    const list = kept.get(key) ?? [];
    if (list.length < perKind) list.push(s.seconds);
    kept.set(key, list);
  }
  const history: DurationHistory = {};
  for (const [key, values] of kept) {
    const [type, action] = key.split('\n') as [string, TimedAction];
    (history[type] ??= {})[action] = { median: median(values), runs: values.length };
  }
  return history;
}
