// Designs: a user's template, environment, layout and files, kept in the store (designs/).
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { JsonValue } from '@hearth/store';
import { checkSizes } from './inputs.ts';
import { procedure, router } from './trpc.ts';

const designName = z.string().trim().min(1, 'A design needs a name.').max(200);

export const designsRouter = router({
  list: procedure.query(({ ctx }) => ctx.services.designs.list()),

  get: procedure.input(z.object({ design: z.string().min(1).max(255) })).query(async ({ ctx, input }) => {
    const design = await ctx.services.designs.get(input.design);
    if (!design) throw new TRPCError({ code: 'NOT_FOUND', message: `There is no design ${input.design}.` });
    return design;
  }),

  save: procedure
    .input(
      z.object({
        id: z.string().uuid().optional(),
        name: designName,
        template: z.string(),
        environment: z.string().default(''),
        /** Node positions and viewport: not part of HOT, kept beside it. */
        layout: z.json().default({}),
        files: z.record(z.string(), z.string()).default({}),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      checkSizes(ctx.services, input);
      // A new design takes a free name ("web (2)" for a second import of web.yaml); an existing one keeps its own or is refused.
      const name = input.id ? input.name : await ctx.services.designs.freeName(input.name);
      return ctx.services.designs.save({ ...input, name, id: input.id ?? randomUUID(), layout: input.layout as JsonValue });
    }),

  rename: procedure.input(z.object({ id: z.string().min(1), name: designName })).mutation(async ({ ctx, input }) => {
    await ctx.services.designs.rename(input.id, input.name);
    return { ok: true as const };
  }),

  delete: procedure.input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    await ctx.services.designs.delete(input.id);
    return { ok: true as const };
  }),
});
