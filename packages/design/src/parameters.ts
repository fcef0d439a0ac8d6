// The run form's parameter values checked as the server will check them:
// the design's template, environment and files, read with the values the
// user typed (which override the environment's `parameters`).
import { analyzeTemplate, isMap, sourceOptions, type Analysis, type Value } from '@hearth/template';
import { designSource, type DesignSources } from './document.ts';

/** The sections Heat reads to check parameter values; resources and outputs play no part. */
const PARAMETER_SECTIONS = new Set([
  'heat_template_version',
  'parameters',
  'parameter_groups',
  // The CloudFormation format's.
  'AWSTemplateFormatVersion',
  'HeatTemplateFormatVersion',
  'Parameters',
]);

/**
 * The template cut down to its parameter sections, so that checking typed
 * values does not read a thousand resources again (null: keep the whole
 * template — it is flow style or JSON, whose sections cannot be cut out as lines).
 */
function parameterSections(analysis: Analysis): string | null {
  const root = analysis.root;
  if (!isMap(root) || root.flow || analysis.format !== 'yaml') return null;
  return root.pairs
    .filter((p) => PARAMETER_SECTIONS.has(p.keyText))
    .map((p) => analysis.text.slice(p.key.start, p.value.end))
    .join('\n');
}

/**
 * What is wrong with each parameter (the first error), by name. Given the
 * design's current analysis, only the parameter sections are read again.
 */
export function parameterProblems(sources: DesignSources, values: Record<string, Value>, analysis?: Analysis): Record<string, string> {
  const { options } = sourceOptions(designSource(sources, values));
  const cut = analysis?.parsed && analysis.text === sources.template ? parameterSections(analysis) : null;
  let reading = cut === null ? null : analyzeTemplate(cut, options);
  // An alias into another section (rare) does not survive the cut: read the whole template.
  if (!reading?.parsed) reading = analyzeTemplate(sources.template, options);
  const out: Record<string, string> = {};
  for (const d of reading.diagnostics) {
    const name = /^parameters\.([^.]+)/.exec(d.path)?.[1];
    if (name && d.severity === 'error' && !out[name]) out[name] = d.message;
  }
  return out;
}
