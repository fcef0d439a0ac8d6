// Signals sent to a resource rather than to a wait condition handle (Heat's
// Resource.signal): the resource's handle_signal acts (a scaling policy
// resizes its group), and a SIGNAL event says what the signal was. Signals
// act only between operations, one at a time per stack, as Heat's resource
// lock has them.
import type { JsonValue, ResourceRecord, StackRecord, Store } from '@hearth/store';
import type { Value, ValueMap } from '@hearth/template';
import { failureReason, type ActionRunner } from './actions/runner.ts';
import { resourceEvent, type ChangeSource } from './model/changes.ts';
import { storedImplementation } from './model/implementation.ts';
import { toJson } from './model/resolution.ts';
import { NoActionRequired, type ProviderRegistry, type ResourceProvider } from './provider.ts';
import type { Scheduler } from './schedulers/scheduler.ts';

export interface ResourceSignalParts {
  store: Store;
  providers: ProviderRegistry;
  runner: ActionRunner;
  scheduler: Scheduler;
  engineId: string;
  /** Resolves the stack's outputs again (a group a signal resized changes what they say). */
  refreshOutputs(stackId: string): Promise<void>;
}

/** Why a signal cannot be taken: the resource takes no signals, or its stack is busy. */
export class SignalRefused extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_SUPPORTED' | 'IN_PROGRESS',
  ) {
    super(message);
  }
}

/** Heat's wording of a signal's details in the SIGNAL event (resource.py Resource.signal get_string_details). */
export function signalDetails(details: JsonValue | undefined): string {
  if (details === undefined || details === null) return 'No signal details provided';
  if (typeof details === 'string') return details;
  if (typeof details === 'object' && !Array.isArray(details) && ['previous', 'current', 'reason'].every((k) => k in details))
    return `alarm state changed from ${String(details.previous)} to ${String(details.current)} (${String(details.reason)})`;
  return 'Unknown';
}

function providerOf(parts: ResourceSignalParts, rec: ResourceRecord): ResourceProvider | undefined {
  return parts.providers.provider(storedImplementation(rec));
}

export class ResourceSignals {
  /** One signal at a time per stack (Heat takes the resource's lock). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly parts: ResourceSignalParts) {}

  /** Handles a signal to `rec`; the reason its event gave, or null when it required no action. */
  signal(stack: StackRecord, rec: ResourceRecord, details: JsonValue | undefined): Promise<string | null> {
    const previous = this.queues.get(stack.id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.handle(stack.id, rec.id, details));
    this.queues.set(stack.id, next);
    void next
      .finally(() => {
        if (this.queues.get(stack.id) === next) this.queues.delete(stack.id);
      })
      .catch(() => {});
    return next;
  }

  private async handle(stackId: string, resourceId: number, details: JsonValue | undefined): Promise<string | null> {
    const { store, runner, scheduler, engineId } = this.parts;
    const stack = await store.getStack(stackId);
    const rec = await store.getResource(resourceId);
    if (!stack || stack.deletedAt || !rec) throw new SignalRefused('The resource no longer exists.', 'NOT_SUPPORTED');
    if (stack.currentTraversal !== null)
      throw new SignalRefused(
        `Stack ${stack.name} has an action (${stack.action}) in progress; signal ${rec.name} again once it has ended.`,
        'IN_PROGRESS',
      );
    const provider = providerOf(this.parts, rec);
    if (!provider?.signal) throw new SignalRefused('Signal is not supported for resource.', 'NOT_SUPPORTED');
    const source: ChangeSource = { stack: { id: stack.id, name: stack.name }, traversal: null, engineId };
    const controller = new AbortController();
    const ctx = runner.context(stack, rec, rec.properties as ValueMap, {}, controller.signal);
    try {
      const result = await provider.signal(ctx, details as Value | undefined);
      if (result.attributes) await store.updateResource(rec.id, { attributes: toJson(result.attributes) as Record<string, JsonValue> });
      const reason = result.reason ?? signalDetails(details);
      await scheduler.record([resourceEvent(source, rec, 'SIGNAL', rec.status, reason)]);
      return reason;
    } catch (error) {
      // Heat logs no event for a signal that requires no action.
      if (error instanceof NoActionRequired) return null;
      const reason = failureReason({ action: 'SIGNAL', timedOut: false, cancelled: false, aborted: false }, rec, error);
      await scheduler.record([resourceEvent(source, rec, 'SIGNAL', 'FAILED', reason)]);
      throw error;
    }
  }

  /** Resizes a scaling group of the stack (what a scaling policy's signal does). */
  async adjustGroup(
    stackId: string,
    group: string,
    capacity: (current: number, properties: ValueMap) => number,
    signal: AbortSignal,
  ): Promise<boolean | null> {
    const { store, runner } = this.parts;
    const stack = await store.getStack(stackId);
    const rec = (await store.liveResources(stackId)).find((r) => r.physicalId === group || r.name === group);
    const provider = rec && providerOf(this.parts, rec);
    if (!stack || !rec || !provider?.resize) return null;
    // heat/engine/resources/aws/autoscaling/autoscaling_group.py adjust: only a group that is COMPLETE scales.
    if (rec.status !== 'COMPLETE') return false;
    const state = await provider.resize(runner.context(stack, rec, rec.properties as ValueMap, {}, signal), capacity);
    if (!state) return false;
    await store.updateResource(rec.id, { attributes: toJson(state.attributes) as Record<string, JsonValue> });
    await this.parts.refreshOutputs(stackId);
    return true;
  }
}
