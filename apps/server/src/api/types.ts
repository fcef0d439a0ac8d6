// The resource types, for the palette and the property forms.
import { TRPCError } from '@trpc/server';
import { LOCAL_SCRIPT, localScriptSchema } from '@hearth/resources';
import { builtinType, paletteTypes, propertyDescription, typeDescription, type ResourceTypeSchema } from '@hearth/template';
import { z } from 'zod';
import type { HearthServices } from './services.ts';
import { procedure, router } from './trpc.ts';

/** Where resources of a type run when this server deploys them. */
export type Runner = 'engine' | 'simulated' | 'local';

function runnerOf(type: string): Runner {
  if (type === LOCAL_SCRIPT) return 'local';
  return type.startsWith('OS::Heat::') ? 'engine' : 'simulated';
}

function available(services: HearthServices): ResourceTypeSchema[] {
  return services.allowLocalScripts ? [...paletteTypes(), localScriptSchema] : paletteTypes();
}

export const typesRouter = router({
  list: procedure.query(({ ctx }) =>
    available(ctx.services).map((t) => ({
      name: t.name,
      category: t.category,
      supportStatus: t.supportStatus,
      description: typeDescription(t),
      runner: runnerOf(t.name),
      required: Object.entries(t.properties)
        .filter(([, p]) => p.required)
        .map(([name]) => name),
    })),
  ),

  describe: procedure.input(z.object({ name: z.string().min(1).max(255) })).query(({ ctx, input }) => {
    const schema = input.name === LOCAL_SCRIPT && ctx.services.allowLocalScripts ? localScriptSchema : builtinType(input.name);
    if (!schema) throw new TRPCError({ code: 'NOT_FOUND', message: `There is no resource type ${input.name}.` });
    return {
      name: schema.name,
      category: schema.category,
      supportStatus: schema.supportStatus,
      description: typeDescription(schema),
      runner: runnerOf(schema.name),
      properties: Object.entries(schema.properties).map(([name, p]) => ({
        name,
        type: p.type,
        required: p.required,
        updateAllowed: p.updateAllowed,
        immutable: p.immutable,
        default: p.default ?? null,
        description: propertyDescription(name, p),
        allowedValues: p.constraints.flatMap((c) => (c.kind === 'allowed_values' ? c.allowed : [])),
      })),
      attributes: Object.entries(schema.attributes).map(([name, a]) => ({ name, type: a.type, description: a.description ?? '' })),
    };
  }),
});
