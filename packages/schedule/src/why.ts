// Why one resource waits for another: the chain of reasons from the one to
// the other (each a depends_on, a reference in a named property, a rule Heat
// adds, or a signal), and, while a stack runs, what a step that has not
// started waits on right now, down to the step that is running.
import type { Schedule } from './timing.ts';
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
    const pending =
      at.state === 'planned'
        ? at.after
        : at.state === 'running' && at.signalsNeeded > 0
          ? at.signalledBy.filter((w) => schedule.byId.get(w.on)?.state !== 'done')
          : [];
    let next: Wait | null = null;
    for (const w of pending) {
      const s = schedule.byId.get(w.on);
      if (!s || s.state === 'done') continue;
      if (!next || s.finish > schedule.byId.get(next.on)!.finish) next = w;
    }
    if (!next) break;
    chain.push(next);
    at = schedule.byId.get(next.on);
  }
  return chain;
}
