// When each step starts and finishes, the total time, the critical path
// (the chain of steps that sets the total) and each step's slack (how much
// later it could finish without delaying the total). Heat starts a resource
// as soon as everything it waits for is done, so a step starts when the
// last of them finishes; a wait condition finishes when its signals have
// come. The same passes project a running stack: steps that have started or
// finished keep their observed times, the rest start no earlier than now.
import type { Estimate, Estimator } from './estimates.ts';
import type { Step } from './steps.ts';
import type { Wait } from './workflow.ts';

/** A step's observed times on a running (or finished) stack, in seconds from the operation's start. */
export interface Observed {
  start: number;
  /** null while it runs. */
  finish: number | null;
  failed?: boolean;
}

export type StepState = 'planned' | 'running' | 'done' | 'failed';

export interface TimedStep extends Step {
  estimate: Estimate;
  state: StepState;
  start: number;
  finish: number;
  /** How much later it could finish without delaying the total. */
  slack: number;
  critical: boolean;
  /** What set its start (the last step waited for), or, for a wait condition, its finish (the signal). */
  boundBy: Wait | null;
}

export interface Schedule {
  steps: TimedStep[];
  byId: ReadonlyMap<string, TimedStep>;
  /** Seconds from the operation's start to its end. */
  total: number;
  /** Step ids from the first to the last of the chain that sets the total. */
  criticalPath: string[];
  /** Steps that cannot be placed (on a cycle): the template is invalid. */
  blocked: string[];
}

const EPSILON = 1e-6;

/** Steps in an order where each comes after what it waits for (including the signals it waits for). */
function ordered(steps: readonly Step[]): { order: Step[]; blocked: string[] } {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const pending = new Map<string, number>();
  const next = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    const list = next.get(from);
    if (list) list.push(to);
    else next.set(from, [to]);
  };
  const mains = steps.filter((s) => s.phase === 'main').map((s) => s.id);
  for (const s of steps) {
    const before = [...s.after, ...s.signalledBy].map((w) => w.on).filter((id) => byId.has(id));
    if (s.phase === 'cleanup') before.push(...mains);
    pending.set(s.id, before.length);
    for (const b of before) link(b, s.id);
  }
  const ready = steps.filter((s) => pending.get(s.id) === 0).map((s) => s.id);
  const order: Step[] = [];
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    order.push(byId.get(id)!);
    for (const n of next.get(id) ?? []) {
      const left = pending.get(n)! - 1;
      pending.set(n, left);
      if (left === 0) ready.push(n);
    }
  }
  const placed = new Set(order.map((s) => s.id));
  return { order, blocked: steps.filter((s) => !placed.has(s.id)).map((s) => s.id) };
}

export interface TimingOptions {
  /** Observed times of steps that have started, by step id. */
  observed?: ReadonlyMap<string, Observed>;
  /** Seconds since the operation started: nothing not yet started starts before it. */
  now?: number;
}

export function timeSteps(steps: readonly Step[], estimate: Estimator, options: TimingOptions = {}): Schedule {
  const { observed = new Map<string, Observed>(), now = 0 } = options;
  const { order, blocked } = ordered(steps);
  const position = new Map(order.map((s, i) => [s.id, i]));
  const timed = new Map<string, TimedStep>();
  let mainEnd = 0;
  for (const step of order) {
    const est = estimate(step.type, step.action);
    const seen = observed.get(step.id);
    let start = step.phase === 'cleanup' ? mainEnd : 0;
    let boundBy: Wait | null = null;
    for (const w of step.after) {
      const before = timed.get(w.on);
      if (!before) continue;
      // Of steps finishing together, the one later in the order is the end of the longer chain
      // (a wait condition finishes with the deployment that signals it, and comes after it).
      const tie = boundBy !== null && Math.abs(before.finish - start) <= EPSILON && position.get(w.on)! > position.get(boundBy.on)!;
      if (before.finish > start + EPSILON || tie) {
        start = Math.max(start, before.finish);
        boundBy = w;
      }
    }
    let state: StepState = 'planned';
    if (seen) {
      start = seen.start;
      state = seen.finish === null ? 'running' : seen.failed ? 'failed' : 'done';
    } else start = Math.max(start, now);
    let finish = seen?.finish ?? Math.max(start + est.seconds, state === 'running' ? now : 0);
    if (seen?.finish === undefined || seen.finish === null) {
      // A wait condition: done when the needed number of senders have finished.
      const senders = step.signalledBy.map((w) => ({ w, at: timed.get(w.on)?.finish ?? Infinity })).sort((a, b) => a.at - b.at);
      const signal = step.signalsNeeded > 0 ? senders[step.signalsNeeded - 1] : undefined;
      if (signal && Number.isFinite(signal.at) && signal.at > finish + EPSILON) {
        finish = signal.at;
        boundBy = signal.w;
      }
    }
    // Written out, not spread: a spread with more fields made each step a slow dictionary object (10× the time at 1,000 steps).
    const t: TimedStep = {
      id: step.id,
      resource: step.resource,
      type: step.type,
      action: step.action,
      after: step.after,
      signalledBy: step.signalledBy,
      signalsNeeded: step.signalsNeeded,
      phase: step.phase,
      estimate: est,
      state,
      start,
      finish,
      slack: 0,
      critical: false,
      boundBy,
    };
    timed.set(step.id, t);
    if (step.phase === 'main') mainEnd = Math.max(mainEnd, finish);
  }
  const list = [...timed.values()];
  const total = list.reduce((m, s) => Math.max(m, s.finish), 0);

  // Latest finishes, backwards: a step must be done by the latest start of each step waiting for it
  // (a step waiting for a signal: by its latest finish); the cleanup waits for every main step (and
  // comes after all of them in `order`, so it is seen first here).
  const latest = new Map<string, number>();
  let cleanupLatestStart = total;
  for (let i = order.length - 1; i >= 0; i--) {
    const s = timed.get(order[i]!.id)!;
    const lf = Math.min(latest.get(s.id) ?? total, s.phase === 'main' ? cleanupLatestStart : total);
    s.slack = Math.max(0, lf - s.finish);
    const latestStart = lf - (s.finish - s.start);
    if (s.phase === 'cleanup') cleanupLatestStart = Math.min(cleanupLatestStart, latestStart);
    for (const w of s.after) latest.set(w.on, Math.min(latest.get(w.on) ?? total, latestStart));
    for (const w of s.signalledBy) latest.set(w.on, Math.min(latest.get(w.on) ?? total, lf));
  }

  // The critical path: back from the last step to finish, through what bound each.
  const path: string[] = [];
  let at = list.filter((s) => s.finish >= total - EPSILON).sort((a, b) => a.slack - b.slack)[0];
  const visited = new Set<string>();
  while (at && !visited.has(at.id)) {
    visited.add(at.id);
    path.unshift(at.id);
    at.critical = true;
    if (at.boundBy) at = timed.get(at.boundBy.on);
    else if (at.phase === 'cleanup' && at.start > EPSILON)
      at = list.find((s) => s.phase === 'main' && Math.abs(s.finish - at!.start) < EPSILON);
    else at = undefined;
  }
  list.sort((a, b) => a.start - b.start || a.finish - b.finish);
  return { steps: list, byId: timed, total, criticalPath: path, blocked };
}
