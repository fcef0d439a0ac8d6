// Past durations per resource type and action on one target, from the
// events the store keeps of its stacks (deleted ones too), the most recent
// stacks first. The rules of a sample are @hearth/schedule's (history.ts).
import { settingsOf } from '@hearth/resources';
import { durationSamples, historyOf, type DurationHistory, type DurationSample } from '@hearth/schedule';
import type { Store } from '@hearth/store';
import { targetOf, type StackTarget } from '../targets/index.ts';

/** Stacks read at most (the most recently changed first), events per stack, samples per type and action. */
export const HISTORY_LIMITS = { stacks: 30, eventsPerStack: 20_000, samplesPerKind: 50 };

function sameTarget(a: StackTarget, b: StackTarget): boolean {
  return a.kind === b.kind && (a.kind === 'rehearsal' || (b.kind === 'openstack' && a.cloud === b.cloud));
}

/** The last history read per target, with the last event id it saw: nothing new, nothing to read again. */
const cache = new WeakMap<Store, Map<string, { lastEventId: number; history: DurationHistory }>>();

export async function durationHistory(store: Store, target: StackTarget): Promise<DurationHistory> {
  const key = target.kind === 'rehearsal' ? '' : target.cloud;
  const lastEventId = await store.lastEventId();
  const cached = cache.get(store)?.get(key);
  if (cached && cached.lastEventId === lastEventId) return cached.history;
  const stacks = (await store.stackOptionsByRecency()).filter((s) => sameTarget(targetOf(s), target)).slice(0, HISTORY_LIMITS.stacks);
  const samples: DurationSample[] = [];
  for (const stack of stacks) {
    // The newest events of a long-lived stack, read back in order.
    const events = (await store.listEvents({ stackId: stack.id, limit: HISTORY_LIMITS.eventsPerStack, newestFirst: true })).reverse();
    const simulation = target.kind === 'rehearsal' ? settingsOf(stack.options as Parameters<typeof settingsOf>[0]) : null;
    samples.push(...durationSamples(events, simulation));
  }
  const history = historyOf(samples, HISTORY_LIMITS.samplesPerKind);
  if (!cache.has(store)) cache.set(store, new Map());
  cache.get(store)!.set(key, { lastEventId, history });
  return history;
}
