// @hearth/engine: runs stacks.
export * from './analysis.ts';
export * from './engine.ts';
export * from './events.ts';
export * from './model/plan.ts';
export * from './provider.ts';
export * from './states.ts';
export { RESOURCE_LIMIT_MESSAGE } from './stack-tree.ts';
export * from './model/phases.ts';
export * from './model/transitions.ts';
export * from './model/changes.ts';
export * from './model/lifecycle.ts';
export { ActionRunner, failureReason, type ActionResult, type NodeAction, type StopState } from './actions/runner.ts';
export * from './schedulers/scheduler.ts';
export { MemoryScheduler } from './schedulers/memory.ts';
export { DagWalker, type WalkResult } from './walker.ts';
export { writeStateChanges, type StateChange } from './state-writer.ts';
export { GroupCommit } from './group-commit.ts';
export { MAX_SIGNALS_PER_HANDLE, parseSignal, SignalFormatError } from './signals.ts';
