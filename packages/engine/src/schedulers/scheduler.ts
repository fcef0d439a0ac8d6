// Where the nodes of an operation's phases wait and who runs them. The
// engine decides what an operation is (its phases, its nodes, what the
// stack becomes when a phase ends: ../model); a scheduler decides when each
// node runs and where its state lives meanwhile: in this process (memory.ts)
// or in PostgreSQL for engine workers (@hearth/cluster).
import type { Analysis } from '@hearth/template';
import type { HeatAction, StackPatch, StackRecord, Store } from '@hearth/store';
import type { ActionRunner } from '../actions/runner.ts';
import type { Analyses, Lifecycle } from '../model/lifecycle.ts';
import type { StateChange, StateWriter } from '../state-writer.ts';
import type { PhaseKind, PhaseNode, StopReason } from '../model/phases.ts';

/** The operations a user starts on a stack. */
export type OperationKind = Extract<HeatAction, 'CREATE' | 'UPDATE' | 'DELETE' | 'CHECK' | 'SUSPEND' | 'RESUME' | 'ADOPT'>;

/** A process running stacks: the server itself, or an engine worker. */
export interface EngineInfo {
  id: string;
  host: string;
  pid: number;
  /** Resource actions it runs at once (for one process: per operation), when it has a limit. */
  concurrency: number | null;
  /** What it was running when last seen: resource actions for a worker, operations for one process. */
  running: number;
  startedAt: string;
  seenAt: string;
}

export interface Engines {
  /** 'one process': this server runs the stacks; 'workers': engine workers sharing its database do. */
  mode: 'one process' | 'workers';
  /** The live ones (a worker not seen for a while is left out). */
  engines: EngineInfo[];
}

/** What a scheduler is made with: the engine's parts it runs operations with. */
export interface SchedulerParts {
  store: Store;
  /** Writes state changes in group commits and publishes their events (in this process). */
  writer: StateWriter;
  runner: ActionRunner;
  lifecycle: Lifecycle;
  engineId: string;
  /** Resource actions one operation runs at once, in one process (default: no limit). */
  concurrency?: number | undefined;
  /** Reads a stack's template as this engine does (null when it no longer analyses). */
  analyse(stack: StackRecord): Analysis | null;
  /**
   * How long actions still running after a phase's first failure may go on
   * before they are aborted (Heat's error_wait_time), in milliseconds.
   */
  errorWaitMs: number;
}

export interface StartRequest {
  /** The stack, already taken for this operation (its currentTraversal is `traversal`). */
  stack: StackRecord;
  traversal: string;
  kind: OperationKind;
  /** Written with the stack's IN_PROGRESS state (an update's new template). */
  patch: StackPatch;
  analyses: Analyses;
  /** The first phase: its kind, and its nodes (written in the transaction that starts it). */
  phase: PhaseKind;
  nodes(tx: Store): Promise<PhaseNode[]>;
  /** When the stack's timeout ends the operation (ms since the epoch), or null. */
  deadline: number | null;
}

export interface Scheduler {
  /** Writes the stack's IN_PROGRESS state and its first phase together, and starts running it. */
  start(request: StartRequest): Promise<void>;
  /**
   * Stops the stack's operation: no new node starts; running actions end as
   * the reason says (a cancel that rolls back, or a stop, aborts them; a
   * cancel without rollback lets them finish). False when nothing runs.
   */
  stop(stack: StackRecord, reason: StopReason): Promise<boolean>;
  /** Resolves with the stack once its operation (if any) has ended. */
  wait(stackId: string): Promise<StackRecord>;
  /** Operations running now on user stacks (not nested ones). */
  running(): Promise<number>;
  /** Resolves when a wait condition handle may have a new signal (or `signal` aborts). */
  waitForSignal(handleId: string, signal: AbortSignal): Promise<void>;
  /** A signal reached the handle (in this process). */
  signalled(handleId: string): void;
  /** Writes changes made outside an operation (a resource's SIGNAL event) and publishes their events as this scheduler's are. */
  record(changes: StateChange[]): Promise<void>;
  engines(): Promise<Engines>;
  /** After a stop or crash: operations left unfinished are ended, with the reason. */
  recover(): Promise<StackRecord[]>;
  shutdown(): Promise<void>;
}
