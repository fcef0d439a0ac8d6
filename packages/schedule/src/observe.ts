// A stack's events, read as observed step times: the operation running (or
// last run), when it started, and when each of its steps started and
// finished. During an update, a resource's DELETE is the cleanup of its old
// copy (or of a removed resource).
import { CLEANUP, type Operation } from './steps.ts';
import type { Observed } from './timing.ts';

/** A stack event as the API gives it (resourceName null: the stack's own). */
export interface RunEvent {
  resourceName: string | null;
  action: string;
  status: string;
  time: string;
}

export interface RunObservation {
  operation: Operation;
  /** When the operation started (ms since the epoch). */
  startedAt: number;
  /** When it ended (ms since the epoch), or null while it runs. */
  endedAt: number | null;
  /** Step times in seconds from `startedAt`, by step id. */
  observed: Map<string, Observed>;
}

const OPERATIONS: Record<string, Operation> = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' };

/** The last operation the events show, or null when they show none. */
export function observeRun(events: readonly RunEvent[]): RunObservation | null {
  let begin = -1;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.resourceName === null && e.status === 'IN_PROGRESS' && OPERATIONS[e.action]) {
      begin = i;
      break;
    }
  }
  if (begin < 0) return null;
  const first = events[begin]!;
  const operation = OPERATIONS[first.action]!;
  const startedAt = Date.parse(first.time);
  const at = (e: RunEvent) => (Date.parse(e.time) - startedAt) / 1000;
  const observed = new Map<string, Observed>();
  let endedAt: number | null = null;
  for (let i = begin + 1; i < events.length; i++) {
    const e = events[i]!;
    if (e.resourceName === null) {
      // The operation's end (a rollback that follows a failure ends it too).
      if (e.status !== 'IN_PROGRESS' || e.action === 'ROLLBACK') endedAt ??= Date.parse(e.time);
      continue;
    }
    if (endedAt !== null) continue;
    const id = operation === 'update' && e.action === 'DELETE' ? `${CLEANUP}${e.resourceName}` : e.resourceName;
    if (e.status === 'IN_PROGRESS') observed.set(id, { start: at(e), finish: null });
    else {
      const seen = observed.get(id);
      observed.set(id, { start: seen?.start ?? at(e), finish: at(e), failed: e.status === 'FAILED' });
    }
  }
  return { operation, startedAt, endedAt, observed };
}
