// Environments as Heat's engine combines them: several environment files
// merged in order (common/environment_util.merge_environments), an
// environment loaded over a stack's stored one for a PATCH update
// (Environment.load), and the environment a nested stack gets from its
// parent (environment.get_child_environment). They work on environment
// documents (the parsed YAML), as Heat does on its dicts.
import { dump } from 'js-yaml';
import { parseYamlText } from '../yaml/parse.ts';
import { parseEnvironment } from './environment.ts';
import { fnmatchcase } from './fnmatch.ts';
import { nodeToValue } from './values.ts';

/** A YAML text's value, read as templates are (the parser Hearth reads Heat's YAML with); throws on a syntax error. */
function parse(text: string): unknown {
  const parsed = parseYamlText(text);
  const error = parsed.problems.find((p) => p.severity === 'error');
  if (error) throw new Error(error.message);
  return parsed.root ? nodeToValue(parsed.root) : null;
}

const stringify = (doc: unknown): string => dump(doc, { lineWidth: -1 });

type Doc = Record<string, unknown>;

const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The environment of a nested stack: its parent's, without the registry
 * mapping that led to the nested template (`entry`, a registry path such as
 * ["OS::Heat::RandomString"] or ["resources", "web", "My::Web"]). Heat removes
 * it (ResourceRegistry.remove_item) so that a template mapped over a type may
 * use that type inside itself instead of nesting itself until the depth limit.
 * Then, for the nested stack of resource `child`, the registry's per-resource
 * section becomes what the parent's gave that resource (entries whose name
 * pattern matches it, the exact name last): the way an environment reaches
 * resources inside nested stacks (ResourceRegistry.remove_resources_except).
 */
export function childEnvironment(parent: string, entry: readonly string[] | null, child: string | null = null): string {
  if (!parent.trim() || (!entry?.length && child === null)) return parent;
  let doc: unknown;
  try {
    doc = parse(parent);
  } catch {
    return parent;
  }
  if (!isDoc(doc) || !isDoc(doc.resource_registry)) return parent;
  const registry = doc.resource_registry;
  let changed = false;
  if (entry?.length) changed = removeItem(registry, entry);
  if (child !== null && isDoc(registry.resources) && Object.keys(registry.resources).length) {
    const resources = registry.resources;
    const kept: Doc = {};
    for (const [pattern, section] of Object.entries(resources))
      if (fnmatchcase(child, pattern) && isDoc(section)) Object.assign(kept, section);
    if (isDoc(resources[child])) Object.assign(kept, resources[child]);
    registry.resources = kept;
    changed = true;
  }
  return changed ? stringify(doc) : parent;
}

/** Heat's ResourceRegistry.remove_item: the registry entry at `entry`, if there is one. */
function removeItem(registry: Doc, entry: readonly string[]): boolean {
  let at: Doc = registry;
  for (const key of entry.slice(0, -1)) {
    const next = at[key];
    if (!isDoc(next)) return false;
    at = next;
  }
  const last = entry[entry.length - 1]!;
  if (!(last in at)) return false;
  delete at[last];
  return true;
}

/** An environment as its sections, as Heat holds it (environment_format.default_for_missing fills the missing ones). */
export interface EnvironmentDoc {
  parameters: Doc;
  parameter_defaults: Doc;
  resource_registry: Doc;
  event_sinks: unknown[];
  encrypted_param_names: unknown[];
}

/** An environment the request names is refused, with Heat's message. */
export class EnvironmentRefused extends Error {}

/** The types Heat's merge strategies know a parameter as (its schema's type). */
export type MergeParameterType = 'string' | 'number' | 'comma_delimited_list' | 'json' | 'boolean';

export function emptyEnvironmentDoc(): EnvironmentDoc {
  return { parameters: {}, parameter_defaults: {}, resource_registry: {}, event_sinks: [], encrypted_param_names: [] };
}

/** Parses an environment file as Heat's environment_format.parse does; refuses what it refuses. */
export function environmentDoc(text: string, name = 'environment'): EnvironmentDoc & { parameter_merge_strategies?: Doc } {
  const { problems } = parseEnvironment(text, name);
  if (problems.length) throw new EnvironmentRefused(`The environment ${name} is invalid: ${problems.map((p) => p.message).join('; ')}`);
  const raw = text.trim() ? (parse(text) as unknown) : {};
  const doc = isDoc(raw) ? raw : {};
  return {
    ...emptyEnvironmentDoc(),
    ...(doc as Partial<EnvironmentDoc>),
  };
}

/** The text an environment document is stored as. */
export function environmentText(doc: EnvironmentDoc): string {
  const out: Doc = {};
  for (const [key, value] of Object.entries(doc)) {
    if (Array.isArray(value) ? value.length : isDoc(value) && Object.keys(value).length) out[key] = value;
  }
  return Object.keys(out).length ? stringify(out) : '';
}

const STRATEGIES = ['overwrite', 'merge', 'deep_merge'] as const;
type Strategy = (typeof STRATEGIES)[number];

function strategyFor(inFile: Doc, key: string, known: Map<string, Strategy>): Strategy {
  const fallback = STRATEGIES.includes(inFile.default as Strategy) ? (inFile.default as Strategy) : 'overwrite';
  const chosen = key in inFile ? inFile[key] : (known.get(key) ?? fallback);
  return STRATEGIES.includes(chosen as Strategy) ? (chosen as Strategy) : fallback;
}

/** merge_list: lists extend, comma-delimited strings join. */
function mergeList(old: unknown, next: unknown): unknown {
  if (!truthy(old)) return next;
  if (Array.isArray(next)) return [...(old as unknown[]), ...next];
  return [old, next].join(',');
}

/** Python truthiness of a YAML value. */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDoc(v)) return Object.keys(v).length > 0;
  return true;
}

/** merge_map: a later value replaces (or, deep, merges into) the earlier; None values are skipped. */
function mergeMap(old: unknown, next: Doc, deep = false): Doc {
  if (!truthy(old)) return next;
  const out = old as Doc;
  for (const [k, v] of Object.entries(next)) {
    if (v === null || v === undefined) continue;
    if (!deep) out[k] = v;
    else if (isDoc(v)) out[k] = truthy(out[k]) ? mergeMap(out[k], v, true) : v;
    else if (Array.isArray(v)) out[k] = truthy(out[k]) ? mergeList(out[k], v) : v;
    else if (typeof v === 'string') out[k] = `${typeof out[k] === 'string' ? out[k] : ''}${v}`;
    else out[k] = v;
  }
  return out;
}

function mergeParameters(
  old: Doc,
  next: Doc,
  schemata: ReadonlyMap<string, MergeParameterType>,
  inFile: Doc,
  known: Map<string, Strategy>,
  file: string,
): Doc {
  for (const [key, value] of Object.entries(next)) {
    if (!schemata.has(key) || value === null) continue;
    const strategy = strategyFor(inFile, key, known);
    if (!known.has(key)) known.set(key, strategy);
    else if (strategy !== known.get(key)) {
      throw new EnvironmentRefused(`Conflicting merge strategy '${strategy}' for parameter '${key}' in file '${file}'.`);
    }
  }
  if (!truthy(old)) return next;
  for (const [key, value] of Object.entries(next)) {
    const type = schemata.get(key);
    if (!type || value === null) continue;
    const strategy = known.get(key)!;
    if (strategy === 'overwrite') {
      old[key] = value;
      continue;
    }
    // parse_param: a json parameter's value may be JSON text; anything else must be a sequence (a string or a list).
    let v: unknown = value;
    if (type === 'json') {
      if (typeof v === 'string') {
        try {
          v = v ? JSON.parse(v) : v;
        } catch (error) {
          throw new EnvironmentRefused(`Invalid parameter in environment ${(error as Error).message}.`);
        }
      }
    } else if (typeof v !== 'string' && !Array.isArray(v)) throw new EnvironmentRefused('Invalid parameter in environment .');
    if (type === 'json') old[key] = mergeMap(old[key] ?? {}, isDoc(v) ? v : {}, strategy === 'deep_merge');
    else if (type === 'comma_delimited_list') old[key] = mergeList(old[key], v);
    else if (type === 'string') old[key] = `${typeof old[key] === 'string' ? old[key] : ''}${String(v)}`;
    else if (type === 'number') old[key] = Number(old[key] ?? 0) + Number(v);
    else throw new EnvironmentRefused(`Invalid merge strategy '${strategy}' for parameter '${key}'.`);
  }
  return old;
}

/**
 * Heat's merge_environments: environment files, in order, merged into the
 * request's environment (its `parameters` hold the request's parameters).
 * Parameters and parameter_defaults follow each file's
 * parameter_merge_strategies (overwrite by default); a file's value
 * overwrites the request's own. Parameters no template knows are ignored.
 * Other sections merge shallowly: a later file's top-level registry
 * entries replace earlier ones.
 */
export function mergeEnvironmentFiles(
  into: EnvironmentDoc,
  files: ReadonlyArray<{ name: string; text: string }>,
  schemata: ReadonlyMap<string, MergeParameterType>,
): EnvironmentDoc {
  const known = new Map<string, Strategy>();
  const target = into as unknown as Doc;
  for (const file of files) {
    const parsed = environmentDoc(file.text, file.name) as unknown as Doc;
    const raw = file.text.trim() ? (parse(file.text) as unknown) : {};
    const inFile = isDoc(raw) && isDoc(raw.parameter_merge_strategies) ? raw.parameter_merge_strategies : {};
    for (const section of isDoc(raw) ? Object.keys(raw) : []) {
      if (section === 'parameter_merge_strategies') continue;
      const value = parsed[section];
      if (!truthy(value)) continue;
      if (section === 'parameters' || section === 'parameter_defaults') {
        target[section] = mergeParameters(target[section] as Doc, value as Doc, schemata, inFile, known, file.name);
      } else if (Array.isArray(value)) {
        // merge_map over a list: the first file's list is kept; Heat fails on a second (AttributeError).
        if (truthy(target[section])) throw new EnvironmentRefused(`The section ${section} may be given by one environment file only.`);
        target[section] = value;
      } else target[section] = mergeMap(target[section], value as Doc);
    }
  }
  return into;
}

/** Heat's ResourceRegistry load: a per-leaf merge where a null value removes an entry (`name*`: every entry it prefixes). */
function loadRegistry(into: Doc, snippet: Doc): void {
  for (const [k, v] of Object.entries(snippet)) {
    if (v === null) {
      if (k.endsWith('*')) {
        for (const name of Object.keys(into)) if (name.startsWith(k.slice(0, -1)) && !isDoc(into[name])) delete into[name];
      } else delete into[k];
    } else if (isDoc(v) && !(k === 'hooks' || k === 'restricted_actions')) {
      const at = isDoc(into[k]) ? into[k] : (into[k] = {});
      loadRegistry(at as Doc, v);
    } else into[k] = v;
  }
}

/**
 * Heat's Environment.load, as a PATCH update applies the request's
 * environment over the stack's: parameters and parameter_defaults update
 * key by key, the registry merges entry by entry, event sinks append.
 */
export function loadEnvironment(into: EnvironmentDoc, snippet: EnvironmentDoc): EnvironmentDoc {
  loadRegistry(into.resource_registry, snippet.resource_registry ?? {});
  Object.assign(into.parameters, snippet.parameters ?? {});
  Object.assign(into.parameter_defaults, snippet.parameter_defaults ?? {});
  into.event_sinks = [...into.event_sinks, ...(snippet.event_sinks ?? [])];
  return into;
}

/** Heat's parameter types by name (HOT and CloudFormation spellings). */
const MERGE_TYPES: Record<string, MergeParameterType> = {
  string: 'string',
  number: 'number',
  comma_delimited_list: 'comma_delimited_list',
  json: 'json',
  boolean: 'boolean',
  commadelimitedlist: 'comma_delimited_list',
};

/** The parameters declared by a template text (none when it does not read as one). */
export function templateParameters(text: string): Map<string, MergeParameterType> {
  const out = new Map<string, MergeParameterType>();
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return out;
  }
  if (!isDoc(doc)) return out;
  const params = doc.parameters ?? doc.Parameters;
  if (!isDoc(params)) return out;
  for (const [name, decl] of Object.entries(params)) {
    const type = isDoc(decl) ? String(decl.type ?? decl.Type ?? 'string').toLowerCase() : 'string';
    out.set(name, MERGE_TYPES[type] ?? 'string');
  }
  return out;
}

/** Heat's all_param_schemata: the template's parameters and those of the templates among its files. */
export function parameterSchemata(template: string, files: Record<string, string>): Map<string, MergeParameterType> {
  const all = new Map<string, MergeParameterType>();
  for (const [name, text] of Object.entries(files)) {
    if (/\.(ya?ml|template|json)$/.test(name)) for (const [k, v] of templateParameters(text)) all.set(k, v);
  }
  for (const [k, v] of templateParameters(template)) all.set(k, v);
  return all;
}
