// Writes state changes with their events, then publishes the events. Changes
// made in the same turn of the event loop share one transaction (a group
// commit), and changes share statements: a thousand resources starting at
// once cost one commit and a few statements, not a thousand of each. An
// event is still published only after it is in the store.
import type { EventRecord, NewEvent, ResourcePatch, StackPatch, Store } from '@hearth/store';
import { GroupCommit } from './group-commit.ts';

export interface StateChange {
  resource?: { id: number; patch: ResourcePatch; remove?: boolean };
  stack?: { id: string; patch: StackPatch };
  event: NewEvent;
}

/**
 * Applies the changes' row updates: a row changed twice gets both patches
 * merged (the later wins, as it would applied in order), rows with equal
 * patches share a statement, and the others share one per set of columns.
 */
async function applyRows(tx: Store, changes: StateChange[]): Promise<void> {
  const patches = new Map<number, ResourcePatch>();
  const removed: number[] = [];
  for (const change of changes) {
    const r = change.resource;
    if (r?.remove) {
      patches.delete(r.id);
      removed.push(r.id);
    } else if (r) {
      patches.set(r.id, { ...patches.get(r.id), ...r.patch });
    }
    if (change.stack) await tx.updateStack(change.stack.id, change.stack.patch);
  }
  if (removed.length) await tx.deleteResourcesById(removed);
  const alike = new Map<string, { patch: ResourcePatch; ids: number[] }>();
  for (const [id, patch] of patches) {
    const key = JSON.stringify(patch);
    const group = alike.get(key);
    if (group) group.ids.push(id);
    else alike.set(key, { patch, ids: [id] });
  }
  const shared = [...alike.values()].filter((g) => g.ids.length > 1);
  for (const g of shared) await tx.updateResources(g.ids, g.patch);
  const own = [...alike.values()].filter((g) => g.ids.length === 1);
  if (own.length) await tx.updateResourcesEach(own.map((g) => ({ id: g.ids[0]!, patch: g.patch })));
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
