// The engine: what a user asks of a stack (create, update, delete, cancel,
// check, plan, signal) checked as Heat checks it, then handed to a scheduler
// as the first phase of an operation. What the phases are and what the
// stack becomes after each is Heat's lifecycle, written once (./model); the
// scheduler (./schedulers) only runs the nodes: in this process, or on
// engine workers sharing PostgreSQL.
import { randomUUID } from 'node:crypto';
import type { Analysis, Diagnostic, ResourceFacade, Value, ValueMap } from '@hearth/template';
import { BudgetExceeded, childEnvironment, EnvironmentRefused, EvalError, facadeMismatch, nodeToValue, pyEquals } from '@hearth/template';
import type { JsonValue, ResourceRecord, SignalInput, StackRecord, StoredSignal, Store } from '@hearth/store';
import { ActionRunner, errorMessage, toJson } from './actions/runner.ts';
import { analyzeSource, EnvironmentInvalid, type AnalysisSettings } from './analysis.ts';
import { EventBus } from './events.ts';
import { Lifecycle, resourceRows, updatePatch, type Analyses } from './model/lifecycle.ts';
import { creationNodes, type PhaseKind, type PhaseNode } from './model/phases.ts';
import { stackParameters } from './model/stack-parameters.ts';
import { requestedStack } from './model/stack-request.ts';
import { computePlan, type Plan, type PlannedChange } from './model/plan.ts';
import type { EngineServices, NestedRequest, NestedResult, ProviderRegistry } from './provider.ts';
import { ResourceFailure } from './provider.ts';
import { MemoryScheduler } from './schedulers/memory.ts';
import type { Engines, OperationKind, Scheduler, SchedulerParts } from './schedulers/scheduler.ts';
import { MAX_SIGNALS_PER_HANDLE, parseSignal, SignalFormatError } from './signals.ts';
import { plannedTreeSize, resourceLimitMessage, treeResources } from './stack-tree.ts';
import { nestedFailure, REASON } from './states.ts';
import { groupMemberProblems } from './model/member-validation.ts';
import { StateWriter } from './state-writer.ts';
import { ResourceSignals, SignalRefused } from './resource-signals.ts';
import { abandonData, type AbandonData } from './abandon.ts';
import type { AdoptResource } from './actions/runner.ts';

export { errorMessage, retained, toJson } from './actions/runner.ts';
export { newController } from './schedulers/memory.ts';
export type { EngineInfo, Engines, OperationKind, SchedulerParts } from './schedulers/scheduler.ts';

export interface StackOptions {
  disableRollback?: boolean;
  timeoutMins?: number;
  /** Settings for the simulated cloud: latency, faults. */
  simulation?: ValueMap;
  /** The stack this one is nested in. */
  parentStack?: string;
  /** How deep in nested stacks this one is (0 for a stack a user made). */
  nestingDepth?: number;
  /** For a nested stack made for a resource: that resource, as resource_facade sees it. */
  resourceFacade?: ResourceFacade;
  /** For a stack being adopted: the objects its resources take (Heat's adopt_stack_data). */
  adoptData?: { resources: Record<string, AdoptResource> };
  /** The design it was deployed from (the designer's run panel acts only on its design's stacks). */
  designId?: string;
}

export interface EngineLimits {
  /** Resources one stack may have, with its nested stacks (Heat: max_resources_per_stack). */
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
  /** Environment files, named in `files`, merged in order as Heat merges them (then `environment` is not used). */
  environmentFiles?: string[];
  parameters?: Record<string, Value>;
  files?: Record<string, string>;
  options?: StackOptions;
  /** Heat's adopt_stack_data: the stack takes the objects these resources name instead of making them (ADOPT). */
  adoptData?: { resources: Record<string, AdoptResource> };
}

/**
 * An update: a new template (PUT), or with `existing` Heat's PATCH form,
 * which reuses the stack's template, files, environment and parameters and
 * applies only what is given (`clearParameters` forgets some).
 */
export type StackUpdate = Omit<StackInput, 'name' | 'template'> & {
  name?: string;
  template?: string;
  existing?: boolean;
  clearParameters?: string[];
};

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
  /** Where operations run (default: in this process). */
  scheduler?: (parts: SchedulerParts) => Scheduler;
  /**
   * How long actions still running after a resource failed may go on before
   * they are aborted (Heat's error_wait_time; default 240 s).
   */
  errorWaitSeconds?: number;
}

/** Heat's error_wait_time default (heat/common/config.py). */
export const ERROR_WAIT_SECONDS = 240;

/** What the server and the command line ask of an engine, whichever scheduler runs its operations. */
export interface StackEngine {
  readonly bus: EventBus;
  readonly engineId: string;
  readonly limits: EngineLimits;
  getStack(idOrName: string): Promise<StackRecord>;
  resources(stackId: string): Promise<ResourceRecord[]>;
  /** The stack's resources as it has them now (not the generations a replacement superseded). */
  liveResources(stackId: string): Promise<ResourceRecord[]>;
  wait(stackId: string): Promise<StackRecord>;
  /** The stack's parameters as Heat shows them: the value each runs with, as text (hidden ones masked). */
  parameters(stackId: string): Promise<Record<string, string>>;
  resolveRequest(input: StackUpdate & { name: string }, stack: string | null): Promise<StackInput>;
  analyze(input: Pick<StackInput, 'template' | 'environment' | 'parameters' | 'files' | 'name' | 'options'>): Analysis;
  plan(idOrName: string | null, input: StackUpdate & { name: string }): Promise<Plan>;
  createStack(input: StackInput): Promise<StackRecord>;
  updateStack(idOrName: string, input: StackUpdate): Promise<{ stack: StackRecord; plan: Plan }>;
  deleteStack(idOrName: string): Promise<StackRecord>;
  cancelUpdate(idOrName: string, options?: { rollback?: boolean }): Promise<StackRecord>;
  checkStack(idOrName: string): Promise<StackRecord>;
  abandonStack(idOrName: string): Promise<AbandonData>;
  suspendStack(idOrName: string): Promise<StackRecord>;
  resumeStack(idOrName: string): Promise<StackRecord>;
  signal(handleId: string, details: JsonValue | undefined): Promise<StoredSignal>;
  signalResource(rec: ResourceRecord, details: JsonValue | undefined): Promise<string | null>;
  engines(): Promise<Engines>;
  recover(): Promise<StackRecord[]>;
  shutdown(): Promise<void>;
}

/** A nested stack's failure, as its parent resource reports it (without repeating "Resource CREATE failed"). */
export class Engine implements StackEngine {
  readonly bus: EventBus;
  readonly engineId: string;
  readonly limits: EngineLimits;
  readonly services: EngineServices;
  readonly scheduler: Scheduler;
  protected readonly store: Store;
  protected readonly providers: ProviderRegistry;
  private readonly runner: ActionRunner;
  private readonly lifecycle: Lifecycle;
  private readonly resourceSignals: ResourceSignals;
  private stopping = false;

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.providers = options.providers;
    this.bus = options.bus ?? new EventBus();
    this.engineId = options.engineId ?? `engine-${randomUUID().slice(0, 8)}`;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const signalBaseUrl = options.signalBaseUrl ?? 'http://127.0.0.1:8080';
    this.services = {
      signalBaseUrl,
      signals: (handleId) => this.store.listSignals(handleId) as Promise<Array<{ id: string; data: Value; time: string }>>,
      waitForSignal: (handleId, signal) => this.scheduler.waitForSignal(handleId, signal),
      deleteSignals: (handleId) => this.store.deleteSignals(handleId),
      sendSignal: async (handleId, data) => {
        await this.signal(handleId, toJson(data));
      },
      createNested: (request) => this.runNested(null, request),
      updateNested: (stackId, request) => this.runNested(stackId, request),
      deleteNested: (stackId, signal) => this.deleteNested(stackId, signal),
      adjustGroup: (stack, group, capacity, signal) => this.resourceSignals.adjustGroup(stack.id, group, capacity, signal),
      suspendNested: (stackId, signal) => this.suspendOrResumeNested(stackId, 'suspend', signal),
      resumeNested: (stackId, signal) => this.suspendOrResumeNested(stackId, 'resume', signal),
      nestedOutputs: async (stackId) => ((await this.store.getStack(stackId))?.outputs ?? {}) as ValueMap,
      nestedResources: async (stackId) =>
        (await this.store.liveResources(stackId)).map((r) => ({
          name: r.name,
          physicalId: r.physicalId,
          attributes: r.attributes as ValueMap,
        })),
      resourceByReference: async (stack, reference) => {
        // By reference only (Heat's resource_by_refid): a name alone is no reference, and makes no dependency.
        const rec = (await this.store.liveResources(stack.id)).find((r) => r.physicalId === reference);
        if (!rec) return null;
        return {
          name: rec.name,
          type: rec.type,
          physicalId: rec.physicalId,
          properties: rec.properties as ValueMap,
          attributes: rec.attributes as ValueMap,
        };
      },
      nestedCapacity: async (parent, existing) => {
        const stack = await this.store.getStack(parent.id);
        if (!stack) return this.limits.maxResourcesPerStack;
        const { total } = await treeResources(this.store, stack);
        const replaced = existing ? await this.store.countResources([existing]) : 0;
        return this.limits.maxResourcesPerStack - (total - replaced);
      },
    };
    this.runner = new ActionRunner(this.providers, this.services);
    this.lifecycle = new Lifecycle(this.runner.resolver, this.providers, (source) => analyzeSource(source, this.analysisSettings()));
    const parts: SchedulerParts = {
      store: this.store,
      writer: new StateWriter(this.store, (event) => this.bus.publish(event)),
      runner: this.runner,
      lifecycle: this.lifecycle,
      engineId: this.engineId,
      concurrency: options.concurrency,
      analyse: (stack) => this.analyseStack(stack),
      errorWaitMs: (options.errorWaitSeconds ?? ERROR_WAIT_SECONDS) * 1000,
    };
    this.scheduler = options.scheduler ? options.scheduler(parts) : new MemoryScheduler(parts);
    this.resourceSignals = new ResourceSignals({
      store: this.store,
      providers: this.providers,
      runner: this.runner,
      scheduler: this.scheduler,
      engineId: this.engineId,
      refreshOutputs: async (stackId) => {
        const stack = await this.store.getStack(stackId);
        const analysis = stack && this.analyseStack(stack);
        if (!stack || !analysis) return;
        const outputs = this.runner.resolver.outputs(analysis, await this.store.liveResourcesByName(stackId));
        await this.store.updateStack(stackId, { outputs });
      },
    });
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

  liveResources(stackId: string): Promise<ResourceRecord[]> {
    return this.store.liveResources(stackId);
  }

  /** Resolves when the operation running on the stack (if any) has finished. */
  wait(stackId: string): Promise<StackRecord> {
    return this.scheduler.wait(stackId);
  }

  async parameters(stackId: string): Promise<Record<string, string>> {
    const stack = await this.getStack(stackId);
    const analysis = this.analyseStack(stack);
    return analysis ? stackParameters(analysis, stack) : {};
  }

  engines(): Promise<Engines> {
    return this.scheduler.engines();
  }

  // ------------------------------------------------------------ analysis

  analyze(input: Pick<StackInput, 'template' | 'environment' | 'parameters' | 'files' | 'name' | 'options'>): Analysis {
    try {
      return analyzeSource(
        { ...input, parentStack: input.options?.parentStack, resourceFacade: input.options?.resourceFacade },
        this.analysisSettings(),
      );
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

  /** A stored stack's template read again (null when it no longer analyses: a deletion goes on without it). */
  private analyseStack(
    stack: Pick<StackRecord, 'name' | 'template' | 'environment' | 'parameters' | 'files' | 'options'>,
  ): Analysis | null {
    try {
      return this.analyze({
        name: stack.name,
        template: stack.template,
        environment: stack.environment,
        parameters: stack.parameters as Record<string, Value>,
        files: stack.files,
        options: stack.options as StackOptions,
      });
    } catch {
      return null;
    }
  }

  /**
   * Heat's immutable parameters (service.py _prepare_stack_updates,
   * parameters.py immutable_params_modified): a parameter in both templates,
   * immutable in the new one, may not change. As Heat, a value given now is
   * compared as given with the old value as it was typed.
   */
  private refuseImmutableChanges(stack: StackRecord, next: Analysis, input: Pick<StackInput, 'parameters'>): void {
    const immutable = next.parameters.filter((p) => p.immutable);
    if (!immutable.length) return;
    const previous = this.analyseStack(stack);
    if (!previous) return;
    const given: Record<string, Value> = { ...next.environment.parameters, ...(input.parameters ?? {}) };
    const before = previous.evalEnv();
    const after = next.evalEnv();
    const changed = immutable
      .filter((p) => previous.parameters.some((old) => old.name === p.name))
      .filter((p) => {
        const value = (env: typeof before) => {
          try {
            return env.param(p.name);
          } catch {
            return null;
          }
        };
        const now = Object.hasOwn(given, p.name) ? given[p.name]! : value(after);
        return !pyEquals(value(before), now);
      })
      .map((p) => p.name);
    if (changed.length) {
      throw new EngineError(`The following parameters are immutable and may not be updated: ${changed.join(', ')}`, 'INVALID');
    }
  }

  /** Refuses a new operation on a user's stack when as many run as the engine allows. */
  private async checkCapacity(options: StackOptions): Promise<void> {
    if (this.stopping) throw new EngineError('Hearth is stopping; try again once it is back.', 'LIMIT');
    if (options.parentStack) return;
    const running = await this.scheduler.running();
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
  protected async ready(request: StackInput, analysis: Analysis, existing: StackRecord | null = null): Promise<void> {
    const options = request.options ?? {};
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
    const at = (path: string) => ({ path, line: 1, column: 1, endLine: 1, endColumn: 1 });
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
            ...at(`parameters.${p.name}`),
          });
        }
      }
      for (const r of analysis.resources) {
        if (!r.enabled) continue;
        const mismatch = facadeMismatch(r);
        if (mismatch) problems.push({ severity: 'error', code: 'FACADE_MISMATCH', message: mismatch, ...at(`resources.${r.name}.type`) });
        if (r.resolution === 'template') continue;
        if (r.def.type && !this.providers.provider(r.iface ?? r.def.type)) {
          problems.push({
            severity: 'error',
            code: 'RESOURCE_TYPE_NOT_RUNNABLE',
            message: `Hearth cannot create ${r.def.type} resources (${r.name}): no provider runs this type here.`,
            ...at(`resources.${r.name}.type`),
          });
        }
      }
    }
    // Heat validates groups' members before the root stack is made (not again for each nested stack).
    if (!problems.length && !options.parentStack) {
      problems.push(
        ...groupMemberProblems(request, analysis, {
          providers: this.providers,
          resolveProperties: (info) => this.runner.resolve(analysis, info, new Map()).properties,
          analyse: (source) => this.analyze({ ...source, options: { parentStack: 'validation' } }),
        }),
      );
    }
    if (problems.length) {
      throw new EngineError(
        `The template cannot be run: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`,
        'TEMPLATE_INVALID',
        problems,
      );
    }
  }

  // ------------------------------------------------------------ operations

  /**
   * Takes the stack for a new operation: its traversal and the operation's
   * record in one commit, so whoever finds the stack taken finds what took it.
   */
  private async claim(stack: StackRecord, kind: OperationKind): Promise<string> {
    const traversal = randomUUID();
    const claimed = await this.store.transaction(async (tx) => {
      if (!(await tx.updateStack(stack.id, { currentTraversal: traversal }, null))) return false;
      await tx.startOperation({ traversal, stackId: stack.id, kind, startedAt: new Date().toISOString() });
      return true;
    });
    if (!claimed) {
      const fresh = await this.store.getStack(stack.id);
      const holder = fresh?.currentTraversal
        ? (await this.store.listOperations(stack.id)).find((o) => o.traversal === fresh.currentTraversal)
        : null;
      throw new EngineError(
        `Stack ${stack.name} already has an action (${holder?.kind ?? fresh?.action ?? 'unknown'}) in progress.`,
        'IN_PROGRESS',
      );
    }
    stack.currentTraversal = traversal;
    return traversal;
  }

  /** Hands a taken stack's operation to the scheduler; a start that fails lets the stack go again. */
  private async start(
    stack: StackRecord,
    traversal: string,
    kind: OperationKind,
    phase: PhaseKind,
    analyses: Analyses,
    nodes: (tx: Store) => Promise<PhaseNode[]>,
    patch: Partial<StackRecord> = {},
  ): Promise<void> {
    const minutes = Number((stack.options as StackOptions).timeoutMins ?? 0);
    const deadline = minutes > 0 && kind !== 'DELETE' ? Date.now() + minutes * 60_000 : null;
    try {
      await this.scheduler.start({ stack, traversal, kind, patch, analyses, phase, nodes, deadline });
    } catch (error) {
      await this.store.updateStack(stack.id, { currentTraversal: null }, traversal).catch(() => false);
      await this.store.finishOperation(traversal, `${kind}_FAILED`, errorMessage(error)).catch(() => {});
      throw error;
    }
  }

  /** What a stack will store for a request (environment files merged, a PATCH applied over the stack's); `stack`: the one it updates. */
  async resolveRequest(input: StackUpdate & { name: string }, stack: string | null): Promise<StackInput> {
    return this.requested(input, stack === null ? null : await this.getStack(stack));
  }

  private requested<T extends StackUpdate & { name: string }>(input: T, current: StackRecord | null): StackInput {
    try {
      const { existing: _existing, clearParameters: _clear, environmentFiles: _files, ...rest } = input;
      return { ...rest, ...requestedStack(input, current) };
    } catch (error) {
      if (error instanceof EnvironmentRefused) throw new EngineError(error.message, 'INVALID');
      throw error;
    }
  }

  async createStack(request: StackInput): Promise<StackRecord> {
    const input = this.requested(request, null);
    await this.checkCapacity(input.options ?? {});
    const analysis = this.analyze(input);
    await this.ready(input, analysis);
    const adopting = request.adoptData !== undefined;
    const kind = adopting ? 'ADOPT' : 'CREATE';
    if (adopting) input.options = { ...(input.options ?? {}), adoptData: { resources: request.adoptData!.resources ?? {} } };
    const stack = await this.store.createStack({
      id: randomUUID(),
      name: input.name,
      action: kind,
      status: 'IN_PROGRESS',
      statusReason: REASON.stackStarted(kind),
      template: input.template,
      environment: input.environment ?? '',
      parameters: (input.parameters ?? {}) as Record<string, JsonValue>,
      files: input.files ?? {},
      options: toJson((input.options ?? {}) as ValueMap) as Record<string, JsonValue>,
      currentTraversal: null,
    });
    const traversal = await this.claim(stack, kind);
    await this.start(stack, traversal, kind, adopting ? 'adopt' : 'create', { current: analysis, previous: null }, async (tx) =>
      creationNodes(await tx.insertResources(resourceRows(stack.id, analysis)), adopting ? 'adopt' : 'create'),
    );
    return stack;
  }

  /**
   * Heat's stack abandon: the stack and its nested stacks are forgotten and
   * every object they made is kept; the answer names them all (what adopt
   * takes back). Refused while an operation runs.
   */
  async abandonStack(idOrName: string): Promise<AbandonData> {
    const stack = await this.getStack(idOrName);
    if (stack.currentTraversal !== null)
      throw new EngineError(`Stack ${stack.name} already has an action (${stack.action}) in progress.`, 'IN_PROGRESS');
    // Refused before anything changes when the server runs all the operations it may.
    await this.checkCapacity(stack.options as StackOptions);
    const analysis = this.analyseStack(stack);
    const { data, tree } = await abandonData(this.store, stack, analysis?.root ? nodeToValue(analysis.root) : stack.template);
    // Heat deletes an abandoned stack with each resource retained: the records go, the objects stay.
    for (const member of tree) {
      for (const rec of await this.store.liveResources(member.id)) {
        const definition = (rec.definition ?? {}) as Record<string, JsonValue>;
        await this.store.updateResource(rec.id, { definition: { ...definition, deletion_policy: 'Retain' } });
      }
    }
    for (const member of tree.reverse()) await this.scheduler.wait((await this.deleteStack(member.id)).id);
    return data;
  }

  async updateStack(idOrName: string, update: StackUpdate): Promise<{ stack: StackRecord; plan: Plan }> {
    let stack = await this.getStack(idOrName);
    if (stack.action === 'DELETE') throw new EngineError('Updating a stack when it is deleting is not supported.', 'INVALID');
    if (stack.action === 'SUSPEND') throw new EngineError('Updating a stack when it is suspended is not supported.', 'INVALID');
    const input = this.requested({ ...update, name: stack.name }, stack);
    const full: StackInput = { ...input, options: { ...(stack.options as StackOptions), ...(input.options ?? {}) } };
    await this.checkCapacity(full.options ?? {});
    // Refused before anything changes: the stack keeps its state and whatever it is doing.
    const analysis = this.analyze(full);
    await this.ready(full, analysis, stack);
    this.refuseImmutableChanges(stack, analysis, full);
    stack = await this.takeOver(stack, 'superseded');
    const traversal = await this.claim(stack, 'UPDATE');
    let plan: Plan;
    try {
      // Planned once the stack is this operation's: nothing changes it in between.
      plan = await this.lifecycle.plan(this.store, stack.id, analysis);
    } catch (error) {
      await this.store.updateStack(stack.id, { currentTraversal: null }, traversal);
      await this.store.finishOperation(traversal, 'UPDATE_FAILED', errorMessage(error));
      if (error instanceof BudgetExceeded) throw new EngineError(error.message, 'TOO_LARGE');
      throw error;
    }
    const analyses = { current: analysis, previous: this.analyseStack(stack) };
    await this.start(
      stack,
      traversal,
      'UPDATE',
      'update',
      analyses,
      (tx) => this.lifecycle.phaseNodes(tx, stack, 'update', analyses, plan),
      updatePatch(stack, { ...full, options: (full.options ?? {}) as ValueMap }),
    );
    return { stack, plan };
  }

  async deleteStack(idOrName: string): Promise<StackRecord> {
    // A delete interrupts whatever the stack is doing (a create, an update, an earlier delete), as Heat's does.
    const stack = await this.takeOver(await this.getStack(idOrName), 'stopped');
    await this.checkCapacity(stack.options as StackOptions);
    const traversal = await this.claim(stack, 'DELETE');
    const analyses = { current: this.analyseStack(stack), previous: null };
    await this.start(stack, traversal, 'DELETE', 'delete', analyses, (tx) => this.lifecycle.phaseNodes(tx, stack, 'delete', analyses));
    return stack;
  }

  async checkStack(idOrName: string): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    await this.checkCapacity(stack.options as StackOptions);
    const traversal = await this.claim(stack, 'CHECK');
    const analyses = { current: this.analyseStack(stack), previous: null };
    await this.start(stack, traversal, 'CHECK', 'check', analyses, (tx) => this.lifecycle.phaseNodes(tx, stack, 'check', analyses));
    return stack;
  }

  /**
   * Heat's stack suspend: each resource suspended in reverse dependency
   * order (nested stacks suspend theirs); SUSPEND_COMPLETE, or
   * SUSPEND_FAILED with no rollback. A stack already suspended is left as it is.
   */
  suspendStack(idOrName: string): Promise<StackRecord> {
    return this.suspendOrResume(idOrName, 'suspend');
  }

  /** Heat's stack resume: each suspended resource resumed in dependency order. A stack already resumed is left as it is. */
  resumeStack(idOrName: string): Promise<StackRecord> {
    return this.suspendOrResume(idOrName, 'resume');
  }

  private async suspendOrResume(idOrName: string, kind: 'suspend' | 'resume'): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    const action = kind === 'suspend' ? 'SUSPEND' : 'RESUME';
    if (stack.action === action && stack.status === 'COMPLETE' && stack.currentTraversal === null) return stack;
    await this.checkCapacity(stack.options as StackOptions);
    const traversal = await this.claim(stack, action);
    const analyses = { current: this.analyseStack(stack), previous: null };
    await this.start(stack, traversal, action, kind, analyses, (tx) => this.lifecycle.phaseNodes(tx, stack, kind, analyses));
    return stack;
  }

  /**
   * Stops the stack's operation for a new one (an update that supersedes
   * it, a delete that interrupts it) and waits until it has stopped; the
   * stack as it is then.
   */
  private async takeOver(stack: StackRecord, reason: 'superseded' | 'stopped'): Promise<StackRecord> {
    if (stack.currentTraversal === null) return stack;
    await this.scheduler.stop(stack, reason);
    await this.scheduler.wait(stack.id);
    return this.getStack(stack.id);
  }

  /**
   * Heat's cancel_update: nothing new starts, and the stack rolls back to
   * the template it had, whatever disable_rollback says. Without rollback
   * (cancel_without_rollback, which a create allows too) the stack fails at
   * once, actions already running finish, and nothing rolls back.
   */
  async cancelUpdate(idOrName: string, options: { rollback?: boolean } = {}): Promise<StackRecord> {
    const stack = await this.getStack(idOrName);
    const rollback = options.rollback ?? true;
    const allowed = rollback ? ['UPDATE'] : ['UPDATE', 'CREATE'];
    const stopped =
      stack.status === 'IN_PROGRESS' &&
      allowed.includes(stack.action) &&
      (await this.scheduler.stop(stack, rollback ? 'cancelled' : 'cancelled without rollback'));
    if (!stopped) throw new EngineError(`Cancelling update when stack is ${stack.action}_${stack.status} is not supported.`, 'INVALID');
    return stack;
  }

  // ------------------------------------------------------------ plans

  /** The plan of an update (or of a new stack), without running it. */
  async plan(idOrName: string | null, request: StackUpdate & { name: string }): Promise<Plan> {
    try {
      const stack = idOrName ? await this.getStack(idOrName) : null;
      const input = this.requested(request, stack);
      const analysis = this.analyze(input);
      if (stack) {
        // Heat's preview refuses what the update would refuse.
        this.refuseImmutableChanges(stack, analysis, input);
        return await this.lifecycle.planWithNested(this.store, stack, analysis);
      }
      return computePlan({
        analysis,
        current: new Map(),
        providers: this.providers,
        resolveProperties: (info) => this.runner.resolve(analysis, info, new Map()).properties,
      });
    } catch (error) {
      if (error instanceof BudgetExceeded) throw new EngineError(error.message, 'TOO_LARGE');
      throw error;
    }
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
    // Each nested stack sees its own parent resource (not one inherited from further up).
    if (request.facade) options.resourceFacade = request.facade;
    else delete options.resourceFacade;
    delete options.adoptData;
    if (options.nestingDepth! > this.limits.maxNestingDepth) {
      throw new ResourceFailure(`Recursion depth exceeds ${this.limits.maxNestingDepth}.`, 'StackValidationFailed');
    }
    // The nested stack sees its parent's environment (registry, parameter_defaults) and files,
    // without the mapping to its own template (Heat's get_child_environment).
    const parent = await this.store.getStack(request.parent.id);
    const environment = childEnvironment(parent?.environment ?? '', request.registryEntry ?? null, request.resourceName);
    const files = { ...(parent?.files ?? {}), ...request.files };
    const parameters = request.parameters as Record<string, Value>;
    let stack: StackRecord;
    try {
      stack = existing
        ? (await this.updateStack(existing, { template: request.template, environment, parameters, files, options })).stack
        : await this.createStack({
            name: `${request.parent.name}-${request.resourceName}-${randomUUID().slice(0, 8)}`,
            template: request.template,
            environment,
            parameters,
            files,
            options,
            ...(request.adoptData ? { adoptData: request.adoptData } : {}),
          });
    } catch (error) {
      // The nested stack was refused before it began: the resource fails as Heat's does.
      if (error instanceof EngineError && error.code === 'TOO_LARGE') throw new ResourceFailure(error.message, 'RequestLimitExceeded');
      throw error;
    }
    return this.followNested(stack, request.signal, (done) => {
      if (done.status !== 'COMPLETE') {
        const failure = nestedFailure(done.action, done.statusReason);
        throw new ResourceFailure(failure.message, failure.kind, failure.path);
      }
      return { stackId: stack.id, name: stack.name, outputs: done.outputs as ValueMap };
    });
  }

  /** Waits for a nested stack's operation; the parent's action stopping stops it too. */
  private async followNested<T>(stack: StackRecord, signal: AbortSignal, done: (stack: StackRecord) => T): Promise<T> {
    const stop = () => void this.scheduler.stop(stack, 'stopped').catch(() => false);
    signal.addEventListener('abort', stop, { once: true });
    try {
      return done(await this.scheduler.wait(stack.id));
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  private async deleteNested(stackId: string, signal: AbortSignal): Promise<void> {
    const stack = await this.store.getStack(stackId);
    if (!stack || stack.deletedAt) return;
    await this.scheduler.wait(stackId);
    const deleting = await this.deleteStack(stackId);
    await this.followNested(deleting, signal, (done) => {
      if (done.status !== 'COMPLETE') throw new ResourceFailure(`nested stack ${done.name}: ${done.statusReason}`);
    });
  }

  private async suspendOrResumeNested(stackId: string, kind: 'suspend' | 'resume', signal: AbortSignal): Promise<void> {
    const stack = await this.store.getStack(stackId);
    if (!stack || stack.deletedAt) throw new ResourceFailure(`Cannot ${kind} the nested stack ${stackId}: it does not exist.`);
    await this.scheduler.wait(stackId);
    const started = await this.suspendOrResume(stackId, kind);
    await this.followNested(started, signal, (done) => {
      if (done.status !== 'COMPLETE') {
        const failure = nestedFailure(done.action, done.statusReason);
        throw new ResourceFailure(failure.message, failure.kind, failure.path);
      }
    });
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
    this.scheduler.signalled(handleId);
    return stored;
  }

  /**
   * A signal to a resource (a scaling policy's signal_url or alarm_url), as
   * Heat's resource signal: its SIGNAL event's reason, or null when it
   * required no action. Refused while the stack runs an operation.
   */
  async signalResource(rec: ResourceRecord, details: JsonValue | undefined): Promise<string | null> {
    const stack = await this.getStack(rec.stackId);
    try {
      return await this.resourceSignals.signal(stack, rec, details);
    } catch (error) {
      if (error instanceof SignalRefused) throw new EngineError(error.message, error.code === 'IN_PROGRESS' ? 'IN_PROGRESS' : 'INVALID');
      if (error instanceof ResourceFailure || error instanceof Error) throw new EngineError(errorMessage(error), 'INVALID');
      throw error;
    }
  }

  // ------------------------------------------------------------ restart

  recover(): Promise<StackRecord[]> {
    return this.scheduler.recover();
  }

  /** Stops every running operation where it is (for a clean shutdown). */
  async shutdown(): Promise<void> {
    this.stopping = true;
    await this.scheduler.shutdown();
  }
}

export type { PlannedChange };
