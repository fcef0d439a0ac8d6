// Live monitoring of a stack on a real Heat. Heat has no push, so its
// events are polled: each stack of the tree (the stack and the nested
// stacks its resources lead to) from its own marker, fast while the stack
// is in progress, slowly once it has settled, backing off when Heat does
// not answer. Each event is given once, in Heat's order per stack, and
// watching can resume after any event id it gave.
//
// Heat's own nested_depth query is not used: for a stack whose resources are
// all gone (after a rollback or a delete) it answers no events at all.
import type { HeatClient, HeatEvent, StackIdentity } from './heat.ts';

/** One of Heat's events, as Hearth shows it. */
export interface WatchedEvent {
  id: string;
  time: string;
  /** The resource's path from the watched stack (`group/0` for a member of the nested stack of `group`), or null for the watched stack itself. */
  resource: string | null;
  resourceType: string | null;
  physicalId: string;
  action: string;
  status: string;
  reason: string;
}

export interface WatchOptions {
  /** Between polls while the stack is in progress (default 500 ms) and once it has settled (default 5 s). */
  fastMs?: number;
  slowMs?: number;
  /** The longest wait after errors (default 30 s); the wait doubles from fastMs. */
  maxBackoffMs?: number;
  /** Resume: events up to and including this one (per stack, by id) are not given again. */
  after?: Record<string, string>;
  /**
   * Polls a failed create or update is watched for the rollback that may
   * follow (default 10): Heat marks the stack FAILED before its rollback
   * begins.
   */
  rollbackGracePolls?: number;
  /**
   * A cancel with rollback was asked for: Heat marks the update FAILED
   * ("Stack UPDATE cancelled") before rolling back, so that is not the end
   * either. (Without this, a cancelled update is taken as ended there, as a
   * cancel without rollback ends.)
   */
  rollbackExpected?: boolean;
  /** Waits between polls (tests give a controlled clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Tracked {
  stack: StackIdentity;
  /** Its path from the watched stack ('' for the watched stack). */
  path: string;
  marker?: string;
}

const sleeper = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** HEAT's "CREATE_IN_PROGRESS" as action and status. */
export function splitStatus(status: string): { action: string; status: string } {
  const at = status.indexOf('_');
  return at < 0 ? { action: status, status: '' } : { action: status.slice(0, at), status: status.slice(at + 1) };
}

/** A nested stack a resource leads to, from its `nested` link (…/stacks/<name>/<id>). */
function nestedLink(links: Array<{ href: string; rel: string }>): StackIdentity | null {
  const link = links.find((l) => l.rel === 'nested');
  const m = link ? /\/stacks\/([^/]+)\/([0-9a-f-]{36})$/.exec(link.href) : null;
  return m ? { stack_name: decodeURIComponent(m[1]!), id: m[2]! } : null;
}

export class HeatWatcher {
  private readonly tracked = new Map<string, Tracked>();
  private readonly fastMs: number;
  private readonly slowMs: number;
  private readonly maxBackoffMs: number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly rollbackGracePolls: number;
  private readonly rollbackExpected: boolean;

  constructor(
    private readonly client: HeatClient,
    private readonly root: StackIdentity,
    options: WatchOptions = {},
  ) {
    this.fastMs = options.fastMs ?? 500;
    this.slowMs = options.slowMs ?? 5000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.sleep = options.sleep ?? sleeper;
    this.rollbackGracePolls = options.rollbackGracePolls ?? 10;
    this.rollbackExpected = options.rollbackExpected ?? false;
    const marker = options.after?.[root.id];
    this.tracked.set(root.id, { stack: root, path: '', ...(marker ? { marker } : {}) });
    this.after = options.after ?? {};
  }

  private readonly after: Record<string, string>;

  /** Where each stack's events are read to (what `after` takes to resume). */
  markers(): Record<string, string> {
    return Object.fromEntries([...this.tracked.values()].flatMap((t) => (t.marker ? [[t.stack.id, t.marker]] : [])));
  }

  /** Finds the nested stacks the tree's resources lead to now. */
  private async discover(): Promise<void> {
    const pending = [...this.tracked.values()];
    while (pending.length) {
      const parent = pending.shift()!;
      let resources;
      try {
        // Without detail: only the nested links are wanted, not every attribute Heat would resolve.
        resources = await this.client.resources(parent.stack, 0, false);
      } catch {
        continue; // A nested stack being deleted: its events are read as long as it answers.
      }
      for (const r of resources) {
        const nested = nestedLink(r.links);
        if (!nested || this.tracked.has(nested.id)) continue;
        const path = parent.path ? `${parent.path}/${r.resource_name}` : r.resource_name;
        const marker = this.after[nested.id];
        const entry: Tracked = { stack: nested, path, ...(marker ? { marker } : {}) };
        this.tracked.set(nested.id, entry);
        pending.push(entry);
      }
    }
  }

  private toWatched(t: Tracked, e: HeatEvent): WatchedEvent {
    const own = e.physical_resource_id === t.stack.id && e.resource_name === t.stack.stack_name;
    const { action, status } = splitStatus(e.resource_status);
    // A nested stack's own events are its parent resource's business: they show under its path.
    const resource = own ? (t.path ? t.path : null) : t.path ? `${t.path}/${e.resource_name}` : e.resource_name;
    return {
      id: e.id,
      time: e.event_time,
      resource,
      resourceType: e.resource_type ?? null,
      physicalId: e.physical_resource_id,
      action,
      status,
      reason: e.resource_status_reason,
    };
  }

  /** The events of every tracked stack since its marker (each stack's pages in order). */
  private async poll(): Promise<WatchedEvent[]> {
    const out: WatchedEvent[] = [];
    for (const t of this.tracked.values()) {
      for (;;) {
        let page: HeatEvent[];
        try {
          page = await this.client.events(t.stack, { limit: 200, ...(t.marker ? { marker: t.marker } : {}) });
        } catch (error) {
          if (t.path) break; // A nested stack that is gone.
          throw error;
        }
        if (!page.length) break;
        for (const e of page) if (!(t.path && e.resource_name === t.stack.stack_name)) out.push(this.toWatched(t, e));
        t.marker = page.at(-1)!.id;
        if (page.length < 200) break;
      }
    }
    return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }

  /**
   * Batches of new events until the stack has settled (no operation in
   * progress, every event read), with its final state; with `follow` it
   * goes on (slowly while the stack is idle) until `signal` aborts.
   */
  async *watch(signal: AbortSignal, follow = false): AsyncGenerator<WatchedEvent[], { status: string; reason: string } | null> {
    let wait = this.fastMs;
    let failures = 0;
    let awaitingRollback = 0;
    for (;;) {
      if (signal.aborted) return null;
      try {
        const stack = await this.client.get(this.root.id);
        const inProgress = stack.stack_status.endsWith('_IN_PROGRESS');
        await this.discover();
        const events = await this.poll();
        if (events.length) yield events;
        // A failed create or update with rollback enabled is FAILED for a moment before ROLLBACK_IN_PROGRESS.
        const mayRollBack =
          stack.disable_rollback === false &&
          /^(CREATE|UPDATE)_FAILED$/.test(stack.stack_status) &&
          (this.rollbackExpected || !/cancelled/.test(stack.stack_status_reason)) &&
          awaitingRollback++ < this.rollbackGracePolls;
        if (!inProgress && !follow && !mayRollBack) return { status: stack.stack_status, reason: stack.stack_status_reason };
        if (!mayRollBack) awaitingRollback = 0;
        failures = 0;
        wait = inProgress || mayRollBack ? this.fastMs : this.slowMs;
      } catch (error) {
        // The stack is gone (a 404), or the API says so: that ends the watch; anything else is retried, less and less often.
        if ((error as { status?: number }).status === 404) throw error;
        failures++;
        wait = Math.min(this.maxBackoffMs, this.fastMs * 2 ** failures);
      }
      await this.sleep(wait, signal);
    }
  }
}
