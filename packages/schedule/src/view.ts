// What a schedule view shows, from the workflow, the estimates and (when a
// stack runs or has run) its observed steps: the timed steps, the critical
// path as resources and as waits (for the canvas), the time elapsed and
// left, and for each resource that waits while the stack runs, the chain of
// what it waits on, down to what is running.
import type { Estimator } from './estimates.ts';
import type { RunObservation } from './observe.ts';
import { stepsOf } from './schedule.ts';
import type { Operation, PlannedActions } from './steps.ts';
import { timeSteps, type Schedule, type TimedStep } from './timing.ts';
import { nextWait } from './why.ts';
import type { Workflow } from './workflow.ts';

export interface ScheduleView {
  operation: Operation;
  schedule: Schedule;
  /** The run it projects, or null for an estimate before anything runs. */
  run: RunObservation | null;
  /** Seconds since the run started (up to its end), or null. */
  elapsed: number | null;
  /** Estimated seconds left while the run goes on; 0 once it ended; null without a run. */
  remaining: number | null;
  /** Resources on the critical path. */
  critical: ReadonlySet<string>;
  /** Waits on the critical path, as "waiter>waited" (the canvas's edge direction). */
  criticalWaits: ReadonlySet<string>;
  /** While the run goes on: per resource not started, what it waits on, nearest first ("port → subnet"). */
  waiting: Readonly<Record<string, string>>;
}

export interface ViewInput {
  workflow: Workflow;
  estimate: Estimator;
  /** The operation to estimate when no run is shown. */
  operation?: Operation;
  plan?: PlannedActions;
  /** A run to project (its operation wins over `operation`). */
  run?: RunObservation | null;
  /** Now, in ms since the epoch (only read with a run). */
  now?: number;
}

export function scheduleView(input: ViewInput): ScheduleView {
  const { workflow, estimate, run = null, plan } = input;
  const operation = run?.operation ?? input.operation ?? 'create';
  const elapsed = run ? Math.max(0, ((run.endedAt ?? input.now ?? run.startedAt) - run.startedAt) / 1000) : null;
  const schedule = timeSteps(stepsOf(workflow, operation, plan ?? defaultPlan(workflow, run)), estimate, {
    ...(run ? { observed: run.observed, now: elapsed ?? 0, ended: run.endedAt !== null } : {}),
  });
  const critical = new Set<string>();
  const criticalWaits = new Set<string>();
  schedule.criticalPath.forEach((id, i) => {
    const step = schedule.byId.get(id)!;
    critical.add(step.resource);
    const before = schedule.criticalPath[i - 1];
    if (before !== undefined && step.boundBy?.on === before) {
      const from = schedule.byId.get(before)!.resource;
      // A delete (and an update's cleanup) runs the workflow backwards: the canvas's edge goes from the
      // one that waits in the template.
      const backwards = operation === 'delete' || step.phase === 'cleanup';
      criticalWaits.add(backwards ? `${from}>${step.resource}` : `${step.resource}>${from}`);
    }
  });
  const live = run !== null && run.endedAt === null;
  const waiting = live ? waitingChains(schedule) : {};
  const remaining = run === null ? null : live ? Math.max(0, schedule.total - (elapsed ?? 0)) : 0;
  return { operation, schedule, run, elapsed, remaining, critical, criticalWaits, waiting };
}

/**
 * Per resource not started (in the main phase), the chain of what it waits on now (`waitingOn`), as
 * the resources' names, nearest first. A step's chain is its next wait, then the chain of the step it
 * waits on: each step's is made once, from the one after it. Walking each chain from its start made
 * the view's computation grow with the chains' length times their number (10 ms of its 13 at 1,000
 * resources in chains while a stack ran).
 */
function waitingChains(schedule: Schedule): Record<string, string> {
  /** By step id: its chain as text, '' when it waits on nothing unfinished. */
  const chains = new Map<string, string>();
  const waiting: Record<string, string> = {};
  for (const step of schedule.steps) {
    if (step.state !== 'planned' || step.phase !== 'main') continue;
    // Down the chain to its end or to a step whose chain is known, then back up, each step's chain
    // the name of the one it waits on before that one's chain.
    const path: Array<[TimedStep, string]> = [];
    const onPath = new Set<string>();
    let rest = '';
    for (let at: TimedStep | undefined = step; at;) {
      const known = chains.get(at.id);
      if (known !== undefined) {
        rest = known;
        break;
      }
      if (onPath.has(at.id)) break; // (a schedule has no cycle: its steps are in an order)
      onPath.add(at.id);
      const next = nextWait(schedule, at);
      if (!next) {
        chains.set(at.id, '');
        break;
      }
      const waited = schedule.byId.get(next.on);
      path.push([at, waited?.resource ?? next.on]);
      at = waited;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const [at, name] = path[i]!;
      rest = rest ? `${name} → ${rest}` : name;
      chains.set(at.id, rest);
    }
    const chain = chains.get(step.id);
    if (chain) waiting[step.resource] = chain;
  }
  return waiting;
}

/**
 * An update seen without its plan (opened after it was applied elsewhere): what ran is known; the rest
 * is taken as unchanged (Heat sends no events for those), so the time left is a lower bound.
 */
function defaultPlan(workflow: Workflow, run: RunObservation | null): PlannedActions | undefined {
  if (run?.operation !== 'update') return undefined;
  return { actions: new Map(workflow.resources.map((r) => [r.name, 'unchanged' as const])), removed: new Map() };
}
