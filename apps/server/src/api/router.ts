// Hearth's API. The web app imports only the type of this router.
import { z } from 'zod';
import { cloudsRouter } from './clouds.ts';
import { designsRouter } from './designs.ts';
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
  clouds: cloudsRouter,
});

export type AppRouter = typeof appRouter;
