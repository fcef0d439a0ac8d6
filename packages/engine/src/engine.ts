// The engine: runs stack operations (create, update, delete, rollback,
// cancel, check) over the dependency graph Hearth derives from the template,
// with Heat's states and status reasons. Every state change is written to the
// store, then published.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import type { Analysis, Diagnostic, ResourceInfo, Value, ValueMap } from '@hearth/template';
import { BudgetExceeded, EvalError, HeatError, isValueMap, nodeToValue, pyStr, resolveValue } from '@hearth/template';
import type { EventRecord, JsonValue, ResourceRecord, SignalInput, StackRecord, StoredSignal, Store } from '@hearth/store';
import { analyzeSource, EnvironmentInvalid, resolveDefinition, type AnalysisSettings } from './analysis.ts';
import { EventBus } from './events.ts';
import { plannedTreeSize, resourceLimitMessage, treeResources } from './stack-tree.ts';
import { computePlan, type Plan, type PlannedChange } from './plan.ts';
import type {
  ActionContext,
  EngineServices,
  NestedRequest,
  NestedResult,
  ProviderRegistry,
  ProvidedState,
  ResourceProvider,
  StackRef,
} from './provider.ts';
import { ResourceFailure } from './provider.ts';
import { MAX_SIGNALS_PER_HANDLE, parseSignal, SignalFormatError } from './signals.ts';
import { REASON } from './states.ts';
import { StateWriter } from './state-writer.ts';
import { DagWalker } from './walker.ts';

export interface StackOptions {
  disableRollback?: boolean;
  timeoutMins?: number;
  /** Settings for the simulated cloud: latency, faults. */
  simulation?: ValueMap;
  /** The stack this one is nested in. */
  parentStack?: string;
  /** How deep in nested stacks this one is (0 for a stack a user made). */
  nestingDepth?: number;
}

export interface EngineLimits {
  /** Resources one stack may have (Heat: max_resources_per_stack). */
  maxResourcesPerStack: number;
  /** How deep nested stacks may go (Heat: max_nested_stack_depth). */
  maxNestingDepth: number;
  /** Operations (create, update, delete, check) running at once on user stacks. */
  maxConcurrentOperations: number;
}

export const DEFAULT_LIMITS: EngineLimits = { maxResourcesPerStack: 5000, maxNestingDepth: 5, maxConcurrentOperations: 50 };

export interface StackInput {
  name: string;
  template: string;
  environment?: string;
  parameters?: Record<string, Value>;
  files?: Record<string, string>;
  options?: StackOptions;
}

export class EngineError extends Error {
  constructor(
    message: string,
    /**
     * LIMIT: the server is busy (operations at once, stopping): try again later.
     * TOO_LARGE: the request asks more than a limit allows (resources, evaluation): it never will.
     */
    readonly code: 'NOT_FOUND' | 'IN_PROGRESS' | 'TEMPLATE_INVALID' | 'CONFLICT' | 'INVALID' | 'LIMIT' | 'TOO_LARGE',
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
  }
}

export interface EngineOptions {
  store: Store;
  providers: ProviderRegistry;
  bus?: EventBus;
  engineId?: string;
  signalBaseUrl?: string;
  /** Resources acting at once in one stack (default: no limit). */
  concurrency?: number;
  limits?: Partial<EngineLimits>;
}

export type Kind = 'CREATE' | 'UPDATE' | 'DELETE' | 'ROLLBACK' | 'CHECK';

/** The template, environment, parameters, files and options a stack had before an update. */
export interface PreviousTemplate {
  template: string;
  environment: string;
  parameters: Record<string, JsonValue>;
  files: Record<string, string>;
  options: Record<string, JsonValue>;
}

/** One operation on one stack, as the engine running it sees it. */
export interface Operation {
  traversal: string;
  kind: Kind;
  stack: StackRecord;
  controller: AbortController;
  walker: DagWalker | null;
  cancelled: boolean;
  timedOut: boolean;
  done: Promise<void>;
}

export function toJson(v: Value): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}

/**
 * The order of a deletion, keyed by resource id: each resource waits for the
 * deletion of every resource that requires it.
 */
export function deletionWaits(live: ResourceRecord[]): Map<string, Set<string>> {
  const names = new Map<string, ResourceRecord[]>();
  for (const r of live) names.set(r.name, [...(names.get(r.name) ?? []), r]);
  const waitsFor = new Map<string, Set<string>>(live.map((r) => [String(r.id), new Set<string>()]));
  for (const r of live) {
    for (const dep of r.requires) for (const target of names.get(dep) ?? []) waitsFor.get(String(target.id))!.add(String(r.id));
  }
  return waitsFor;
}

/** deletion_policy Retain: the object stays in the cloud when the resource goes. */
export function retained(rec: ResourceRecord): boolean {
  const definition = (rec.definition ?? {}) as ValueMap;
  return typeof definition.deletion_policy === 'string' && definition.deletion_policy.toLowerCase() === 'retain';
}

/** A nested stack's failure, as its parent resource reports it (without repeating "Resource CREATE failed"). */
function nestedReason(reason: string): string {
  return reason.replace(/^Resource [A-Z]+ failed: /, '');
}

/** An operation's abort controller: every running resource listens on its signal, so no listener limit. */
export function newController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

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

const PROCESS_STARTED = new Date().toISOString();

export class Engine {
  readonly bus: EventBus;
  readonly engineId: string;
  protected readonly store: Store;
  protected readonly providers: ProviderRegistry;
  private readonly operations = new Map<string, Operation>();
  private readonly signalWaiters = new Map<string, Set<() => void>>();
  readonly services: EngineServices;
  private readonly concurrency: number | undefined;
  protected readonly writer: StateWriter;
  readonly limits: EngineLimits;
  /** Set by shutdown: operations end where they are, without rolling back. */
  protected stopping = false;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.providers = options.providers;
    this.bus = options.bus ?? new EventBus();
    this.engineId = options.engineId ?? `engine-${randomUUID().slice(0, 8)}`;
    this.concurrency = options.concurrency;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.writer = new StateWriter(this.store, (event) => this.bus.publish(event));
    const signalBaseUrl = options.signalBaseUrl ?? 'http://127.0.0.1:8080';
    this.services = {
      signalBaseUrl,
      signals: (handleId) => this.store.listSignals(handleId) as Promise<Array<{ id: string; data: Value; time: string }>>,
      waitForSignal: (handleId, signal) => this.waitForSignal(handleId, signal),
      deleteSignals: (handleId) => this.store.deleteSignals(handleId),
      sendSignal: async (handleId, data) => {
        await this.signal(handleId, toJson(data));
      },
      createNested: (request) => this.runNested(null, request),
      updateNested: (stackId, request) => this.runNested(stackId, request),
      deleteNested: (stackId, signal) => this.deleteNested(stackId, signal),
      nestedOutputs: async (stackId) => ((await this.store.getStack(stackId))?.outputs ?? {}) as ValueMap,
      nestedResources: async (stackId) =>
        (await this.store.listResources(stackId))
          .filter((r) => r.replacedBy === null)
          .map((r) => ({ name: r.name, physicalId: r.physicalId, attributes: r.attributes as ValueMap })),
      nestedCapacity: async (parent, existing) => {
        const stack = await this.store.getStack(parent.id);
        if (!stack) return this.limits.maxResourcesPerStack;
        const { total } = await treeResources(this.store, stack);
        const replaced = existing ? await this.store.countResources([existing]) : 0;
        return this.limits.maxResourcesPerStack - (total - replaced);
      },
    };
  }

  // ------------------------------------------------------------ queries

  async getStack(idOrName: string): Promise<StackRecord> {
    const stack = await this.store.getStack(idOrName);
    if (!stack || stack.deletedAt) throw new EngineError(`There is no stack ${idOrName}.`, 'NOT_FOUND');
    return stack;
  }

  async resources(stackId: string): Promise<ResourceRecord[]> {
    return this.store.listResources(stackId);
  }

  /** Resolves when the operation running on the stack (if any) has finished. */
  async wait(stackId: string): Promise<StackRecord> {
    const op = this.operations.get(stackId);
    if (op) await op.done;
    return (await this.store.getStack(stackId))!;
  }

  isRunning(stackId: string): boolean {
    return this.operations.has(stackId);
  }

  // ------------------------------------------------------------ analysis

  analyze(input: Pick<StackInput, 'template' | 'environment' | 'parameters' | 'files' | 'name' | 'options'>): Analysis {
    try {
      return analyzeSource({ ...input, parentStack: input.options?.parentStack }, this.analysisSettings());
    } catch (error) {
      if (error instanceof EnvironmentInvalid) throw new EngineError(error.message, 'TEMPLATE_INVALID');
      throw error;
    }
  }

  /** How this engine reads templates (the types its providers add). */
  analysisSettings(): AnalysisSettings {
    const extraType = this.providers.extraType?.bind(this.providers);
    return extraType ? { extraType } : {};
  }

  /** Refuses a new operation on a user's stack when the engine already runs as many as it allows. */
  private checkCapacity(options: StackOptions): void {
    if (options.parentStack) return;
    const running = [...this.operations.values()].filter((o) => !(o.stack.options as StackOptions).parentStack).length;
    if (running >= this.limits.maxConcurrentOperations) {
      throw new EngineError(
        `Hearth is already running ${running} stack operations, the most it runs at once; try again when one has finished.`,
        'LIMIT',
      );
    }
  }

  /**
   * The checks Heat makes before it runs a template: within the resource
   * limit (counting the whole tree of nested stacks), valid, every parameter
   * has a value, every type can run. `existing`: the stack an update is for.
   */
  protected async ready(analysis: Analysis, options: StackOptions, existing: StackRecord | null = null): Promise<void> {
    const limit = this.limits.maxResourcesPerStack;
    const count = analysis.resources.filter((r) => r.enabled).length;
    if (count > limit) {
      throw new EngineError(
        `The template has ${count} resources; a stack may have at most ${limit}. Split it into nested stacks.`,
        'TOO_LARGE',
      );
    }
    let planned: number;
    try {
      planned = plannedTreeSize(analysis);
    } catch (error) {
      if (error instanceof BudgetExceeded) throw new EngineError(error.message, 'TOO_LARGE');
      throw error;
    }
    if (planned > limit) throw new EngineError(resourceLimitMessage(planned, limit, 'The stack with its resource groups'), 'TOO_LARGE');
    const parent = options.parentStack ? await this.store.getStack(options.parentStack) : null;
    if (parent) {
      const { root, total } = await treeResources(this.store, parent);
      const replaced = existing ? await this.store.countResources([existing.id]) : 0;
      const after = total - replaced + planned;
      if (after > limit)
        throw new EngineError(resourceLimitMessage(after, limit, `The stack ${root.name} with its nested stacks`), 'TOO_LARGE');
    }
    const problems: Diagnostic[] = analysis.diagnostics.filter((d) => d.severity === 'error');
    if (!problems.length) {
      for (const p of analysis.parameters) {
        try {
          analysis.evalEnv().param(p.name);
        } catch (error) {
          if (!(error instanceof EvalError)) throw error;
          problems.push({
            severity: 'error',
            code: 'PARAMETER_MISSING',
            message: `${error.message} Give it a value or a default.`,
            path: `parameters.${p.name}`,
            line: 1,
            column: 1,
            endLine: 1,
            endColumn: 1,
          });
        }
      }
      for (const r of analysis.resources) {
        if (!r.enabled || r.resolution === 'template') continue;
        if (r.def.type && !this.providers.provider(r.iface ?? r.def.type)) {
          problems.push({
            severity: 'error',
            code: 'RESOURCE_TYPE_NOT_RUNNABLE',
            message: `Hearth cannot create ${r.def.type} resources (${r.name}): no provider runs this type here.`,
            path: `resources.${r.name}.type`,
            line: 1,
            column: 1,
            endLine: 1,
            endColumn: 1,
          });
        }
      }
    }
    if (problems.length) {
      throw new EngineError(
        `The template cannot be run: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`,
        'TEMPLATE_INVALID',
        problems,
      );
    }
  }

  // ------------------------------------------------------------ events

  private async record(
    stack: StackRecord,
    traversal: string | null,
    resource: ResourceRecord | null,
    action: string,
    status: string,
    reason: string,
  ): Promise<EventRecord> {
    return this.writer.write({
      event: {
        stackId: stack.id,
        stackName: stack.name,
        resourceName: resource?.name ?? null,
        resourceType: resource?.type ?? null,
        physicalId: resource?.physicalId ?? null,
        action,
        status,
        reason,
        traversal,
        engineId: this.engineId,
      },
    });
  }

  private async setResourceState(
    op: Operation,
    rec: ResourceRecord,
    action: string,
    status: string,
    reason: string,
    patch: Partial<ResourceRecord> = {},
    /** Remove the resource's row in the same commit (a completed delete). */
    remove = false,
  ): Promise<void> {
    Object.assign(rec, patch, { action, status, statusReason: reason });
    await this.writer.write({
      resource: {
        id: rec.id,
        patch: { ...patch, action, status, statusReason: reason, engineId: status === 'IN_PROGRESS' ? this.engineId : null },
        remove,
      },
      event: {
        stackId: op.stack.id,
        stackName: op.stack.name,
        resourceName: rec.name,
        resourceType: rec.type,
        physicalId: rec.physicalId,
        action,
        status,
        reason,
        traversal: op.traversal,
        engineId: this.engineId,
      },
    });
  }

  private async setStackState(
    op: Operation,
    action: string,
    status: string,
    reason: string,
    patch: Partial<StackRecord> = {},
  ): Promise<void> {
    Object.assign(op.stack, patch, { action, status, statusReason: reason });
    await this.writer.write({
      stack: { id: op.stack.id, patch: { ...patch, action, status, statusReason: reason } },
      event: {
        stackId: op.stack.id,
        stackName: op.stack.name,
        resourceName: null,
        resourceType: null,
        physicalId: null,
        action,
        status,
        reason,
        traversal: op.traversal,
        engineId: this.engineId,
      },
    });
  }

  // ------------------------------------------------------------ operations

  protected async begin(stack: StackRecord, kind: Kind): Promise<Operation> {
    if (this.stopping) throw new EngineError('Hearth is stopping; try again once it is back.', 'LIMIT');
    const traversal = randomUUID();
    // The claim and the operation's record in one commit: whoever finds the stack taken finds what took it.
    const claimed = await this.store.transaction(async (tx) => {
      if (!(await tx.updateStack(stack.id, { currentTraversal: traversal }, null))) return false;
      await tx.startOperation({ traversal, stackId: stack.id, kind, startedAt: new Date().toISOString() });
      return true;
    });
    if (!claimed) {
      throw new EngineError(
        `Stack ${stack.name} already has an action (${await this.actionInProgress(stack.id)}) in progress.`,
        'IN_PROGRESS',
      );
    }
    stack.currentTraversal = traversal;
    const op: Operation = {
      traversal,
      kind,
      stack,
      controller: newController(),
      walker: null,
      cancelled: false,
      timedOut: false,
      done: Promise.resolve(),
    };
    return op;
  }

  /** The kind of the operation that holds the stack now (its state may not say so yet). */
  private async actionInProgress(stackId: string): Promise<string> {
    const fresh = await this.store.getStack(stackId);
    const holder = fresh?.currentTraversal
      ? (await this.store.listOperations(stackId)).find((o) => o.traversal === fresh.currentTraversal)
      : null;
    return holder?.kind ?? fresh?.action ?? 'unknown';
  }

  private launch(op: Operation, work: () => Promise<void>): void {
    this.operations.set(op.stack.id, op);
    const timeoutMins = Number((op.stack.options as StackOptions).timeoutMins ?? 0);
    const timer =
      timeoutMins > 0 && op.kind !== 'DELETE'
        ? setTimeout(() => {
            op.timedOut = true;
            op.walker?.stop();
            op.controller.abort(new ResourceFailure(REASON.timedOut(op.kind)));
          }, timeoutMins * 60_000)
        : null;
    op.done = (async () => {
      try {
        await work();
      } catch (error) {
        await this.setStackState(op, op.stack.action, 'FAILED', `Engine error: ${errorMessage(error)}`).catch(() => {});
      } finally {
        if (timer) clearTimeout(timer);
        this.operations.delete(op.stack.id);
        await this.store.updateStack(op.stack.id, { currentTraversal: null }, op.traversal).catch(() => false);
        await this.store.finishOperation(op.traversal, `${op.stack.action}_${op.stack.status}`, op.stack.statusReason).catch(() => {});
      }
    })();
  }

  async createStack(input: StackInput): Promise<StackRecord> {
    this.checkCapacity(input.options ?? {});
    const { stack, analysis } = await this.prepareCreate(input);
    const op = await this.begin(stack, 'CREATE');
    await this.record(stack, op.traversal, null, 'CREATE', 'IN_PROGRESS', REASON.stackStarted('CREATE'));
    const records = await this.store.transaction((tx) => tx.insertResources(this.resourceRows(stack.id, analysis)));
    this.launch(op, () => this.runCreate(op, analysis, records));
    return stack;
  }

  /** Checks the template can run and stores the new stack (CREATE_IN_PROGRESS). */
  protected async prepareCreate(input: StackInput): Promise<{ stack: StackRecord; analysis: Analysis }> {
    const analysis = this.analyze(input);
    await this.ready(analysis, input.options ?? {});
    const options = (input.options ?? {}) as ValueMap;
    const stack = await this.store.createStack({
      id: randomUUID(),
      name: input.name,
      action: 'CREATE',
      status: 'IN_PROGRESS',
      statusReason: REASON.stackStarted('CREATE'),
      template: input.template,
      environment: input.environment ?? '',
      parameters: (input.parameters ?? {}) as Record<string, JsonValue>,
      files: input.files ?? {},
      options: toJson(options) as Record<string, JsonValue>,
      currentTraversal: null,
    });
    return { stack, analysis };
  }

  /** The rows of a new stack's resources (not created yet: INIT). */
  protected resourceRows(stackId: string, analysis: Analysis): Array<Omit<ResourceRecord, 'id' | 'createdAt' | 'updatedAt'>> {
    return analysis.resources.filter((r) => r.enabled && !r.def.broken).map((info) => this.newResource(stackId, info, analysis, 0));
  }

  protected newResource(
    stackId: string,
    info: ResourceInfo,
    analysis: Analysis,
    generation: number,
  ): Omit<ResourceRecord, 'id' | 'createdAt' | 'updatedAt'> {
    return {
      stackId,
      name: info.name,
      type: info.def.type ?? '',
      physicalId: null,
      action: 'INIT',
      status: 'COMPLETE',
      statusReason: '',
      attributes: {},
      properties: {},
      definition: toJson(nodeToValue(info.def.node)),
      requires: [...new Set([...info.requires, ...(analysis.implicit.get(info.name) ?? [])])].sort(),
      generation,
      clientToken: `${stackId}/${info.name}/${generation}`,
      replacedBy: null,
      engineId: null,
    };
  }

  /** get_resource and get_attr against the stack's live resources. */
  protected runtime(records: ReadonlyMap<string, ResourceRecord>) {
    return {
      reference: (name: string): Value => records.get(name)?.physicalId ?? name,
      attribute: (name: string, attribute: string | null, path: Value[]): Value => {
        const rec = records.get(name);
        if (!rec || !rec.physicalId) return null;
        const provider = this.providers.provider(rec.type);
        if (attribute === null) return rec.attributes as ValueMap;
        const own = provider?.attribute?.({ physicalId: rec.physicalId, attributes: rec.attributes as ValueMap }, attribute, path);
        if (own !== undefined) return own;
        let value: Value = (rec.attributes as ValueMap)[attribute] ?? null;
        for (const key of path) {
          if (Array.isArray(value) && typeof key === 'number') value = value[key] ?? null;
          else if (isValueMap(value)) value = value[pyStr(key)] ?? null;
          else return null;
        }
        return value;
      },
    };
  }

  protected resolveProperties(
    analysis: Analysis,
    info: ResourceInfo,
    records: ReadonlyMap<string, ResourceRecord>,
  ): { properties: ValueMap; metadata: ValueMap } {
    return resolveDefinition(analysis, info, analysis.evalEnv(this.runtime(records)));
  }

  protected context(op: Operation, rec: ResourceRecord, properties: ValueMap, metadata: ValueMap): ActionContext {
    const stackRef: StackRef = { id: op.stack.id, name: op.stack.name, options: op.stack.options as ValueMap };
    return {
      stack: stackRef,
      resourceName: rec.name,
      type: rec.type,
      properties,
      clientToken: rec.clientToken,
      physicalId: rec.physicalId,
      attributes: rec.attributes as ValueMap,
      metadata,
      signal: op.controller.signal,
      services: this.services,
    };
  }

  protected withNested(op: Operation, info: ResourceInfo | undefined, ctx: ActionContext): ActionContext {
    if (info?.resolution !== 'template' || !info.nested) return ctx;
    return { ...ctx, nestedTemplate: { path: info.nested.path, text: info.nested.text, files: op.stack.files } };
  }

  protected providerFor(rec: ResourceRecord, info?: ResourceInfo): ResourceProvider {
    const provider =
      this.providers.provider(info?.resolution === 'template' ? '@template' : (info?.iface ?? rec.type)) ??
      this.providers.provider(rec.type);
    if (!provider) throw new ResourceFailure(`no provider runs ${rec.type}`, 'ResourceTypeUnavailable');
    return provider;
  }

  /** Creates (or updates in place) one resource, with its events. */
  private async act(
    op: Operation,
    analysis: Analysis,
    rec: ResourceRecord,
    records: Map<string, ResourceRecord>,
    action: 'CREATE' | 'UPDATE',
    previous?: ResourceRecord,
  ): Promise<void> {
    await this.setResourceState(op, rec, action, 'IN_PROGRESS', REASON.stateChanged);
    try {
      const patch = await this.performCreateOrUpdate(op, analysis, rec, records, action, previous);
      op.controller.signal.throwIfAborted();
      await this.setResourceState(op, rec, action, 'COMPLETE', REASON.stateChanged, patch);
    } catch (error) {
      const reason = this.failureReason(op, rec, error);
      await this.setResourceState(op, rec, action, 'FAILED', reason);
      throw new ResourceFailure(reason);
    }
  }

  /**
   * Has the provider create (or update in place) the resource; returns what
   * its row becomes. `steps` when the action runs as short jobs.
   */
  protected async performCreateOrUpdate(
    op: Operation,
    analysis: Analysis,
    rec: ResourceRecord,
    records: ReadonlyMap<string, ResourceRecord>,
    action: 'CREATE' | 'UPDATE',
    previous?: ResourceRecord,
    steps?: { startedAt: number },
  ): Promise<Partial<ResourceRecord>> {
    const info = analysis.resources.find((r) => r.name === rec.name)!;
    const { properties, metadata } = this.resolveProperties(analysis, info, records);
    const provider = this.providerFor(rec, info);
    const ctx = { ...this.withNested(op, info, this.context(op, rec, properties, metadata)), ...(steps ? { steps } : {}) };
    let state: ProvidedState;
    if (action === 'UPDATE' && previous && provider.update) {
      state = await provider.update({ ...ctx, previousProperties: previous.properties as ValueMap });
    } else {
      state = await provider.create(ctx);
    }
    return {
      physicalId: state.physicalId,
      attributes: toJson(state.attributes) as Record<string, JsonValue>,
      properties: toJson(properties) as Record<string, JsonValue>,
      definition: toJson(nodeToValue(info.def.node)),
    };
  }

  protected failureReason(op: Operation, rec: ResourceRecord, error: unknown): string {
    if (op.timedOut) return REASON.timedOut(op.kind);
    if (op.cancelled) return `${op.kind} cancelled`;
    const cause =
      error instanceof DOMException && error.name === 'AbortError' && op.controller.signal.reason ? op.controller.signal.reason : error;
    const kind =
      cause instanceof ResourceFailure
        ? cause.kind
        : cause instanceof BudgetExceeded
          ? 'RequestLimitExceeded'
          : cause instanceof EvalError || cause instanceof HeatError
            ? 'StackValidationFailed'
            : 'Error';
    return REASON.failure(kind, rec.name, errorMessage(cause));
  }

  private async runCreate(op: Operation, analysis: Analysis, records: ResourceRecord[]): Promise<void> {
    const byName = new Map(records.map((r) => [r.name, r]));
    const requires = new Map(records.map((r) => [r.name, new Set(r.requires)]));
    op.walker = new DagWalker(
      records.map((r) => r.name),
      requires,
      (name) => this.act(op, analysis, byName.get(name)!, byName, 'CREATE'),
      this.concurrency ? { concurrency: this.concurrency } : {},
    );
    const result = await op.walker.walk();
    if (result.failed.length === 0 && !op.timedOut && !op.cancelled) {
      const outputs = this.resolveOutputs(analysis, byName);
      await this.setStackState(op, 'CREATE', 'COMPLETE', REASON.stackCompleted('CREATE'), { outputs });
      return;
    }
    const reason = op.timedOut ? REASON.timedOut('CREATE') : REASON.resourceFailed('CREATE', this.firstFailure(result.failed));
    await this.setStackState(op, 'CREATE', 'FAILED', reason);
    // A stopping engine leaves the stack failed as it is; rolling back is for the user to ask.
    if ((op.stack.options as StackOptions).disableRollback || this.stopping) return;
    await this.setStackState(op, 'ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'));
    op.controller = newController();
    const failed = await this.deleteAll(op, records, analysis);
    if (failed) await this.setStackState(op, 'ROLLBACK', 'FAILED', REASON.resourceFailed('DELETE', failed));
    else await this.setStackState(op, 'ROLLBACK', 'COMPLETE', REASON.stackCompleted('ROLLBACK'));
  }

  protected firstFailure(failed: Array<{ error: unknown }>): string {
    return failed.length ? errorMessage(failed[0]!.error) : 'unknown error';
  }

  protected resolveOutputs(analysis: Analysis, records: ReadonlyMap<string, ResourceRecord>): Record<string, JsonValue> {
    const env = analysis.evalEnv(this.runtime(records));
    const outputs: Record<string, JsonValue> = {};
    for (const o of analysis.outputs) {
      if (!o.enabled || !o.value) continue;
      try {
        outputs[o.name] = toJson(resolveValue(o.value, env));
      } catch (error) {
        outputs[o.name] = { error: errorMessage(error) };
      }
    }
    return outputs;
  }

  /**
   * Deletes resources in reverse dependency order (a resource goes after
   * everything that needs it); returns the first failure, or null.
   */
  private async deleteAll(op: Operation, records: ResourceRecord[], analysis: Analysis | null): Promise<string | null> {
    const live = await this.toDelete(this.store, records);
    const byKey = new Map(live.map((r) => [String(r.id), r]));
    const waitsFor = deletionWaits(live);
    const walker = new DagWalker(
      [...byKey.keys()],
      waitsFor,
      (k) => this.deleteOne(op, byKey.get(k)!, analysis),
      this.concurrency ? { concurrency: this.concurrency } : {},
    );
    op.walker = walker;
    const result = await walker.walk();
    return result.failed.length ? this.firstFailure(result.failed) : null;
  }

  private async deleteOne(op: Operation, rec: ResourceRecord, analysis: Analysis | null): Promise<void> {
    const retain = retained(rec);
    await this.setResourceState(op, rec, 'DELETE', 'IN_PROGRESS', REASON.stateChanged);
    try {
      await this.performDelete(op, rec, analysis);
      await this.setResourceState(op, rec, 'DELETE', 'COMPLETE', retain ? REASON.retained : REASON.stateChanged, {}, true);
    } catch (error) {
      const reason = this.failureReason(op, rec, error);
      await this.setResourceState(op, rec, 'DELETE', 'FAILED', reason);
      throw new ResourceFailure(reason);
    }
  }

  /** Has the provider delete the resource's object (not one kept by deletion_policy Retain). */
  protected async performDelete(
    op: Operation,
    rec: ResourceRecord,
    analysis: Analysis | null,
    steps?: { startedAt: number },
  ): Promise<void> {
    if (!rec.physicalId || retained(rec)) return;
    const info = analysis?.resources.find((r) => r.name === rec.name && (r.def.type ?? '') === rec.type);
    const provider = this.providerFor(rec, info);
    await provider.delete({
      ...this.withNested(op, info, this.context(op, rec, rec.properties as ValueMap, {})),
      ...(steps ? { steps } : {}),
    });
  }

  /** The resources a deletion must act on; rows of resources never created go at once. */
  protected async toDelete(store: Store, records: ResourceRecord[]): Promise<ResourceRecord[]> {
    for (const r of records) if (r.action === 'INIT') await store.deleteResource(r.id);
    return records.filter((r) => !(r.action === 'INIT') && !(r.action === 'DELETE' && r.status === 'COMPLETE'));
  }

  async deleteStack(idOrName: string): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    this.checkCapacity(stack.options as StackOptions);
    const op = await this.begin(stack, 'DELETE');
    await this.setStackState(op, 'DELETE', 'IN_PROGRESS', REASON.stackStarted('DELETE'));
    this.launch(op, async () => {
      const records = await this.store.listResources(stack.id);
      let analysis: Analysis | null = null;
      try {
        analysis = this.analyze({
          name: stack.name,
          template: stack.template,
          environment: stack.environment,
          parameters: stack.parameters as Record<string, Value>,
          files: stack.files,
          options: stack.options as StackOptions,
        });
      } catch {
        analysis = null;
      }
      const failed = await this.deleteAll(op, records, analysis);
      if (failed) {
        await this.setStackState(op, 'DELETE', 'FAILED', REASON.resourceFailed('DELETE', failed));
        return;
      }
      await this.setStackState(op, 'DELETE', 'COMPLETE', REASON.stackCompleted('DELETE'), { deletedAt: new Date().toISOString() });
    });
    return stack;
  }

  // ------------------------------------------------------------ update

  /** The plan of an update, without running it. */
  async plan(idOrName: string | null, input: StackInput): Promise<Plan> {
    try {
      return await this.planOf(idOrName, input);
    } catch (error) {
      if (error instanceof BudgetExceeded) throw new EngineError(error.message, 'TOO_LARGE');
      throw error;
    }
  }

  private async planOf(idOrName: string | null, input: StackInput): Promise<Plan> {
    const analysis = this.analyze(input);
    const current = new Map<string, ResourceRecord>();
    if (idOrName) {
      const stack = await this.getStack(idOrName);
      for (const r of await this.store.listResources(stack.id)) if (r.replacedBy === null) current.set(r.name, r);
    }
    return computePlan({
      analysis,
      current,
      providers: this.providers,
      resolveProperties: (info) => this.resolveProperties(analysis, info, current).properties,
    });
  }

  async updateStack(idOrName: string, input: Omit<StackInput, 'name'> & { name?: string }): Promise<{ stack: StackRecord; plan: Plan }> {
    const stack = await this.getStack(idOrName);
    const full: StackInput = { ...input, name: stack.name, options: { ...(stack.options as StackOptions), ...(input.options ?? {}) } };
    this.checkCapacity(full.options ?? {});
    const analysis = this.analyze(full);
    await this.ready(analysis, full.options ?? {}, stack);
    const op = await this.begin(stack, 'UPDATE');
    let plan: Plan;
    try {
      plan = await this.planAgainst(stack.id, analysis);
      const { previous, patch } = this.updatePatch(stack, full);
      await this.setStackState(op, 'UPDATE', 'IN_PROGRESS', REASON.stackStarted('UPDATE'), patch);
      this.launch(op, () => this.runUpdate(op, analysis, plan, previous));
    } catch (error) {
      await this.store.updateStack(stack.id, { currentTraversal: null }, op.traversal);
      throw error;
    }
    return { stack: op.stack, plan };
  }

  /** The plan that takes the stack's live resources to the analysed template. */
  protected async planAgainst(stackId: string, analysis: Analysis): Promise<Plan> {
    const records = await this.store.listResources(stackId);
    const current = new Map(records.filter((r) => r.replacedBy === null).map((r) => [r.name, r]));
    return computePlan({
      analysis,
      current,
      providers: this.providers,
      resolveProperties: (info) => this.resolveProperties(analysis, info, current).properties,
    });
  }

  /** What an update writes on the stack: the new template, keeping the one it replaces for a rollback. */
  protected updatePatch(stack: StackRecord, full: StackInput): { previous: PreviousTemplate; patch: Partial<StackRecord> } {
    const previous: PreviousTemplate = {
      template: stack.template,
      environment: stack.environment,
      parameters: stack.parameters,
      files: stack.files,
      options: stack.options,
    };
    return {
      previous,
      patch: {
        template: full.template,
        environment: full.environment ?? '',
        parameters: (full.parameters ?? {}) as Record<string, JsonValue>,
        files: full.files ?? {},
        options: toJson({ ...(stack.options as ValueMap), ...((full.options ?? {}) as ValueMap) }) as Record<string, JsonValue>,
        previous: toJson(previous as unknown as Value),
      },
    };
  }

  private async runUpdate(op: Operation, analysis: Analysis, plan: Plan, previous: PreviousTemplate, rollingBack = false): Promise<void> {
    const action = rollingBack ? 'ROLLBACK' : 'UPDATE';
    const outcome = await this.applyPlan(op, analysis, plan);
    if (outcome === null && !op.cancelled && !op.timedOut) {
      const records = new Map((await this.store.listResources(op.stack.id)).filter((r) => r.replacedBy === null).map((r) => [r.name, r]));
      await this.setStackState(op, action, 'COMPLETE', REASON.stackCompleted(action), {
        outputs: this.resolveOutputs(analysis, records),
        previous: null,
      });
      return;
    }
    const reason = op.cancelled
      ? REASON.cancelled('UPDATE')
      : op.timedOut
        ? REASON.timedOut(action)
        : REASON.resourceFailed(action, outcome ?? 'unknown error');
    await this.setStackState(op, action, 'FAILED', reason);
    if (rollingBack || (op.stack.options as StackOptions).disableRollback || this.stopping) return;
    // Roll back: update to the template the stack had before, with a fresh start.
    op.cancelled = false;
    op.timedOut = false;
    op.controller = newController();
    await this.setStackState(op, 'ROLLBACK', 'IN_PROGRESS', REASON.stackStarted('ROLLBACK'), {
      template: previous.template,
      environment: previous.environment,
      parameters: previous.parameters,
      files: previous.files,
      options: previous.options,
    });
    let back: Analysis;
    try {
      back = this.analyze({
        name: op.stack.name,
        template: previous.template,
        environment: previous.environment,
        parameters: previous.parameters as Record<string, Value>,
        files: previous.files,
        options: previous.options as StackOptions,
      });
    } catch (error) {
      await this.setStackState(op, 'ROLLBACK', 'FAILED', errorMessage(error));
      return;
    }
    await this.runUpdate(op, back, await this.planAgainst(op.stack.id, back), previous, true);
  }

  /** Runs a plan: creates, updates and replacements in dependency order, then the deletions. Returns a failure or null. */
  private async applyPlan(op: Operation, analysis: Analysis, plan: Plan): Promise<string | null> {
    const all = await this.store.listResources(op.stack.id);
    const records = new Map(all.filter((r) => r.replacedBy === null).map((r) => [r.name, r]));
    const byName = new Map(plan.changes.map((c) => [c.resource, c]));
    const superseded: ResourceRecord[] = all.filter((r) => r.replacedBy !== null);
    const forward = plan.changes.filter((c) => c.action !== 'delete' && c.action !== 'retain');
    const requires = new Map(forward.map((c) => [c.resource, new Set(c.requires.filter((d) => byName.has(d)))]));
    const run = async (name: string): Promise<void> => {
      const change = byName.get(name)!;
      const info = analysis.resources.find((r) => r.name === name)!;
      const old = records.get(name);
      switch (change.action) {
        case 'unchanged':
          if (old) await this.store.updateResource(old.id, { requires: change.requires, definition: toJson(nodeToValue(info.def.node)) });
          return;
        case 'create': {
          let rec = old;
          if (!rec) {
            rec = await this.store.insertResource(this.newResource(op.stack.id, info, analysis, 0));
            records.set(name, rec);
          } else await this.store.updateResource(rec.id, { requires: change.requires });
          await this.act(op, analysis, rec, records, 'CREATE');
          return;
        }
        case 'update': {
          const rec = old!;
          rec.requires = change.requires;
          await this.store.updateResource(rec.id, { requires: change.requires });
          await this.act(op, analysis, rec, records, 'UPDATE', { ...rec });
          return;
        }
        case 'replace': {
          // Heat creates the replacement first; the old one goes at the end of the update.
          const rec = await this.store.insertResource(this.newResource(op.stack.id, info, analysis, (old?.generation ?? 0) + 1));
          if (old) {
            await this.store.updateResource(old.id, { replacedBy: rec.id });
            old.replacedBy = rec.id;
            superseded.push(old);
          }
          records.set(name, rec);
          await this.act(op, analysis, rec, records, 'CREATE');
          return;
        }
        default:
          return;
      }
    };
    op.walker = new DagWalker(
      forward.map((c) => c.resource),
      requires,
      run,
      this.concurrency ? { concurrency: this.concurrency } : {},
    );
    const result = await op.walker.walk();
    if (result.failed.length || op.cancelled || op.timedOut)
      return result.failed.length ? this.firstFailure(result.failed) : op.cancelled ? 'cancelled' : 'timed out';
    // Cleanup: replaced resources and those no longer in the template, in reverse dependency order.
    const removed = plan.changes.filter((c) => c.action === 'delete' || c.action === 'retain').map((c) => records.get(c.resource)!);
    const failed = await this.deleteAll(op, [...superseded, ...removed].filter(Boolean), analysis);
    return failed;
  }

  async cancelUpdate(idOrName: string): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    const op = this.operations.get(stack.id);
    if (!op || op.kind !== 'UPDATE' || stack.action !== 'UPDATE') {
      throw new EngineError(`Stack ${stack.name} has no update in progress to cancel (it is ${stack.action}_${stack.status}).`, 'INVALID');
    }
    op.cancelled = true;
    op.walker?.stop();
    op.controller.abort(new ResourceFailure('UPDATE cancelled'));
    return stack;
  }

  async checkStack(idOrName: string): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    this.checkCapacity(stack.options as StackOptions);
    const op = await this.begin(stack, 'CHECK');
    await this.setStackState(op, 'CHECK', 'IN_PROGRESS', REASON.stackStarted('CHECK'));
    this.launch(op, async () => {
      const records = (await this.store.listResources(stack.id)).filter((r) => r.replacedBy === null);
      const failures: string[] = [];
      await Promise.all(
        records.map(async (rec) => {
          await this.setResourceState(op, rec, 'CHECK', 'IN_PROGRESS', REASON.stateChanged);
          try {
            const provider = this.providerFor(rec);
            if (!rec.physicalId) throw new ResourceFailure('the resource was never created');
            await provider.check?.(this.context(op, rec, rec.properties as ValueMap, {}));
            await this.setResourceState(op, rec, 'CHECK', 'COMPLETE', REASON.stateChanged);
          } catch (error) {
            const reason = this.failureReason(op, rec, error);
            failures.push(reason);
            await this.setResourceState(op, rec, 'CHECK', 'FAILED', reason);
          }
        }),
      );
      if (failures.length) await this.setStackState(op, 'CHECK', 'FAILED', REASON.resourceFailed('CHECK', failures[0]!));
      else await this.setStackState(op, 'CHECK', 'COMPLETE', REASON.stackCompleted('CHECK'));
    });
    return stack;
  }

  // ------------------------------------------------------------ nested stacks

  private async runNested(existing: string | null, request: NestedRequest): Promise<NestedResult> {
    const parentOptions = (request.parent.options ?? {}) as StackOptions;
    const options: StackOptions = {
      ...parentOptions,
      parentStack: request.parent.id,
      nestingDepth: (parentOptions.nestingDepth ?? 0) + 1,
      disableRollback: true,
    };
    if (options.nestingDepth! > this.limits.maxNestingDepth) {
      throw new ResourceFailure(`Recursion depth exceeds ${this.limits.maxNestingDepth}.`, 'StackValidationFailed');
    }
    // The nested stack sees its parent's environment (registry, parameter_defaults) and files.
    const parent = await this.store.getStack(request.parent.id);
    const environment = parent?.environment ?? '';
    const files = { ...(parent?.files ?? {}), ...request.files };
    let stack: StackRecord;
    try {
      if (existing) {
        ({ stack } = await this.updateStack(existing, {
          template: request.template,
          environment,
          parameters: request.parameters as Record<string, Value>,
          files,
          options,
        }));
      } else {
        stack = await this.createStack({
          name: `${request.parent.name}-${request.resourceName}-${randomUUID().slice(0, 8)}`,
          template: request.template,
          environment,
          parameters: request.parameters as Record<string, Value>,
          files,
          options,
        });
      }
    } catch (error) {
      // The nested stack was refused before it began: the resource fails as Heat's does.
      if (error instanceof EngineError && error.code === 'TOO_LARGE') throw new ResourceFailure(error.message, 'RequestLimitExceeded');
      throw error;
    }
    const abort = () => {
      void this.cancelOrStop(stack.id);
    };
    request.signal.addEventListener('abort', abort, { once: true });
    try {
      const done = await this.wait(stack.id);
      if (done.status !== 'COMPLETE') throw new ResourceFailure(nestedReason(done.statusReason), 'NestedStackFailed');
      return { stackId: stack.id, outputs: done.outputs as ValueMap };
    } finally {
      request.signal.removeEventListener('abort', abort);
    }
  }

  private async cancelOrStop(stackId: string): Promise<void> {
    const op = this.operations.get(stackId);
    if (!op) return;
    op.cancelled = true;
    op.walker?.stop();
    op.controller.abort(new ResourceFailure('the parent stack stopped'));
  }

  private async deleteNested(stackId: string, signal: AbortSignal): Promise<void> {
    const stack = await this.store.getStack(stackId);
    if (!stack || stack.deletedAt) return;
    if (this.operations.has(stackId)) await this.wait(stackId);
    await this.deleteStack(stackId);
    const onAbort = () => void this.cancelOrStop(stackId);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const done = await this.wait(stackId);
      if (done.status !== 'COMPLETE') throw new ResourceFailure(`nested stack ${done.name}: ${done.statusReason}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  // ------------------------------------------------------------ signals

  /**
   * Records a wait condition signal under its id (as Heat does: a repeat
   * replaces, never counts twice) and wakes the resource waiting for it.
   * `details` is the signal's JSON body, undefined when it had none.
   */
  async signal(handleId: string, details: JsonValue | undefined): Promise<StoredSignal> {
    let parsed: SignalInput;
    try {
      parsed = parseSignal(details);
    } catch (error) {
      if (error instanceof SignalFormatError) throw new EngineError(error.message, 'INVALID');
      throw error;
    }
    const stored = await this.store.putSignal(handleId, parsed, MAX_SIGNALS_PER_HANDLE);
    if (!stored) {
      throw new EngineError(
        `The handle ${handleId} already holds ${MAX_SIGNALS_PER_HANDLE} signals, the most it keeps; a signal with one of their ids still replaces it.`,
        'TOO_LARGE',
      );
    }
    for (const wake of this.signalWaiters.get(handleId) ?? []) wake();
    return stored;
  }

  private waitForSignal(handleId: string, signal: AbortSignal): Promise<void> {
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

  /** The processes running stacks: this one. */
  async engines(): Promise<Engines> {
    const now = new Date().toISOString();
    return {
      mode: 'one process',
      engines: [
        {
          id: this.engineId,
          host: hostname(),
          pid: process.pid,
          concurrency: this.concurrency ?? null,
          running: this.operations.size,
          startedAt: PROCESS_STARTED,
          seenAt: now,
        },
      ],
    };
  }

  // ------------------------------------------------------------ restart

  /**
   * After the engine was stopped (or killed) mid-operation: resources left in
   * progress are either adopted (the provider finds the object their create
   * made) or marked failed with the reason; the stack is marked failed.
   */
  async recover(): Promise<StackRecord[]> {
    const recovered: StackRecord[] = [];
    for (const stack of await this.store.stacksInProgress()) {
      if (this.operations.has(stack.id)) continue;
      const traversal = stack.currentTraversal!;
      const op: Operation = {
        traversal,
        kind: stack.action as Kind,
        stack,
        controller: newController(),
        walker: null,
        cancelled: false,
        timedOut: false,
        done: Promise.resolve(),
      };
      for (const rec of await this.store.listResources(stack.id)) {
        if (rec.status !== 'IN_PROGRESS') continue;
        const provider = this.providers.provider(rec.type);
        let adopted: ProvidedState | null = null;
        if (rec.action === 'CREATE' && provider?.adopt) {
          adopted = await provider.adopt(this.context(op, rec, rec.properties as ValueMap, {})).catch(() => null);
        }
        if (adopted) {
          await this.setResourceState(
            op,
            rec,
            'CREATE',
            'COMPLETE',
            'Engine restarted: the object the create made was found and adopted.',
            {
              physicalId: adopted.physicalId,
              attributes: toJson(adopted.attributes) as Record<string, JsonValue>,
            },
          );
        } else if (
          rec.action === 'DELETE' &&
          provider?.adopt &&
          !(await provider.adopt(this.context(op, rec, rec.properties as ValueMap, {})).catch(() => null))
        ) {
          await this.setResourceState(op, rec, 'DELETE', 'COMPLETE', 'Engine restarted: the object was already gone.', {}, true);
        } else {
          await this.setResourceState(op, rec, rec.action, 'FAILED', REASON.engineRestarted(rec.action));
        }
      }
      const action = stack.action;
      await this.setStackState(op, action, 'FAILED', REASON.engineRestarted(action));
      await this.store.updateStack(stack.id, { currentTraversal: null }, traversal);
      await this.store.finishOperation(traversal, `${action}_FAILED`, REASON.engineRestarted(action));
      recovered.push((await this.store.getStack(stack.id))!);
    }
    return recovered;
  }

  /** Stops every running operation (for a clean shutdown in tests). */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const op of this.operations.values()) {
      op.walker?.stop();
      op.controller.abort(new ResourceFailure('the engine is shutting down'));
    }
    await Promise.all([...this.operations.values()].map((o) => o.done));
  }
}

export type { PlannedChange };
