// Validating and planning template texts: analysed off the event loop first.
import type { Value } from '@hearth/template';
import { checkSizes, stackRef, stackRequest, templateInput } from './inputs.ts';
import { precheck, validateOffLoop } from './guard.ts';
import { evaluatingProcedure, router } from './trpc.ts';
import { cloudLink } from '../targets/index.ts';

export const templatesRouter = router({
  /** Heat's verdict on a template, its dependency graph, and where each resource is in the text. */
  validate: evaluatingProcedure.input(templateInput).query(async ({ ctx, input }) => {
    checkSizes(ctx.services, input);
    return validateOffLoop(ctx.services, { name: 'validate', ...input });
  }),

  /** What deploying the template would do: to a new stack, or to an existing one (an update). */
  plan: evaluatingProcedure.input(stackRequest.extend({ stack: stackRef.optional() })).query(async ({ ctx, input }) => {
    checkSizes(ctx.services, input);
    const { stack, ...rest } = input;
    // A stack on a cloud: Heat's own preview of the update.
    const mirror = stack ? await ctx.services.store.getStack(stack) : null;
    if (mirror && cloudLink(mirror)) {
      const { existing, ...request } = rest;
      return ctx.services.openstack.stacks.preview(mirror, request, existing ?? false);
    }
    const request = { name: stack ?? 'plan', ...rest, parameters: rest.parameters as Record<string, Value> | undefined };
    await precheck(ctx.services, await ctx.services.engine.resolveRequest(request, stack ?? null));
    return ctx.services.engine.plan(stack ?? null, request);
  }),
});
