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

/** `skipped`: the run ended without it (a failure stopped the operation, or an update left it as it was). */
export type StepState = 'planned' | 'running' | 'done' | 'failed' | 'skipped';

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

interface Order {
  order: Step[];
  blocked: string[];
  /** Each placed step's index in `order`, by id. */
  position: ReadonlyMap<string, number>;
}

/**
 * Orders kept with the steps they order: while a stack runs, its view is timed again at each batch of
 * events from the same steps (see `stepsOf`), and ordering them was a third of that work.
 */
const orders = new WeakMap<readonly Step[], Order>();

function orderOf(steps: readonly Step[]): Order {
  let known = orders.get(steps);
  if (!known) {
    const { order, blocked } = ordered(steps);
    known = { order, blocked, position: new Map(order.map((s, i) => [s.id, i])) };
    orders.set(steps, known);
  }
  return known;
}

export interface TimingOptions {
  /** Observed times of steps that have started, by step id. */
  observed?: ReadonlyMap<string, Observed>;
  /** Seconds since the operation started: nothing not yet started starts before it. */
  now?: number;
  /** The run has ended: steps it did not run are skipped (no time, not in the total or the path). */
  ended?: boolean;
}

export function timeSteps(steps: readonly Step[], estimate: Estimator, options: TimingOptions = {}): Schedule {
  const { observed = new Map<string, Observed>(), now = 0, ended = false } = options;
  const { order, blocked, position } = orderOf(steps);
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
    } else if (ended) {
      state = 'skipped';
      start = Math.min(start, now);
      boundBy = null;
    } else start = Math.max(start, now);
    let finish = state === 'skipped' ? start : (seen?.finish ?? Math.max(start + est.seconds, state === 'running' ? now : 0));
    // A wait condition is done when the needed number of senders have finished: that sets its
    // finish while it waits, and once done, it was that sender's signal that ended the wait.
    const senders =
      step.signalsNeeded > 0 && state !== 'skipped' ? step.signalledBy.map((w) => ({ w, at: timed.get(w.on)?.finish ?? Infinity })) : [];
    senders.sort((a, b) => a.at - b.at);
    const signal = senders[step.signalsNeeded - 1];
    if (signal && Number.isFinite(signal.at)) {
      if (typeof seen?.finish === 'number') {
        if (signal.at <= finish + EPSILON && signal.at > start + EPSILON) boundBy = signal.w;
      } else if (signal.at > finish + EPSILON) {
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
    if (step.phase === 'main' && state !== 'skipped') mainEnd = Math.max(mainEnd, finish);
  }
  const list = [...timed.values()];
  const total = list.reduce((m, s) => (s.state === 'skipped' ? m : Math.max(m, s.finish)), 0);

  // Latest finishes, backwards: a step must be done by the latest start of each step waiting for it
  // (a step waiting for a signal: by its latest finish); the cleanup waits for every main step (and
  // comes after all of them in `order`, so it is seen first here).
  const latest = new Map<string, number>();
  let cleanupLatestStart = total;
  for (let i = order.length - 1; i >= 0; i--) {
    const s = timed.get(order[i]!.id)!;
    const lf = Math.min(latest.get(s.id) ?? total, s.phase === 'main' ? cleanupLatestStart : total);
    s.slack = Math.max(0, lf - s.finish);
    // A step whose finish a signal set could start as late as its own time before that finish.
    const latestStart = lf - (s.boundBy?.kind === 'signal' && s.state === 'planned' ? s.estimate.seconds : s.finish - s.start);
    if (s.phase === 'cleanup') cleanupLatestStart = Math.min(cleanupLatestStart, latestStart);
    for (const w of s.after) latest.set(w.on, Math.min(latest.get(w.on) ?? total, latestStart));
    for (const w of s.signalledBy) latest.set(w.on, Math.min(latest.get(w.on) ?? total, lf));
  }

  // The critical path: back from the last step to finish (of several, the latest in the order: the end
  // of the longest chain, as in the forward pass), through what bound each.
  const path: string[] = [];
  const last = (candidates: TimedStep[]) =>
    candidates.reduce<TimedStep | undefined>((best, s) => (!best || position.get(s.id)! > position.get(best.id)! ? s : best), undefined);
  let at = last(list.filter((s) => s.state !== 'skipped' && s.finish >= total - EPSILON));
  const visited = new Set<string>();
  while (at && !visited.has(at.id)) {
    visited.add(at.id);
    path.unshift(at.id);
    at.critical = true;
    if (at.boundBy) at = timed.get(at.boundBy.on);
    else if (at.phase === 'cleanup' && at.start > EPSILON)
      at = last(list.filter((s) => s.phase === 'main' && s.state !== 'skipped' && Math.abs(s.finish - at!.start) < EPSILON));
    else at = undefined;
  }
  list.sort((a, b) => a.start - b.start || a.finish - b.finish);
  return { steps: list, byId: timed, total, criticalPath: path, blocked };
}
