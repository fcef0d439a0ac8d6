// What a resource type must do to be run by the engine. Adding a cloud is
// one new module implementing this for its types.
import type { ResourceFacade, ResourceTypeSchema, Value, ValueMap } from '@hearth/template';
import type { AdoptResource } from './actions/runner.ts';

export interface ProvidedState {
  physicalId: string;
  attributes: ValueMap;
}

export interface StackRef {
  id: string;
  name: string;
  /** Options the stack was created with (simulation settings, ...). */
  options: ValueMap;
}

/** What the engine offers providers: nested stacks, wait condition signals, the server's address. */
export interface EngineServices {
  /** Where wait condition handles are signalled (the Hearth server's address). */
  signalBaseUrl: string;
  /** A handle's signals, keyed by their ids, in the order they first arrived. */
  signals(handleId: string): Promise<Array<{ id: string; data: Value; time: string }>>;
  /** Resolves when a new signal arrives for the handle (or the action is aborted). */
  waitForSignal(handleId: string, signal: AbortSignal): Promise<void>;
  deleteSignals(handleId: string): Promise<void>;
  /** Delivers a signal (what an HTTP POST to the handle's endpoint does). */
  sendSignal(handleId: string, data: Value): Promise<void>;
  /** Runs a nested stack to completion; returns its id and outputs, or throws with its failure. */
  createNested(request: NestedRequest): Promise<NestedResult>;
  updateNested(stackId: string, request: NestedRequest): Promise<NestedResult>;
  deleteNested(stackId: string, signal: AbortSignal): Promise<void>;
  /** Suspends or resumes a nested stack to completion; throws with its failure. */
  suspendNested(stackId: string, signal: AbortSignal): Promise<void>;
  resumeNested(stackId: string, signal: AbortSignal): Promise<void>;
  nestedOutputs(stackId: string): Promise<ValueMap>;
  nestedResources(stackId: string): Promise<Array<{ name: string; physicalId: string | null; attributes: ValueMap }>>;
  /**
   * Resizes the scaling group `group` (its name or reference) of the stack:
   * true when its size changed, false when it stays (or is not COMPLETE),
   * null when the stack has no such scaling group.
   */
  adjustGroup(
    stack: StackRef,
    group: string,
    capacity: (current: number, properties: ValueMap) => number,
    signal: AbortSignal,
  ): Promise<boolean | null>;
  /**
   * How many resources a nested stack of `parent` may still have: Heat's
   * max_resources_per_stack counts the whole tree of nested stacks. `existing`:
   * the nested stack an update replaces (its resources are not counted twice).
   */
  nestedCapacity(parent: StackRef, existing: string | null): Promise<number>;
  /**
   * The resource of `stack` that a reference names (its physical id), with its
   * resolved properties: Heat's stack.resource_by_refid (an AWS scaling group reads its
   * launch configuration this way). Null when there is none.
   */
  resourceByReference(stack: StackRef, reference: string): Promise<ReferencedResource | null>;
}

export interface ReferencedResource {
  name: string;
  type: string;
  physicalId: string | null;
  properties: ValueMap;
  attributes: ValueMap;
}

export interface NestedRequest {
  parent: StackRef;
  resourceName: string;
  template: string;
  parameters: ValueMap;
  files: Record<string, string>;
  /** The registry mapping that led to the nested template: the nested stack's environment does without it. */
  registryEntry?: string[] | null;
  /** The resource the nested stack is made for, as its template's resource_facade sees it. */
  facade?: ResourceFacade;
  /** A nested stack made by an adopt: the objects its resources take. */
  adoptData?: { resources: Record<string, AdoptResource> };
  signal: AbortSignal;
}

export interface NestedResult {
  stackId: string;
  /** The nested stack's name (Heat's arn names it). */
  name: string;
  outputs: ValueMap;
}

export interface ActionContext {
  stack: StackRef;
  resourceName: string;
  type: string;
  /** The properties, resolved (functions evaluated) for this action. */
  properties: ValueMap;
  /** A token unique to this resource and generation: a retried create must find the object it made. */
  clientToken: string;
  physicalId: string | null;
  attributes: ValueMap;
  /** The template's metadata of the resource, resolved. */
  metadata: ValueMap;
  signal: AbortSignal;
  services: EngineServices;
  /**
   * Set when the action runs as short jobs (engine workers): when the action started, first time
   * included. A provider may then throw ActionPending instead of waiting long; it is called again
   * later with the same context and must pick up where the object is (Heat's check_*_complete).
   */
  steps?: { startedAt: number };
  /** For a resource whose type is a template: that template, and the files it may use. */
  nestedTemplate?: { path: string; text: string; files: Record<string, string>; registryEntry: string[] | null; facade?: ResourceFacade };
}

export interface UpdateContext extends ActionContext {
  previousProperties: ValueMap;
}

export interface ResourceProvider {
  /** Creates the object; throws to fail the resource. */
  create(ctx: ActionContext): Promise<ProvidedState>;
  /** Updates in place (only called when every changed property allows it). */
  update?(ctx: UpdateContext): Promise<ProvidedState>;
  delete(ctx: ActionContext): Promise<void>;
  /** Suspends the object (Heat's handle_suspend); a type without it suspends as a no-op. */
  suspend?(ctx: ActionContext): Promise<void>;
  /** Resumes a suspended object (Heat's handle_resume). */
  resume?(ctx: ActionContext): Promise<void>;
  /**
   * Heat's handle_signal: what a signal sent to the resource does (a scaling
   * policy adjusts its group). The reason its SIGNAL event gives (null: Heat's
   * wording of the details) and attributes to keep; throws NoActionRequired
   * when there is nothing to do (no event, as in Heat).
   */
  signal?(ctx: ActionContext, details: Value | undefined): Promise<{ reason: string | null; attributes?: ValueMap }>;
  /**
   * For a scaling group: resizes it to the capacity `capacity` gives for its
   * current size and properties; its new state, or null when the size stays.
   */
  resize?(ctx: ActionContext, capacity: (current: number, properties: ValueMap) => number): Promise<ProvidedState | null>;
  /** Checks the object still exists and is healthy; throws when not. */
  check?(ctx: ActionContext): Promise<void>;
  /** A reason to replace rather than update, beyond properties that are not update_allowed. */
  replaceReason?(before: ValueMap, after: ValueMap): string | null;
  /** What get_resource gives for the resource, when not its physical id (a template resource's nested stack reference). */
  reference?(state: { physicalId: string; attributes: ValueMap }): Value | undefined;
  /** An attribute the stored attributes do not hold (open-ended attributes such as resource.0.name). */
  attribute?(state: { physicalId: string | null; attributes: ValueMap }, name: string, path: Value[]): Value | undefined;
  /**
   * For a group: the nested template Heat validates when a stack is created
   * or updated (its first member; null when it has none), so a bad member
   * definition is refused before anything runs.
   */
  validationTemplate?(properties: ValueMap): string | null;
  /** For a type run as a nested stack (a group): the template its nested stack gets for these properties. */
  nestedTemplate?(properties: ValueMap, current?: string[]): string;
  /**
   * For a type whose nested template a property names (AWS::CloudFormation::Stack's TemplateURL):
   * that name. The engine gives the provider the stack's file of that name as its nestedTemplate.
   */
  templatePath?(properties: ValueMap): string | null;
  /**
   * Heat's handle_adopt: takes an existing object (a stack adopt), reading
   * its attributes again where it can (nested stacks adopt their resources).
   * Without it the resource takes `resource_id` and the attributes the data kept.
   */
  adoptFrom?(ctx: ActionContext, data: AdoptResource): Promise<ProvidedState>;
  /** Finds the object a create with this client token made, if any (after a crash). */
  adopt?(ctx: ActionContext): Promise<ProvidedState | null>;
}

/** Heat's NoActionRequired: a signal that changes nothing (and leaves no event). */
export class NoActionRequired extends Error {}

/** Resource failures: the message becomes the resource's status reason. */
export class ResourceFailure extends Error {
  constructor(
    message: string,
    readonly kind = 'Error',
    /** Where below the resource it failed (a nested stack's `resources.x`), as Heat's error path. */
    readonly path: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface ProviderRegistry {
  provider(type: string): ResourceProvider | undefined;
  /** Types the engine can run beyond Heat's catalog (Hearth::...), with their schemas. */
  extraType?(type: string): ResourceTypeSchema | { refused: string } | undefined;
}

/** Thrown by a provider running in steps: the action goes on; call again in `checkAfterMs`. */
export class ActionPending extends Error {
  constructor(readonly checkAfterMs: number) {
    super(`the action is still in progress; check again in ${checkAfterMs} ms`);
  }
}
