// How the engine reads a stack's template: with its environment (a nested
// stack's parameters come from its parent, not the environment), its files
// and its parameters. Pure (no store, no I/O): the server also runs it off
// its event loop, in analysis workers, before the engine does.
import type { Analysis, EvaluationLimits, ResourceInfo, ResourceTypeSchema, TemplateSource, ValueMap } from '@hearth/template';
import {
  ABSENT,
  analyzeTemplate,
  BudgetExceeded,
  EvalError,
  HeatError,
  isValueMap,
  resolve,
  resolveValue,
  sourceOptions,
} from '@hearth/template';

export type { TemplateSource } from '@hearth/template';
export { fileLoader } from '@hearth/template';

export interface AnalysisSettings {
  extraType?: ((name: string) => ResourceTypeSchema | { refused: string } | undefined) | undefined;
  evaluationLimits?: EvaluationLimits | undefined;
}

/** The environment itself is invalid (Heat refuses the request before reading the template). */
export class EnvironmentInvalid extends Error {}

export function analyzeSource(source: TemplateSource, settings: AnalysisSettings = {}): Analysis {
  const { options, environmentProblems } = sourceOptions(source, {
    ...(settings.extraType ? { extraType: settings.extraType } : {}),
    ...(settings.evaluationLimits ? { evaluationLimits: settings.evaluationLimits } : {}),
  });
  if (environmentProblems.length)
    throw new EnvironmentInvalid(`The environment is invalid: ${environmentProblems.map((p) => p.message).join('; ')}`);
  return analyzeTemplate(source.template, options);
}

/** A resource's properties and metadata as they resolve now (resources not created yet: their names, no attributes). */
export function resolveDefinition(
  analysis: Analysis,
  info: ResourceInfo,
  env = analysis.evalEnv(),
): { properties: ValueMap; metadata: ValueMap } {
  const resolveMap = (expr: typeof info.def.properties): ValueMap => {
    if (!expr) return {};
    const v = resolve(expr, env, true);
    return v === ABSENT || !isValueMap(v) ? {} : v;
  };
  return { properties: resolveMap(info.def.properties), metadata: resolveMap(info.def.metadata) };
}

/**
 * Evaluates everything a run of the template would evaluate before any
 * resource exists (every enabled resource's properties and metadata, the
 * outputs), so that a template whose functions exceed the evaluation budget
 * is refused before it runs. Evaluation errors are the engine's to report
 * at run time (values may depend on attributes); only the budget stops here.
 */
export function evaluateAhead(analysis: Analysis): { refusal: BudgetExceeded; path: string; offset: number } | null {
  const env = analysis.evalEnv();
  const attempt = (work: () => unknown): BudgetExceeded | null => {
    try {
      work();
      return null;
    } catch (error) {
      if (error instanceof BudgetExceeded) return error;
      if (error instanceof EvalError || error instanceof HeatError) return null;
      throw error;
    }
  };
  for (const info of analysis.resources) {
    if (!info.enabled || info.def.broken) continue;
    const refused = attempt(() => resolveDefinition(analysis, info, env));
    if (refused) return { refusal: refused, path: `resources.${info.name}`, offset: info.def.keyNode.start };
  }
  for (const output of analysis.outputs) {
    if (!output.enabled || !output.value) continue;
    const value = output.value;
    const refused = attempt(() => resolveValue(value, env));
    if (refused) return { refusal: refused, path: `outputs.${output.name}`, offset: value.node?.start ?? 0 };
  }
  return null;
}
