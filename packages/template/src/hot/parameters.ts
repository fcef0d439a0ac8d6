// The parameters section: declarations checked as Heat checks them
// (heat/engine/hot/parameters.py, parameters.py), and parameter values
// converted to their declared types.
import type { YMap, YNode } from '../yaml/nodes.ts';
import { effectivePairs, get } from '../yaml/nodes.ts';
import type { Constraint, SchemaType } from './constraints.ts';
import { CONSTRAINT_CLASS, boolFromString, checkConstraint, constraintAppliesTo, strToNum, ConstraintError } from './constraints.ts';
import { HeatError, HeatNotice } from './expr.ts';
import { compilePythonPattern } from './pyregex.ts';
import type { Value } from './values.ts';
import { isValueMap, jsonDumps, nodeToValue, pyStr } from './values.ts';
import type { HotVersion } from './versions.ts';

export const PARAMETER_TYPES = ['string', 'number', 'comma_delimited_list', 'json', 'boolean'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface ParameterConstraint {
  constraint: Constraint;
  node: YNode;
}

export interface ParameterDecl {
  name: string;
  keyNode: YNode;
  node: YNode;
  type: ParameterType;
  description: string | null;
  label: string | null;
  default: Value | undefined;
  defaultNode: YNode | null;
  hidden: boolean;
  immutable: boolean;
  tags: string[];
  constraints: ParameterConstraint[];
}

export type Report = (error: HeatError, path: string) => void;

/** Heat's schema type for constraint checks: json is a map, comma_delimited_list a list. */
export function constraintSchemaType(type: ParameterType): SchemaType {
  switch (type) {
    case 'comma_delimited_list':
      return 'list';
    case 'json':
      return 'map';
    default:
      return type;
  }
}

const CONSTRAINT_KEYS = ['description', 'length', 'range', 'modulo', 'allowed_values', 'allowed_pattern', 'custom_constraint'];

class SchemaError extends HeatError {}

function schemaError(message: string, node: YNode): never {
  throw new SchemaError(message, node, 'PARAMETER_SCHEMA');
}

function getNum(key: string, map: YMap): number | null {
  const node = get(map, key);
  if (node === undefined) return null;
  const value = nodeToValue(node);
  if (value === null) return null;
  try {
    return strToNum(value);
  } catch (error) {
    return schemaError(`${(error as Error).message} (the ${key} of a constraint must be a number)`, node);
  }
}

function checkDict(node: YNode, allowed: readonly string[], entity: string): YMap {
  if (node.kind !== 'map') schemaError(`Invalid ${entity}, expected a mapping`, node);
  for (const pair of node.pairs) {
    if (!allowed.includes(pair.keyText)) schemaError(`Invalid key '${pair.keyText}' for ${entity}`, pair.key);
  }
  return node;
}

function parseConstraint(node: YNode, version: HotVersion): Constraint {
  const map = checkDict(node, CONSTRAINT_KEYS, 'parameter constraints');
  const descNode = get(map, 'description');
  const description = descNode ? pyStr(nodeToValue(descNode)) : undefined;
  const withDesc = <C extends Constraint>(c: C): C => (description === undefined ? c : { ...c, description });
  const range = (key: 'range' | 'length'): Constraint => {
    const def = checkDict(get(map, key)!, ['min', 'max'], `${key} constraint`);
    const min = getNum('min', def);
    const max = getNum('max', def);
    if (min === null && max === null) {
      schemaError(`A ${key} constraint must have a min value and/or a max value specified.`, def);
    }
    if (key === 'length' && [min, max].some((v) => v !== null && !isIntegral(get(def, v === min ? 'min' : 'max')))) {
      schemaError('min/max length must be integral', def);
    }
    return withDesc({ kind: key, min, max });
  };
  if (version.hasModulo && get(map, 'modulo') !== undefined) {
    const def = checkDict(get(map, 'modulo')!, ['step', 'offset'], 'modulo constraint');
    const step = getNum('step', def);
    const offset = getNum('offset', def);
    if (step === null || offset === null) schemaError('A modulo constraint must have a step value and an offset value specified.', def);
    if (!Number.isInteger(step) || !Number.isInteger(offset)) schemaError('step/offset must be integer', def);
    if (step === 0) schemaError('step cannot be 0.', def);
    if (Math.abs(offset) >= Math.abs(step)) schemaError('offset must be smaller (by absolute value) than step.', def);
    if (step * offset < 0) schemaError('step and offset must be both positive or both negative.', def);
    return withDesc({ kind: 'modulo', step, offset });
  }
  if (get(map, 'range') !== undefined) return range('range');
  if (get(map, 'length') !== undefined) return range('length');
  if (get(map, 'allowed_values') !== undefined) {
    const values = get(map, 'allowed_values')!;
    if (values.kind === 'map' || (values.kind === 'scalar' && typeof values.value !== 'string')) {
      schemaError('AllowedValues must be a list', values);
    }
    const allowed = values.kind === 'seq' ? values.items.map(nodeToValue) : [...String(nodeToValue(values))];
    return withDesc({ kind: 'allowed_values', allowed });
  }
  if (get(map, 'allowed_pattern') !== undefined) {
    const p = get(map, 'allowed_pattern')!;
    const pattern = nodeToValue(p);
    if (typeof pattern !== 'string') schemaError('AllowedPattern must be a string', p);
    const compiled = compilePythonPattern(pattern);
    if (!compiled.ok) schemaError(`The allowed_pattern ${pattern} is not a valid regular expression: ${compiled.error}`, p);
    return withDesc({ kind: 'allowed_pattern', pattern });
  }
  if (get(map, 'custom_constraint') !== undefined) {
    return withDesc({ kind: 'custom_constraint', name: pyStr(nodeToValue(get(map, 'custom_constraint')!)) });
  }
  return schemaError('No constraint expressed', map);
}

function isIntegral(node: YNode | undefined): boolean {
  if (!node || node.kind !== 'scalar') return true;
  return node.type === 'int' || (node.type === 'str' && /^\s*[-+]?\d+\s*$/.test(String(node.value)));
}

export function parseParameter(name: string, keyNode: YNode, node: YNode, version: HotVersion): ParameterDecl {
  const map = checkDict(node, version.parameterKeys, `parameter (${name})`);
  const typeNode = get(map, 'type');
  if (typeNode === undefined) schemaError(`Missing parameter type for parameter: ${name}`, keyNode);
  const tagsNode = version.parameterKeys.includes('tags') ? get(map, 'tags') : undefined;
  if (tagsNode && tagsNode.kind !== 'seq') schemaError(`Tags property should be a list for parameter: ${name}`, tagsNode);
  const constraintsNode = get(map, 'constraints');
  const constraints: ParameterConstraint[] = [];
  if (constraintsNode && !(constraintsNode.kind === 'scalar' && constraintsNode.value === null)) {
    if (constraintsNode.kind !== 'seq')
      schemaError(`Invalid parameter constraints for parameter ${name}, expected a list`, constraintsNode);
    for (const c of constraintsNode.items) constraints.push({ constraint: parseConstraint(c, version), node: c });
  }
  const type = nodeToValue(typeNode);
  if (typeof type !== 'string' || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
    schemaError(`Invalid type (${pyStr(type)}) for parameter ${name}; use one of ${PARAMETER_TYPES.join(', ')}.`, typeNode);
  }
  const defaultNode = get(map, 'default') ?? null;
  const defaultValue = defaultNode ? nodeToValue(defaultNode) : undefined;
  const text = (key: string) => {
    const n = get(map, key);
    return n === undefined ? null : pyStr(nodeToValue(n));
  };
  const flag = (key: string) => {
    const n = get(map, key);
    if (!n) return false;
    const v = nodeToValue(n);
    return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
  };
  return {
    name,
    keyNode,
    node,
    type: type as ParameterType,
    description: text('description'),
    label: text('label'),
    default: defaultValue === null ? undefined : defaultValue,
    defaultNode,
    hidden: flag('hidden'),
    immutable: flag('immutable'),
    tags: tagsNode?.kind === 'seq' ? tagsNode.items.map((t) => pyStr(nodeToValue(t))) : [],
    constraints,
  };
}

/** The CloudFormation format's parameter types (Heat's parameters.Schema.TYPES) and their HOT names. */
const CFN_TYPES: Readonly<Record<string, ParameterType>> = {
  String: 'string',
  Number: 'number',
  CommaDelimitedList: 'comma_delimited_list',
  Json: 'json',
  Boolean: 'boolean',
};

/** A CloudFormation-format declaration (Heat's parameters.Schema.from_dict). */
export function parseCfnParameter(name: string, keyNode: YNode, node: YNode, version: HotVersion): ParameterDecl {
  const map = checkDict(node, version.parameterKeys, `parameter (${name})`);
  const typeNode = get(map, 'Type');
  if (typeNode === undefined) schemaError(`Missing parameter type for parameter: ${name}`, keyNode);
  const descNode = get(map, 'ConstraintDescription');
  const description = descNode ? pyStr(nodeToValue(descNode)) : undefined;
  const withDesc = <C extends Constraint>(c: C): C => (description === undefined ? c : { ...c, description });
  const constraints: ParameterConstraint[] = [];
  const range = (kind: 'range' | 'length', minKey: string, maxKey: string) => {
    if (get(map, minKey) === undefined && get(map, maxKey) === undefined) return;
    const at = get(map, minKey) ?? get(map, maxKey)!;
    constraints.push({ constraint: withDesc({ kind, min: getNum(minKey, map), max: getNum(maxKey, map) }), node: at });
  };
  range('range', 'MinValue', 'MaxValue');
  range('length', 'MinLength', 'MaxLength');
  const allowed = get(map, 'AllowedValues');
  if (allowed !== undefined) {
    if (allowed.kind !== 'seq') schemaError('AllowedValues must be a list', allowed);
    constraints.push({ constraint: withDesc({ kind: 'allowed_values', allowed: allowed.items.map(nodeToValue) }), node: allowed });
  }
  const patternNode = get(map, 'AllowedPattern');
  if (patternNode !== undefined) {
    const pattern = nodeToValue(patternNode);
    if (typeof pattern !== 'string') schemaError('AllowedPattern must be a string', patternNode);
    const compiled = compilePythonPattern(pattern);
    if (!compiled.ok) schemaError(`The AllowedPattern ${pattern} is not a valid regular expression: ${compiled.error}`, patternNode);
    constraints.push({ constraint: withDesc({ kind: 'allowed_pattern', pattern }), node: patternNode });
  }
  const typeName = nodeToValue(typeNode);
  const type = typeof typeName === 'string' && Object.prototype.hasOwnProperty.call(CFN_TYPES, typeName) ? CFN_TYPES[typeName] : undefined;
  if (!type)
    schemaError(`Invalid type (${pyStr(typeName)}) for parameter ${name}; use one of ${Object.keys(CFN_TYPES).join(', ')}.`, typeNode);
  const defaultNode = get(map, 'Default') ?? null;
  const defaultValue = defaultNode ? nodeToValue(defaultNode) : undefined;
  const text = (key: string) => {
    const n = get(map, key);
    return n === undefined ? null : pyStr(nodeToValue(n));
  };
  const noEcho = get(map, 'NoEcho');
  return {
    name,
    keyNode,
    node,
    type,
    description: text('Description'),
    label: text('Label'),
    default: defaultValue === null ? undefined : defaultValue,
    defaultNode,
    // Heat: str(NoEcho).lower() == 'true'.
    hidden: noEcho !== undefined && pyStr(nodeToValue(noEcho)).toLowerCase() === 'true',
    immutable: false,
    tags: [],
    constraints,
  };
}

/** Parses every declaration; a declaration Heat would refuse is reported and left out. */
export function parseParameters(section: YNode | undefined, version: HotVersion, report: Report): ParameterDecl[] {
  if (!section || (section.kind === 'scalar' && section.value === null)) return [];
  if (section.kind !== 'map') {
    report(
      new HeatError('The parameters section must be a map of parameter names to their definitions.', section, 'PARAMETERS_NOT_MAP'),
      'parameters',
    );
    return [];
  }
  const out: ParameterDecl[] = [];
  for (const pair of effectivePairs(section)) {
    try {
      const parse = version.format === 'cfn' ? parseCfnParameter : parseParameter;
      out.push(parse(pair.keyText, pair.key, pair.value, version));
    } catch (error) {
      if (!(error instanceof HeatError)) throw error;
      report(error, `parameters.${pair.keyText}`);
    }
  }
  return out;
}

/** What `template validate` checks of a declaration: constraints fit the type, the default meets them. */
export function validateParameterDecl(decl: ParameterDecl, report: Report): void {
  const path = `parameters.${decl.name}`;
  const schemaType = constraintSchemaType(decl.type);
  for (const { constraint, node } of decl.constraints) {
    if (!constraintAppliesTo(constraint, schemaType)) {
      report(
        new HeatError(
          `Parameter '${decl.name}' is invalid: ${CONSTRAINT_CLASS[constraint.kind]} constraint invalid for ${decl.type}`,
          node,
          'PARAMETER_CONSTRAINT_TYPE',
        ),
        `${path}.constraints`,
      );
      return;
    }
  }
  for (const { constraint, node } of decl.constraints) {
    if (constraint.kind !== 'custom_constraint') continue;
    report(
      new HeatNotice(
        `The custom constraint ${constraint.name} of ${decl.name} needs the cloud to check values; Hearth does not check it offline.`,
        node,
        'PARAMETER_CUSTOM_CONSTRAINT',
      ),
      `${path}.constraints`,
    );
  }
  if (decl.default === undefined) return;
  let value: Value = decl.default;
  if (decl.type === 'comma_delimited_list') {
    if (Array.isArray(value)) value = value.map((x) => pyStr(x));
    else if (typeof value === 'string') value = value.split(',');
    else {
      report(
        new HeatError(
          `Parameter '${decl.name}' is invalid: Default must be a comma-delimited list string: '${typeof value}' object has no attribute 'split'`,
          decl.defaultNode,
          'PARAMETER_DEFAULT',
        ),
        `${path}.default`,
      );
      return;
    }
  }
  for (const { constraint } of decl.constraints) {
    if (constraint.kind === 'custom_constraint') continue;
    const problem = checkConstraint(constraint, value, schemaType);
    if (problem !== null) {
      report(
        new HeatError(
          `Parameter '${decl.name}' is invalid: Invalid default ${formatDefault(decl.default)} (${problem})`,
          decl.defaultNode,
          'PARAMETER_DEFAULT',
        ),
        `${path}.default`,
      );
      return;
    }
  }
}

function formatDefault(v: Value): string {
  return typeof v === 'string' ? v : pyStr(v);
}

/**
 * Checks a value given for a parameter (from the command line, a form or an
 * environment) as Heat does before it creates a stack. Returns a message or null.
 */
export function checkParameterValue(decl: ParameterDecl, raw: Value): string | null {
  let parsed: Value;
  try {
    parsed = coerceParameterValue(decl, raw);
  } catch (error) {
    return (error as Error).message;
  }
  const schemaType = constraintSchemaType(decl.type);
  for (const { constraint } of decl.constraints) {
    if (constraint.kind === 'custom_constraint') continue;
    const problem = checkConstraint(constraint, decl.type === 'number' || decl.type === 'boolean' ? raw : parsed, schemaType);
    if (problem !== null) return problem;
  }
  return null;
}

/** The value a parameter has inside the template (Heat's Parameter.value()). */
export function coerceParameterValue(decl: ParameterDecl, raw: Value): Value {
  try {
    switch (decl.type) {
      case 'string':
        return typeof raw === 'string' ? raw : pyStr(raw);
      case 'number':
        return strToNum(raw);
      case 'boolean':
        return typeof raw === 'boolean' ? raw : boolFromString(pyStr(raw));
      case 'comma_delimited_list':
        if (Array.isArray(raw)) return raw.map((x) => pyStr(x));
        if (raw === '') return [];
        if (typeof raw !== 'string')
          throw new ConstraintError(`Value must be a comma-delimited list string: '${typeof raw}' object has no attribute 'split'`);
        return raw.split(',');
      case 'json': {
        if (typeof raw !== 'string') return JSON.parse(jsonDumps(raw)) as Value;
        if (!raw) return raw;
        try {
          return JSON.parse(raw) as Value;
        } catch (error) {
          throw new ConstraintError(`Value must be valid JSON: ${(error as Error).message}`);
        }
      }
    }
  } catch (error) {
    if (error instanceof ConstraintError) throw error;
    throw new ConstraintError((error as Error).message);
  }
}

export function isJsonMapOrList(v: Value): boolean {
  return isValueMap(v) || Array.isArray(v);
}
