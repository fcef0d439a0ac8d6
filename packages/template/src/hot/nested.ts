// Template resources: a resource whose type is a template file (or maps to
// one in the resource registry). Heat turns the nested template's
// parameters into the resource's properties and its outputs into its
// attributes (heat/engine/resources/template_resource.py).
import type { PropertySchema, ResourceTypeSchema } from '../catalog/catalog.ts';
import type { YNode } from '../yaml/nodes.ts';
import { effectivePairs, get, getPair } from '../yaml/nodes.ts';
import { parseYamlText } from '../yaml/parse.ts';
import { HeatError } from './expr.ts';
import type { ParameterDecl } from './parameters.ts';
import { parseCfnParameter, parseParameter } from './parameters.ts';
import type { Value, ValueMap } from './values.ts';
import { hasKey, nodeToValue } from './values.ts';
import { VERSION_KEYS, findTemplateVersion, type HotVersion } from './versions.ts';

/** Reads a file the template refers to; `from` is the path of the referring file. */
export type FileLoader = (path: string, from?: string) => string | undefined;

export interface NestedTemplate {
  path: string;
  /** The resource type schema Heat derives from the nested template. */
  schema: ResourceTypeSchema;
  parameters: ParameterDecl[];
  outputs: string[];
  text: string;
}

export type NestedResult = { ok: true; nested: NestedTemplate } | { ok: false; error: HeatError; deferred: boolean };

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Loads a nested template and derives its schema. Errors Heat defers to
 * resource validation ("Could not fetch remote template", parse errors) come
 * back with deferred=true; the others (an invalid version or parameter
 * schema) make the stack invalid straight away in Heat too.
 */
export function loadNestedTemplate(
  path: string,
  from: string | undefined,
  load: FileLoader | undefined,
  parameterDefaults: ValueMap,
  at: YNode | null,
): NestedResult {
  const text = load?.(path, from);
  if (text === undefined) {
    const reason = REMOTE.test(path)
      ? `Hearth does not fetch templates over the network; add the file to the design instead`
      : `Invalid URL scheme `;
    return {
      ok: false,
      deferred: true,
      error: new HeatError(
        `Could not fetch remote template "${path}": ${reason}${REMOTE.test(path) ? '.' : '(the file is not part of the design: add it next to the template)'}`,
        at,
        'NESTED_TEMPLATE_MISSING',
      ),
    };
  }
  const parsed = parseYamlText(text);
  const yamlError = parsed.problems.find((p) => p.severity === 'error');
  if (yamlError || !parsed.root) {
    return {
      ok: false,
      deferred: true,
      error: new HeatError(`Error parsing template ${path}: ${yamlError?.message ?? 'empty file'}`, at, 'NESTED_TEMPLATE_INVALID'),
    };
  }
  const root = parsed.root;
  if (root.kind !== 'map') {
    return {
      ok: false,
      deferred: true,
      error: new HeatError(`The nested template ${path} is not a JSON object or YAML mapping.`, at, 'NESTED_TEMPLATE_INVALID'),
    };
  }
  const versionPairs = VERSION_KEYS.map((k) => getPair(root, k)).filter(
    (p): p is NonNullable<typeof p> => p !== undefined && p.value.kind === 'scalar' && typeof p.value.value === 'string',
  );
  if (versionPairs.length !== 1) {
    const hasFormat = VERSION_KEYS.some((k) => get(root, k) !== undefined);
    return {
      ok: false,
      deferred: !hasFormat,
      error: new HeatError(
        versionPairs.length > 1
          ? `The template version is invalid: Ambiguous versions (${versionPairs.map((p) => p.keyText).join(', ')}) in the nested template ${path}.`
          : hasFormat
            ? `The template version is invalid: Template version was not provided in the nested template ${path}.`
            : `Template format version not found in the nested template ${path}.`,
        at,
        'NESTED_TEMPLATE_VERSION',
      ),
    };
  }
  const versionPair = versionPairs[0]!;
  const versionValue = String((versionPair.value as { value: unknown }).value);
  const found = findTemplateVersion(versionPair.keyText, versionValue);
  if ('accepted' in found) {
    return {
      ok: false,
      deferred: false,
      error: new HeatError(
        `The template version is invalid: "${versionPair.keyText}: ${versionValue}" in the nested template ${path}.`,
        at,
        'NESTED_TEMPLATE_VERSION',
      ),
    };
  }
  const version: HotVersion = found;
  const keys = version.keys;
  const parameters: ParameterDecl[] = [];
  const paramSection = get(root, keys.parameters);
  if (paramSection && paramSection.kind === 'map') {
    for (const pair of effectivePairs(paramSection)) {
      try {
        const decl = (version.format === 'cfn' ? parseCfnParameter : parseParameter)(pair.keyText, pair.key, pair.value, version);
        if (hasKey(parameterDefaults, pair.keyText)) decl.default = parameterDefaults[pair.keyText] as Value;
        parameters.push(decl);
      } catch (error) {
        if (!(error instanceof HeatError)) throw error;
        return { ok: false, deferred: false, error: new HeatError(`${error.message} (in the nested template ${path})`, at, error.code) };
      }
    }
  }
  const outputs: string[] = [];
  const outputSection = get(root, keys.outputs);
  if (outputSection && outputSection.kind === 'map') {
    for (const pair of effectivePairs(outputSection)) {
      const def = pair.value;
      if (def.kind !== 'map' || !get(def, keys.output.value)) {
        return {
          ok: false,
          deferred: false,
          error: new HeatError(
            `Each output must contain a ${keys.output.value} key (output ${pair.keyText} in the nested template ${path}).`,
            at,
            'NESTED_TEMPLATE_INVALID',
          ),
        };
      }
      for (const p of effectivePairs(def)) {
        if (!version.outputKeys.includes(p.keyText)) {
          return {
            ok: false,
            deferred: false,
            error: new HeatError(
              `"${p.keyText}" is not a valid keyword inside a output definition (in the nested template ${path}).`,
              at,
              'NESTED_TEMPLATE_INVALID',
            ),
          };
        }
      }
      outputs.push(pair.keyText);
    }
  }
  const properties: Record<string, PropertySchema> = {};
  for (const p of parameters) {
    const type = p.type === 'number' ? 'number' : p.type === 'comma_delimited_list' ? 'list' : p.type === 'json' ? 'map' : p.type;
    const schema: PropertySchema = {
      type,
      required: p.default === undefined,
      updateAllowed: true,
      immutable: false,
      constraints: p.constraints.map((c) => c.constraint),
      supportStatus: 'SUPPORTED',
    };
    if (p.default !== undefined) schema.default = p.default;
    if (p.description) schema.description = p.description;
    properties[p.name] = schema;
  }
  const description = get(root, keys.description);
  const schema: ResourceTypeSchema = {
    name: path,
    supportStatus: 'SUPPORTED',
    properties,
    attributes: Object.fromEntries([...outputs, 'OS::stack_id'].map((o) => [o, { type: 'Any', supportStatus: 'SUPPORTED' as const }])),
    updatePolicy: {},
    openAttributes: true,
    anyProperties: false,
    snapshot: false,
    category: 'Nested templates',
  };
  if (description) schema.description = String(nodeToValue(description));
  return { ok: true, nested: { path, schema, parameters, outputs, text } };
}
