// The engine for several workers sharing PostgreSQL, after Heat's
// convergence: the database is the truth, an operation is a traversal whose
// phases are graphs of nodes, and a job only says "check node K". Any worker
// takes any job; the one that completes a node releases its dependents, the
// one that settles a phase's last node ends the phase (next phase, or the
// stack's final state). States, reasons and events are the single-process
// engine's, written in the transaction that settles the node.
import type { Analysis, ValueMap } from '@hearth/template';
import {
  ActionPending,
  deletionWaits,
  Engine,
  GroupCommit,
  EngineError,
  REASON,
  ResourceFailure,
  errorMessage,
  newController,
  retained,
  toJson,
  writeStateChanges,
  type EngineOptions,
  type Engines,
  type Operation,
  type StackInput,
  type StackOptions,
  type StateChange,
  type Kind,
  type Plan,
  type PreviousTemplate,
} from '@hearth/engine';
import { nodeToValue } from '@hearth/template';
import type { ResourcePatch, ResourceRecord, StackPatch, StackRecord, Store } from '@hearth/store';
import { NODE_QUEUE, PHASE_QUEUE, type DueJob, type JobQueue } from './job-queue.ts';
import { WORKER_BEAT_MS, WorkerRegistry } from './worker-registry.ts';
import {
  Traversals,
  type NodeRef,
  type PhaseKind,
  type PhaseNode,
  type PhaseRef,
  type NodeRow,
  type PhaseRow,
  type StopReason,
  type Work,
} from './traversals.ts';

export interface ClusterEngineOptions extends EngineOptions {
  queue: JobQueue;
}

const TRAVERSALS_KEPT = 16;
/** An operation without a first phase this long after it began was left by a server that stopped. */
const UNSTARTED_GRACE_MS = 60_000;
/** How often a long action looks whether its update was cancelled from another process. */
const STOP_POLL_MS = 1000;
/** How often a waiting wait condition reads its handle's signals. */
const SIGNAL_POLL_MS = 250;

type NodeAction = 'CREATE' | 'UPDATE' | 'DELETE' | 'CHECK';

/** An action that has not ended after this long gets its IN_PROGRESS event at once. */
const ANNOUNCE_AFTER_MS = 100;

/** A node taken by this worker, with what its action needs. */
interface Claimed {
  stack: StackRecord;
  rec: ResourceRecord;
  node: NodeRow;
  phase: PhaseRow;
  action: NodeAction;
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

/** The most node writes one commit takes. */
const WRITES_PER_COMMIT = 500;

/** When the stack's timeout_mins, counted from now, ends its operation. */
function deadlineOf(stack: StackRecord): Date | null {
  const minutes = Number((stack.options as StackOptions).timeoutMins ?? 0);
  return minutes > 0 ? new Date(Date.now() + minutes * 60_000) : null;
}

/** The phases of a traversal that run the same template share its analysis. */
function familyOf(traversal: string, kind: PhaseKind): string {
  return kind.startsWith('rollback-') ? `${traversal}:previous` : traversal;
}

export class ClusterEngine extends Engine {
  private readonly queue: JobQueue;
  /** How long a node stays held by a worker that stopped renewing it. */
  private readonly leaseMs: number;
  /** Per traversal: the stack as its operation began (template, files, options) and its analysis. */
  private readonly traversals = new Map<string, { stack: StackRecord; analysis: Analysis | null }>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly registry: WorkerRegistry;
  private beat: ReturnType<typeof setInterval> | null = null;
  private registered = false;
  /** The nodes this process is acting on now: only their leases are renewed. */
  private readonly acting = new Map<string, NodeRef>();
  /** Jobs taken together are claimed together, and steps that end together write together (group commits). */
  private readonly claims = new GroupCommit<NodeRef, ClaimResult>((refs) => this.store.transaction((tx) => this.claimNodes(tx, refs)));
  private readonly nodeWrites = new GroupCommit<NodeWrite, void>((writes) => this.commitNodeWrites(writes), WRITES_PER_COMMIT);

  constructor(options: ClusterEngineOptions) {
    super(options);
    this.queue = options.queue;
    this.leaseMs = options.queue.settings.expirySeconds * 1000;
    this.registry = new WorkerRegistry(this.store.db);
    // The signal may reach another process (the API server): look in the database.
    this.services.waitForSignal = (handleId, signal) => this.pollSignals(handleId, signal);
  }

  // ------------------------------------------------------------ starting operations (any process)

  /**
   * Takes the stack for a new operation (its traversal) and, in one
   * transaction, writes its IN_PROGRESS state and first phase. When that
   * fails, the stack is let go again rather than left in progress forever.
   */
  private async operate(
    stack: StackRecord,
    kind: Kind,
    patch: StackPatch,
    firstPhase: (tx: Store, ref: PhaseRef) => Promise<void>,
  ): Promise<void> {
    const op = await this.begin(stack, kind);
    try {
      await this.store.transaction(async (tx) => {
        await writeStateChanges(tx, [this.stackChange(stack, op.traversal, kind, 'IN_PROGRESS', REASON.stackStarted(kind), patch)]);
        await firstPhase(tx, { stackId: stack.id, traversal: op.traversal, phase: 0 });
      });
    } catch (error) {
      await this.store.updateStack(stack.id, { currentTraversal: null }, op.traversal);
      await this.store.finishOperation(op.traversal, `${kind}_FAILED`, errorMessage(error));
      throw error;
    }
  }

  override async createStack(input: StackInput): Promise<StackRecord> {
    const { stack, analysis } = await this.prepareCreate(input);
    await this.operate(stack, 'CREATE', {}, async (tx, ref) => {
      const records = await tx.insertResources(this.resourceRows(stack.id, analysis));
      const nodes: PhaseNode[] = records.map((r) => ({ key: r.name, resourceId: r.id, work: 'create', requires: r.requires }));
      await this.startPhase(tx, ref, 'create', nodes, deadlineOf(stack));
    });
    return stack;
  }

  override async deleteStack(idOrName: string): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    await this.operate(stack, 'DELETE', {}, async (tx, ref) => this.startDeletion(tx, ref, 'delete', await tx.listResources(stack.id)));
    return stack;
  }

  override async updateStack(
    idOrName: string,
    input: Omit<StackInput, 'name'> & { name?: string },
  ): Promise<{ stack: StackRecord; plan: Plan }> {
    const stack = await this.getStack(idOrName);
    const full: StackInput = { ...input, name: stack.name, options: { ...(stack.options as StackOptions), ...(input.options ?? {}) } };
    const analysis = this.analyze(full);
    await this.ready(analysis, full.options ?? {}, stack);
    const { patch } = this.updatePatch(stack, full);
    let plan: Plan | undefined;
    await this.operate(stack, 'UPDATE', patch, async (tx, ref) => {
      // Planned once the stack is this operation's: nothing changes it in between.
      plan = await this.planAgainst(stack.id, analysis);
      this.remember(ref.traversal, { ...stack }, analysis);
      await this.startUpdatePhase(tx, stack, ref, 'update', analysis, plan, deadlineOf(stack));
    });
    return { stack, plan: plan! };
  }

  /** Stops the update where it is: nothing new starts, actions begun fail as cancelled, then it rolls back. */
  override async cancelUpdate(idOrName: string): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    const traversal = stack.currentTraversal;
    const phase = traversal ? await new Traversals(this.store.db).current(traversal) : null;
    if (!traversal || !phase || stack.action !== 'UPDATE' || (phase.kind !== 'update' && phase.kind !== 'cleanup')) {
      throw new EngineError(`Stack ${stack.name} has no update in progress to cancel (it is ${stack.action}_${stack.status}).`, 'INVALID');
    }
    const ref = { stackId: stack.id, traversal, phase: phase.phase };
    await this.store.transaction(async (tx) => {
      const traversals = new Traversals(tx.db);
      await traversals.stop(ref, 'UPDATE cancelled', 'cancelled');
      // Actions between two steps hear of it now, not at their next step.
      await this.queue.enqueue(
        tx,
        (await traversals.betweenSteps(ref)).map((data) => ({ queue: NODE_QUEUE, data })),
      );
    });
    await this.endPhaseIfSettled(ref);
    return stack;
  }

  override async checkStack(idOrName: string): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    await this.operate(stack, 'CHECK', {}, async (tx, ref) => {
      const live = (await tx.listResources(stack.id)).filter((r) => r.replacedBy === null);
      const nodes: PhaseNode[] = live.map((r) => ({ key: String(r.id), resourceId: r.id, work: 'check', requires: [] }));
      await this.startPhase(tx, ref, 'check', nodes);
    });
    return stack;
  }

  /** Resolves when the stack's operation has ended, whichever worker ends it. */
  override async wait(stackId: string): Promise<StackRecord> {
    for (;;) {
      const stack = await this.store.getStack(stackId);
      if (!stack || stack.currentTraversal === null) return stack!;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * A dead worker's jobs go to another worker by themselves. What can be left
   * is an operation whose server stopped between taking the stack and writing
   * its first phase: nothing would ever end it, so it is marked failed.
   */
  override async recover(): Promise<StackRecord[]> {
    const recovered: StackRecord[] = [];
    const before = new Date(Date.now() - UNSTARTED_GRACE_MS).toISOString();
    for (const stack of await this.store.stacksInProgress()) {
      const traversal = stack.currentTraversal!;
      if (await new Traversals(this.store.db).phase({ stackId: stack.id, traversal, phase: 0 })) continue;
      const operation = (await this.store.listOperations(stack.id)).find((o) => o.traversal === traversal);
      if (operation && operation.startedAt > before) continue;
      const reason = `The server stopped before the ${stack.action} could start; nothing was done.`;
      await this.store.transaction(async (tx) => {
        await writeStateChanges(tx, [this.stackChange(stack, traversal, stack.action, 'FAILED', reason)]);
        await this.finish(tx, stack, traversal);
      });
      recovered.push(stack);
    }
    return recovered;
  }

  // ------------------------------------------------------------ working (worker processes)

  /** Takes jobs until shutdown(); `concurrency` jobs at once. */
  async work(concurrency: number): Promise<void> {
    const renew = () =>
      new Traversals(this.store.db)
        .renewLeases(this.engineId, [...this.acting.values()], this.leaseMs)
        .catch((error: unknown) => console.error(`hearth: renewing leases: ${String(error)}`));
    this.heartbeat = setInterval(() => void renew(), Math.max(250, this.leaseMs / 3));
    await this.registry.register(this.engineId, concurrency);
    this.registered = true;
    this.beat = setInterval(
      () =>
        void this.registry
          .beat(this.engineId, this.queue.running)
          .catch((error: unknown) => console.error(`hearth: saying this worker is alive: ${String(error)}`)),
      WORKER_BEAT_MS,
    );
    await this.queue.work({ node: (job) => this.checkNode(job), phase: (job) => this.endPhase(job) }, concurrency);
  }

  override async shutdown(): Promise<void> {
    this.stopping = true;
    await this.queue.stop();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.beat) clearInterval(this.beat);
    if (this.registered) await this.registry.unregister(this.engineId).catch(() => {});
  }

  /** The engine workers sharing the database that were seen lately. */
  override async engines(): Promise<Engines> {
    return { mode: 'workers', engines: await this.registry.live() };
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
    if (claimed.status !== 'claimed') return;
    const id = `${ref.traversal}/${ref.phase}/${ref.key}`;
    this.acting.set(id, ref);
    try {
      await this.step(ref, claimed);
    } catch (error) {
      // The database failed this step (a deadlock, a lost connection): hand the node back for the job's retry.
      await this.store.transaction((tx) => new Traversals(tx.db).release(ref, this.engineId)).catch(() => {});
      throw error;
    } finally {
      this.acting.delete(id);
    }
  }

  /** The action of a claimed node, then its settlement (or its next step, later). */
  private async step(ref: NodeRef, claimed: Claimed): Promise<void> {
    const { stack, rec, node, phase, action, analysis } = claimed;
    const op = this.operationFor(stack, ref.traversal);
    const steps = { startedAt: node.startedAt };
    const stopWatch = this.watchForStop(ref, phase, op);
    // IN_PROGRESS is written once the action has taken a moment; a quick one writes it with its outcome.
    let announcing: Promise<void> | null = node.announced ? Promise.resolve() : null;
    const inProgress = () => this.resourceChange(stack, ref.traversal, rec, action, 'IN_PROGRESS');
    const announce = () => (announcing ??= this.nodeWrites.add({ ref, announcement: inProgress() }));
    const early = announcing ? null : setTimeout(() => void announce().catch(() => {}), ANNOUNCE_AFTER_MS);
    let change: StateChange;
    let outcome: 'done' | 'failed' = 'done';
    let reason = '';
    try {
      change = await this.perform(op, stack, ref.traversal, rec, action, analysis, claimed.required, steps);
    } catch (error) {
      if (error instanceof ActionPending) {
        stopWatch();
        if (early) clearTimeout(early);
        await announce();
        // The next step comes no later than the stack's timeout, which it then reports.
        const next = Math.min(Date.now() + error.checkAfterMs, phase.deadline ?? Infinity);
        await this.store.transaction(async (tx) => {
          if (await new Traversals(tx.db).release(ref, this.engineId)) {
            await this.queue.enqueue(tx, [{ queue: NODE_QUEUE, data: ref, startAfter: new Date(next) }]);
          }
        });
        return;
      }
      reason = this.failureReason(op, rec, error);
      outcome = 'failed';
      change = this.resourceChange(stack, ref.traversal, rec, action, 'FAILED', reason);
    } finally {
      if (early) clearTimeout(early);
    }
    stopWatch();
    const stopReason: StopReason | null = op.timedOut ? 'timed out' : op.cancelled ? 'cancelled' : null;
    const announced = announcing as Promise<void> | null;
    if (announced) await announced;
    await this.nodeWrites.add({
      ref,
      ...(announced ? {} : { announcement: inProgress() }),
      settlement: { outcome, reason, stopReason, change },
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
        this.engineId,
      );
      const announced = new Set(announcing.filter((_, i) => won[i]));
      const settling = writes.filter((w) => w.settlement);
      const { accepted, ready } = await traversals.settleMany(
        settling.map((w) => ({ ref: w.ref, ...w.settlement! })),
        this.engineId,
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
      // Last: the events hold the lock that orders them until the commit.
      if (changes.length) await writeStateChanges(tx, changes);
    });
    const phases = new Map(writes.filter((w) => w.settlement).map((w) => [`${w.ref.traversal}/${w.ref.phase}`, w.ref]));
    for (const ref of phases.values()) await this.endPhaseIfSettled(ref);
    return writes.map(() => undefined);
  }

  /** The resource's IN_PROGRESS change, when nobody has written it yet (taking the right to write it). */
  private async announcement(tx: Store, ref: NodeRef, stack: StackRecord, rec: ResourceRecord, action: NodeAction): Promise<StateChange[]> {
    return (await new Traversals(tx.db).announce(ref, this.engineId))
      ? [this.resourceChange(stack, ref.traversal, rec, action, 'IN_PROGRESS')]
      : [];
  }

  /** The action itself; returns the resource's change when it is done. */
  private async perform(
    op: Operation,
    stack: StackRecord,
    traversal: string,
    rec: ResourceRecord,
    action: NodeAction,
    analysis: Analysis | null,
    required: Map<string, ResourceRecord>,
    steps: { startedAt: number },
  ): Promise<StateChange> {
    switch (action) {
      case 'DELETE': {
        await this.performDelete(op, rec, analysis, steps);
        const why = retained(rec) ? REASON.retained : REASON.stateChanged;
        return this.resourceChange(stack, traversal, rec, 'DELETE', 'COMPLETE', why, {}, true);
      }
      case 'CHECK': {
        const provider = this.providerFor(rec);
        if (!rec.physicalId) throw new ResourceFailure('the resource was never created');
        await provider.check?.({ ...this.context(op, rec, rec.properties as ValueMap, {}), steps });
        return this.resourceChange(stack, traversal, rec, 'CHECK', 'COMPLETE');
      }
      default: {
        if (!analysis) throw new Error('the stack’s template no longer analyses');
        const previous = action === 'UPDATE' ? { ...rec } : undefined;
        const patch = await this.performCreateOrUpdate(op, analysis, rec, required, action, previous, steps);
        op.controller.signal.throwIfAborted();
        return this.resourceChange(stack, traversal, rec, action, 'COMPLETE', REASON.stateChanged, patch);
      }
    }
  }

  /**
   * While an action runs in this job: the stack's timeout, or a cancel from
   * another process, aborts it as they do in one process. Returns the stop.
   */
  private watchForStop(ref: NodeRef, phase: PhaseRow, op: Operation): () => void {
    const abort = (reason: string) => op.controller.abort(new ResourceFailure(reason));
    const timer =
      phase.deadline === null
        ? null
        : setTimeout(
            () => {
              op.timedOut = true;
              abort(REASON.timedOut(op.kind));
            },
            Math.max(0, phase.deadline - Date.now()),
          );
    const poll = setInterval(() => {
      void new Traversals(this.store.db)
        .phase(ref)
        .then((now) => {
          if (now?.stopReason === 'cancelled' && !op.cancelled) {
            op.cancelled = true;
            abort(`${op.kind} cancelled`);
          }
        })
        .catch(() => {});
    }, STOP_POLL_MS);
    return () => {
      if (timer) clearTimeout(timer);
      clearInterval(poll);
    };
  }

  /** Takes the nodes (jobs fetched together, in one transaction) and prepares each one's action. */
  private async claimNodes(tx: Store, refs: NodeRef[]): Promise<ClaimResult[]> {
    const claims = await new Traversals(tx.db).claimMany(refs, this.engineId, this.leaseMs);
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
    const names = new Map<string, Set<string>>();
    for (const r of results) {
      if (r.status !== 'claimed' || (r.action !== 'CREATE' && r.action !== 'UPDATE')) continue;
      const set = names.get(r.stack.id) ?? new Set();
      for (const name of r.rec.requires) set.add(name);
      names.set(r.stack.id, set);
    }
    for (const [stackId, wanted] of names) {
      const live = new Map((await tx.resourcesNamed(stackId, [...wanted])).filter((r) => r.replacedBy === null).map((r) => [r.name, r]));
      for (const r of results) {
        if (r.status !== 'claimed' || r.stack.id !== stackId) continue;
        for (const name of r.rec.requires) {
          const found = live.get(name);
          if (found) r.required.set(name, found);
        }
      }
    }
    return results;
  }

  /**
   * Prepares a claimed node's action: the resource it acts on (a
   * replacement's new generation is made here, once) and what it requires.
   * A node whose phase stopped before it began is skipped; one already begun
   * goes on, as running actions do in one process, unless the stop was a
   * cancel or the stack's timeout: then it fails with that reason.
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
      if (stopReason) await traversals.stop(ref, REASON.timedOut(stack!.action), stopReason);
      await this.settleIn(tx, ref, 'skipped');
      return { status: 'settled' as const };
    };
    if (!stack || stack.currentTraversal !== ref.traversal || !rec) return skip();
    if (node.firstStart && phase.kind !== 'check' && (phase.stopped || timedOut)) return skip(timedOut ? 'timed out' : null);
    const action: NodeAction =
      node.work === 'delete' ? 'DELETE' : node.work === 'update' ? 'UPDATE' : node.work === 'check' ? 'CHECK' : 'CREATE';
    if (!node.firstStart && (timedOut || phase.stopReason === 'cancelled')) {
      // Begun, then stopped: it fails with the reason, as an aborted action does in one process.
      if (node.work === 'replace' && rec.replacedBy !== null) rec = (await tx.getResource(rec.replacedBy)) ?? rec;
      const stopReason: StopReason = timedOut ? 'timed out' : 'cancelled';
      const reason = timedOut ? REASON.timedOut(stack.action) : `${stack.action} cancelled`;
      const before = await this.announcement(tx, ref, stack, rec, action);
      await this.settleIn(
        tx,
        ref,
        'failed',
        reason,
        [...before, this.resourceChange(stack, ref.traversal, rec, action, 'FAILED', reason)],
        stopReason,
      );
      return { status: 'settled' as const };
    }
    const analysis = this.traversals.get(familyOf(ref.traversal, phase.kind))?.analysis ?? null;
    const info = analysis?.resources.find((r) => r.name === rec!.name);
    if (node.work === 'unchanged') {
      if (info) {
        await tx.updateResource(rec.id, {
          requires: this.newResource(stack.id, info, analysis!, 0).requires,
          definition: toJson(nodeToValue(info.def.node)),
        });
      }
      await this.settleIn(tx, ref, 'done');
      return { status: 'settled' as const };
    }
    if (node.work === 'replace') {
      // Heat creates the replacement first; the old one goes in the cleanup.
      if (rec.replacedBy === null && info) {
        const [fresh] = await tx.insertResources([this.newResource(stack.id, info, analysis!, rec.generation + 1)]);
        await tx.updateResource(rec.id, { replacedBy: fresh!.id });
        rec = fresh!;
      } else if (rec.replacedBy !== null) {
        rec = (await tx.getResource(rec.replacedBy))!;
      }
    } else if (node.firstStart && info && phase.kind !== 'create' && (node.work === 'create' || node.work === 'update')) {
      // An update may change what the resource requires (a new stack's rows have it already).
      rec.requires = this.newResource(stack.id, info, analysis!, 0).requires;
      await tx.updateResource(rec.id, { requires: rec.requires });
    }
    return { status: 'claimed' as const, stack, rec, node, phase, action, analysis, required: new Map() };
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
    const traversals = new Traversals(tx.db);
    const settled = await traversals.settle(ref, this.engineId, outcome, reason, stopReason);
    if (!settled.accepted) return;
    await this.queue.enqueue(
      tx,
      settled.ready.map((data) => ({ queue: NODE_QUEUE, data })),
    );
    if (changes.length) await writeStateChanges(tx, changes);
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

  /** The phase's last node has settled: the next phase, or the stack's final state. */
  async endPhase(ref: PhaseRef): Promise<void> {
    await this.store.transaction(async (tx) => {
      const ended = await new Traversals(tx.db).endPhase(ref);
      if (!ended) return;
      const stack = await this.stackOf(tx, ref, ended.kind);
      if (!stack || stack.currentTraversal !== ref.traversal) return;
      const next = { ...ref, phase: ref.phase + 1 };
      const state = (action: string, status: string, reason: string, patch: StackPatch = {}) =>
        writeStateChanges(tx, [this.stackChange(stack, ref.traversal, action, status, reason, patch)]);
      const outputs = async () => {
        const analysis = this.traversals.get(familyOf(ref.traversal, ended.kind))?.analysis;
        const records = new Map((await tx.listResources(stack.id)).filter((r) => r.replacedBy === null).map((r) => [r.name, r]));
        return analysis ? this.resolveOutputs(analysis, records) : {};
      };
      const failure = ended.failure;
      const deadline = ended.deadline === null ? null : new Date(ended.deadline);
      // Heat's reason for the stack: the first resource failure, or why the phase was stopped.
      const why = (action: string) =>
        ended.stopReason === 'timed out'
          ? REASON.timedOut(action)
          : ended.stopReason === 'cancelled'
            ? REASON.cancelled(action)
            : REASON.resourceFailed(action, failure ?? 'unknown error');
      const rollingBack = !(stack.options as StackOptions).disableRollback && !this.stopping;
      switch (ended.kind) {
        case 'create':
          if (failure === null) {
            await state('CREATE', 'COMPLETE', REASON.stackCompleted('CREATE'), { outputs: await outputs() });
            break;
          }
          await state('CREATE', 'FAILED', why('CREATE'));
          if (!rollingBack) break;
          await state('ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'));
          return this.startDeletion(tx, next, 'rollback', await tx.listResources(stack.id));
        case 'rollback':
          if (failure === null) await state('ROLLBACK', 'COMPLETE', REASON.stackCompleted('ROLLBACK'));
          else await state('ROLLBACK', 'FAILED', REASON.resourceFailed('DELETE', failure));
          break;
        case 'delete':
          if (failure === null) await state('DELETE', 'COMPLETE', REASON.stackCompleted('DELETE'), { deletedAt: new Date().toISOString() });
          else await state('DELETE', 'FAILED', REASON.resourceFailed('DELETE', failure));
          break;
        case 'update':
        case 'rollback-update': {
          const action = ended.kind === 'update' ? 'UPDATE' : 'ROLLBACK';
          if (failure === null)
            return this.startCleanup(tx, stack, next, ended.kind === 'update' ? 'cleanup' : 'rollback-cleanup', deadline);
          await state(action, 'FAILED', why(action));
          if (action === 'UPDATE' && rollingBack) return this.startRollback(tx, stack, next, state);
          break;
        }
        case 'cleanup':
        case 'rollback-cleanup': {
          const action = ended.kind === 'cleanup' ? 'UPDATE' : 'ROLLBACK';
          if (failure === null) {
            await state(action, 'COMPLETE', REASON.stackCompleted(action), { outputs: await outputs(), previous: null });
            break;
          }
          await state(action, 'FAILED', why(action));
          if (action === 'UPDATE' && rollingBack) return this.startRollback(tx, stack, next, state);
          break;
        }
        case 'check':
          if (failure === null) await state('CHECK', 'COMPLETE', REASON.stackCompleted('CHECK'));
          else await state('CHECK', 'FAILED', REASON.resourceFailed('CHECK', failure));
          break;
      }
      await this.finish(tx, stack, ref.traversal);
    });
  }

  private async finish(tx: Store, stack: StackRecord, traversal: string): Promise<void> {
    await tx.updateStack(stack.id, { currentTraversal: null }, traversal);
    await tx.finishOperation(traversal, `${stack.action}_${stack.status}`, stack.statusReason);
  }

  /** A failed update goes back to the template the stack had, by a plan against what exists now. */
  private async startRollback(
    tx: Store,
    stack: StackRecord,
    ref: PhaseRef,
    state: (action: string, status: string, reason: string, patch?: StackPatch) => Promise<unknown>,
  ): Promise<void> {
    const previous = stack.previous as unknown as PreviousTemplate;
    await state('ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'), {
      template: previous.template,
      environment: previous.environment,
      parameters: previous.parameters,
      files: previous.files,
      options: previous.options,
    });
    let back: Analysis;
    try {
      back = this.analyze({
        ...previous,
        name: stack.name,
        parameters: previous.parameters as StackInput['parameters'],
        options: previous.options as StackOptions,
      });
    } catch (error) {
      await state('ROLLBACK', 'FAILED', errorMessage(error));
      return this.finish(tx, stack, ref.traversal);
    }
    this.remember(familyOf(ref.traversal, 'rollback-update'), { ...stack }, back);
    await this.startUpdatePhase(tx, stack, ref, 'rollback-update', back, await this.planAgainst(stack.id, back));
  }

  // ------------------------------------------------------------ helpers

  private async startPhase(tx: Store, ref: PhaseRef, kind: PhaseKind, nodes: PhaseNode[], deadline: Date | null = null): Promise<void> {
    const ready = await new Traversals(tx.db).addPhase(ref, kind, nodes, deadline);
    const due: DueJob[] = nodes.length ? ready.map((data) => ({ queue: NODE_QUEUE, data })) : [{ queue: PHASE_QUEUE, data: ref }];
    await this.queue.enqueue(tx, due);
  }

  /** The plan's creates, updates and replacements, in dependency order (resources to create get their rows now). */
  private async startUpdatePhase(
    tx: Store,
    stack: StackRecord,
    ref: PhaseRef,
    kind: PhaseKind,
    analysis: Analysis,
    plan: Plan,
    deadline: Date | null = null,
  ): Promise<void> {
    const live = new Map((await tx.listResources(stack.id)).filter((r) => r.replacedBy === null).map((r) => [r.name, r]));
    const forward = plan.changes.filter((c) => c.action !== 'delete' && c.action !== 'retain');
    const infos = new Map(analysis.resources.map((r) => [r.name, r]));
    const made = await tx.insertResources(
      forward
        .filter((c) => c.action === 'create' && !live.has(c.resource))
        .map((c) => this.newResource(stack.id, infos.get(c.resource)!, analysis, 0)),
    );
    for (const r of made) live.set(r.name, r);
    const nodes: PhaseNode[] = forward.map((c) => ({
      key: c.resource,
      resourceId: live.get(c.resource)!.id,
      work: c.action as Work,
      requires: c.requires,
    }));
    await this.startPhase(tx, ref, kind, nodes, deadline);
  }

  /** After an update: what was replaced, and what the template no longer has, in reverse dependency order. */
  private async startCleanup(tx: Store, stack: StackRecord, ref: PhaseRef, kind: PhaseKind, deadline: Date | null): Promise<void> {
    const analysis = this.traversals.get(familyOf(ref.traversal, kind))?.analysis;
    const kept = new Set((analysis?.resources ?? []).filter((r) => r.enabled).map((r) => r.name));
    const all = await tx.listResources(stack.id);
    await this.startDeletion(
      tx,
      ref,
      kind,
      all.filter((r) => r.replacedBy !== null || !kept.has(r.name)),
      deadline,
    );
  }

  private async startDeletion(
    tx: Store,
    ref: PhaseRef,
    kind: PhaseKind,
    records: ResourceRecord[],
    deadline: Date | null = null,
  ): Promise<void> {
    const live = await this.toDelete(tx, records);
    const waits = deletionWaits(live);
    const nodes: PhaseNode[] = live.map((r) => ({
      key: String(r.id),
      resourceId: r.id,
      work: 'delete',
      requires: [...waits.get(String(r.id))!],
    }));
    await this.startPhase(tx, ref, kind, nodes, deadline);
  }

  /**
   * The stack for a step of its traversal: its template, files and analysis
   * read once per traversal and template (a rollback goes back to another)
   * in this process, its state read every time.
   */
  private async stackOf(tx: Store, ref: PhaseRef, kind: PhaseKind): Promise<StackRecord | null> {
    const family = familyOf(ref.traversal, kind);
    const known = this.traversals.get(family);
    if (!known) {
      const stack = await tx.getStack(ref.stackId);
      if (!stack) return null;
      this.remember(family, stack, this.analyse(stack));
      return { ...stack };
    }
    const state = await tx.stackState(ref.stackId);
    return state ? { ...known.stack, ...state } : null;
  }

  private remember(family: string, stack: StackRecord, analysis: Analysis | null): void {
    if (this.traversals.size >= TRAVERSALS_KEPT) this.traversals.delete(this.traversals.keys().next().value!);
    this.traversals.set(family, { stack, analysis });
  }

  /** The stack's template analysed (null when it no longer analyses: a deletion goes on without it). */
  private analyse(stack: StackRecord): Analysis | null {
    try {
      return this.analyze({
        name: stack.name,
        template: stack.template,
        environment: stack.environment,
        parameters: stack.parameters as StackInput['parameters'],
        files: stack.files,
        options: stack.options as StackOptions,
      });
    } catch {
      return null;
    }
  }

  private operationFor(stack: StackRecord, traversal: string): Operation {
    return {
      traversal,
      kind: stack.action as Kind,
      stack,
      controller: newController(),
      walker: null,
      cancelled: false,
      timedOut: false,
      done: Promise.resolve(),
    };
  }

  private resourceChange(
    stack: StackRecord,
    traversal: string,
    rec: ResourceRecord,
    action: string,
    status: string,
    reason: string = REASON.stateChanged,
    patch: ResourcePatch = {},
    remove = false,
  ): StateChange {
    return {
      resource: {
        id: rec.id,
        patch: { ...patch, action, status, statusReason: reason, engineId: status === 'IN_PROGRESS' ? this.engineId : null },
        remove,
      },
      event: {
        stackId: stack.id,
        stackName: stack.name,
        resourceName: rec.name,
        resourceType: rec.type,
        physicalId: patch.physicalId ?? rec.physicalId,
        action,
        status,
        reason,
        traversal,
        engineId: this.engineId,
      },
    };
  }

  private stackChange(
    stack: StackRecord,
    traversal: string,
    action: string,
    status: string,
    reason: string,
    patch: StackPatch = {},
  ): StateChange {
    Object.assign(stack, patch, { action, status, statusReason: reason });
    return {
      stack: { id: stack.id, patch: { ...patch, action, status, statusReason: reason } },
      event: {
        stackId: stack.id,
        stackName: stack.name,
        resourceName: null,
        resourceType: null,
        physicalId: null,
        action,
        status,
        reason,
        traversal,
        engineId: this.engineId,
      },
    };
  }

  /**
   * Resolves after a moment, for the waiting resource to read its handle's
   * signals again: they may reach any process (the API server), so they are
   * looked for in the database. Counting the signals here instead would miss
   * one that arrived between the resource's read and this call.
   */
  private pollSignals(_handleId: string, signal: AbortSignal): Promise<void> {
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
}
