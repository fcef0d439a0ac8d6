// A template as a stack carries it (template text, environment text, files,
// parameters), read into what the analysis needs. The one place that turns
// a source into analysis options: the engine, the server's analysis workers
// and the designer's session all read templates through it, so that they
// resolve the same types and files.
import { dirname, join, normalize } from 'pathe';
import type { AnalyzeOptions, ResourceFacade } from './analyze.ts';
import { mergeEnvironments, parseEnvironment, type Environment, type EnvironmentProblem } from './environment.ts';
import type { FileLoader } from './nested.ts';
import type { Value } from './values.ts';

/** What a stack's template is read with. */
export interface TemplateSource {
  name: string;
  template: string;
  environment?: string | undefined;
  parameters?: Record<string, Value> | undefined;
  files?: Record<string, string> | undefined;
  /** Set for a nested stack: it takes its parent's registry and parameter_defaults, not its parameters. */
  parentStack?: string | undefined;
  /** For a nested stack made for a resource: that resource, as the template's resource_facade sees it. */
  resourceFacade?: ResourceFacade | undefined;
}

/** The files a stack carries, looked up as given, then relative to the file that refers to them. */
export function fileLoader(files: Record<string, string>): FileLoader {
  return (path, from) => {
    if (Object.prototype.hasOwnProperty.call(files, path)) return files[path];
    const base = from ? dirname(from) : '.';
    const key = normalize(join(base, path.replace(/^file:\/\//, '')));
    return Object.prototype.hasOwnProperty.call(files, key) ? files[key] : undefined;
  };
}

/** The source's environment as Heat reads it, with what is wrong with it (Heat refuses the request when anything is). */
export function sourceEnvironment(source: Pick<TemplateSource, 'environment' | 'parentStack'>): {
  environment: Environment;
  problems: EnvironmentProblem[];
} {
  const envs = source.environment ? [parseEnvironment(source.environment, 'environment.yaml')] : [];
  // A nested stack inherits its parent's registry and parameter_defaults, not its parameters (as in Heat).
  if (source.parentStack) for (const e of envs) e.environment.parameters = {};
  return { environment: mergeEnvironments(envs.map((e) => e.environment)), problems: envs.flatMap((e) => e.problems) };
}

/** Analysis options for a source; the environment's problems beside them. */
export function sourceOptions(
  source: TemplateSource,
  settings: Pick<AnalyzeOptions, 'extraType' | 'evaluationLimits'> = {},
): { options: AnalyzeOptions; environmentProblems: EnvironmentProblem[] } {
  const { environment, problems } = sourceEnvironment(source);
  const options: AnalyzeOptions = {
    filename: 'template.yaml',
    environment,
    parameters: source.parameters ?? {},
    loadFile: fileLoader(source.files ?? {}),
    stackName: source.name,
    ...(source.resourceFacade ? { resourceFacade: source.resourceFacade } : {}),
    ...(settings.extraType ? { extraType: settings.extraType } : {}),
    ...(settings.evaluationLimits ? { evaluationLimits: settings.evaluationLimits } : {}),
  };
  return { options, environmentProblems: problems };
}
