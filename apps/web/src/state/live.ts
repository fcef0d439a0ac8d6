// The live link to a stack: its events streamed from the server (replayed
// from the start, then live; the stream resumes from the last event id after
// a dropped connection), batched per animation frame into the run state.
import { api, errorText, isNotFound } from '../api.ts';
import { useDesign } from './design.ts';
import { useRun, type StackEvent } from './run.ts';

/** The one stream followed now: its subscription, and the events waiting for the next frame. */
class StackFeed {
  subscription: { unsubscribe(): void } | null = null;
  pending: StackEvent[] = [];
  flushScheduled = false;
  refreshTimer: ReturnType<typeof setTimeout> | null = null;

  flush = (): void => {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    useRun.getState().addEvents(batch);
  };
}

const feed = new StackFeed();

/**
 * The stack's summary (state, in progress) from the server; null when it does not exist. When the
 * server cannot be asked, the stack stays as last known (its next stack event asks again): a failure
 * to ask does not make it a stack to create.
 */
export async function refreshStack(name = useRun.getState().stackName): Promise<void> {
  if (!name) return;
  let s;
  try {
    s = await api.stacks.find.query({ stack: name });
  } catch {
    if (useRun.getState().stack?.name !== name) useRun.getState().setStack(null);
    return;
  }
  if (!s) useRun.getState().setStack(null);
  else
    useRun.getState().setStack({
      id: s.id,
      name: s.name,
      action: s.action,
      status: s.status,
      statusReason: s.statusReason,
      inProgress: s.inProgress,
      target: s.target,
      simulation: s.simulation,
    });
}

function scheduleRefresh(): void {
  if (feed.refreshTimer) return;
  feed.refreshTimer = setTimeout(() => {
    feed.refreshTimer = null;
    void refreshStack();
  }, 50);
}

export function setStackInAddress(name: string | null): void {
  const url = new URL(window.location.href);
  if (name) url.searchParams.set('stack', name);
  else url.searchParams.delete('stack');
  window.history.replaceState(null, '', url);
}

/**
 * Increases whenever what the run panel follows changes. A binding to the design that finds its stacks
 * after such a change (the user deployed meanwhile) leaves it alone.
 */
let following = 0;

/**
 * Follows the stack `name`: every event so far, then the live ones. A stack already followed is
 * followed on (an update's events come after the ones shown). `untilMade`: the stack is about to be
 * made (the page watches it before asking for it, so that its first events come as they happen).
 */
export function watchStack(name: string, { untilMade = false } = {}): void {
  const { stackName, connection } = useRun.getState();
  // (A stack about to be made is a new one, even with the name of one deleted while followed.)
  if (!untilMade && feed.subscription && stackName === name && connection !== 'idle') {
    void refreshStack(name);
    return;
  }
  following++;
  feed.subscription?.unsubscribe();
  feed.pending = [];
  const run = useRun.getState();
  run.resetEvents();
  run.setStackName(name);
  run.setConnection('live');
  setStackInAddress(name);
  void refreshStack(name);
  feed.subscription = api.stacks.watch.subscribe(
    { stack: name, lastEventId: null, untilMade },
    {
      onData: ({ data }) => {
        // A batch of events, in id order.
        for (const event of data as unknown as StackEvent[]) {
          // For benchmarks: when each event reached the page.
          (window as unknown as { hearthArrivals?: Array<[number, string]> }).hearthArrivals?.push([Date.now(), event.time]);
          feed.pending.push(event);
          if (!event.resourceName) scheduleRefresh();
        }
        if (!feed.flushScheduled) {
          feed.flushScheduled = true;
          requestAnimationFrame(feed.flush);
        }
      },
      onError: (error) => {
        useRun.getState().setConnection('idle');
        if (!isNotFound(error)) return useDesign.getState().notify('error', `Lost the stack's event stream: ${errorText(error)}`);
        // Gone (deleted since the stacks were listed, say): nothing to follow.
        followNothing();
        useDesign.getState().notify('error', `Cannot follow the stack ${name}: ${errorText(error)}`);
      },
      onConnectionStateChange: (state) => {
        useRun.getState().setConnection(state.state === 'connecting' ? 'reconnecting' : state.state === 'pending' ? 'live' : 'idle');
      },
    },
  );
}

/**
 * Ties the run panel to the design now open: what another design's stack
 * showed (its state, plan, events) goes, and the stack deployed from this
 * design (the one in the address, else the latest) is followed, or the
 * stack the user opened with it. A design acts only on its own stacks.
 */
export async function bindRunToDesign(stack?: string): Promise<void> {
  const designId = useDesign.getState().designId;
  const wanted = new URL(window.location.href).searchParams.get('stack');
  stopWatching();
  const run = useRun.getState();
  run.setStack(null);
  run.setStackName('');
  run.setPlan(null, null);
  run.resetEvents();
  setStackInAddress(null);
  // A stack the user picked with the design (opened from a cloud, say).
  if (stack) return watchStack(stack);
  if (!designId) return;
  const binding = ++following;
  const stacks = (await api.stacks.list.query().catch(() => [])).filter((s) => s.designId === designId);
  // The design may have changed while the list came, or a stack been deployed and followed.
  if (useDesign.getState().designId !== designId || following !== binding || !stacks.length) return;
  const chosen = stacks.find((s) => s.name === wanted) ?? [...stacks].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))[0]!;
  watchStack(chosen.name);
}

/**
 * Follows the stack `name` while `make` makes it: watched first, its first events come as they
 * happen (a big stack's would otherwise be replayed at once after the create returns). When making
 * it fails, the panel follows what it followed before.
 */
export async function watchWhileMaking(name: string, make: () => Promise<unknown>): Promise<void> {
  const before = useRun.getState().stackName;
  watchStack(name, { untilMade: true });
  try {
    await make();
  } catch (error) {
    if (before) watchStack(before);
    else followNothing();
    throw error;
  }
}

/** The panel follows no stack: no stream, no stack shown, none in the address. */
function followNothing(): void {
  following++;
  stopWatching();
  useRun.getState().setStackName('');
  useRun.getState().setStack(null);
  setStackInAddress(null);
}

export function stopWatching(): void {
  feed.subscription?.unsubscribe();
  feed.subscription = null;
  useRun.getState().setConnection('idle');
}
