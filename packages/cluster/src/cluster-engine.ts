// The engine for several workers sharing PostgreSQL, after Heat's
// convergence: the database is the truth, an operation is a traversal whose
// phases are graphs of nodes, and a job only says "check node K". Any worker
// takes any job; the one that completes a node releases its dependents, the
// one that settles a phase's last node ends the phase (next phase, or the
// stack's final state). States, reasons and events are the single-process
// engine's, written in the transaction that settles the node.
import type { Analysis } from '@hearth/template';
import {
  ActionPending,
  deletionWaits,
  Engine,
  EngineError,
  REASON,
  newController,
  retained,
  writeStateChanges,
  type EngineOptions,
  type Operation,
  type StackInput,
  type StackOptions,
  type StateChange,
  type Kind,
} from '@hearth/engine';
import type { ResourcePatch, ResourceRecord, StackPatch, StackRecord, Store } from '@hearth/store';
import { NODE_QUEUE, PHASE_QUEUE, type DueJob, type JobQueue } from './job-queue.ts';
import { Traversals, type NodeRef, type PhaseKind, type PhaseNode, type PhaseRef } from './traversals.ts';

export interface ClusterEngineOptions extends EngineOptions {
  queue: JobQueue;
}

const TRAVERSALS_KEPT = 16;

export class ClusterEngine extends Engine {
  private readonly queue: JobQueue;
  /** How long a node stays held by a worker that stopped renewing it. */
  private readonly leaseMs: number;
  /** Per traversal: the stack as its operation began (template, files, options) and its analysis. */
  private readonly traversals = new Map<string, { stack: StackRecord; analysis: Analysis | null }>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(options: ClusterEngineOptions) {
    super(options);
    this.queue = options.queue;
    this.leaseMs = options.queue.settings.expirySeconds * 1000;
    // The signal may reach another process (the API server): look in the database.
    this.services.waitForSignal = (handleId, signal) => this.pollSignals(handleId, signal);
  }

  // ------------------------------------------------------------ starting operations (any process)

  override async createStack(input: StackInput): Promise<StackRecord> {
    const { stack, analysis } = await this.prepareCreate(input);
    const op = await this.begin(stack, 'CREATE');
    await this.store.transaction(async (tx) => {
      await writeStateChanges(tx, [this.stackChange(stack, op.traversal, 'CREATE', 'IN_PROGRESS', REASON.stackStarted('CREATE'))]);
      const records = await tx.insertResources(this.resourceRows(stack.id, analysis));
      const nodes: PhaseNode[] = records.map((r) => ({ key: r.name, resourceId: r.id, work: 'create', requires: r.requires }));
      await this.startPhase(tx, { stackId: stack.id, traversal: op.traversal, phase: 0 }, 'create', nodes);
    });
    return stack;
  }

  override async deleteStack(idOrName: string): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    const op = await this.begin(stack, 'DELETE');
    await this.store.transaction(async (tx) => {
      await writeStateChanges(tx, [this.stackChange(stack, op.traversal, 'DELETE', 'IN_PROGRESS', REASON.stackStarted('DELETE'))]);
      await this.startDeletion(tx, stack, { stackId: stack.id, traversal: op.traversal, phase: 0 }, 'delete');
    });
    return stack;
  }

  override updateStack(): never {
    throw new EngineError(
      'Stack updates are not run by engine workers yet: run this server without DATABASE_URL to update stacks.',
      'INVALID',
    );
  }

  override cancelUpdate(): never {
    throw new EngineError('Stack updates are not run by engine workers yet, so there is none to cancel.', 'INVALID');
  }

  override checkStack(): never {
    throw new EngineError('Stack checks are not run by engine workers yet.', 'INVALID');
  }

  /** Resolves when the stack's operation has ended, whichever worker ends it. */
  override async wait(stackId: string): Promise<StackRecord> {
    for (;;) {
      const stack = await this.store.getStack(stackId);
      if (!stack || stack.currentTraversal === null) return stack!;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Nothing to recover in one process: the queue gives a dead worker's jobs to another. */
  override async recover(): Promise<StackRecord[]> {
    return [];
  }

  // ------------------------------------------------------------ working (worker processes)

  /** Takes jobs until shutdown(); `concurrency` jobs at once. */
  async work(concurrency: number): Promise<void> {
    const renew = () =>
      new Traversals(this.store.db)
        .renewLeases(this.engineId, this.leaseMs)
        .catch((error: unknown) => console.error(`hearth: renewing leases: ${String(error)}`));
    this.heartbeat = setInterval(() => void renew(), Math.max(250, this.leaseMs / 3));
    await this.queue.work({ node: (job) => this.checkNode(job), phase: (job) => this.endPhase(job) }, concurrency);
  }

  override async shutdown(): Promise<void> {
    this.stopping = true;
    await this.queue.stop();
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /** One step of one node: claim it, act, settle it (or hand it back while the cloud is still busy). */
  async checkNode(ref: NodeRef): Promise<void> {
    const claimed = await this.store.transaction(async (tx) => {
      const traversals = new Traversals(tx.db);
      const claim = await traversals.claim(ref, this.engineId, this.leaseMs);
      if (claim.status !== 'claimed') return claim;
      const stack = await this.stackOf(tx, ref);
      const rec = await tx.getResource(claim.node.resourceId);
      if (!stack || stack.currentTraversal !== ref.traversal || claim.phase.stopped || !rec) {
        await this.settleIn(tx, ref, 'skipped');
        return { status: 'settled' as const };
      }
      const action = claim.node.work === 'create' ? 'CREATE' : 'DELETE';
      if (claim.node.firstStart) await writeStateChanges(tx, [this.resourceChange(stack, ref.traversal, rec, action, 'IN_PROGRESS')]);
      return { status: 'claimed' as const, stack, rec, node: claim.node, action };
    });
    if (claimed.status === 'busy') {
      // Held by a worker whose lease still runs: look again once it could have run out.
      await this.store.transaction((tx) =>
        this.queue.enqueue(tx, [{ queue: NODE_QUEUE, data: ref, startAfter: new Date(Date.now() + this.leaseMs / 2) }]),
      );
      return;
    }
    if (claimed.status !== 'claimed') return;
    const { stack, rec, node, action } = claimed;
    const op = this.operationFor(stack, ref.traversal);
    const steps = { startedAt: node.startedAt };
    let change: StateChange;
    let outcome: 'done' | 'failed' = 'done';
    let reason = '';
    try {
      if (node.work === 'create') {
        const analysis = this.traversals.get(ref.traversal)?.analysis;
        if (!analysis) throw new Error('the stack’s template no longer analyses');
        const records = new Map(
          (await this.store.resourcesNamed(stack.id, rec.requires)).filter((r) => r.replacedBy === null).map((r) => [r.name, r]),
        );
        const patch = await this.performCreateOrUpdate(op, analysis, rec, records, 'CREATE', undefined, steps);
        change = this.resourceChange(stack, ref.traversal, rec, 'CREATE', 'COMPLETE', REASON.stateChanged, patch);
      } else {
        await this.performDelete(op, rec, this.traversals.get(ref.traversal)?.analysis ?? null, steps);
        const why = rec.physicalId && retained(rec) ? 'deletion_policy Retain: kept in the cloud' : REASON.stateChanged;
        change = this.resourceChange(stack, ref.traversal, rec, 'DELETE', 'COMPLETE', why, {}, true);
      }
    } catch (error) {
      if (error instanceof ActionPending) {
        await this.store.transaction(async (tx) => {
          if (await new Traversals(tx.db).release(ref, this.engineId)) {
            await this.queue.enqueue(tx, [{ queue: NODE_QUEUE, data: ref, startAfter: new Date(Date.now() + error.checkAfterMs) }]);
          }
        });
        return;
      }
      reason = this.failureReason(op, rec, error);
      outcome = 'failed';
      change = this.resourceChange(stack, ref.traversal, rec, action, 'FAILED', reason);
    }
    await this.store.transaction((tx) => this.settleIn(tx, ref, outcome, reason, change));
  }

  /**
   * Settles the node with its state change, enqueues the nodes it released,
   * and the phase's end when it was the last. Nothing when the node is no
   * longer this worker's (another took it over, taking this one for dead).
   */
  private async settleIn(
    tx: Store,
    ref: NodeRef,
    outcome: 'done' | 'failed' | 'skipped',
    reason = '',
    change?: StateChange,
  ): Promise<void> {
    const traversals = new Traversals(tx.db);
    const settled = await traversals.settle(ref, this.engineId, outcome, reason);
    if (!settled.accepted) return;
    if (change) await writeStateChanges(tx, [change]);
    await this.queue.enqueue(
      tx,
      settled.ready.map((data) => ({ queue: NODE_QUEUE, data })),
    );
    if (await traversals.countSettled(ref, settled.count)) {
      await this.queue.enqueue(tx, [{ queue: PHASE_QUEUE, data: { stackId: ref.stackId, traversal: ref.traversal, phase: ref.phase } }]);
    }
  }

  /** The phase's last node has settled: the next phase, or the stack's final state. */
  async endPhase(ref: PhaseRef): Promise<void> {
    await this.store.transaction(async (tx) => {
      const ended = await new Traversals(tx.db).endPhase(ref);
      if (!ended) return;
      const stack = await this.stackOf(tx, ref);
      if (!stack || stack.currentTraversal !== ref.traversal) return;
      const state = (action: string, status: string, reason: string, patch: StackPatch = {}) =>
        writeStateChanges(tx, [this.stackChange(stack, ref.traversal, action, status, reason, patch)]);
      const failure = ended.failure;
      switch (ended.kind) {
        case 'create': {
          if (failure === null) {
            const analysis = this.traversals.get(ref.traversal)?.analysis;
            const records = new Map((await tx.listResources(stack.id)).filter((r) => r.replacedBy === null).map((r) => [r.name, r]));
            await state('CREATE', 'COMPLETE', REASON.stackCompleted('CREATE'), {
              outputs: analysis ? this.resolveOutputs(analysis, records) : {},
            });
            break;
          }
          await state('CREATE', 'FAILED', REASON.resourceFailed('CREATE', failure));
          if ((stack.options as StackOptions).disableRollback || this.stopping) break;
          await state('ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'));
          await this.startDeletion(tx, stack, { ...ref, phase: ref.phase + 1 }, 'rollback');
          return;
        }
        case 'rollback':
          if (failure === null) await state('ROLLBACK', 'COMPLETE', REASON.stackCompleted('ROLLBACK'));
          else await state('ROLLBACK', 'FAILED', REASON.resourceFailed('DELETE', failure));
          break;
        case 'delete':
          if (failure === null) await state('DELETE', 'COMPLETE', REASON.stackCompleted('DELETE'), { deletedAt: new Date().toISOString() });
          else await state('DELETE', 'FAILED', REASON.resourceFailed('DELETE', failure));
          break;
      }
      await tx.updateStack(stack.id, { currentTraversal: null }, ref.traversal);
      await tx.finishOperation(ref.traversal, `${stack.action}_${stack.status}`, stack.statusReason);
    });
  }

  // ------------------------------------------------------------ helpers

  private async startPhase(tx: Store, ref: PhaseRef, kind: PhaseKind, nodes: PhaseNode[]): Promise<void> {
    const ready = await new Traversals(tx.db).addPhase(ref, kind, nodes);
    const due: DueJob[] = nodes.length ? ready.map((data) => ({ queue: NODE_QUEUE, data })) : [{ queue: PHASE_QUEUE, data: ref }];
    await this.queue.enqueue(tx, due);
  }

  private async startDeletion(tx: Store, stack: StackRecord, ref: PhaseRef, kind: PhaseKind): Promise<void> {
    const live = await this.toDelete(tx, await tx.listResources(stack.id));
    const waits = deletionWaits(live);
    const nodes: PhaseNode[] = live.map((r) => ({
      key: String(r.id),
      resourceId: r.id,
      work: 'delete',
      requires: [...waits.get(String(r.id))!],
    }));
    await this.startPhase(tx, ref, kind, nodes);
  }

  /**
   * The stack for a step of its traversal: its template, files and analysis
   * read once per traversal in this process, its state read every time.
   */
  private async stackOf(tx: Store, ref: PhaseRef): Promise<StackRecord | null> {
    const known = this.traversals.get(ref.traversal);
    if (!known) {
      const stack = await tx.getStack(ref.stackId);
      if (!stack) return null;
      if (this.traversals.size >= TRAVERSALS_KEPT) this.traversals.delete(this.traversals.keys().next().value!);
      this.traversals.set(ref.traversal, { stack, analysis: this.analyse(stack) });
      return { ...stack };
    }
    const state = await tx.stackState(ref.stackId);
    return state ? { ...known.stack, ...state } : null;
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

  /** Resolves when a signal newer than those already there arrives for the handle. */
  private async pollSignals(handleId: string, signal: AbortSignal): Promise<void> {
    const seen = (await this.store.listSignals(handleId)).length;
    while ((await this.store.listSignals(handleId)).length <= seen) {
      signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
