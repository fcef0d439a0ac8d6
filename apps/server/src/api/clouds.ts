// The OpenStack clouds this server can run stacks on (from its clouds.yaml:
// names and regions only, never credentials), their stacks, opening one of
// them in Hearth, and Heat's own verdict on a template.
import { z } from 'zod';
import { HeatApiError } from '@hearth/openstack';
import { checkSizes, stackRef, templateInput } from './inputs.ts';
import { stackSummary } from './stacks.ts';
import { evaluatingProcedure, procedure, router } from './trpc.ts';

const cloudName = z.string().min(1).max(255);

export const cloudsRouter = router({
  /** The rehearsal first, then each cloud clouds.yaml (or OS_AUTH_URL) configures. */
  list: procedure.input(z.void()).query(({ ctx }) => ({
    rehearsal: { label: 'Rehearsal (Hearth’s engine, simulated cloud: nothing is created in a real cloud)' },
    clouds: ctx.services.openstack.clouds.list(),
  })),

  /** The stacks the cloud's project has, as Heat lists them. */
  stacks: procedure.input(z.object({ cloud: cloudName })).query(({ ctx, input }) => ctx.services.openstack.stacks.list(input.cloud)),

  /** Opens a stack of the cloud in Hearth (its template, environment and events) and follows it. */
  open: procedure
    .input(z.object({ cloud: cloudName, stack: stackRef }))
    .mutation(async ({ ctx, input }) => stackSummary(await ctx.services.openstack.stacks.open(input.cloud, input.stack))),

  /** Heat's template validate on the cloud: its verdict, to show beside Hearth's own. */
  validate: evaluatingProcedure.input(templateInput.extend({ cloud: cloudName })).query(async ({ ctx, input }) => {
    checkSizes(ctx.services, input);
    const { cloud, ...request } = input;
    try {
      const answer = await ctx.services.openstack.clouds.heat(cloud).validate({
        template: request.template,
        ...(request.environment?.trim() ? { environment: request.environment } : {}),
        ...(request.files ? { files: request.files } : {}),
        ...(request.parameters ? { parameters: request.parameters } : {}),
      });
      return { valid: true as const, message: null, parameters: Object.keys((answer.Parameters as Record<string, unknown>) ?? {}) };
    } catch (error) {
      if (error instanceof HeatApiError && error.status === 400) return { valid: false as const, message: error.message, parameters: [] };
      throw error;
    }
  }),
});
