// Checks of property values against a type's schema. Heat's `template
// validate` only refuses unknown top-level properties; everything else here
// is what Heat checks when it creates the stack, reported early as warnings.
import type { PropertySchema, ResourceTypeSchema } from '../catalog/catalog.ts';
import type { YNode } from '../yaml/nodes.ts';
import { checkConstraint, strToNum } from './constraints.ts';
import type { Expr, MapExpr } from './expr.ts';
import { HeatError } from './expr.ts';
import type { EvalEnv } from './functions.ts';
import { EvalError, resolveValue } from './functions.ts';
import { isReplacedProperty } from './properties.ts';
import { closestName } from './suggest.ts';
import type { ResourceDef } from './resources.ts';
import type { Value } from './values.ts';
import { isValueMap, pyRepr, pyStr } from './values.ts';

export interface PropertyProblem {
  key: string;
  error: HeatError;
}

/** Heat's "Unknown Property" check on the top level of a resource's properties. */
export function unknownProperties(properties: Expr, schema: ResourceTypeSchema): PropertyProblem[] {
  if (schema.anyProperties || properties.t !== 'map') return [];
  const known = Object.keys(schema.properties);
  const out: PropertyProblem[] = [];
  for (const entry of properties.entries) {
    if (known.includes(entry.key)) continue;
    const near = closestName(entry.key, known);
    const listing = known.length ? ` The properties of ${schema.name} are ${known.join(', ')}.` : ` ${schema.name} takes no properties.`;
    out.push({
      key: entry.key,
      error: new HeatError(`Unknown Property ${entry.key}.${near ? ` Did you mean ${near}?` : listing}`, entry.keyNode, 'PROPERTY_UNKNOWN'),
    });
  }
  return out;
}

/** True when the expression holds no function call: its value is known now. */
function isLiteral(expr: Expr): boolean {
  switch (expr.t) {
    case 'lit':
      return true;
    case 'list':
      return expr.items.every(isLiteral);
    case 'map':
      return expr.entries.every((e) => isLiteral(e.value));
    case 'fn':
      return false;
  }
}

function refersToResources(expr: Expr): boolean {
  switch (expr.t) {
    case 'lit':
      return false;
    case 'list':
      return expr.items.some(refersToResources);
    case 'map':
      return expr.entries.some((e) => refersToResources(e.value));
    case 'fn':
      if (expr.impl === 'GetResource' || expr.impl === 'GetAtt' || expr.impl === 'GetAttThenSelect' || expr.impl === 'GetAttAllAttributes')
        return true;
      return refersToResources(expr.chosen ?? expr.args);
  }
}

interface ValueProblem {
  path: string;
  message: string;
  node: YNode | null;
}

/** Heat's Property.get_value(validate=True) over a known value; collects every problem. */
export function strictProblems(schema: PropertySchema, value: Value, path: string, expr: Expr | null, out: ValueProblem[]): void {
  const node = expr?.node ?? null;
  const problem = (message: string): void => {
    out.push({ path, message, node });
  };
  let converted: Value = value;
  switch (schema.type) {
    case 'string':
      if (typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value))) converted = pyStr(value);
      else if (typeof value !== 'string') return problem(`Value must be a string; got ${pyRepr(value)}`);
      break;
    case 'integer':
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) converted = Number.parseInt(value, 10);
      else if (typeof value === 'boolean') converted = value ? 1 : 0;
      else if (typeof value !== 'number') return problem(`Value '${pyStr(value)}' is not an integer`);
      else converted = Math.trunc(value);
      break;
    case 'number':
      try {
        converted = strToNum(value);
      } catch (error) {
        return problem((error as Error).message);
      }
      break;
    case 'boolean':
      if (typeof value === 'string') {
        const lower = value.toLowerCase();
        if (lower !== 'true' && lower !== 'false') return problem(`"${lower}" is not a valid boolean`);
        converted = lower === 'true';
      } else if (typeof value !== 'boolean') return problem(`"${pyStr(value)}" is not a valid boolean`);
      break;
    case 'map': {
      if (!isValueMap(value)) return problem(`"${pyStr(value)}" is not a map`);
      if (!schema.schema) break;
      const entries = expr?.t === 'map' ? (expr as MapExpr).entries : [];
      for (const [k, v] of Object.entries(value)) {
        const child = schema.schema[k];
        const childExpr = entries.find((e) => e.key === k);
        if (!child) {
          out.push({
            path: `${path}.${k}`,
            message: `Unknown Property ${k}; the keys of ${path.split('.').pop()} are ${Object.keys(schema.schema).join(', ')}`,
            node: childExpr?.keyNode ?? node,
          });
          continue;
        }
        strictProblems(child, v, `${path}.${k}`, childExpr?.value ?? null, out);
      }
      for (const [k, child] of Object.entries(schema.schema)) {
        if (child.required && child.default === undefined && !Object.prototype.hasOwnProperty.call(value, k)) {
          out.push({ path: `${path}.${k}`, message: `Property ${k} not assigned`, node });
        }
      }
      break;
    }
    case 'list': {
      if (!Array.isArray(value)) return problem(`"${pyRepr(value)}" is not a list`);
      const item = schema.schema?.['*'];
      if (item) {
        const items = expr?.t === 'list' ? expr.items : [];
        value.forEach((v, i) => strictProblems(item, v, `${path}[${i}]`, items[i] ?? null, out));
      }
      break;
    }
    default:
      break;
  }
  for (const c of schema.constraints) {
    const message = checkConstraint(c, converted, schema.type);
    if (message !== null) {
      problem(message);
      break;
    }
  }
}

/** Warnings for what Heat refuses when it creates the stack: missing required properties, wrong literal values. */
export function checkPropertyValues(def: ResourceDef, schema: ResourceTypeSchema, env: EvalEnv): Array<{ error: HeatError; path: string }> {
  if (schema.anyProperties) return [];
  const out: Array<{ error: HeatError; path: string }> = [];
  const base = `resources.${def.name}.properties`;
  const props = def.properties;
  if (props && props.t !== 'map') return out;
  const entries = props?.t === 'map' ? props.entries : [];
  const given = new Set(entries.map((e) => e.key));
  for (const [key, s] of Object.entries(schema.properties)) {
    if (!s.required || s.default !== undefined || given.has(key)) continue;
    const replacedBy = Object.keys(schema.properties).find((k) => isReplacedProperty(schema.name, k) === key && given.has(k));
    if (replacedBy) continue;
    out.push({
      path: `${base}.${key}`,
      error: new HeatError(
        `The required property ${key} of ${schema.name} is not set; Heat will refuse to create the stack ("Property ${key} not assigned").`,
        def.propertiesNode ?? def.keyNode,
        'PROPERTY_REQUIRED',
      ),
    });
  }
  for (const entry of entries) {
    const s = schema.properties[entry.key];
    if (!s || !isLiteral(entry.value) || refersToResources(entry.value)) continue;
    let value: Value;
    try {
      value = resolveValue(entry.value, env);
    } catch (error) {
      if (error instanceof EvalError) continue;
      throw error;
    }
    if (value === null) continue;
    const problems: ValueProblem[] = [];
    strictProblems(s, value, `${base}.${entry.key}`, entry.value, problems);
    for (const p of problems) {
      out.push({
        path: p.path,
        error: new HeatError(
          `Heat will refuse this value when it creates the stack: ${p.message}.`,
          p.node ?? entry.value.node ?? entry.keyNode,
          'PROPERTY_VALUE',
        ),
      });
    }
  }
  return out;
}

/** Heat validates update_policy values fully, even in `template validate`. */
export function validateUpdatePolicy(
  name: string,
  policy: Expr,
  schema: ResourceTypeSchema,
  env: EvalEnv,
  report: (error: HeatError, path: string) => void,
): void {
  const path = `resources.${name}.update_policy`;
  if (refersToResources(policy)) return;
  let value: Value;
  try {
    value = resolveValue(policy, env);
  } catch (error) {
    if (error instanceof EvalError) {
      report(new HeatError(error.message, policy.node, error.code), path);
      return;
    }
    throw error;
  }
  if (!isValueMap(value)) return;
  const known = Object.keys(schema.updatePolicy);
  const entries = policy.t === 'map' ? policy.entries : [];
  for (const [key, v] of Object.entries(value)) {
    const s = schema.updatePolicy[key];
    const entry = entries.find((e) => e.key === key);
    if (!s) {
      report(
        new HeatError(
          `Unknown Property ${key}. ${known.length ? `The update policies of ${schema.name} are ${known.join(', ')}.` : `${schema.name} has no update policy.`}`,
          entry?.keyNode ?? policy.node,
          'UPDATE_POLICY_UNKNOWN',
        ),
        `${path}.${key}`,
      );
      continue;
    }
    const problems: ValueProblem[] = [];
    strictProblems(s, v, `${path}.${key}`, entry?.value ?? null, problems);
    for (const p of problems) report(new HeatError(p.message, p.node ?? entry?.value.node ?? policy.node, 'UPDATE_POLICY_VALUE'), p.path);
  }
}
