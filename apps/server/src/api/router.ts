// Hearth's API. The web app imports only the type of this router.
import { z } from 'zod';
import { cloudsRouter } from './clouds.ts';
import { designsRouter } from './designs.ts';
import { durationHistory } from './durations.ts';
import { stacksRouter } from './stacks.ts';
import { templatesRouter } from './templates.ts';
import { procedure, router } from './trpc.ts';
import { typesRouter } from './types.ts';

export const SIMULATED_NOTICE =
  'OpenStack resources run on Hearth’s simulated cloud: servers, networks and volumes are simulated, nothing is created in a real cloud.';

export const appRouter = router({
  health: procedure.input(z.void()).query(({ ctx }) => ({
    ok: true as const,
    cloud: 'simulated' as const,
    notice: SIMULATED_NOTICE,
    localScripts: ctx.services.allowLocalScripts,
    limits: { ...ctx.services.limits, ...ctx.services.engine.limits },
  })),
  /** What runs the stacks: this server, or the engine workers sharing its database (the live ones). */
  engines: router({
    list: procedure.input(z.void()).query(({ ctx }) => ctx.services.engine.engines()),
  }),
  templates: templatesRouter,
  types: typesRouter,
  designs: designsRouter,
  stacks: stacksRouter,
  /** What schedules are estimated from: past runs' durations per resource type, on the simulated cloud or one cloud's Heat. */
  schedule: router({
    history: procedure
      .input(z.object({ cloud: z.string().min(1).max(255).nullable() }))
      .query(({ ctx, input }) =>
        durationHistory(ctx.services.store, input.cloud ? { kind: 'openstack', cloud: input.cloud } : { kind: 'rehearsal' }),
      ),
  }),
  clouds: cloudsRouter,
});

export type AppRouter = typeof appRouter;
