// The React binding of the design's schedule (@hearth/schedule): it follows
// the design's workflow, the stack's events and plan, and where the next
// deployment goes, and keeps one schedule view for the schedule tab, the
// canvas (critical path, what each waiting node waits on) and the
// inspector. The rules are all in @hearth/schedule.
import { create } from 'zustand';
import {
  estimator,
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
import { useRun, type Plan } from './run.ts';

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
  appliedPlan: null,
  setTarget(target) {
    const now = get().target;
    if (now.cloud === target.cloud && now.latency === target.latency) return;
    set({ target });
    if (now.cloud !== target.cloud) void loadHistory();
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

/** Computes the view now from the design, the run and the target. */
function compute(): void {
  const started = performance.now();
  const workflow = useDesign.getState().graph?.workflow;
  const { events, plan, stack } = useRun.getState();
  const { target, history, mode, appliedPlan } = useSchedule.getState();
  if (!workflow) {
    useSchedule.setState({ view: null });
    return;
  }
  const onCloud = stack ? stack.target.kind === 'openstack' : target.cloud !== null;
  const estimate = estimator({ history, simulation: onCloud ? null : { latency: target.latency } });
  const run = mode === 'run' ? observeRun(events) : null;
  const operation: Operation = mode === 'run' ? 'create' : mode;
  const view = scheduleView({
    workflow,
    estimate,
    run,
    operation,
    now: Date.now(),
    // The plan shown, else (during or after an update) the plan that was applied.
    ...((run?.operation ?? operation) === 'update' && (plan ?? appliedPlan) ? { plan: plannedActions(plan ?? appliedPlan)! } : {}),
  });
  useSchedule.setState({ view, computeMs: performance.now() - started });
}

let scheduled = false;
/** Recomputes once per frame however many changes came (a deployment's events come in bursts). */
export function refresh(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    compute();
  });
}

/** Past durations on the target, from the server (estimates use them once they come). */
export async function loadHistory(): Promise<void> {
  const cloud = useRun.getState().stack?.target.kind === 'openstack' ? (useRun.getState().stack!.target as { cloud: string }).cloud : null;
  const wanted = cloud ?? useSchedule.getState().target.cloud;
  try {
    const history = await api.schedule.history.query({ cloud: wanted });
    useSchedule.setState({ history });
    refresh();
  } catch {
    // Without history the estimate falls back to the simulated latency or type defaults.
  }
}

let ticker: ReturnType<typeof setInterval> | null = null;

/** Follows the design and the run; call once at start-up. */
export function followSchedule(): void {
  useDesign.subscribe((s, prev) => {
    if (s.graph !== prev.graph) refresh();
  });
  useRun.subscribe((s, prev) => {
    if (s.events !== prev.events || s.plan !== prev.plan || s.stack?.target !== prev.stack?.target) refresh();
    const running = Boolean(s.stack?.inProgress);
    // While a run goes on, time passes without events: the time left follows it once a second.
    if (running && !ticker) ticker = setInterval(refresh, 1000);
    if (!running && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
    // A run that ended adds to the durations the next estimate uses.
    if (prev.stack?.inProgress && !running) void loadHistory();
  });
  void loadHistory();
  refresh();
}
