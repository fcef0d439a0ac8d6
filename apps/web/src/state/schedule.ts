// The React binding of the design's schedule (@hearth/schedule): it follows
// the design's workflow, the stack's events and plan, and where the next
// deployment goes, and keeps one schedule view for the schedule tab, the
// canvas (critical path, what each waiting node waits on) and the
// inspector. The rules are all in @hearth/schedule.
import { create } from 'zustand';
import {
  estimator,
  type Estimator,
  observeRun,
  scheduleView,
  type DurationHistory,
  type Operation,
  type PlannedActions,
  type ScheduleView,
  type StepAction,
} from '@hearth/schedule';
import { api } from '../api.ts';
import { useDesign } from './design.ts';
import { useRun, type Plan, type RunState } from './run.ts';

/** Where the next deployment goes, as the deploy form says: a cloud's Heat, or a rehearsal with this latency. */
export interface ScheduleTarget {
  cloud: string | null;
  latency: number;
}

/** What the schedule shows: the stack's last run (when it has one), or an estimate of an operation. */
export type ScheduleMode = 'run' | Operation;

export interface ScheduleState {
  target: ScheduleTarget;
  history: DurationHistory;
  mode: ScheduleMode;
  /** Draw the critical path on the canvas. */
  highlight: boolean;
  view: ScheduleView | null;
  /** Milliseconds the last view took to compute. */
  computeMs: number;
  /** The estimator the view was computed with (what-ifs use the same). */
  estimate: Estimator | null;
  /** The plan of the update now applied (the run panel drops its plan once applied). */
  appliedPlan: Plan | null;
  setTarget(target: ScheduleTarget): void;
  setMode(mode: ScheduleMode): void;
  setHighlight(on: boolean): void;
  setAppliedPlan(plan: Plan | null): void;
}

export const useSchedule = create<ScheduleState>()((set, get) => ({
  target: { cloud: null, latency: 0.2 },
  history: {},
  mode: 'run',
  highlight: true,
  view: null,
  computeMs: 0,
  estimate: null,
  appliedPlan: null,
  setTarget(target) {
    const now = get().target;
    if (now.cloud === target.cloud && now.latency === target.latency) return;
    set({ target });
    void loadHistory();
    refresh();
  },
  setMode(mode) {
    set({ mode });
    refresh();
  },
  setHighlight(highlight) {
    set({ highlight });
  },
  setAppliedPlan(appliedPlan) {
    set({ appliedPlan });
  },
}));

function plannedActions(plan: Plan | null): PlannedActions | undefined {
  if (!plan) return undefined;
  const actions = new Map<string, StepAction>();
  const removed = new Map<string, string>();
  for (const c of plan.changes) {
    if (c.action === 'delete') removed.set(c.resource, c.type);
    else if (c.action !== 'retain') actions.set(c.resource, c.action as StepAction);
  }
  return { actions, removed };
}

/**
 * Where the estimate is for: the stack's own target and simulated latency when the schedule shows its
 * run, else where the deploy form points (the next deployment).
 */
function estimateFor(): { cloud: string | null; simulation: { latency: number; latencyByType?: Record<string, number> } | null } {
  const { stack } = useRun.getState();
  const { target, mode } = useSchedule.getState();
  if (stack && mode === 'run') {
    if (stack.target.kind === 'openstack') return { cloud: stack.target.cloud, simulation: null };
    return { cloud: null, simulation: stack.simulation ?? { latency: target.latency } };
  }
  return { cloud: target.cloud, simulation: target.cloud === null ? { latency: target.latency } : null };
}

/** Computes the view now from the design, the run and the target. */
function compute(): void {
  const started = performance.now();
  const workflow = useDesign.getState().graph?.workflow;
  const { events, plan } = useRun.getState();
  const { history, mode, appliedPlan } = useSchedule.getState();
  if (!workflow) {
    useSchedule.setState({ view: null });
    return;
  }
  const estimate = estimator({ history, simulation: estimateFor().simulation });
  const run = mode === 'run' ? observeRun(events) : null;
  const operation: Operation = mode === 'run' ? 'create' : mode;
  // The plan shown, else (during or after an update) the plan that was applied.
  const shownPlan = plan ?? appliedPlan;
  const view = scheduleView({
    workflow,
    estimate,
    run,
    operation,
    now: Date.now(),
    ...((run?.operation ?? operation) === 'update' && shownPlan ? { plan: plannedActions(shownPlan)! } : {}),
  });
  useSchedule.setState({ view, estimate, computeMs: performance.now() - started });
}

/**
 * The longest the view waits for the page to be idle while the stack's operation runs, or after the
 * design changed. A stack's events come in bursts (a thousand resources start at once), and typing
 * changes the design at every keystroke: the nodes' states and the canvas are what the user watches,
 * and the time left and the critical path can follow a moment later.
 */
export const IDLE_WAIT_MS = 250;

/**
 * The least time between two computations waiting for an idle moment: while a stack runs, and while
 * the user types. A stack's events come hundreds a second and the page is idle between most frames:
 * without a gap the view was computed after nearly every frame (30 to 40 times in a one-second
 * deployment of 1,000 resources, 3 to 15 ms each), time the next events waited for. The time left and
 * the critical path are read by a person: five times a second is enough.
 */
export const IDLE_REFRESH_GAP_MS = 200;

/**
 * An idle moment this long is taken whatever the last computation took: a browser gives idle moments
 * of at most 50 ms, and a computation longer than one still has to run.
 */
const ENOUGH_IDLE_MS = 25;

/** When a recomputation is wanted: at the next frame, or at the page's next idle moment (within IDLE_WAIT_MS). */
export type RefreshAt = 'frame' | 'idle';

/** What is waiting to recompute: none, or when it runs. */
let pending: RefreshAt | null = null;
/** Bumped at each computation, so that a callback asked for before it does nothing. */
let computations = 0;
/** When the view was last computed (performance.now()). */
let computedAt = -Infinity;

/**
 * Recomputes once however many changes came: at the next frame, or at the page's next idle moment when
 * the design changed or the stack's operation runs (so that the canvas of a keystroke, or the nodes' states
 * of a burst of events, are drawn first). A change wanted at the next frame is not held by one waiting
 * for an idle moment.
 */
export function refresh(at: RefreshAt = 'frame'): void {
  const when: RefreshAt = useRun.getState().stack?.inProgress ? 'idle' : at;
  if (pending === 'frame' || pending === when) return;
  pending = when;
  const asked = computations;
  let askedAt = 0;
  const run = (idle?: IdleDeadline) => {
    if (computations !== asked) return;
    // An idle moment between two frames of a burst of events is a few milliseconds: a computation
    // started there would hold the next frame. It waits for a moment as long as the last computation
    // took, within IDLE_WAIT_MS of asking.
    const left = IDLE_WAIT_MS - (performance.now() - askedAt);
    if (idle && !idle.didTimeout && left > 0 && idle.timeRemaining() < Math.min(useSchedule.getState().computeMs, ENOUGH_IDLE_MS)) {
      return void requestIdleCallback(run, { timeout: left });
    }
    computations++;
    pending = null;
    computedAt = performance.now();
    compute();
  };
  if (when === 'frame') return void requestAnimationFrame(() => run());
  const gap = Math.min(IDLE_REFRESH_GAP_MS, computedAt + IDLE_REFRESH_GAP_MS - performance.now());
  const ask = () => {
    askedAt = performance.now();
    requestIdleCallback(run, { timeout: IDLE_WAIT_MS });
  };
  if (gap > 0) setTimeout(ask, gap);
  else ask();
}

/**
 * When a change of the run recomputes the view, if it does: the stack's state or a plan shown at the next
 * frame; its events at an idle moment. Events come from a run even before the page knows the stack runs:
 * the page follows a stack before making it, and a deployment's first burst (a thousand resources
 * starting) comes before the stack's own state, which would otherwise recompute the view at every frame
 * of that burst while the nodes wait to show their states.
 */
export function refreshForRun(s: RunState, prev: RunState): RefreshAt | null {
  if (s.plan !== prev.plan || s.stack !== prev.stack) return 'frame';
  return s.events !== prev.events ? 'idle' : null;
}

let historyRequest = 0;
let historyCloud: string | null | undefined;

/**
 * Past durations on the target the estimate is for, from the server (estimates use them once they
 * come). Only the latest request's answer is kept; `force` reads again for the same target (a run ended).
 */
export async function loadHistory(force = false): Promise<void> {
  const { cloud } = estimateFor();
  if (!force && cloud === historyCloud) return;
  historyCloud = cloud;
  const request = ++historyRequest;
  try {
    const history = await api.schedule.history.query({ cloud });
    if (request !== historyRequest) return;
    useSchedule.setState({ history });
    refresh();
  } catch {
    // Without history the estimate falls back to the simulated latency or type defaults.
  }
}

let ticker: ReturnType<typeof setInterval> | null = null;

/** While the run shown goes on (and its events flow), time passes without events: the time left follows it once a second. */
function tick(): void {
  const { stack, connection } = useRun.getState();
  const wanted = Boolean(stack?.inProgress) && connection !== 'idle' && useSchedule.getState().mode === 'run';
  if (wanted && !ticker) ticker = setInterval(refresh, 1000);
  if (!wanted && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}

/** Follows the design and the run; call once at start-up. */
export function followSchedule(): void {
  // Only the workflow is read: a keystroke that changes no wait keeps it (see decodeGraph).
  useDesign.subscribe((s, prev) => {
    if (s.graph?.workflow !== prev.graph?.workflow) refresh('idle');
  });
  useRun.subscribe((s, prev) => {
    const at = refreshForRun(s, prev);
    if (at) refresh(at);
    // Another stack (or none): its own target's history, and no plan applied to the one before.
    if (s.stackName !== prev.stackName) useSchedule.setState({ appliedPlan: null });
    if (s.stack?.id !== prev.stack?.id || s.stack?.target !== prev.stack?.target) void loadHistory();
    // A run that ended adds to the durations the next estimate uses.
    if (prev.stack?.inProgress && !s.stack?.inProgress) void loadHistory(true);
    tick();
  });
  useSchedule.subscribe((s, prev) => {
    if (s.mode !== prev.mode) {
      void loadHistory();
      tick();
    }
  });
  void loadHistory();
  refresh();
}
