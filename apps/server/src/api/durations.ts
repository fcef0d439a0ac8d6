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

export async function durationHistory(store: Store, target: StackTarget): Promise<DurationHistory> {
  const stacks = (await store.listStacks({ includeDeleted: true }))
    .filter((s) => sameTarget(targetOf(s), target))
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
    .slice(0, HISTORY_LIMITS.stacks);
  const samples: DurationSample[] = [];
  for (const stack of stacks) {
    const events = await store.listEvents({ stackId: stack.id, limit: HISTORY_LIMITS.eventsPerStack });
    const simulation = target.kind === 'rehearsal' ? settingsOf(stack.options as Parameters<typeof settingsOf>[0]) : null;
    samples.push(...durationSamples(events, simulation));
  }
  return historyOf(samples, HISTORY_LIMITS.samplesPerKind);
}
