// The scheduler of one process: each phase's nodes run as a dependency
// graph walked in memory (a node starts the moment what it requires has
// settled), their state changes written in group commits, then the
// lifecycle table says what the stack becomes and which phase runs next.
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import type { ResourceRecord, StackRecord } from '@hearth/store';
import { errorMessage, failureReason, toJson } from '../actions/runner.ts';
import { resourceChange, resourceEvent, stackChange, type ChangeSource } from '../model/changes.ts';
import { analysisFor, type Analyses } from '../model/lifecycle.ts';
import { abortsRunning, actionOf, isCurrent, type PhaseKind, type PhaseNode, type StopReason } from '../model/phases.ts';
import { afterPhase, onTrouble, type PhaseOutcome, type Trouble } from '../model/transitions.ts';
import { ResourceFailure, type ProvidedState } from '../provider.ts';
import type { StateChange } from '../state-writer.ts';
import { REASON } from '../states.ts';
import { DagWalker } from '../walker.ts';
import type { Engines, Scheduler, SchedulerParts, StartRequest } from './scheduler.ts';

/** An abort controller every running resource listens on: no listener limit. */
export function newController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** The phases the stack's timeout ends (a rollback runs to its end whatever the time). */
const TIMED: ReadonlySet<PhaseKind> = new Set(['create', 'adopt', 'update', 'cleanup']);

const PROCESS_STARTED = new Date().toISOString();

/** One operation running in this process. */
interface Running {
  stack: StackRecord;
  source: ChangeSource;
  analyses: Analyses;
  deadline: number | null;
  /** The phase running now. */
  phase: PhaseKind;
  controller: AbortController;
  walker: DagWalker | null;
  stop: StopReason | null;
  /** The phase met its first trouble (a failure or a stop): the stack's state says so already. */
  troubled: boolean;
  /** Actions still running error_wait_time after the first failure were aborted. */
  aborted: boolean;
  /** Ends the wait of running actions after a failure. */
  grace: ReturnType<typeof setTimeout> | null;
  /** State writes of the phase's first trouble, in flight. */
  troubleWrites: Promise<unknown>;
  done: Promise<void>;
}

export class MemoryScheduler implements Scheduler {
  private readonly operations = new Map<string, Running>();
  private readonly signalWaiters = new Map<string, Set<() => void>>();
  private stopping = false;

  constructor(private readonly o: SchedulerParts) {}

  async start(request: StartRequest): Promise<void> {
    const { store, writer } = this.o;
    const { stack } = request;
    const source: ChangeSource = { stack, traversal: request.traversal, engineId: this.o.engineId };
    const nodes = await request.nodes(store);
    Object.assign(stack, request.patch, { action: request.kind, status: 'IN_PROGRESS', statusReason: REASON.stackStarted(request.kind) });
    await writer.write(stackChange(source, request.kind, 'IN_PROGRESS', REASON.stackStarted(request.kind), request.patch));
    const op: Running = {
      stack,
      source,
      analyses: request.analyses,
      deadline: request.deadline,
      phase: request.phase,
      controller: newController(),
      walker: null,
      stop: null,
      troubled: false,
      aborted: false,
      grace: null,
      troubleWrites: Promise.resolve(),
      done: Promise.resolve(),
    };
    this.operations.set(stack.id, op);
    op.done = this.run(op, request.phase, nodes);
  }

  private async run(op: Running, first: PhaseKind, firstNodes: PhaseNode[]): Promise<void> {
    const { store, writer, lifecycle } = this.o;
    try {
      let kind = first;
      let nodes = firstNodes;
      for (;;) {
        const outcome = await this.runPhase(op, kind, nodes);
        const options = op.stack.options as { disableRollback?: boolean };
        const transition = afterPhase(kind, outcome, { disableRollback: options.disableRollback ?? false, stopping: this.stopping });
        const analysis = analysisFor(kind, op.analyses);
        for (const change of await lifecycle.stateChanges(store, op.stack, op.source, transition.writes, analysis))
          await writer.write(change);
        if (!transition.next) return;
        // The next phase (a rollback, a cleanup) starts afresh: what stopped the last one does not stop it.
        op.stop = null;
        op.troubled = false;
        op.aborted = false;
        op.controller = newController();
        kind = transition.next;
        nodes = await lifecycle.phaseNodes(store, op.stack, kind, op.analyses);
      }
    } catch (error) {
      await writer.write(stackChange(op.source, op.stack.action, 'FAILED', `Engine error: ${errorMessage(error)}`)).catch(() => {});
      op.stack.status = 'FAILED';
    } finally {
      this.operations.delete(op.stack.id);
      await store.updateStack(op.stack.id, { currentTraversal: null }, op.source.traversal).catch(() => false);
      await store.finishOperation(op.source.traversal!, `${op.stack.action}_${op.stack.status}`, op.stack.statusReason).catch(() => {});
    }
  }

  /**
   * The phase's first trouble: the stack's state says so at once (Heat's
   * mark_failed). After a failure, actions still running may finish for
   * error_wait_time; then they are aborted.
   */
  private troubled(op: Running, trouble: Trouble): void {
    if (op.troubled) return;
    op.troubled = true;
    const { store, writer, lifecycle } = this.o;
    const writes = onTrouble(op.phase, trouble);
    op.troubleWrites = (async () => {
      const changes = await lifecycle.stateChanges(store, op.stack, op.source, writes, analysisFor(op.phase, op.analyses));
      for (const change of changes) await writer.write(change);
    })().catch(() => {});
    if ('failure' in trouble && Number.isFinite(this.o.errorWaitMs)) {
      op.grace = setTimeout(() => {
        op.aborted = true;
        op.controller.abort(new ResourceFailure(REASON.actionAborted(op.stack.action)));
      }, this.o.errorWaitMs);
    }
  }

  /** Walks one phase's nodes; resolves with how it ended. */
  private async runPhase(op: Running, kind: PhaseKind, nodes: PhaseNode[]): Promise<PhaseOutcome> {
    const { store, writer, runner, lifecycle } = this.o;
    op.phase = kind;
    const analysis = analysisFor(kind, op.analyses);
    const rows = new Map((await store.listResources(op.stack.id)).map((r) => [r.id, r]));
    // The stack's resources by name as actions see them (get_attr): updated as actions complete.
    const live = new Map([...rows.values()].filter(isCurrent).map((r) => [r.name, r]));
    const byKey = new Map(nodes.map((n) => [n.key, n]));
    const write = async (change: StateChange, rec: ResourceRecord) => {
      Object.assign(rec, change.resource?.patch);
      await writer.write(change);
    };
    const act = async (key: string): Promise<void> => {
      const node = byKey.get(key)!;
      const stored = rows.get(node.resourceId);
      if (!stored) return;
      const prepared = await lifecycle.prepare(store, op.stack, { work: node.work, firstStart: true }, stored, kind, analysis);
      if (prepared === 'settled') return;
      if ('refused' in prepared) {
        if (prepared.refused.event !== null)
          await writer.write(resourceEvent(op.source, stored, actionOf(node.work), 'FAILED', prepared.refused.event));
        this.troubled(op, { failure: prepared.refused.failure });
        throw new ResourceFailure(prepared.refused.failure);
      }
      const rec = prepared;
      // The record actions see from now on (a replacement's new generation, an update's new requirements).
      if (node.work === 'replace' && rec !== stored) stored.replacedBy = rec.id;
      if (isCurrent(rec)) {
        rows.set(rec.id, rec);
        live.set(rec.name, rec);
      }
      const action = actionOf(node.work);
      await write(resourceChange(op.source, rec, action, 'IN_PROGRESS'), rec);
      const signal = op.controller.signal;
      try {
        const result = await runner.run({ stack: op.stack, rec, work: node.work, analysis, required: live, signal });
        signal.throwIfAborted();
        await write(resourceChange(op.source, rec, action, 'COMPLETE', result.reason, result.patch, result.remove), rec);
        if (result.remove && live.get(rec.name) === rec) live.delete(rec.name);
      } catch (error) {
        const stoppedAll = op.stop !== null && abortsRunning(op.stop);
        const reason = failureReason(
          {
            action: op.stack.action,
            timedOut: op.stop === 'timed out',
            cancelled: stoppedAll && op.stop !== 'timed out',
            aborted: op.aborted,
          },
          rec,
          error,
          signal,
        );
        await write(resourceChange(op.source, rec, action, 'FAILED', reason), rec);
        this.troubled(op, { failure: reason });
        throw new ResourceFailure(reason);
      }
    };
    const requires = new Map(nodes.map((n) => [n.key, new Set(n.requires)]));
    op.walker = new DagWalker(
      nodes.map((n) => n.key),
      requires,
      act,
      this.o.concurrency ? { concurrency: this.o.concurrency } : {},
    );
    const timer =
      op.deadline !== null && TIMED.has(kind) ? setTimeout(() => this.halt(op, 'timed out'), Math.max(0, op.deadline - Date.now())) : null;
    try {
      const result = await op.walker.walk();
      await op.troubleWrites;
      return { failure: result.failed.length ? errorMessage(result.failed[0]!.error) : null, stop: op.stop };
    } finally {
      if (timer) clearTimeout(timer);
      if (op.grace) clearTimeout(op.grace);
      op.grace = null;
      op.walker = null;
    }
  }

  /** No new node starts; running actions are aborted with the reason (a cancel without rollback lets them finish). */
  private halt(op: Running, reason: StopReason): void {
    // The first stop wins, unless a later one must abort what the first let run
    // (a delete after a cancel without rollback).
    if (op.stop && (abortsRunning(op.stop) || !abortsRunning(reason))) return;
    op.stop = reason;
    op.walker?.stop();
    this.troubled(op, { stop: reason });
    if (!abortsRunning(reason)) return;
    const why = reason === 'timed out' ? REASON.timedOut(op.stack.action) : REASON.actionCancelled(op.stack.action);
    op.controller.abort(new ResourceFailure(why));
  }

  async stop(stack: StackRecord, reason: StopReason): Promise<boolean> {
    const op = this.operations.get(stack.id);
    if (!op) return false;
    this.halt(op, reason);
    return true;
  }

  async wait(stackId: string): Promise<StackRecord> {
    const op = this.operations.get(stackId);
    if (op) await op.done;
    return (await this.o.store.getStack(stackId))!;
  }

  async running(): Promise<number> {
    return [...this.operations.values()].filter((o) => !(o.stack.options as { parentStack?: string }).parentStack).length;
  }

  waitForSignal(handleId: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolveWait, rejectWait) => {
      const waiters = this.signalWaiters.get(handleId) ?? new Set<() => void>();
      this.signalWaiters.set(handleId, waiters);
      const done = () => {
        waiters.delete(done);
        signal.removeEventListener('abort', aborted);
        resolveWait();
      };
      const aborted = () => {
        waiters.delete(done);
        rejectWait(signal.reason ?? new Error('aborted'));
      };
      waiters.add(done);
      if (signal.aborted) aborted();
      else signal.addEventListener('abort', aborted, { once: true });
    });
  }

  signalled(handleId: string): void {
    for (const wake of this.signalWaiters.get(handleId) ?? []) wake();
  }

  async record(changes: StateChange[]): Promise<void> {
    for (const change of changes) await this.o.writer.write(change);
  }

  async engines(): Promise<Engines> {
    const now = new Date().toISOString();
    return {
      mode: 'one process',
      engines: [
        {
          id: this.o.engineId,
          host: hostname(),
          pid: process.pid,
          concurrency: this.o.concurrency ?? null,
          running: this.operations.size,
          startedAt: PROCESS_STARTED,
          seenAt: now,
        },
      ],
    };
  }

  /**
   * After the process was stopped (or killed) mid-operation: resources left
   * in progress are adopted (the provider finds the object their create
   * made), found gone (a delete), or failed with the reason; the stack fails.
   */
  async recover(): Promise<StackRecord[]> {
    const { store, writer, runner, engineId } = this.o;
    const recovered: StackRecord[] = [];
    for (const stack of await store.stacksInProgress()) {
      if (this.operations.has(stack.id)) continue;
      const traversal = stack.currentTraversal!;
      const source: ChangeSource = { stack, traversal, engineId };
      const signal = newController().signal;
      for (const rec of await store.listResources(stack.id)) {
        if (rec.status !== 'IN_PROGRESS') continue;
        const provider = (() => {
          try {
            return runner.providerFor(rec);
          } catch {
            return null;
          }
        })();
        const found = async (): Promise<ProvidedState | null> =>
          provider?.adopt ? provider.adopt(runner.context(stack, rec, rec.properties as never, {}, signal)).catch(() => null) : null;
        if (rec.action === 'CREATE') {
          const adopted = await found();
          if (adopted) {
            await writer.write(
              resourceChange(source, rec, 'CREATE', 'COMPLETE', 'Engine restarted: the object the create made was found and adopted.', {
                physicalId: adopted.physicalId,
                attributes: toJson(adopted.attributes) as never,
              }),
            );
            continue;
          }
        } else if (rec.action === 'DELETE' && provider?.adopt && !(await found())) {
          await writer.write(resourceChange(source, rec, 'DELETE', 'COMPLETE', 'Engine restarted: the object was already gone.', {}, true));
          continue;
        }
        await writer.write(resourceChange(source, rec, rec.action, 'FAILED', REASON.engineRestarted(rec.action)));
      }
      await writer.write(stackChange(source, stack.action, 'FAILED', REASON.engineRestarted(stack.action)));
      await store.updateStack(stack.id, { currentTraversal: null }, traversal);
      await store.finishOperation(traversal, `${stack.action}_FAILED`, REASON.engineRestarted(stack.action));
      recovered.push((await store.getStack(stack.id))!);
    }
    return recovered;
  }

  /** Stops every running operation where it is (a failed operation is then not rolled back). */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const op of this.operations.values()) {
      op.walker?.stop();
      op.controller.abort(new ResourceFailure('the engine is shutting down'));
    }
    await Promise.all([...this.operations.values()].map((o) => o.done));
  }
}
