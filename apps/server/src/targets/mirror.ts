// Heat's events, read into Hearth's store. Heat has no push: while an
// operation runs on a mirrored stack, its HeatWatcher polls (fast while in
// progress, slowly while Heat is settling, backing off when Heat does not
// answer), and each batch of events is written with the markers it reads to
// in one transaction, then published: the browsers' event streams, the
// CLI's --watch and the event log then work exactly as for a rehearsal
// stack, resuming from Hearth's event ids. A server that stops in the middle
// reads on from the stored markers when it starts: nothing lost, nothing
// twice.
import type { EventBus } from '@hearth/engine';
import { HeatApiError, HeatWatcher, splitStatus, type HeatStack, type WatchedEvent, type WatchOptions } from '@hearth/openstack';
import {
  HEAT_ACTIONS,
  HEAT_STATUSES,
  type HeatAction,
  type HeatStatus,
  type JsonValue,
  type NewEvent,
  type StackPatch,
  type Store,
} from '@hearth/store';
import type { Clouds } from './clouds.ts';
import { cloudLink, withLink, type CloudStackLink } from './target.ts';

const isAction = (v: string): v is HeatAction => (HEAT_ACTIONS as readonly string[]).includes(v);
const isStatus = (v: string): v is HeatStatus => (HEAT_STATUSES as readonly string[]).includes(v);

/** Heat's "CREATE_IN_PROGRESS" as a typed action and status (null for anything Hearth does not know). */
export function heatState(state: string): { action: HeatAction; status: HeatStatus } | null {
  const { action, status } = splitStatus(state);
  return isAction(action) && isStatus(status) ? { action, status } : null;
}

/** A Heat stack's outputs as Hearth keeps them (name → value; an output Heat could not resolve is left out). */
export function heatOutputs(stack: HeatStack): Record<string, JsonValue> {
  return Object.fromEntries(
    (stack.outputs ?? []).filter((o) => !o.output_error).map((o) => [o.output_key, (o.output_value ?? null) as JsonValue]),
  );
}

/** What Hearth keeps of a Heat stack's state. */
export function stackStatePatch(stack: HeatStack): StackPatch {
  const state = heatState(stack.stack_status);
  return {
    ...(state ? { action: state.action, status: state.status } : {}),
    statusReason: stack.stack_status_reason ?? '',
    outputs: heatOutputs(stack),
  };
}

export interface MirrorOptions extends WatchOptions {
  /** Where failures to read a cloud are reported (not the user's: the stack's state says what Heat says). */
  log?: (message: string) => void;
}

interface Following {
  again: boolean;
  controller: AbortController;
  done: Promise<void>;
}

export class HeatMirrors {
  private readonly running = new Map<string, Following>();
  private closed = false;
  private readonly rollbackExpected = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly clouds: Clouds,
    private readonly options: MirrorOptions = {},
  ) {}

  /** Reads the stack's events from Heat until no operation is in progress on it (again, if it is being read already). */
  follow(stackId: string): void {
    const known = this.running.get(stackId);
    if (known) {
      known.again = true;
      return;
    }
    if (this.closed) return;
    const entry: Following = { again: false, controller: new AbortController(), done: Promise.resolve() };
    this.running.set(stackId, entry);
    entry.done = this.run(stackId, entry)
      .catch((error: unknown) =>
        // The stack stays marked as followed: showing it (stacks.get) or a restart reads on.
        this.options.log?.(`Reading the events of stack ${stackId} from its cloud failed: ${(error as Error).message}`),
      )
      .finally(() => {
        if (this.running.get(stackId) === entry) this.running.delete(stackId);
      });
  }

  /**
   * An operation was started on the stack (or is seen in progress): marks it
   * followed, with Heat's state of it, and reads its events. Only the flag
   * and the state are written: the markers stay as the reading left them.
   */
  async start(stackId: string, patch: StackPatch = {}, options: Record<string, JsonValue> = {}): Promise<void> {
    await this.setLink(stackId, (link) => ({ ...link, following: true }), patch, options);
    this.follow(stackId);
  }

  /** A cancel with rollback was asked for: the FAILED state Heat passes through first is not the end. */
  expectRollback(stackId: string): void {
    this.rollbackExpected.add(stackId);
  }

  /** Whether the stack's events are being read now. */
  following(stackId: string): boolean {
    return this.running.has(stackId);
  }

  /** After a restart: reads on for every mirrored stack an operation was followed on. */
  async resume(): Promise<void> {
    for (const stack of await this.store.listStacks()) if (cloudLink(stack)?.following) this.follow(stack.id);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.running.values()];
    for (const f of all) f.controller.abort();
    await Promise.all(all.map((f) => f.done));
  }

  private async run(stackId: string, entry: Following): Promise<void> {
    const { signal } = entry.controller;
    for (;;) {
      entry.again = false;
      const ended = await this.readOperation(stackId, signal);
      if (signal.aborted || !ended) return;
      if (entry.again) continue;
      await this.setLink(stackId, (link) => ({ ...link, following: false }));
      // An operation started while that was written: read on, and say so again.
      if (!entry.again) {
        // In the same turn as the check: a follow() from now on starts a new reading.
        this.running.delete(stackId);
        return;
      }
      await this.setLink(stackId, (link) => ({ ...link, following: true }));
    }
  }

  private async setLink(
    stackId: string,
    change: (link: CloudStackLink) => CloudStackLink,
    patch: StackPatch = {},
    options: Record<string, JsonValue> = {},
  ): Promise<void> {
    await this.store.transaction(async (tx) => {
      const stack = await tx.getStack(stackId);
      const link = stack && cloudLink(stack);
      if (!stack || !link) return;
      await tx.updateStack(stackId, { ...patch, options: withLink({ ...stack.options, ...options }, change(link)) });
    });
  }

  /** Reads until the operation ends (true) or the reading is stopped (false). */
  private async readOperation(stackId: string, signal: AbortSignal): Promise<boolean> {
    const stack = await this.store.getStack(stackId);
    const link = stack && cloudLink(stack);
    if (!stack || !link || stack.deletedAt) return false;
    const heat = this.clouds.heat(link.cloud);
    const identity = { id: link.heatId, stack_name: link.heatName };
    const rollbackExpected = this.rollbackExpected.delete(stackId);
    const watcher = new HeatWatcher(heat, identity, { ...this.options, after: link.markers, rollbackExpected });
    const reading = watcher.watch(signal);
    try {
      for (;;) {
        const step = await reading.next();
        if (step.done) {
          if (!step.value) return false;
          const final = await heat.get(link.heatId);
          await this.setLink(stackId, (l) => l, stackStatePatch(final));
          return true;
        }
        await this.record(stackId, step.value, watcher.markers());
      }
    } catch (error) {
      if (!(error instanceof HeatApiError && error.status === 404)) throw error;
      await this.gone(stackId);
      return true;
    }
  }

  /** Writes a batch of Heat's events and the markers they read to, then publishes them. */
  private async record(stackId: string, events: WatchedEvent[], markers: Record<string, string>): Promise<void> {
    const written = await this.store.transaction(async (tx) => {
      const stack = await tx.getStack(stackId);
      const link = stack && cloudLink(stack);
      if (!stack || !link) return [];
      const rows: NewEvent[] = [];
      let own: StackPatch = {};
      for (const e of events) {
        if (!isAction(e.action) || !isStatus(e.status)) continue;
        rows.push({
          stackId,
          stackName: stack.name,
          resourceName: e.resource,
          resourceType: e.resourceType,
          physicalId: e.physicalId || null,
          action: e.action,
          status: e.status,
          reason: e.reason,
          traversal: null,
          engineId: `heat@${link.cloud}`,
          time: e.time,
        });
        if (e.resource === null) own = { action: e.action, status: e.status, statusReason: e.reason };
        // As on Hearth's engine, a stack is gone with its DELETE_COMPLETE (its name is free again).
        if (e.resource === null && e.action === 'DELETE' && e.status === 'COMPLETE') own.deletedAt = new Date().toISOString();
      }
      const out = rows.length ? await tx.appendEvents(rows) : [];
      await tx.updateStack(stackId, { ...own, options: withLink(stack.options, { ...link, markers }) });
      return out;
    });
    for (const e of written) this.bus.publish(e);
  }

  /**
   * Heat no longer shows the stack: it was deleted (Heat keeps a deleted
   * stack's events out of reach). Its end is recorded as Heat's own
   * DELETE_COMPLETE unless it was read already.
   */
  private async gone(stackId: string): Promise<void> {
    const written = await this.store.transaction(async (tx) => {
      const stack = await tx.getStack(stackId);
      if (!stack || stack.deletedAt) return [];
      const [last] = await tx.listEvents({ stackId, limit: 1, newestFirst: true });
      const seen = last && last.resourceName === null && last.action === 'DELETE' && last.status === 'COMPLETE';
      const reason = seen ? last.reason : 'Stack DELETE completed';
      const out = seen
        ? []
        : await tx.appendEvents([
            {
              stackId,
              stackName: stack.name,
              resourceName: null,
              resourceType: null,
              physicalId: cloudLink(stack)?.heatId ?? null,
              action: 'DELETE',
              status: 'COMPLETE',
              reason,
              traversal: null,
              engineId: `heat@${cloudLink(stack)?.cloud ?? ''}`,
            },
          ]);
      const now = new Date().toISOString();
      await tx.updateStack(stackId, { action: 'DELETE', status: 'COMPLETE', statusReason: reason, deletedAt: now });
      return out;
    });
    for (const e of written) this.bus.publish(e);
  }
}
