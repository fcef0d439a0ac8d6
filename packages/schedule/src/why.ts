// Why one resource waits for another: the chain of reasons from the one to
// the other (each a depends_on, a reference in a named property, a rule Heat
// adds, or a signal), and, while a stack runs, what a step that has not
// started waits on right now, down to the step that is running.
import type { Schedule, TimedStep } from './timing.ts';
import type { Wait, Workflow } from './workflow.ts';

/** The shortest chain of waits by which `from` waits for `to` (a signal counts), or null when it does not. */
export function whyWaits(workflow: Workflow, from: string, to: string): Wait[] | null {
  if (from === to || !workflow.byName.has(from) || !workflow.byName.has(to)) return null;
  const via = new Map<string, Wait>();
  const queue = [from];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i]!;
    const r = workflow.byName.get(name)!;
    for (const w of [...r.waits, ...r.signalledBy]) {
      if (seen.has(w.on)) continue;
      seen.add(w.on);
      via.set(w.on, w);
      if (w.on === to) {
        const chain: Wait[] = [];
        for (let at: string = to; at !== from;) {
          const hop = via.get(at)!;
          chain.unshift(hop);
          at = hop.resource;
        }
        return chain;
      }
      queue.push(w.on);
    }
  }
  return null;
}

/**
 * What a step that has not finished waits on now: the unfinished step it
 * waits for that is expected to finish last, then what that one waits on,
 * down to a step that is running (for a wait condition: the sender whose
 * signal it still needs). Empty when the step runs or is done.
 */
export function waitingOn(schedule: Schedule, id: string): Wait[] {
  const chain: Wait[] = [];
  const seen = new Set<string>();
  let at = schedule.byId.get(id);
  while (at && !seen.has(at.id)) {
    seen.add(at.id);
    const next = nextWait(schedule, at);
    if (!next) break;
    chain.push(next);
    at = schedule.byId.get(next.on);
  }
  return chain;
}

/**
 * The first link of `waitingOn`: of the unfinished steps `step` waits for now, the one expected to
 * finish last (for a running wait condition: of the senders whose signals it still needs); null when
 * it waits on nothing unfinished. The rest of the chain is the step waited on's own chain.
 */
export function nextWait(schedule: Schedule, step: TimedStep): Wait | null {
  const pending =
    step.state === 'planned'
      ? step.after
      : step.state === 'running' && step.signalsNeeded > 0
        ? step.signalledBy.filter((w) => schedule.byId.get(w.on)?.state !== 'done')
        : [];
  let next: Wait | null = null;
  for (const w of pending) {
    const s = schedule.byId.get(w.on);
    if (!s || s.state === 'done') continue;
    if (!next || s.finish > schedule.byId.get(next.on)!.finish) next = w;
  }
  return next;
}
