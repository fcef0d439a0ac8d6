// Following a stack operation live: a line per resource state change with
// the time since the start, and a summary at the end.
import type { EventRecord } from '@hearth/store';
import type { CliIO } from './io.ts';
import type { Client } from './remote.ts';

export interface WatchResult {
  action: string;
  status: string;
  reason: string;
  ok: boolean;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/**
 * Streams the stack's events after `afterId` until the operation ends. The
 * operation succeeded when the stack ends `<expected>_<outcome>` (a cancel
 * without rollback is meant to leave the stack FAILED).
 */
export function watchStack(
  client: Client,
  io: CliIO,
  stack: string,
  afterId: number | null,
  expected: string,
  json: boolean,
  outcome: 'COMPLETE' | 'FAILED' = 'COMPLETE',
): Promise<WatchResult> {
  const started = Date.now();
  const resources = new Map<string, string>();
  return new Promise((resolve, reject) => {
    let finishing = false;
    const subscription = client.stacks.watch.subscribe(
      { stack, lastEventId: afterId === null ? null : String(afterId) },
      {
        // A batch of events, in id order.
        onData: ({ data }) => {
          for (const event of data as unknown as EventRecord[]) onEvent(event);
        },
        onError: (error) => reject(error),
      },
    );
    function onEvent(event: EventRecord): void {
      const state = `${event.action}_${event.status}`;
      const elapsed = `${((Date.now() - started) / 1000).toFixed(1)}s`;
      if (json) io.out(JSON.stringify({ type: 'event', elapsed_s: (Date.now() - started) / 1000, ...event }));
      if (event.resourceName) {
        resources.set(event.resourceName, state);
        if (!json)
          io.out(
            `${pad(elapsed, 8)} ${pad(event.resourceName, 28)} ${pad(state, 20)} ${event.status === 'FAILED' ? event.reason : ''}`.trimEnd(),
          );
        return;
      }
      if (!json) io.out(`${pad(elapsed, 8)} ${pad(`[stack ${event.stackName}]`, 28)} ${pad(state, 20)} ${event.reason}`);
      if (event.status === 'IN_PROGRESS' || finishing) return;
      finishing = true;
      // A failed create or update is followed by its rollback: the operation ends when the stack is idle.
      void (async () => {
        for (;;) {
          // None once a delete is done: its last event says how it ended. A failure to ask is an error.
          const current = await client.stacks.find.query({ stack });
          if (!current || !current.inProgress) {
            subscription.unsubscribe();
            const final = current ?? { action: event.action, status: event.status, statusReason: event.reason };
            const counts = new Map<string, number>();
            for (const s of resources.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
            const ok = final.action === expected && final.status === outcome;
            const summary = {
              type: 'summary',
              stack,
              state: `${final.action}_${final.status}`,
              reason: final.statusReason,
              elapsed_s: (Date.now() - started) / 1000,
              resources: Object.fromEntries(counts),
            };
            if (json) io.out(JSON.stringify(summary));
            else {
              io.out('');
              io.out(
                `Stack ${stack} ${summary.state} in ${summary.elapsed_s.toFixed(1)}s: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'no resources'}`,
              );
              if (!ok) io.out(final.statusReason);
            }
            resolve({ action: final.action, status: final.status, reason: final.statusReason, ok });
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })().catch(reject);
    }
  });
}

/** The id of the stack's newest event (to watch what comes after it), or null. */
export async function lastEventId(client: Client, stack: string): Promise<number | null> {
  const page = await client.stacks.events.query({ stack, limit: 1, newestFirst: true }).catch(() => null);
  return page?.events[0]?.id ?? null;
}
