// One resource action, whichever scheduler runs it: the resource's
// properties resolved against the stack's live resources, the provider that
// runs its type called, and what its row becomes. A failure's reason is
// built here too, in Heat's words.
import type { Analysis, ResourceInfo, Value, ValueMap } from '@hearth/template';
import { BudgetExceeded, EvalError, HeatError, isValueMap, nodeToValue } from '@hearth/template';
import type { JsonValue, ResourcePatch, ResourceRecord, StackRecord } from '@hearth/store';
import type { Work } from '../model/phases.ts';
import { implementationOf } from '../model/implementation.ts';
import { facadeOf } from '../model/facade.ts';
import type { ActionContext, EngineServices, ProvidedState, ProviderRegistry, ResourceProvider, StackRef } from '../provider.ts';
import { ResourceFailure } from '../provider.ts';
import { REASON } from '../states.ts';
import { errorMessage, Resolver, toJson } from '../model/resolution.ts';

export { errorMessage, toJson };

/** deletion_policy Retain: the object stays in the cloud when the resource goes. */
export function retained(rec: ResourceRecord): boolean {
  const definition = (rec.definition ?? {}) as ValueMap;
  return typeof definition.deletion_policy === 'string' && definition.deletion_policy.toLowerCase() === 'retain';
}

/** One resource's part of a stack's abandon data (Heat's Resource.prepare_abandon), as an adopt reads it. */
export interface AdoptResource {
  resource_id?: string | null;
  type?: string;
  /** Hearth's own: the attributes the resource had, for types that cannot read them again. */
  attributes?: ValueMap;
  /** A nested stack's resources. */
  resources?: Record<string, AdoptResource>;
  [key: string]: Value | Record<string, AdoptResource> | undefined;
}

/** The data an adopting stack was given for one of its resources (kept in the stack's options). */
export function adoptDataFor(stack: StackRecord, name: string): AdoptResource | null {
  const options = stack.options as { adoptData?: { resources?: Record<string, AdoptResource> } };
  return options.adoptData?.resources?.[name] ?? null;
}

/**
 * Heat's Resource.adopt: the resource takes the object the data names
 * (`resource_id`; an error when there is none) instead of making one.
 */
async function adopted(provider: ResourceProvider, ctx: ActionContext, data: AdoptResource | null): Promise<ProvidedState> {
  if (!data?.resource_id) throw new ResourceFailure('Resource ID was not provided.', 'Exception');
  if (provider.adoptFrom) return provider.adoptFrom(ctx, data);
  const attributes = data.attributes;
  return { physicalId: String(data.resource_id), attributes: attributes && isValueMap(attributes) ? attributes : {} };
}

/** What an action runs with. */
export interface NodeAction {
  stack: StackRecord;
  rec: ResourceRecord;
  work: Work;
  /** The template the stack runs now (null when it no longer analyses: a deletion goes on without it). */
  analysis: Analysis | null;
  /** The live resources it requires, by name (for get_resource and get_attr). */
  required: ReadonlyMap<string, ResourceRecord>;
  signal: AbortSignal;
  /** Set when the action runs as short jobs (engine workers): a provider may then answer ActionPending. */
  steps?: { startedAt: number };
}

/** What a completed action makes of its resource's row. */
export interface ActionResult {
  patch: ResourcePatch;
  /** The row goes (a completed delete). */
  remove: boolean;
  reason: string;
}

/** Why an operation stopped its actions, when it did. */
export interface StopState {
  /** The stack's action (CREATE, UPDATE, ...): the reason names it. */
  action: string;
  timedOut: boolean;
  cancelled: boolean;
  /** Still running error_wait_time after another resource failed. */
  aborted?: boolean;
}

/** A failed action's status reason, in Heat's words: how the operation stopped, or the failure itself. */
export function failureReason(stop: StopState, rec: ResourceRecord, error: unknown, signal?: AbortSignal): string {
  if (stop.timedOut) return REASON.timedOut(stop.action);
  if (stop.cancelled) return REASON.actionCancelled(stop.action);
  if (stop.aborted) return REASON.actionAborted(stop.action);
  const cause = error instanceof DOMException && error.name === 'AbortError' && signal?.reason ? signal.reason : error;
  const kind =
    cause instanceof ResourceFailure
      ? cause.kind
      : cause instanceof BudgetExceeded
        ? 'RequestLimitExceeded'
        : cause instanceof EvalError || cause instanceof HeatError
          ? 'StackValidationFailed'
          : 'Error';
  return REASON.failure(kind, rec.name, errorMessage(cause), cause instanceof ResourceFailure ? cause.path : []);
}

export class ActionRunner {
  constructor(
    private readonly providers: ProviderRegistry,
    private readonly services: EngineServices,
  ) {
    this.resolver = new Resolver(providers);
  }

  /** get_resource, get_attr and outputs against the stack's live resources. */
  readonly resolver: Resolver;

  /** A resource's properties and metadata as they resolve against these live resources. */
  resolve(
    analysis: Analysis,
    info: ResourceInfo,
    records: ReadonlyMap<string, ResourceRecord>,
  ): { properties: ValueMap; metadata: ValueMap } {
    return this.resolver.resolve(analysis, info, records);
  }

  /**
   * The provider that runs the resource: what it was created as (its alias
   * or template may have left the environment since), else (rows from before
   * Hearth kept that) what its definition resolves to.
   */
  providerFor(rec: ResourceRecord, info?: ResourceInfo): ResourceProvider {
    const implementation = rec.implementation || (info ? implementationOf(info) : rec.type);
    const provider = this.providers.provider(implementation) ?? this.providers.provider(rec.type);
    if (!provider) throw new ResourceFailure(`no provider runs ${rec.type}`, 'ResourceTypeUnavailable');
    return provider;
  }

  context(stack: StackRecord, rec: ResourceRecord, properties: ValueMap, metadata: ValueMap, signal: AbortSignal): ActionContext {
    const stackRef: StackRef = { id: stack.id, name: stack.name, options: stack.options as ValueMap };
    return {
      stack: stackRef,
      resourceName: rec.name,
      type: rec.type,
      properties,
      clientToken: rec.clientToken,
      physicalId: rec.physicalId,
      attributes: rec.attributes as ValueMap,
      metadata,
      signal,
      services: this.services,
    };
  }

  private withNested(stack: StackRecord, analysis: Analysis | null, info: ResourceInfo | undefined, ctx: ActionContext): ActionContext {
    const named = info && info.resolution !== 'template' ? this.providers.provider(info.iface ?? '')?.templatePath?.(ctx.properties) : null;
    if (named) {
      const text = Object.prototype.hasOwnProperty.call(stack.files, named) ? stack.files[named] : undefined;
      return text === undefined ? ctx : { ...ctx, nestedTemplate: { path: named, text, files: stack.files, registryEntry: null } };
    }
    if (info?.resolution !== 'template' || !info.nested) return ctx;
    return {
      ...ctx,
      nestedTemplate: {
        path: info.nested.path,
        text: info.nested.text,
        files: stack.files,
        registryEntry: info.templateEntry,
        ...(analysis ? { facade: facadeOf(analysis, info, ctx.metadata) } : {}),
      },
    };
  }

  /** Runs the node's action; resolves with what the row becomes, throws when it fails (ActionPending: not yet done). */
  async run(a: NodeAction): Promise<ActionResult> {
    const { stack, rec, analysis, signal } = a;
    const steps = a.steps ? { steps: a.steps } : {};
    switch (a.work) {
      case 'delete': {
        if (rec.physicalId && !retained(rec)) {
          const info = analysis?.resources.find((r) => r.name === rec.name && (r.def.type ?? '') === rec.type);
          const provider = this.providerFor(rec, info);
          await provider.delete({
            ...this.withNested(stack, analysis, info, this.context(stack, rec, rec.properties as ValueMap, {}, signal)),
            ...steps,
          });
        }
        return { patch: {}, remove: true, reason: retained(rec) ? REASON.retained : REASON.stateChanged };
      }
      case 'forget':
        return { patch: {}, remove: true, reason: REASON.abandoned };
      case 'check': {
        const provider = this.providerFor(rec);
        if (!rec.physicalId) throw new ResourceFailure('the resource was never created');
        await provider.check?.({ ...this.context(stack, rec, rec.properties as ValueMap, {}, signal), ...steps });
        return { patch: {}, remove: false, reason: REASON.stateChanged };
      }
      case 'suspend':
      case 'resume': {
        if (rec.physicalId) {
          const info = analysis?.resources.find((r) => r.name === rec.name);
          const provider = this.providerFor(rec, info);
          const ctx = { ...this.context(stack, rec, rec.properties as ValueMap, {}, signal), ...steps };
          await (a.work === 'suspend' ? provider.suspend?.(ctx) : provider.resume?.(ctx));
        }
        return { patch: {}, remove: false, reason: REASON.stateChanged };
      }
      case 'unchanged':
        return { patch: {}, remove: false, reason: REASON.stateChanged };
      default: {
        if (!analysis) throw new Error('the stack’s template no longer analyses');
        const info = analysis.resources.find((r) => r.name === rec.name);
        if (!info) throw new ResourceFailure(`${rec.name} is no longer in the template`);
        const { properties, metadata } = this.resolve(analysis, info, a.required);
        const provider = this.providerFor(rec, info);
        const ctx = { ...this.withNested(stack, analysis, info, this.context(stack, rec, properties, metadata, signal)), ...steps };
        let state: ProvidedState;
        if (a.work === 'adopt') state = await adopted(provider, ctx, adoptDataFor(stack, rec.name));
        else if (a.work === 'update' && provider.update)
          state = await provider.update({ ...ctx, previousProperties: rec.properties as ValueMap });
        else state = await provider.create(ctx);
        signal.throwIfAborted();
        return {
          patch: {
            physicalId: state.physicalId,
            attributes: toJson(state.attributes) as Record<string, JsonValue>,
            properties: toJson(properties) as Record<string, JsonValue>,
            definition: toJson(nodeToValue(info.def.node)),
            // An update in place may move the resource to another name of the same kind (an alias).
            type: info.def.type ?? rec.type,
          },
          remove: false,
          reason: REASON.stateChanged,
        };
      }
    }
  }
}
