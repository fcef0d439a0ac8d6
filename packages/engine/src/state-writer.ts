// Writes state changes with their events, then publishes the events. Changes
// made in the same turn of the event loop share one transaction (a group
// commit), and alike changes share statements: a thousand resources starting
// at once cost one commit and two statements, not a thousand of each. An
// event is still published only after it is in the store.
import type { EventRecord, NewEvent, ResourcePatch, StackPatch, Store } from '@hearth/store';
import { GroupCommit } from './group-commit.ts';

export interface StateChange {
  resource?: { id: number; patch: ResourcePatch; remove?: boolean };
  stack?: { id: string; patch: StackPatch };
  event: NewEvent;
}

/** Applies the changes' row updates in order, sharing a statement among equal consecutive patches. */
async function applyRows(tx: Store, changes: StateChange[]): Promise<void> {
  let groups = new Map<string, { patch: ResourcePatch; ids: number[] }>();
  let touched = new Set<number>();
  const flushGroups = async () => {
    for (const g of groups.values()) await tx.updateResources(g.ids, g.patch);
    groups = new Map();
    touched = new Set();
  };
  for (const change of changes) {
    const r = change.resource;
    if (r) {
      // A second change to the same row in this batch must come after the first.
      if (touched.has(r.id)) await flushGroups();
      touched.add(r.id);
      if (r.remove) await tx.deleteResource(r.id);
      else {
        const key = JSON.stringify(r.patch);
        const group = groups.get(key);
        if (group) group.ids.push(r.id);
        else groups.set(key, { patch: r.patch, ids: [r.id] });
      }
    }
    if (change.stack) await tx.updateStack(change.stack.id, change.stack.patch);
  }
  await flushGroups();
}

/** Applies changes and appends their events in the caller's transaction (ids in the order given). */
export async function writeStateChanges(tx: Store, changes: StateChange[]): Promise<EventRecord[]> {
  await applyRows(tx, changes);
  return tx.appendEvents(changes.map((c) => c.event));
}

export class StateWriter {
  private readonly group: GroupCommit<StateChange, EventRecord>;

  constructor(
    private readonly store: Store,
    private readonly publish: (event: EventRecord) => void,
  ) {
    this.group = new GroupCommit(async (changes) => {
      const events = await this.store.transaction((tx) => writeStateChanges(tx, changes));
      events.forEach((event) => this.publish(event));
      return events;
    });
  }

  /** Writes the change in the next group commit; resolves with its event once stored and published. */
  write(change: StateChange): Promise<EventRecord> {
    return this.group.add(change);
  }
}
