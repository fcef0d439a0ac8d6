// The shapes the API accepts, checked at the boundary.
import { z } from 'zod';
import type { HearthServices } from './services.ts';
import { tooLarge } from './trpc.ts';

export const stackName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,254}$/,
    'A stack name starts with a letter and has only letters, digits, "_", "-" and "." (at most 255).',
  );

export const stackRef = z.string().min(1).max(255);

const json = z.json();

export const templateInput = z.object({
  template: z.string(),
  environment: z.string().optional(),
  parameters: z.record(z.string(), json).optional(),
  /** Files the template refers to (nested templates, get_file), by the path it uses. */
  files: z.record(z.string(), z.string()).optional(),
});

export type TemplateInput = z.infer<typeof templateInput>;

/** A stack request: a template, or (`existing`, Heat's PATCH) the stack's own with only what is given changed. */
export const stackRequest = templateInput.extend({
  template: z.string().optional(),
  /** Environment files, sent in `files`, merged in this order as Heat merges them. */
  environmentFiles: z.array(z.string()).max(100).optional(),
  existing: z.boolean().optional(),
  /** With `existing`: parameters to forget. */
  clearParameters: z.array(z.string()).max(1000).optional(),
});

/** One resource of Heat's abandon data, as adopt reads it: the object it names, and a nested stack's resources. */
type AdoptResourceInput = { resource_id?: string | null; resources?: Record<string, AdoptResourceInput> } & Record<string, unknown>;
const adoptResource: z.ZodType<AdoptResourceInput> = z.lazy(() =>
  z
    .object({
      resource_id: z.string().max(1000).nullable().optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
      resources: z.record(z.string(), adoptResource).optional(),
    })
    .passthrough(),
);

/** Heat's adopt_stack_data: what `stacks.abandon` answered (only its resources are read). */
export const adoptData = z.object({ resources: z.record(z.string(), adoptResource) }).passthrough();

export const simulationInput = z
  .object({
    latency: z.number().min(0).max(3600).optional(),
    latencyByType: z.record(z.string(), z.number().min(0).max(3600)).optional(),
    fail: z.array(z.string()).optional(),
    failOn: z.array(z.enum(['create', 'update', 'delete', 'check'])).optional(),
    failProbability: z.number().min(0).max(1).optional(),
    hang: z.array(z.string()).optional(),
    seed: z.number().int().optional(),
  })
  .strict();

export const stackOptions = z
  .object({
    disableRollback: z.boolean().optional(),
    timeoutMins: z.number().positive().max(10080).optional(),
    simulation: simulationInput.optional(),
    /** The design the stack is deployed from: the designer binds its run panel to its own stacks. */
    designId: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Refuses texts larger than the server allows, naming which one. */
export function checkSizes(services: HearthServices, input: Partial<TemplateInput>): void {
  const { maxTemplateBytes, maxFiles } = services.limits;
  const check = (what: string, text: string | undefined) => {
    if (text !== undefined && Buffer.byteLength(text) > maxTemplateBytes) {
      throw tooLarge(`${what} is ${Buffer.byteLength(text)} bytes; this server accepts at most ${maxTemplateBytes}.`);
    }
  };
  check('The template', input.template);
  check('The environment', input.environment);
  const files = Object.entries(input.files ?? {});
  if (files.length > maxFiles) throw tooLarge(`The request carries ${files.length} files; this server accepts at most ${maxFiles}.`);
  for (const [path, text] of files) check(`The file ${path}`, text);
}
