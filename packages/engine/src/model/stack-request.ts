// What a create or update request asks for, made into what the stack will
// store, as Heat's service does it: several environment files merged in
// order (merge_environments), and a PATCH update (`existing`) that reuses the
// stack's template, files and environment and applies only what it gives
// (service.py _prepare_stack_updates with PARAM_EXISTING).
import type { StackRecord } from '@hearth/store';
import type { Value } from '@hearth/template';
import {
  emptyEnvironmentDoc,
  environmentDoc,
  EnvironmentRefused,
  environmentText,
  loadEnvironment,
  mergeEnvironmentFiles,
  parameterSchemata,
  templateParameters,
  type EnvironmentDoc,
} from '@hearth/template';

export interface StackRequest {
  template?: string | undefined;
  /** One environment (the request's own, as Heat's `environment`). */
  environment?: string | undefined;
  /** Environment files, named in `files`, merged in this order (ignored: `environment`). */
  environmentFiles?: string[] | undefined;
  parameters?: Record<string, Value> | undefined;
  files?: Record<string, string> | undefined;
  /** A PATCH update: start from what the stack has. */
  existing?: boolean | undefined;
  /** With `existing`: parameters to forget (they fall back to parameter_defaults or their defaults). */
  clearParameters?: string[] | undefined;
}

/** What the stack will have: its template, one environment, its parameters and files. */
export interface RequestedStack {
  template: string;
  environment: string;
  parameters: Record<string, Value>;
  files: Record<string, string>;
}

/** The request's environment with its parameters: Heat's InstantiationData.environment, then merge_environments. */
function requestEnvironment(request: StackRequest, template: string, files: Record<string, string>): EnvironmentDoc {
  const envFiles = request.environmentFiles ?? [];
  const env = envFiles.length || !request.environment ? emptyEnvironmentDoc() : environmentDoc(request.environment);
  Object.assign(env.parameters, request.parameters ?? {});
  if (!envFiles.length) return env;
  const named = envFiles.map((name) => {
    const text = files[name];
    if (text === undefined) throw new EnvironmentRefused(`The environment file ${name} is not among the files sent with the request.`);
    return { name, text };
  });
  return mergeEnvironmentFiles(env, named, parameterSchemata(template, files));
}

/** The stack's stored environment, its own parameters included. */
function storedEnvironment(stack: StackRecord): EnvironmentDoc {
  const env = environmentDoc(stack.environment);
  Object.assign(env.parameters, stack.parameters);
  return env;
}

/** Splits an environment into the text stored as the stack's environment and its parameters. */
function stored(env: EnvironmentDoc): Pick<RequestedStack, 'environment' | 'parameters'> {
  const parameters = env.parameters as Record<string, Value>;
  return { environment: environmentText({ ...env, parameters: {} }), parameters };
}

/**
 * What the stack will store for the request. A request with one environment
 * and no PATCH keeps that environment's text as given (its comments and
 * order, for export); merged or patched environments are stored as the
 * merged document.
 */
export function requestedStack(request: StackRequest, current: StackRecord | null): RequestedStack {
  if (request.existing && current) {
    const template = request.template ?? current.template;
    const files = { ...current.files, ...(request.files ?? {}) };
    const given = requestEnvironment(request, template, files);
    const env = storedEnvironment(current);
    for (const name of request.clearParameters ?? []) delete env.parameters[name];
    loadEnvironment(env, given);
    // Parameters the template no longer declares are dropped.
    const declared = templateParameters(template);
    for (const name of Object.keys(env.parameters)) if (!declared.has(name)) delete env.parameters[name];
    return { template, files, ...stored(env) };
  }
  if (request.template === undefined) throw new EnvironmentRefused('No template specified');
  const files = request.files ?? {};
  if (!request.environmentFiles?.length) {
    return { template: request.template, files, environment: request.environment ?? '', parameters: request.parameters ?? {} };
  }
  return { template: request.template, files, ...stored(requestEnvironment(request, request.template, files)) };
}
