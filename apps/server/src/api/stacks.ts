// Stacks: create, update, delete, cancel, check, list, show, outputs, events,
// and a live event stream that resumes from an event id.
import { tracked, TRPCError } from '@trpc/server';
import { EngineError, type AdoptResource, type StackOptions } from '@hearth/engine';
import type { ResourceRecord, StackRecord } from '@hearth/store';
import type { Value } from '@hearth/template';
import { z } from 'zod';
import { EventStream } from './event-stream.ts';
import { precheck } from './guard.ts';
import { adoptData, checkSizes, stackName, stackOptions, stackRef, stackRequest, templateInput } from './inputs.ts';
import type { ApiContext, HearthServices } from './services.ts';
import { settingsOf } from '@hearth/resources';
import { cloudLink, targetOf } from '../targets/index.ts';
import { cloudStackView } from './cloud-view.ts';
import { evaluatingProcedure, procedure, router, withRefusals } from './trpc.ts';

export function stackSummary(s: StackRecord) {
  const options = s.options as StackOptions;
  const link = cloudLink(s);
  return {
    id: s.id,
    name: s.name,
    action: s.action,
    status: s.status,
    statusReason: s.statusReason,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    parentStack: options.parentStack ?? null,
    /** The design it was deployed from, when the designer deployed it. */
    designId: typeof options.designId === 'string' ? options.designId : null,
    /** Where it runs: the rehearsal (Hearth's engine, simulated cloud) or a cloud's Heat. */
    target: targetOf(s),
    // On a cloud: until Hearth has read the operation's end (a failed create is FAILED for a moment before its rollback).
    inProgress: link ? link.following || s.status === 'IN_PROGRESS' : s.currentTraversal !== null,
    /** A rehearsal's simulated latency (what its schedule is estimated with); null on a cloud. */
    simulation: link ? null : simulatedLatency(s.options),
  };
}

function simulatedLatency(options: StackRecord['options']): { latency: number; latencyByType: Record<string, number> } {
  const settings = settingsOf(options as Parameters<typeof settingsOf>[0]);
  return { latency: settings.latency, latencyByType: settings.latencyByType };
}

function resourceView(r: ResourceRecord) {
  return {
    name: r.name,
    type: r.type,
    physicalId: r.physicalId,
    action: r.action,
    status: r.status,
    statusReason: r.statusReason,
    attributes: r.attributes,
    requires: r.requires,
    generation: r.generation,
    updatedAt: r.updatedAt,
    /** OpenStack types run on Hearth's simulated cloud: nothing exists in a real one. */
    simulated: r.type.startsWith('OS::') && !r.type.startsWith('OS::Heat::'),
  };
}

async function findStack(services: HearthServices, ref: string): Promise<StackRecord> {
  return services.engine.getStack(ref);
}

/** The stack, or null when there is none by that name or id. */
async function stackIfAny(services: HearthServices, ref: string): Promise<StackRecord | null> {
  try {
    return await findStack(services, ref);
  } catch (error) {
    if (error instanceof EngineError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** The stack when it runs on a cloud (its operations go to that cloud's Heat), else null. */
async function onCloud(services: HearthServices, ref: string): Promise<StackRecord | null> {
  const stack = await findStack(services, ref);
  return cloudLink(stack) ? stack : null;
}

/** A stack's summary. A cloud stack followed but not read (its reading failed) is read again. */
function summaryOf(services: HearthServices, stack: StackRecord) {
  const link = cloudLink(stack);
  if (link?.following && !services.openstack.mirrors.following(stack.id)) services.openstack.mirrors.follow(stack.id);
  return stackSummary(stack);
}

export const cloudTarget = z.object({ cloud: z.string().min(1).max(255) });

function changedSincePlan(current: StackRecord): TRPCError {
  return new TRPCError({
    code: 'CONFLICT',
    message: `Stack ${current.name} changed since the plan was made (it is ${current.action}_${current.status}); plan again.`,
  });
}

/** What only Hearth's rehearsal engine can do is refused for a cloud, not silently dropped. */
function refuseRehearsalOnly(options: { simulation?: unknown } | undefined, adopt?: unknown): void {
  if (options?.simulation)
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Simulation options apply to rehearsals only, not to a stack on a cloud.' });
  if (adopt)
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'Hearth adopts only into rehearsal stacks; adopt into a cloud with "openstack stack adopt".',
    });
}

/** The options a cloud's Heat takes with a stack. */
function cloudOptions(
  options: { disableRollback?: boolean | undefined; timeoutMins?: number | undefined; designId?: string | undefined } | undefined,
) {
  return {
    ...(options?.designId !== undefined ? { designId: options.designId } : {}),
    ...(options?.disableRollback !== undefined ? { disableRollback: options.disableRollback } : {}),
    ...(options?.timeoutMins !== undefined ? { timeoutMins: options.timeoutMins } : {}),
  };
}

const eventsPage = z.object({
  stack: stackRef,
  afterId: z.number().int().min(0).optional(),
  beforeId: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
  newestFirst: z.boolean().default(false),
});

const watchInput = z.object({
  stack: stackRef.optional(),
  lastEventId: z.string().regex(/^\d+$/).nullish(),
  /** The stack may not be made yet (the page watches a stack before it creates it): wait for it. */
  untilMade: z.boolean().optional(),
});

export const stacksRouter = router({
  list: procedure
    .input(z.object({ includeNested: z.boolean().default(false) }).default({ includeNested: false }))
    .query(async ({ ctx, input }) => {
      const stacks = await ctx.services.store.listStacks();
      return stacks.map(stackSummary).filter((s) => input.includeNested || s.parentStack === null);
    }),

  /** The stack's state alone, from Hearth's store (cheap: for polling; stacks.get reads a cloud's Heat). */
  summary: procedure
    .input(z.object({ stack: stackRef }))
    .query(async ({ ctx, input }) => summaryOf(ctx.services, await findStack(ctx.services, input.stack))),

  /**
   * The stack's summary, or null when there is no stack of that name or id: what a client asks before
   * deploying (a plan or an apply creates it, or updates the one there). Other failures stay errors.
   */
  find: procedure.input(z.object({ stack: stackRef })).query(async ({ ctx, input }) => {
    const stack = await stackIfAny(ctx.services, input.stack);
    return stack && summaryOf(ctx.services, stack);
  }),

  get: procedure.input(z.object({ stack: stackRef })).query(async ({ ctx, input }) => {
    const stack = await findStack(ctx.services, input.stack);
    if (cloudLink(stack)) return cloudStackView(ctx.services, stack);
    const resources = await ctx.services.engine.liveResources(stack.id);
    return {
      ...stackSummary(stack),
      template: stack.template,
      environment: stack.environment,
      parameters: stack.parameters,
      /** Every parameter with the value it runs with, as Heat's stack show gives them (hidden ones masked). */
      effectiveParameters: await ctx.services.engine.parameters(stack.id),
      files: stack.files,
      options: stack.options,
      outputs: stack.outputs,
      resources: resources.map(resourceView),
      cloudError: null,
    };
  }),

  /** The operations run on the stack (create, updates, rollbacks, ...), oldest first. */
  operations: procedure.input(z.object({ stack: stackRef })).query(async ({ ctx, input }) => {
    const stack = await findStack(ctx.services, input.stack);
    return ctx.services.store.listOperations(stack.id);
  }),

  /** The objects the simulated cloud holds for the stack and its nested stacks (nothing here exists in a real cloud). */
  inventory: procedure.input(z.object({ stack: stackRef })).query(async ({ ctx, input }) => {
    const { store } = ctx.services;
    const stack = await store.getStack(input.stack);
    if (!stack) return { simulated: true as const, objects: [] };
    const ids = new Set([stack.id]);
    const all = await store.listStacks({ includeDeleted: true });
    for (let grew = true; grew;) {
      grew = false;
      for (const s of all) {
        const parent = (s.options as StackOptions).parentStack;
        if (parent && ids.has(parent) && !ids.has(s.id)) {
          ids.add(s.id);
          grew = true;
        }
      }
    }
    const objects = (await ctx.services.cloud.objects.list()).filter((o) => ids.has(o.stackId));
    return {
      simulated: true as const,
      objects: objects.map((o) => ({
        id: o.id,
        kind: o.kind,
        resource: o.resourceName,
        name: typeof o.data.name === 'string' ? o.data.name : null,
      })),
    };
  }),

  outputs: procedure.input(z.object({ stack: stackRef })).query(async ({ ctx, input }) => {
    const stack = await findStack(ctx.services, input.stack);
    return { stack: stack.name, status: `${stack.action}_${stack.status}`, outputs: stack.outputs };
  }),

  create: evaluatingProcedure
    .input(
      templateInput.extend({
        name: stackName,
        options: stackOptions.default({}),
        environmentFiles: stackRequest.shape.environmentFiles,
        /** Heat's adopt_stack_data: the stack takes the objects an abandon named (ADOPT) instead of making them. */
        adoptData: adoptData.optional(),
        /** Run it on this cloud's Heat (clouds.list names them); without one it is a rehearsal on Hearth's engine. */
        target: cloudTarget.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      checkSizes(ctx.services, input);
      const { adoptData: adopt, target, ...request } = input;
      if (target) {
        refuseRehearsalOnly(input.options, adopt);
        const { options, name, ...rest } = request;
        const stack = await ctx.services.openstack.stacks.create(target.cloud, name, { ...rest, ...cloudOptions(options) });
        return stackSummary(stack);
      }
      const parameters = request.parameters as Record<string, Value> | undefined;
      await precheck(ctx.services, await ctx.services.engine.resolveRequest({ ...request, parameters }, null));
      const stack = await ctx.services.engine.createStack({
        ...request,
        parameters,
        ...(adopt ? { adoptData: adopt as unknown as { resources: Record<string, AdoptResource> } } : {}),
      });
      return stackSummary(stack);
    }),

  update: evaluatingProcedure
    .input(
      stackRequest.extend({
        stack: stackRef,
        options: stackOptions.optional(),
        /** The stack's updatedAt when the plan was shown: refuse if it changed since. */
        planBasedOn: z.string().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      checkSizes(ctx.services, input);
      const { stack: ref, planBasedOn, ...rest } = input;
      const mirror = await findStack(ctx.services, ref);
      if (cloudLink(mirror)) {
        refuseRehearsalOnly(rest.options);
        if (planBasedOn && mirror.updatedAt !== planBasedOn) throw changedSincePlan(mirror);
        const { options, existing, ...request } = rest;
        const cloud = ctx.services.openstack.stacks;
        const plan = await cloud.preview(mirror, request, existing ?? false);
        const stack = await cloud.update(mirror, { ...request, ...cloudOptions(options) }, existing ?? false);
        return { stack: stackSummary(stack), plan };
      }
      if (planBasedOn) {
        const current = await findStack(ctx.services, ref);
        if (current.updatedAt !== planBasedOn) throw changedSincePlan(current);
      }
      const parameters = rest.parameters as Record<string, Value> | undefined;
      await precheck(ctx.services, await ctx.services.engine.resolveRequest({ ...rest, name: ref, parameters }, ref));
      const { stack, plan } = await ctx.services.engine.updateStack(ref, { ...rest, parameters });
      return { stack: stackSummary(stack), plan };
    }),

  delete: procedure.input(z.object({ stack: stackRef })).mutation(async ({ ctx, input }) => {
    const mirror = await onCloud(ctx.services, input.stack);
    return stackSummary(mirror ? await ctx.services.openstack.stacks.delete(mirror) : await ctx.services.engine.deleteStack(input.stack));
  }),

  /** Heat's cancel_update; `rollback: false` is its cancel_without_rollback (which a create in progress allows too). */
  cancel: procedure.input(z.object({ stack: stackRef, rollback: z.boolean().default(true) })).mutation(async ({ ctx, input }) => {
    const mirror = await onCloud(ctx.services, input.stack);
    return stackSummary(
      mirror
        ? await ctx.services.openstack.stacks.cancel(mirror, input.rollback)
        : await ctx.services.engine.cancelUpdate(input.stack, { rollback: input.rollback }),
    );
  }),

  check: procedure.input(z.object({ stack: stackRef })).mutation(async ({ ctx, input }) => {
    const mirror = await onCloud(ctx.services, input.stack);
    return stackSummary(
      mirror ? await ctx.services.openstack.stacks.action(mirror, 'check') : await ctx.services.engine.checkStack(input.stack),
    );
  }),

  /** Heat's stack abandon: the stack is forgotten, every object it made is kept, and the answer names them (for stacks.create's adoptData). */
  abandon: procedure.input(z.object({ stack: stackRef })).mutation(async ({ ctx, input }) => {
    if (await onCloud(ctx.services, input.stack)) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message:
          'Hearth abandons only rehearsal stacks; abandon a stack on a cloud with "openstack stack abandon" (its Heat allows it only with enable_stack_abandon).',
      });
    }
    return ctx.services.engine.abandonStack(input.stack);
  }),

  /** Heat's stack suspend and resume (actions SUSPEND and RESUME; they never roll back). */
  suspend: procedure.input(z.object({ stack: stackRef })).mutation(async ({ ctx, input }) => {
    const mirror = await onCloud(ctx.services, input.stack);
    return stackSummary(
      mirror ? await ctx.services.openstack.stacks.action(mirror, 'suspend') : await ctx.services.engine.suspendStack(input.stack),
    );
  }),

  resume: procedure.input(z.object({ stack: stackRef })).mutation(async ({ ctx, input }) => {
    const mirror = await onCloud(ctx.services, input.stack);
    return stackSummary(
      mirror ? await ctx.services.openstack.stacks.action(mirror, 'resume') : await ctx.services.engine.resumeStack(input.stack),
    );
  }),

  events: procedure.input(eventsPage).query(async ({ ctx, input }) => {
    const stack = await findStack(ctx.services, input.stack);
    const events = await ctx.services.store.listEvents({
      stackId: stack.id,
      ...(input.afterId !== undefined ? { afterId: input.afterId } : {}),
      ...(input.beforeId !== undefined ? { beforeId: input.beforeId } : {}),
      limit: input.limit,
      newestFirst: input.newestFirst,
    });
    return { events, more: events.length === input.limit };
  }),

  /**
   * Every event from `lastEventId` on (all of them when absent), then live
   * ones as they happen, in batches (up to `BATCH`) in id order. Each batch is
   * tracked by its last event's id, so a client that reconnects resumes
   * where it was: nothing lost, nothing repeated.
   */
  watch: procedure.input(watchInput).subscription(({ ctx, input, signal }) => withRefusals(watchEvents(ctx, input, signal))),
});

/** A stack's events for one watcher (see `watch`), each batch tracked by its last event's id. */
async function* watchEvents(ctx: ApiContext, input: z.infer<typeof watchInput>, signal: AbortSignal | undefined) {
  const { stack } = input;
  const awaited = stack !== undefined && input.untilMade === true;
  const stream = new EventStream({
    store: ctx.services.store,
    bus: ctx.services.engine.bus,
    stackId: stack !== undefined && !awaited ? (await findStack(ctx.services, stack)).id : undefined,
    stackNamed: awaited ? { name: stack, find: async () => (await stackIfAny(ctx.services, stack))?.id ?? null } : undefined,
    after: Number(input.lastEventId ?? 0),
    signal,
  });
  for await (const events of stream) yield tracked(String(events.at(-1)!.id), events);
}
