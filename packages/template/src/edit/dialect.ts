// Edit operations speak HOT (`properties`, `depends_on`, `get_resource`, a
// parameter's `type: string` and `constraints`). A CloudFormation-format
// template gets the same edits in its own words: this module translates the
// keys and values an operation writes (Heat's HOT_TO_CFN_RES_ATTRS and the
// parameter schema of heat/engine/parameters.py, read the other way).
import type { Value, ValueMap } from '../hot/values.ts';
import { isValueMap, newMap, setKey } from '../hot/values.ts';
import type { TemplateKeys, TemplateVersion } from '../hot/versions.ts';
import { LATEST_HOT_VERSION } from '../hot/versions.ts';
import { EditError } from './yaml-edit.ts';

/** How an edit writes into one template. */
export interface Dialect {
  format: 'hot' | 'cfn';
  keys: TemplateKeys;
  /** A value written by the canvas or a form (HOT functions), in the template's own functions. */
  value(value: Value): Value;
  /** A parameter definition given with HOT keys, as the template writes it. */
  parameter(definition: ValueMap): ValueMap;
  /**
   * One field of a parameter's definition set (or removed, without a value), as the
   * fields the template writes: [key, value] pairs, undefined to remove that key.
   */
  parameterField(field: string, value: Value | undefined): Array<[string, Value | undefined]>;
  /** The key an output's field has in the template. */
  outputField(field: string): string;
}

const HOT: Dialect = {
  format: 'hot',
  keys: LATEST_HOT_VERSION.keys,
  value: (v) => v,
  parameter: (d) => d,
  parameterField: (field, value) => [[field, value]],
  outputField: (field) => field,
};

export function dialectOf(version: TemplateVersion | null): Dialect {
  if (!version || version.format === 'hot') return version ? { ...HOT, keys: version.keys } : HOT;
  return cfnDialect(version.keys);
}

const CFN_TYPE: Readonly<Record<string, string>> = {
  string: 'String',
  number: 'Number',
  comma_delimited_list: 'CommaDelimitedList',
  json: 'Json',
  boolean: 'Boolean',
};

/** Parameter keys a HOT constraint list becomes (and which a new list replaces). */
const CONSTRAINT_KEYS = ['MinLength', 'MaxLength', 'MinValue', 'MaxValue', 'AllowedValues', 'AllowedPattern', 'ConstraintDescription'];

function cfnValue(value: Value): Value {
  if (Array.isArray(value)) return value.map(cfnValue);
  if (!isValueMap(value)) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [fn, args] = entries[0]!;
    switch (fn) {
      case 'get_resource':
        return { Ref: cfnValue(args) };
      case 'get_param':
        if (Array.isArray(args)) {
          if (args.length !== 1)
            throw new EditError('A CloudFormation template has no path into a parameter (Ref takes a name only).', 'EDIT_DIALECT');
          return { Ref: cfnValue(args[0]!) };
        }
        return { Ref: cfnValue(args) };
      case 'get_attr':
        if (!Array.isArray(args) || args.length !== 2) {
          throw new EditError('Fn::GetAtt takes a resource and one attribute, with no path into it.', 'EDIT_DIALECT');
        }
        return { 'Fn::GetAtt': args.map(cfnValue) };
      case 'list_join':
        if (!Array.isArray(args) || args.length !== 2) throw new EditError('Fn::Join takes a delimiter and one list.', 'EDIT_DIALECT');
        return { 'Fn::Join': args.map(cfnValue) };
      case 'str_replace': {
        const template = isValueMap(args) ? args.template : undefined;
        const params = isValueMap(args) ? args.params : undefined;
        if (template === undefined || params === undefined) throw new EditError('str_replace needs template and params.', 'EDIT_DIALECT');
        return { 'Fn::Replace': [cfnValue(params), cfnValue(template)] };
      }
      case 'get_file':
        throw new EditError('A CloudFormation template cannot include files (get_file is HOT only).', 'EDIT_DIALECT');
      default:
        break;
    }
  }
  const out = newMap();
  for (const [k, v] of entries) setKey(out, k, cfnValue(v));
  return out;
}

/** A HOT constraint list as the CFN keys it becomes. */
function cfnConstraints(list: Value): Array<[string, Value]> {
  if (list === null) return [];
  if (!Array.isArray(list)) throw new EditError('Constraints are a list.', 'EDIT_DIALECT');
  const out: Array<[string, Value]> = [];
  for (const c of list) {
    if (!isValueMap(c)) throw new EditError('Each constraint is a map.', 'EDIT_DIALECT');
    for (const [kind, spec] of Object.entries(c)) {
      const bounds = isValueMap(spec) ? spec : newMap();
      if (kind === 'length' || kind === 'range') {
        const [min, max] = kind === 'length' ? ['MinLength', 'MaxLength'] : ['MinValue', 'MaxValue'];
        if (bounds.min !== undefined) out.push([min, bounds.min]);
        if (bounds.max !== undefined) out.push([max, bounds.max]);
      } else if (kind === 'allowed_values') out.push(['AllowedValues', spec]);
      else if (kind === 'allowed_pattern') out.push(['AllowedPattern', spec]);
      else if (kind === 'description') out.push(['ConstraintDescription', spec]);
      else throw new EditError(`A CloudFormation parameter has no ${kind} constraint.`, 'EDIT_DIALECT');
    }
  }
  return out;
}

function cfnParameterField(field: string, value: Value | undefined): Array<[string, Value | undefined]> {
  switch (field) {
    case 'type': {
      const type = typeof value === 'string' ? (CFN_TYPE[value] ?? value) : value;
      return [['Type', type]];
    }
    case 'default':
      return [['Default', value]];
    case 'description':
      return [['Description', value]];
    case 'label':
      return [['Label', value]];
    case 'hidden':
      return [['NoEcho', value === undefined ? undefined : value === true ? 'true' : 'false']];
    case 'constraints': {
      const set = new Map(cfnConstraints(value ?? null));
      return CONSTRAINT_KEYS.map((k) => [k, set.get(k)]);
    }
    default:
      throw new EditError(`A CloudFormation parameter has no ${field}.`, 'EDIT_DIALECT');
  }
}

function cfnDialect(keys: TemplateKeys): Dialect {
  return {
    format: 'cfn',
    keys,
    value: cfnValue,
    parameter: (definition) => {
      const out = newMap();
      for (const [field, v] of Object.entries(definition)) {
        for (const [k, value] of cfnParameterField(field, v)) if (value !== undefined) setKey(out, k, value);
      }
      return out;
    },
    parameterField: cfnParameterField,
    outputField: (field) => {
      const key = (
        { value: keys.output.value, description: keys.output.description, condition: keys.output.condition } as Record<
          string,
          string | null
        >
      )[field];
      if (!key) throw new EditError(`A CloudFormation output has no ${field}.`, 'EDIT_DIALECT');
      return key;
    },
  };
}

/**
 * A value as the canvas and forms speak of it (HOT functions): in a CloudFormation template,
 * Ref to a resource reads as get_resource, Ref to anything else as get_param, Fn::GetAtt as
 * get_attr, Fn::Join as list_join. What the dialect writes back is the template's own form.
 */
export function hotView(value: Value, isResource: (name: string) => boolean): Value {
  if (Array.isArray(value)) return value.map((v) => hotView(v, isResource));
  if (!isValueMap(value)) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [fn, args] = entries[0]!;
    if (fn === 'Ref' && typeof args === 'string') return isResource(args) ? { get_resource: args } : { get_param: args };
    if (fn === 'Fn::GetAtt' && Array.isArray(args)) return { get_attr: args.map((v) => hotView(v, isResource)) };
    if (fn === 'Fn::Join' && Array.isArray(args)) return { list_join: args.map((v) => hotView(v, isResource)) };
  }
  const out = newMap();
  for (const [k, v] of entries) setKey(out, k, hotView(v, isResource));
  return out;
}
