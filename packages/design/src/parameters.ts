// The run form's parameter values checked as the server will check them:
// the design's template, environment and files, read with the values the
// user typed (which override the environment's `parameters`).
import { analyzeTemplate, sourceOptions, type Value } from '@hearth/template';
import { designSource, type DesignSources } from './document.ts';

/** What is wrong with each parameter (the first error), by name. */
export function parameterProblems(sources: DesignSources, values: Record<string, Value>): Record<string, string> {
  const { options } = sourceOptions(designSource(sources, values));
  const out: Record<string, string> = {};
  for (const d of analyzeTemplate(sources.template, options).diagnostics) {
    const name = /^parameters\.([^.]+)/.exec(d.path)?.[1];
    if (name && d.severity === 'error' && !out[name]) out[name] = d.message;
  }
  return out;
}
