// An engine over an in-memory store with every provider, for tests.
import { Engine, type EngineLimits, type StackInput, type StackUpdate } from '@hearth/engine';
import type { EventRecord, StackRecord, Store } from '@hearth/store';
import { openMemoryStore } from '@hearth/store';
import { createProviders } from '../registry.ts';
import type { SimulatedCloud } from '../cloud.ts';
import { SIM_TABLES } from '../sim-objects.ts';

export interface Harness {
  store: Store;
  engine: Engine;
  cloud: SimulatedCloud;
  /** Creates a stack and waits for the operation to end. */
  create(input: StackInput): Promise<StackRecord>;
  update(stack: string, input: StackUpdate): Promise<StackRecord>;
  remove(stack: string): Promise<StackRecord>;
  suspend(stack: string): Promise<StackRecord>;
  resume(stack: string): Promise<StackRecord>;
  events(stackId: string): Promise<EventRecord[]>;
  close(): Promise<void>;
}

/** What a suite may ask of the engine it runs against. */
export interface HarnessOptions {
  /** Heat's error_wait_time, for tests of what a failure does to actions still running. */
  errorWaitSeconds?: number;
}

/** Makes a harness for a suite (one per test). */
export type MakeHarness = (options?: HarnessOptions) => Promise<Harness>;

export async function harness(
  options: HarnessOptions & { allowLocalScripts?: boolean; store?: Store; signalBaseUrl?: string; limits?: Partial<EngineLimits> } = {},
): Promise<Harness> {
  const store = options.store ?? (await openMemoryStore({ tables: [SIM_TABLES] }));
  const providers = createProviders({ store, allowLocalScripts: options.allowLocalScripts ?? false });
  // Port 9 (discard) is closed here: signals the simulated servers POST fall back to in-process delivery.
  const engine = new Engine({
    store,
    providers,
    signalBaseUrl: options.signalBaseUrl ?? 'http://127.0.0.1:9',
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.errorWaitSeconds !== undefined ? { errorWaitSeconds: options.errorWaitSeconds } : {}),
  });
  return harnessFor(store, engine, providers.cloud);
}

export interface HarnessHooks {
  /** After an operation ended: until its events have been published (an engine whose events come from elsewhere). */
  settled?: () => Promise<void>;
  /** After the engine stopped, before the store closes. */
  stop?: () => Promise<void>;
}

/** The harness over an engine someone made (another kind of engine, another store). */
export function harnessFor(store: Store, engine: Engine, cloud: SimulatedCloud, hooks: HarnessHooks = {}): Harness {
  const ended = async (stackId: string) => {
    const stack = await engine.wait(stackId);
    await hooks.settled?.();
    return stack;
  };
  return {
    store,
    engine,
    cloud,
    async create(input) {
      const stack = await engine.createStack(input);
      return ended(stack.id);
    },
    async update(stack, input) {
      const { stack: s } = await engine.updateStack(stack, input);
      return ended(s.id);
    },
    async remove(stack) {
      const s = await engine.deleteStack(stack);
      return ended(s.id);
    },
    async suspend(stack) {
      return ended((await engine.suspendStack(stack)).id);
    },
    async resume(stack) {
      return ended((await engine.resumeStack(stack)).id);
    },
    events: (stackId) => store.listEvents({ stackId }),
    async close() {
      await engine.shutdown();
      await hooks.stop?.();
      await store.close();
    },
  };
}

/** "name ACTION_STATUS" lines of a stack's resource events, in order. */
export function transitions(events: EventRecord[]): string[] {
  return events.map((e) => `${e.resourceName ?? '<stack>'} ${e.action}_${e.status}`);
}
