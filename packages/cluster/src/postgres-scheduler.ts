// The scheduler for several workers sharing PostgreSQL, after Heat's
// convergence: the database is the truth, an operation is a traversal whose
// phases are graphs of nodes, and a job only says "check node K". Any worker
// takes any job; the one that completes a node releases its dependents, the
// one that settles a phase's last node ends the phase (the lifecycle table
// says what the stack becomes, and which phase is next). States, reasons and
// events are the engine's, written in the transaction that settles the node.
import type { Analysis } from '@hearth/template';
import {
  abortsRunning,
  ActionPending,
  actionOf,
  afterPhase,
  analysisFor,
  onTrouble,
  failureReason,
  GroupCommit,
  newController,
  REASON,
  resourceChange,
  resourceEvent,
  ResourceFailure,
  stackChange,
  writeStateChanges,
  type Analyses,
  type ChangeSource,
  type Engines,
  type PhaseKind,
  type PhaseNode,
  type Scheduler,
  type SchedulerParts,
  type StartRequest,
  type StateChange,
  type StopReason,
} from '@hearth/engine';
import type { ResourceRecord, StackRecord, Store } from '@hearth/store';
import { NODE_QUEUE, PHASE_QUEUE, type DueJob, type JobQueue } from './job-queue.ts';
import { WORKER_BEAT_MS, WorkerRegistry } from './worker-registry.ts';
import { Traversals, type FirstTrouble, type NodeRef, type NodeRow, type PhaseRef, type PhaseRow } from './traversals.ts';

const TRAVERSALS_KEPT = 16;
/** An operation without a first phase this long after it began was left by a server that stopped. */
const UNSTARTED_GRACE_MS = 60_000;
/** How often a long action looks whether its operation was stopped from another process. */
const STOP_POLL_MS = 1000;
/** How often a waiting wait condition reads its handle's signals. */
const SIGNAL_POLL_MS = 250;
/** An action that has not ended after this long gets its IN_PROGRESS event at once. */
const ANNOUNCE_AFTER_MS = 100;
/** The most node writes one commit takes. */
const WRITES_PER_COMMIT = 500;
/** The phases the stack's timeout ends (a rollback runs to its end whatever the time). */
const TIMED: ReadonlySet<PhaseKind> = new Set(['create', 'adopt', 'update', 'cleanup']);

/** A node taken by this worker, with what its action needs. */
interface Claimed {
  stack: StackRecord;
  rec: ResourceRecord;
  node: NodeRow;
  phase: PhaseRow;
  analysis: Analysis | null;
  /** The live resources it requires, by name (for a create or update). */
  required: Map<string, ResourceRecord>;
}

type ClaimResult = { status: 'busy' } | { status: 'settled' } | ({ status: 'claimed' } & Claimed);

/** What a step writes of its node: its IN_PROGRESS change (when nobody has yet), its settlement, or both. */
interface NodeWrite {
  ref: NodeRef;
  announcement?: StateChange;
  settlement?: { outcome: 'done' | 'failed'; reason: string; stopReason: StopReason | null; change: StateChange };
}

/** The phases of a traversal that run the same template share its analysis. */
function familyOf(traversal: string, kind: PhaseKind): string {
  return kind === 'rollback-update' || kind === 'rollback-cleanup' ? `${traversal}:previous` : traversal;
}

export class PostgresScheduler implements Scheduler {
  /** How long a node stays held by a worker that stopped renewing it. */
  private readonly leaseMs: number;
  /** Per traversal and template: the stack as its phases began (template, files, options) and its analysis. */
  private readonly families = new Map<string, { stack: StackRecord; analysis: Analysis | null }>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly registry: WorkerRegistry;
  private beat: ReturnType<typeof setInterval> | null = null;
  private registered = false;
  private stopping = false;
  /** The nodes this process is acting on now: only their leases are renewed. */
  private readonly acting = new Map<string, NodeRef>();
  /** Jobs taken together are claimed together, and steps that end together write together (group commits). */
  private readonly claims: GroupCommit<NodeRef, ClaimResult>;
  private readonly nodeWrites: GroupCommit<NodeWrite, void>;

  constructor(
    private readonly parts: SchedulerParts,
    private readonly queue: JobQueue,
  ) {
    this.leaseMs = queue.settings.expirySeconds * 1000;
    this.registry = new WorkerRegistry(parts.store.db);
    this.claims = new GroupCommit((refs) => parts.store.transaction((tx) => this.claimNodes(tx, refs)));
    this.nodeWrites = new GroupCommit((writes) => this.commitNodeWrites(writes), WRITES_PER_COMMIT);
  }

  private get store(): Store {
    return this.parts.store;
  }

  private source(stack: StackRecord, traversal: string): ChangeSource {
    return { stack, traversal, engineId: this.parts.engineId };
  }

  // ------------------------------------------------------------ starting and stopping operations (any process)

  /** The stack's IN_PROGRESS state and its first phase, in one transaction. */
  async start(request: StartRequest): Promise<void> {
    const { stack, traversal, kind } = request;
    this.remember(familyOf(traversal, request.phase), { ...stack, ...request.patch }, request.analyses.current);
    if (request.analyses.previous) this.remember(`${traversal}:previous`, { ...stack }, request.analyses.previous);
    await this.store.transaction(async (tx) => {
      Object.assign(stack, request.patch, { action: kind, status: 'IN_PROGRESS', statusReason: REASON.stackStarted(kind) });
      await writeStateChanges(tx, [
        stackChange(this.source(stack, traversal), kind, 'IN_PROGRESS', REASON.stackStarted(kind), request.patch),
      ]);
      const nodes = await request.nodes(tx);
      await this.startPhase(tx, { stackId: stack.id, traversal, phase: 0 }, request.phase, nodes, request.deadline);
    });
  }

  /** Stops the stack's current phase: waiting nodes are skipped; running ones learn of it between steps. */
  async stop(stack: StackRecord, reason: StopReason): Promise<boolean> {
    const traversal = stack.currentTraversal;
    const phase = traversal ? await new Traversals(this.store.db).current(traversal) : null;
    if (!traversal || !phase) return false;
    const ref = { stackId: stack.id, traversal, phase: phase.phase };
    await this.store.transaction(async (tx) => {
      const traversals = new Traversals(tx.db);
      const first = await traversals.stop(ref, REASON.actionCancelled(stack.action), reason);
      if (first) await writeStateChanges(tx, await this.troubleChanges(tx, [first]));
      // Actions between two steps hear of it now, not at their next step.
      await this.queue.enqueue(
        tx,
        (await traversals.betweenSteps(ref)).map((data) => ({ queue: NODE_QUEUE, data })),
      );
    });
    await this.endPhaseIfSettled(ref);
    return true;
  }

  /** Resolves when the stack's operation has ended, whichever worker ends it. */
  async wait(stackId: string): Promise<StackRecord> {
    for (;;) {
      const stack = await this.store.getStack(stackId);
      if (!stack || stack.currentTraversal === null) return stack!;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async running(): Promise<number> {
    return (await this.store.stacksInProgress()).filter((s) => !(s.options as { parentStack?: string }).parentStack).length;
  }

  /**
   * Resolves after a moment, for the waiting resource to read its handle's
   * signals again: they may reach any process (the API server), so they are
   * looked for in the database. Counting the signals here instead would miss
   * one that arrived between the resource's read and this call.
   */
  waitForSignal(_handleId: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const aborted = () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error('aborted'));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', aborted);
        resolve();
      }, SIGNAL_POLL_MS);
      if (signal.aborted) aborted();
      else signal.addEventListener('abort', aborted, { once: true });
    });
  }

  signalled(): void {
    // Waiting resources look in the database.
  }

  async record(changes: StateChange[]): Promise<void> {
    // The API server's event relay publishes them, as it publishes the workers' events.
    await this.parts.store.transaction((tx) => writeStateChanges(tx, changes));
  }

  /**
   * A dead worker's jobs go to another worker by themselves. What can be left
   * is an operation whose server stopped between taking the stack and writing
   * its first phase: nothing would ever end it, so it is marked failed.
   */
  async recover(): Promise<StackRecord[]> {
    const recovered: StackRecord[] = [];
    const before = new Date(Date.now() - UNSTARTED_GRACE_MS).toISOString();
    for (const stack of await this.store.stacksInProgress()) {
      const traversal = stack.currentTraversal!;
      if (await new Traversals(this.store.db).phase({ stackId: stack.id, traversal, phase: 0 })) continue;
      const operation = (await this.store.listOperations(stack.id)).find((o) => o.traversal === traversal);
      if (operation && operation.startedAt > before) continue;
      const reason = `The server stopped before the ${stack.action} could start; nothing was done.`;
      await this.store.transaction(async (tx) => {
        await writeStateChanges(tx, [stackChange(this.source(stack, traversal), stack.action, 'FAILED', reason)]);
        stack.status = 'FAILED';
        stack.statusReason = reason;
        await this.finish(tx, stack, traversal);
      });
      recovered.push(stack);
    }
    return recovered;
  }

  /** The engine workers sharing the database that were seen lately. */
  async engines(): Promise<Engines> {
    return { mode: 'workers', engines: await this.registry.live() };
  }

  // ------------------------------------------------------------ working (worker processes)

  /** Takes jobs until shutdown(); `concurrency` jobs at once. */
  async work(concurrency: number): Promise<void> {
    const renew = () =>
      new Traversals(this.store.db)
        .renewLeases(this.parts.engineId, [...this.acting.values()], this.leaseMs)
        .catch((error: unknown) => console.error(`hearth: renewing leases: ${String(error)}`));
    this.heartbeat = setInterval(() => void renew(), Math.max(250, this.leaseMs / 3));
    await this.registry.register(this.parts.engineId, concurrency);
    this.registered = true;
    this.beat = setInterval(
      () =>
        void this.registry
          .beat(this.parts.engineId, this.queue.running)
          .catch((error: unknown) => console.error(`hearth: saying this worker is alive: ${String(error)}`)),
      WORKER_BEAT_MS,
    );
    await this.queue.work({ node: (job) => this.checkNode(job), phase: (job) => this.endPhase(job) }, concurrency);
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    await this.queue.stop();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.beat) clearInterval(this.beat);
    if (this.registered) await this.registry.unregister(this.parts.engineId).catch(() => {});
  }

  /** One step of one node: claim it, act, settle it (or hand it back while the cloud is still busy). */
  async checkNode(ref: NodeRef): Promise<void> {
    const claimed = await this.claims.add(ref);
    if (claimed.status === 'busy') {
      // Held by a worker whose lease still runs: look again once it could have run out.
      await this.store.transaction((tx) =>
        this.queue.enqueue(tx, [{ queue: NODE_QUEUE, data: ref, startAfter: new Date(Date.now() + this.leaseMs / 2) }]),
      );
      return;
    }
    if (claimed.status === 'settled') return this.endPhaseIfSettled(ref);
    const id = `${ref.traversal}/${ref.phase}/${ref.key}`;
    this.acting.set(id, ref);
    try {
      await this.step(ref, claimed);
    } catch (error) {
      // The database failed this step (a deadlock, a lost connection): hand the node back for the job's retry.
      await this.store.transaction((tx) => new Traversals(tx.db).release(ref, this.parts.engineId)).catch(() => {});
      throw error;
    } finally {
      this.acting.delete(id);
    }
  }

  /** The action of a claimed node, then its settlement (or its next step, later). */
  private async step(ref: NodeRef, claimed: Claimed): Promise<void> {
    const { stack, rec, node, phase, analysis } = claimed;
    const action = actionOf(node.work);
    const source = this.source(stack, ref.traversal);
    const controller = newController();
    const stop = { stopReason: null as StopReason | null, aborted: false };
    const stopWatch = this.watchForStop(ref, phase, stack, controller, stop);
    // IN_PROGRESS is written once the action has taken a moment; a quick one writes it with its outcome.
    let announcing: Promise<void> | null = node.announced ? Promise.resolve() : null;
    const inProgress = () => resourceChange(source, rec, action, 'IN_PROGRESS');
    const announce = () => (announcing ??= this.nodeWrites.add({ ref, announcement: inProgress() }));
    const early = announcing ? null : setTimeout(() => void announce().catch(() => {}), ANNOUNCE_AFTER_MS);
    let change: StateChange;
    let outcome: 'done' | 'failed' = 'done';
    let reason = '';
    try {
      const result = await this.parts.runner.run({
        stack,
        rec,
        work: node.work,
        analysis,
        required: claimed.required,
        signal: controller.signal,
        steps: { startedAt: node.startedAt },
      });
      change = resourceChange(source, rec, action, 'COMPLETE', result.reason, result.patch, result.remove);
    } catch (error) {
      if (error instanceof ActionPending) {
        stopWatch();
        if (early) clearTimeout(early);
        await announce();
        // The next step comes no later than the stack's timeout, which it then reports.
        const next = Math.min(Date.now() + error.checkAfterMs, phase.deadline ?? Infinity);
        await this.store.transaction(async (tx) => {
          if (await new Traversals(tx.db).release(ref, this.parts.engineId)) {
            await this.queue.enqueue(tx, [{ queue: NODE_QUEUE, data: ref, startAfter: new Date(next) }]);
          }
        });
        return;
      }
      const stopped = stop.stopReason;
      reason = failureReason(
        {
          action: stack.action,
          timedOut: stopped === 'timed out',
          cancelled: stopped !== null && stopped !== 'timed out',
          aborted: stop.aborted,
        },
        rec,
        error,
        controller.signal,
      );
      outcome = 'failed';
      change = resourceChange(source, rec, action, 'FAILED', reason);
    } finally {
      if (early) clearTimeout(early);
    }
    stopWatch();
    const announced = announcing as Promise<void> | null;
    if (announced) await announced;
    await this.nodeWrites.add({
      ref,
      ...(announced ? {} : { announcement: inProgress() }),
      settlement: { outcome, reason, stopReason: stop.stopReason, change },
    });
  }

  /**
   * Writes what steps ended together in one transaction: IN_PROGRESS events
   * not yet written (by whichever worker gets there first), settlements with
   * their state changes, and the jobs of the nodes they released. Then asks
   * whether their phases have settled.
   */
  private async commitNodeWrites(writes: NodeWrite[]): Promise<void[]> {
    await this.store.transaction(async (tx) => {
      const traversals = new Traversals(tx.db);
      const announcing = writes.filter((w) => w.announcement);
      const won = await traversals.announceMany(
        announcing.map((w) => w.ref),
        this.parts.engineId,
      );
      const announced = new Set(announcing.filter((_, i) => won[i]));
      const settling = writes.filter((w) => w.settlement);
      const { accepted, ready, troubles } = await traversals.settleMany(
        settling.map((w) => ({ ref: w.ref, ...w.settlement! })),
        this.parts.engineId,
        this.parts.errorWaitMs,
      );
      const settled = new Set(settling.filter((_, i) => accepted[i]));
      await this.queue.enqueue(
        tx,
        ready.map((data) => ({ queue: NODE_QUEUE, data })),
      );
      // A settlement no longer this worker's (another took the node over) writes nothing.
      const changes = writes.flatMap((w) =>
        w.settlement && !settled.has(w)
          ? []
          : [...(announced.has(w) ? [w.announcement!] : []), ...(w.settlement ? [w.settlement.change] : [])],
      );
      // A phase's first failure fails the stack at once, after the resource's own change.
      changes.push(...(await this.troubleChanges(tx, troubles)));
      // Last: the events hold the lock that orders them until the commit.
      if (changes.length) await writeStateChanges(tx, changes);
    });
    const phases = new Map(writes.filter((w) => w.settlement).map((w) => [`${w.ref.traversal}/${w.ref.phase}`, w.ref]));
    for (const ref of phases.values()) await this.endPhaseIfSettled(ref);
    return writes.map(() => undefined);
  }

  /**
   * While an action runs in this job: the stack's timeout, or a stop from
   * another process that aborts running actions, aborts it as they do in
   * one process. Returns the stop.
   */
  private watchForStop(
    ref: NodeRef,
    phase: PhaseRow,
    stack: StackRecord,
    controller: AbortController,
    stop: { stopReason: StopReason | null; aborted: boolean },
  ): () => void {
    const abort = (reason: StopReason | 'aborted') => {
      if (reason === 'aborted') stop.aborted = true;
      else stop.stopReason = reason;
      const why =
        reason === 'timed out'
          ? REASON.timedOut(stack.action)
          : reason === 'aborted'
            ? REASON.actionAborted(stack.action)
            : REASON.actionCancelled(stack.action);
      controller.abort(new ResourceFailure(why));
    };
    const timer = phase.deadline === null ? null : setTimeout(() => abort('timed out'), Math.max(0, phase.deadline - Date.now()));
    const poll = setInterval(() => {
      void new Traversals(this.store.db)
        .phase(ref)
        .then((now) => {
          if (!now || stop.stopReason || stop.aborted) return;
          if (now.stopReason && now.stopReason !== 'timed out' && abortsRunning(now.stopReason)) abort(now.stopReason);
          else if (now.abortAt !== null && Date.now() >= now.abortAt) abort('aborted');
        })
        .catch(() => {});
    }, STOP_POLL_MS);
    return () => {
      if (timer) clearTimeout(timer);
      clearInterval(poll);
    };
  }

  /** The stack's state changes for phases' first troubles: the stack fails at once (Heat's mark_failed). */
  private async troubleChanges(tx: Store, troubles: FirstTrouble[]): Promise<StateChange[]> {
    const changes: StateChange[] = [];
    for (const t of troubles) {
      const stack = await this.stackOf(tx, t.ref, t.kind);
      if (!stack || stack.currentTraversal !== t.ref.traversal) continue;
      const analysis = analysisFor(t.kind, this.analysesOf(t.ref.traversal));
      changes.push(
        ...(await this.parts.lifecycle.stateChanges(
          tx,
          stack,
          this.source(stack, t.ref.traversal),
          onTrouble(t.kind, t.trouble),
          analysis,
        )),
      );
    }
    return changes;
  }

  /** Takes the nodes (jobs fetched together, in one transaction) and prepares each one's action. */
  private async claimNodes(tx: Store, refs: NodeRef[]): Promise<ClaimResult[]> {
    const claims = await new Traversals(tx.db).claimMany(refs, this.parts.engineId, this.leaseMs);
    const records = new Map(
      (await tx.getResources(claims.flatMap((c) => (c.status === 'claimed' ? [c.node.resourceId] : [])))).map((r) => [r.id, r]),
    );
    const stacks = new Map<string, StackRecord | null>();
    const results: ClaimResult[] = [];
    for (const [i, claim] of claims.entries()) {
      if (claim.status !== 'claimed') {
        results.push(claim);
        continue;
      }
      const ref = refs[i]!;
      const family = familyOf(ref.traversal, claim.phase.kind);
      if (!stacks.has(family)) stacks.set(family, await this.stackOf(tx, ref, claim.phase.kind));
      const stack = stacks.get(family);
      results.push(
        await this.prepare(tx, ref, claim.node, claim.phase, stack ? { ...stack } : null, records.get(claim.node.resourceId) ?? null),
      );
    }
    // What the creates and updates require, read once per stack for the whole batch.
    const byStack = new Map<string, Array<Extract<ClaimResult, { status: 'claimed' }>>>();
    for (const r of results) {
      if (r.status !== 'claimed' || (r.node.work !== 'create' && r.node.work !== 'update' && r.node.work !== 'replace')) continue;
      byStack.set(r.stack.id, [...(byStack.get(r.stack.id) ?? []), r]);
    }
    for (const [stackId, claimed] of byStack) {
      const live = await this.parts.lifecycle.required(
        tx,
        stackId,
        claimed.map((c) => c.rec),
      );
      for (const c of claimed) for (const name of c.rec.requires) if (live.has(name)) c.required.set(name, live.get(name)!);
    }
    return results;
  }

  /**
   * Prepares a claimed node's action: the resource it acts on (through the
   * lifecycle: a replacement's new generation is made once). A node whose
   * phase stopped before it began is skipped; one already begun goes on, as
   * running actions do in one process, unless the stop aborts running
   * actions: then it fails with that reason.
   */
  private async prepare(
    tx: Store,
    ref: NodeRef,
    node: NodeRow,
    phase: PhaseRow,
    stack: StackRecord | null,
    rec: ResourceRecord | null,
  ): Promise<ClaimResult> {
    const traversals = new Traversals(tx.db);
    const timedOut = phase.deadline !== null && Date.now() >= phase.deadline;
    const skip = async (stopReason: StopReason | null = null) => {
      const first = stopReason ? await traversals.stop(ref, REASON.timedOut(stack!.action), stopReason) : null;
      await this.settleIn(tx, ref, 'skipped');
      if (first) await writeStateChanges(tx, await this.troubleChanges(tx, [first]));
      return { status: 'settled' as const };
    };
    if (!stack || stack.currentTraversal !== ref.traversal || !rec) return skip();
    if (node.firstStart && phase.kind !== 'check' && (phase.stopped || timedOut)) return skip(timedOut ? 'timed out' : null);
    const action = actionOf(node.work);
    const source = this.source(stack, ref.traversal);
    const stopped: StopReason | null = timedOut ? 'timed out' : phase.stopReason;
    const aborted = phase.abortAt !== null && Date.now() >= phase.abortAt;
    if (!node.firstStart && ((stopped && abortsRunning(stopped)) || aborted)) {
      // Begun, then stopped (or still running error_wait_time after a failure): it fails with the reason, as an aborted action does in one process.
      const current = node.work === 'replace' && rec.replacedBy !== null ? ((await tx.getResource(rec.replacedBy)) ?? rec) : rec;
      const reason =
        stopped === 'timed out'
          ? REASON.timedOut(stack.action)
          : stopped && abortsRunning(stopped)
            ? REASON.actionCancelled(stack.action)
            : REASON.actionAborted(stack.action);
      const before = (await traversals.announce(ref, this.parts.engineId)) ? [resourceChange(source, current, action, 'IN_PROGRESS')] : [];
      await this.settleIn(
        tx,
        ref,
        'failed',
        reason,
        [...before, resourceChange(source, current, action, 'FAILED', reason)],
        stopped && abortsRunning(stopped) ? stopped : null,
      );
      return { status: 'settled' as const };
    }
    const analyses = this.analysesOf(ref.traversal);
    const analysis = analysisFor(phase.kind, analyses);
    const prepared = await this.parts.lifecycle.prepare(tx, stack, node, rec, phase.kind, analysis);
    if (prepared === 'settled') {
      await this.settleIn(tx, ref, 'done');
      return { status: 'settled' as const };
    }
    if ('refused' in prepared) {
      const { event, failure } = prepared.refused;
      await this.settleIn(tx, ref, 'failed', failure, event === null ? [] : [resourceEvent(source, rec, action, 'FAILED', event)]);
      return { status: 'settled' as const };
    }
    return { status: 'claimed' as const, stack, rec: prepared, node, phase, analysis, required: new Map() };
  }

  /**
   * Settles the node with its state change and enqueues the nodes it
   * released. Nothing when the node is no longer this worker's (another took
   * it over, taking this one for dead). The state change goes last: its event
   * holds the lock that orders events until the commit.
   */
  private async settleIn(
    tx: Store,
    ref: NodeRef,
    outcome: 'done' | 'failed' | 'skipped',
    reason = '',
    changes: StateChange[] = [],
    stopReason: StopReason | null = null,
  ): Promise<void> {
    const settled = await new Traversals(tx.db).settle(ref, this.parts.engineId, outcome, reason, stopReason, this.parts.errorWaitMs);
    if (!settled.accepted) return;
    await this.queue.enqueue(
      tx,
      settled.ready.map((data) => ({ queue: NODE_QUEUE, data })),
    );
    const all = [...changes, ...(await this.troubleChanges(tx, settled.troubles))];
    if (all.length) await writeStateChanges(tx, all);
  }

  /**
   * After a settlement commits: when the phase has nothing left to settle,
   * its end is enqueued. Two last settlements at once may both enqueue it;
   * the end runs once (endPhase is idempotent). A worker that dies between
   * its commit and this question leaves its job to be retried, and the
   * retry, finding the node settled, asks again.
   */
  private async endPhaseIfSettled(ref: PhaseRef): Promise<void> {
    if (!(await new Traversals(this.store.db).allSettled(ref))) return;
    const phase = { stackId: ref.stackId, traversal: ref.traversal, phase: ref.phase };
    await this.store.transaction((tx) => this.queue.enqueue(tx, [{ queue: PHASE_QUEUE, data: phase }]));
  }

  /** The phase's last node has settled: what the lifecycle table says the stack becomes, and the next phase. */
  async endPhase(ref: PhaseRef): Promise<void> {
    await this.store.transaction(async (tx) => {
      const ended = await new Traversals(tx.db).endPhase(ref);
      if (!ended) return;
      const stack = await this.stackOf(tx, ref, ended.kind);
      if (!stack || stack.currentTraversal !== ref.traversal) return;
      const options = stack.options as { disableRollback?: boolean };
      const transition = afterPhase(
        ended.kind,
        { failure: ended.failure, stop: ended.stopReason },
        { disableRollback: options.disableRollback ?? false, stopping: this.stopping },
      );
      const analyses = this.analysesOf(ref.traversal);
      const source = this.source(stack, ref.traversal);
      await writeStateChanges(
        tx,
        await this.parts.lifecycle.stateChanges(tx, stack, source, transition.writes, analysisFor(ended.kind, analyses)),
      );
      if (!transition.next) return this.finish(tx, stack, ref.traversal);
      const next = transition.next;
      if (next === 'rollback-update') {
        // The stack has its previous template back: the rollback's phases run that template.
        const previous = this.parts.analyse(stack);
        if (!previous) {
          await writeStateChanges(tx, [
            stackChange(source, 'ROLLBACK', 'FAILED', 'The previous template no longer analyses; nothing was rolled back.'),
          ]);
          stack.status = 'FAILED';
          return this.finish(tx, stack, ref.traversal);
        }
        this.remember(familyOf(ref.traversal, next), { ...stack }, previous);
      }
      const nodes = await this.parts.lifecycle.phaseNodes(tx, stack, next, this.analysesOf(ref.traversal));
      await this.startPhase(tx, { ...ref, phase: ref.phase + 1 }, next, nodes, TIMED.has(next) ? ended.deadline : null);
    });
  }

  private async finish(tx: Store, stack: StackRecord, traversal: string): Promise<void> {
    await tx.updateStack(stack.id, { currentTraversal: null }, traversal);
    await tx.finishOperation(traversal, `${stack.action}_${stack.status}`, stack.statusReason);
  }

  // ------------------------------------------------------------ helpers

  private async startPhase(tx: Store, ref: PhaseRef, kind: PhaseKind, nodes: PhaseNode[], deadline: number | null): Promise<void> {
    const ready = await new Traversals(tx.db).addPhase(ref, kind, nodes, deadline === null ? null : new Date(deadline));
    const due: DueJob[] = nodes.length ? ready.map((data) => ({ queue: NODE_QUEUE, data })) : [{ queue: PHASE_QUEUE, data: ref }];
    await this.queue.enqueue(tx, due);
  }

  /** The templates a traversal runs, as far as this process has read them. */
  private analysesOf(traversal: string): Analyses {
    return {
      current: this.families.get(traversal)?.analysis ?? null,
      previous: this.families.get(`${traversal}:previous`)?.analysis ?? null,
    };
  }

  /**
   * The stack for a step of its traversal: its template, files and analysis
   * read once per traversal and template (a rollback goes back to another)
   * in this process, its state read every time.
   */
  private async stackOf(tx: Store, ref: PhaseRef, kind: PhaseKind): Promise<StackRecord | null> {
    const family = familyOf(ref.traversal, kind);
    const known = this.families.get(family);
    if (!known) {
      const stack = await tx.getStack(ref.stackId);
      if (!stack) return null;
      this.remember(family, stack, this.parts.analyse(stack));
      return { ...stack };
    }
    const state = await tx.stackState(ref.stackId);
    return state ? { ...known.stack, ...state } : null;
  }

  private remember(family: string, stack: StackRecord, analysis: Analysis | null): void {
    if (this.families.size >= TRAVERSALS_KEPT * 2) this.families.delete(this.families.keys().next().value!);
    this.families.set(family, { stack, analysis });
  }
}
