// Validating and planning template texts.
import { validationReport } from '@hearth/template';
import { checkSizes, stackRef, templateInput } from './inputs.ts';
import { evaluatingProcedure, router } from './trpc.ts';

export const templatesRouter = router({
  /** Heat's verdict on a template, its dependency graph, and where each resource is in the text. */
  validate: evaluatingProcedure.input(templateInput).query(({ ctx, input }) => {
    checkSizes(ctx.services, input);
    const analysis = ctx.services.engine.analyze({ name: 'validate', ...input });
    const report = validationReport(analysis, 'template.yaml');
    return {
      ...report,
      diagnostics: analysis.diagnostics,
      positions: Object.fromEntries(
        analysis.resources.map((r) => {
          const at = analysis.lines.position(r.def.keyNode.start);
          return [r.name, { line: at.line, column: at.column }];
        }),
      ),
    };
  }),

  /** What deploying the template would do: to a new stack, or to an existing one (an update). */
  plan: evaluatingProcedure.input(templateInput.extend({ stack: stackRef.optional() })).query(async ({ ctx, input }) => {
    checkSizes(ctx.services, input);
    const { stack, ...rest } = input;
    return ctx.services.engine.plan(stack ?? null, { name: stack ?? 'plan', ...rest });
  }),
});
