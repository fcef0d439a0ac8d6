// Environment files (parameters, parameter_defaults, resource_registry,
// event_sinks, ...) and the resource registry lookup Heat performs
// (heat/engine/environment.py).
import type { YNode } from '../yaml/nodes.ts';
import { effectivePairs } from '../yaml/nodes.ts';
import { parseYamlText } from '../yaml/parse.ts';
import { fnmatchcase } from './fnmatch.ts';
import type { Value, ValueMap } from './values.ts';
import { isValueMap, newMap, nodeToValue, pyStr } from './values.ts';

export const ENVIRONMENT_SECTIONS = [
  'parameters',
  'resource_registry',
  'parameter_defaults',
  'encrypted_param_names',
  'event_sinks',
  'parameter_merge_strategies',
] as const;

const HOOK_TYPES = ['pre-create', 'pre-update', 'pre-delete', 'post-create', 'post-update', 'post-delete'];
const RESTRICTED_ACTIONS = ['update', 'replace'];

export interface EnvironmentProblem {
  code: string;
  message: string;
  node: YNode | null;
  offset: number;
  path: string;
}

export interface Environment {
  parameters: ValueMap;
  parameterDefaults: ValueMap;
  registry: ResourceRegistry;
  eventSinks: Value[];
  encryptedParamNames: Value[];
  mergeStrategies: ValueMap;
}

export function emptyEnvironment(): Environment {
  return {
    parameters: newMap(),
    parameterDefaults: newMap(),
    registry: new ResourceRegistry(),
    eventSinks: [],
    encryptedParamNames: [],
    mergeStrategies: newMap(),
  };
}

/** What a type name resolves to. */
/**
 * What a type name resolves to. A template's `entry` is the registry path of
 * the mapping that led to it (Heat removes that mapping from the nested
 * stack's environment, so a template standing in for a type uses the real
 * type inside itself).
 */
export type Resolution =
  { kind: 'builtin'; type: string } | { kind: 'template'; path: string; entry: string[]; from?: string } | { kind: 'missing' };

interface Entry {
  /** Registry path, e.g. ["OS::Foo"] or ["resources", "web", "OS::Foo"]. */
  path: string[];
  name: string;
  value: string;
  kind: 'template' | 'glob' | 'map';
  /** The environment file the entry came from: template paths are relative to it. */
  from?: string;
}

function isTemplateName(s: string): boolean {
  return s.endsWith('.yaml') || s.endsWith('.template');
}

/**
 * A user resource registry. Built-in types are the global registry; entries
 * here map type names to other types or to template files, optionally only
 * for named resources (`resources: {web: {...}}`) or by wildcard (`OS::Quantum*`).
 */
export class ResourceRegistry {
  private readonly top = new Map<string, Entry>();
  private readonly perResource = new Map<string, Map<string, Entry>>();
  readonly hooks = new Map<string, string[]>();
  readonly restrictedActions = new Map<string, string[]>();

  load(registry: ValueMap, problems: EnvironmentProblem[] = [], node: YNode | null = null, from?: string): void {
    for (const [key, value] of Object.entries(registry)) {
      if (key === 'resources' && isValueMap(value)) {
        for (const [resourceName, overrides] of Object.entries(value)) {
          if (!isValueMap(overrides)) continue;
          for (const [typeName, target] of Object.entries(overrides)) {
            if (typeName === 'hooks') {
              const hooks = typeof target === 'string' ? [target] : Array.isArray(target) ? target.map((t) => pyStr(t)) : [];
              const bad = hooks.find((h) => !HOOK_TYPES.includes(h));
              if (bad !== undefined || hooks.length === 0) {
                problems.push(
                  problem(
                    'ENV_HOOK',
                    `Invalid hook type "${pyStr(target)}" for resource breakpoint, acceptable hook types are: ${HOOK_TYPES.join(', ')}`,
                    node,
                    `resource_registry.resources.${resourceName}.hooks`,
                  ),
                );
              } else this.hooks.set(resourceName, hooks);
              continue;
            }
            if (typeName === 'restricted_actions') {
              const actions = typeof target === 'string' ? [target] : Array.isArray(target) ? target.map((t) => pyStr(t)) : [];
              if (actions.some((a) => !RESTRICTED_ACTIONS.includes(a)) || actions.length === 0) {
                problems.push(
                  problem(
                    'ENV_RESTRICTED_ACTION',
                    `Invalid restricted_action type "${pyStr(target)}" for resource, acceptable restricted_action types are: ${RESTRICTED_ACTIONS.join(', ')}`,
                    node,
                    `resource_registry.resources.${resourceName}.restricted_actions`,
                  ),
                );
              } else this.restrictedActions.set(resourceName, actions);
              continue;
            }
            const map = this.perResource.get(resourceName) ?? new Map<string, Entry>();
            this.perResource.set(resourceName, map);
            if (target === null) map.delete(typeName);
            else map.set(typeName, makeEntry(['resources', resourceName, typeName], pyStr(target), from));
          }
        }
        continue;
      }
      if (value === null) {
        if (key.endsWith('*')) {
          for (const name of [...this.top.keys()]) if (name.startsWith(key.slice(0, -1))) this.top.delete(name);
        } else this.top.delete(key);
        continue;
      }
      if (isValueMap(value) || Array.isArray(value)) {
        problems.push(
          problem(
            'ENV_REGISTRY_VALUE',
            `The registry entry ${key} must map to a type name or a template file.`,
            node,
            `resource_registry.${key}`,
          ),
        );
        continue;
      }
      this.top.set(key, makeEntry([key], pyStr(value), from));
    }
  }

  /** Template files the registry names (to load them beside the template). */
  templateFiles(): string[] {
    const out = new Set<string>();
    const add = (e: Entry) => {
      if (e.kind === 'template') out.add(isTemplateName(e.name) ? e.name : e.value);
    };
    for (const e of this.top.values()) add(e);
    for (const m of this.perResource.values()) for (const e of m.values()) add(e);
    return [...out];
  }

  /** Entries of `other` override this registry's. */
  mergeFrom(other: ResourceRegistry): void {
    for (const [k, v] of other.top) this.top.set(k, v);
    for (const [name, map] of other.perResource) {
      const own = this.perResource.get(name) ?? new Map<string, Entry>();
      for (const [k, v] of map) own.set(k, v);
      this.perResource.set(name, own);
    }
    for (const [k, v] of other.hooks) this.hooks.set(k, v);
    for (const [k, v] of other.restrictedActions) this.restrictedActions.set(k, v);
  }

  /**
   * Heat's get_rsrc_restricted_actions: the actions (update, replace) the
   * environment forbids on the resource, from every `resources` entry whose
   * name pattern matches it.
   */
  restrictionsFor(resourceName: string): Set<string> {
    const out = new Set<string>();
    for (const [pattern, actions] of this.restrictedActions) {
      if (fnmatchcase(resourceName, pattern)) for (const a of actions) out.add(a);
    }
    return out;
  }

  isEmpty(): boolean {
    return this.top.size === 0 && this.perResource.size === 0;
  }

  /**
   * Heat's ResourceRegistry.get_resource_info: the user's entries (more
   * specific first) then the built-in types. `isBuiltin` says whether the
   * global registry knows a type.
   */
  resolve(type: string, resourceName: string | null, isBuiltin: (t: string) => boolean, depth = 0): Resolution {
    if (depth > 20) return { kind: 'missing' };
    const candidates: Entry[] = [];
    if (isTemplateName(type)) candidates.push({ path: [type], name: type, value: type, kind: 'template' });
    if (resourceName !== null) {
      const own = this.perResource.get(resourceName)?.get(type);
      if (own) candidates.push(own);
    }
    const direct = this.top.get(type);
    if (direct) candidates.push(direct);
    for (const [name, entry] of this.top) {
      if (entry.kind === 'glob' && type !== entry.value && type.startsWith(name.slice(0, -1))) candidates.push(entry);
    }
    // Heat sorts matches: longer registry paths first, then by path.
    candidates.sort((a, b) =>
      a.path.length !== b.path.length ? b.path.length - a.path.length : a.path.join('/') < b.path.join('/') ? -1 : 1,
    );
    for (const entry of candidates) {
      if (entry.kind === 'template') {
        const resolution: Resolution = { kind: 'template', path: isTemplateName(entry.name) ? entry.name : entry.value, entry: entry.path };
        if (entry.from !== undefined) resolution.from = entry.from;
        return resolution;
      }
      const target =
        entry.kind === 'glob'
          ? entry.value.endsWith('*')
            ? entry.value.slice(0, -1) + type.slice(entry.name.length - 1)
            : entry.value
          : entry.value;
      if (target === type && entry.kind !== 'glob') {
        if (isBuiltin(type)) return { kind: 'builtin', type };
        continue;
      }
      const found = this.resolve(target, resourceName, isBuiltin, depth + 1);
      if (found.kind !== 'missing') return found;
    }
    if (isBuiltin(type)) return { kind: 'builtin', type };
    return { kind: 'missing' };
  }
}

function makeEntry(path: string[], value: string, from?: string): Entry {
  const name = path[path.length - 1]!;
  const kind: Entry['kind'] = isTemplateName(name) || isTemplateName(value) ? 'template' : name.endsWith('*') ? 'glob' : 'map';
  const entry: Entry = { path, name, value, kind };
  if (from !== undefined) entry.from = from;
  return entry;
}

function problem(code: string, message: string, node: YNode | null, path: string): EnvironmentProblem {
  return { code, message, node, offset: node?.start ?? 0, path };
}

export interface ParsedEnvironment {
  environment: Environment;
  problems: EnvironmentProblem[];
}

/** Reads an environment file as Heat does (environment_format.parse). */
export function parseEnvironment(text: string, filename?: string): ParsedEnvironment {
  const environment = emptyEnvironment();
  const problems: EnvironmentProblem[] = [];
  const parsed = parseYamlText(text);
  for (const p of parsed.problems) {
    if (p.severity === 'error') problems.push({ code: p.code, message: p.message, node: null, offset: p.offset, path: '' });
  }
  if (parsed.problems.some((p) => p.severity === 'error')) return { environment, problems };
  const root = parsed.root;
  if (root === null || (root.kind === 'scalar' && root.value === null)) return { environment, problems };
  if (root.kind !== 'map') {
    problems.push(problem('ENV_NOT_MAPPING', 'The environment is not a valid YAML mapping data type.', root, ''));
    return { environment, problems };
  }
  for (const pair of effectivePairs(root)) {
    const key = pair.keyText;
    if (!(ENVIRONMENT_SECTIONS as readonly string[]).includes(key)) {
      problems.push(
        problem(
          'ENV_SECTION',
          `environment has wrong section "${key}"; the sections are ${ENVIRONMENT_SECTIONS.join(', ')}.`,
          pair.key,
          key,
        ),
      );
      continue;
    }
    const value = nodeToValue(pair.value);
    if (value === null) {
      problems.push(problem('ENV_EMPTY_SECTION', `environment has empty section "${key}"`, pair.key, key));
      continue;
    }
    switch (key) {
      case 'parameters':
      case 'parameter_defaults':
      case 'parameter_merge_strategies':
        if (!isValueMap(value)) {
          problems.push(problem('ENV_SECTION_TYPE', `The ${key} section must be a map.`, pair.value, key));
          break;
        }
        if (key === 'parameters') environment.parameters = value;
        else if (key === 'parameter_defaults') environment.parameterDefaults = value;
        else environment.mergeStrategies = value;
        break;
      case 'resource_registry':
        if (!isValueMap(value)) problems.push(problem('ENV_SECTION_TYPE', 'The resource_registry section must be a map.', pair.value, key));
        else environment.registry.load(value, problems, pair.value, filename);
        break;
      case 'event_sinks':
      case 'encrypted_param_names':
        if (!Array.isArray(value)) problems.push(problem('ENV_SECTION_TYPE', `The ${key} section must be a list.`, pair.value, key));
        else if (key === 'event_sinks') environment.eventSinks = value;
        else environment.encryptedParamNames = value;
        break;
    }
  }
  return { environment, problems };
}

/** Later environments override earlier ones, as `-e a.yaml -e b.yaml` does. */
export function mergeEnvironments(envs: readonly Environment[]): Environment {
  const merged = emptyEnvironment();
  for (const env of envs) {
    Object.assign(merged.parameters, env.parameters);
    Object.assign(merged.parameterDefaults, env.parameterDefaults);
    Object.assign(merged.mergeStrategies, env.mergeStrategies);
    merged.eventSinks.push(...env.eventSinks);
    merged.encryptedParamNames.push(...env.encryptedParamNames);
    merged.registry.mergeFrom(env.registry);
  }
  return merged;
}
