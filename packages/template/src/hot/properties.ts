// Resource properties: reading a property's value the way Heat's Properties
// class does (defaults, type conversion, nested schemas, the translation of
// deprecated property names), and the checks `template validate` makes.
import type { PropertySchema, ResourceTypeSchema } from '../catalog/catalog.ts';
import { strToNum } from './constraints.ts';
import type { Expr, MapExpr } from './expr.ts';
import type { EvalEnv } from './functions.ts';
import { EvalError, resolve } from './functions.ts';
import type { Value, ValueMap } from './values.ts';
import { ABSENT, hasKey, isValueMap, newMap, pyRepr, pyStr, setKey } from './values.ts';

/** Deprecated property names Heat still reads (translation REPLACE rules). */
interface Replacement {
  /** The property the value moves to. */
  target: string;
  /** The deprecated property it comes from. */
  source: string;
  /** When set, the rule applies inside each item of this list property. */
  list?: string;
}

const REPLACEMENTS: Record<string, Replacement[]> = {
  'OS::Neutron::Port': [
    { target: 'network', source: 'network_id' },
    { target: 'subnet', source: 'subnet_id', list: 'fixed_ips' },
  ],
  'OS::Neutron::Subnet': [{ target: 'network', source: 'network_id' }],
  'OS::Nova::Server': [{ target: 'network', source: 'uuid', list: 'networks' }],
  'OS::Neutron::FloatingIP': [{ target: 'floating_network', source: 'floating_network_id' }],
  'OS::Neutron::RouterInterface': [
    { target: 'port', source: 'port_id' },
    { target: 'router', source: 'router_id' },
    { target: 'subnet', source: 'subnet_id' },
  ],
  'OS::Neutron::RouterGateway': [{ target: 'network', source: 'network_id' }],
  'OS::Neutron::VPNService': [
    { target: 'subnet', source: 'subnet_id' },
    { target: 'router', source: 'router_id' },
  ],
  'OS::Neutron::Pool': [{ target: 'subnet', source: 'subnet_id' }],
  'OS::Cinder::Volume': [{ target: 'image', source: 'imageRef' }],
  'OS::Sahara::Cluster': [{ target: 'image_id', source: 'image' }],
};

/** Reads resolved, typed property values of one resource. Throws EvalError like Heat's ValueError/TypeError. */
export class PropertyReader {
  private readonly replacements: Replacement[];
  private readonly raw = new Map<string, Expr>();

  constructor(
    readonly typeName: string,
    private readonly schema: ResourceTypeSchema | null,
    properties: Expr | null,
    private readonly env: EvalEnv,
  ) {
    this.replacements = REPLACEMENTS[typeName] ?? [];
    if (properties?.t === 'map') for (const e of (properties as MapExpr).entries) this.raw.set(e.key, e.value);
  }

  /** properties[key] / properties.get(key) in Heat. */
  get(key: string): Value {
    const propSchema = this.schema?.properties[key];
    if (!propSchema) {
      if (this.schema?.anyProperties) return null;
      throw new EvalError(`Invalid Property ${key}`);
    }
    for (const r of this.replacements) {
      if (!r.list && r.source === key) return null;
    }
    let found = this.userValue(key);
    if (found === undefined) {
      const replacement = this.replacements.find((r) => !r.list && r.target === key);
      if (replacement) found = this.userValue(replacement.source);
    }
    const itemRules = this.replacements.filter((r) => r.list === key);
    if (found !== undefined) {
      const value = itemRules.length ? applyItemReplacements(found, itemRules) : found;
      return getValue(propSchema, value);
    }
    if (propSchema.default !== undefined) return getValue(propSchema, null);
    if (propSchema.required) throw new EvalError(`Property ${key} not assigned`);
    return null;
  }

  private userValue(key: string): Value | undefined {
    const expr = this.raw.get(key);
    if (!expr) return undefined;
    const v = resolve(expr, this.env, true);
    return v === ABSENT ? undefined : v;
  }
}

function applyItemReplacements(value: Value, rules: Replacement[]): Value {
  if (!Array.isArray(value)) return value;
  return value.map((item) => {
    if (!isValueMap(item)) return item;
    const out = newMap();
    for (const [k, v] of Object.entries(item)) setKey(out, k, v);
    for (const r of rules) {
      if (hasKey(out, r.source)) {
        if (!hasKey(out, r.target) || out[r.target] === null) setKey(out, r.target, out[r.source]!);
        delete out[r.source];
      }
    }
    return out;
  });
}

/** Heat's Property.get_value without validation. */
export function getValue(schema: PropertySchema, value: Value): Value {
  const dflt = (fallback: Value): Value => (schema.default !== undefined && truthy(schema.default) ? schema.default : fallback);
  switch (schema.type) {
    case 'string': {
      const v = value === null ? dflt('') : value;
      if (typeof v === 'string') return v;
      if (typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v))) return pyStr(v);
      throw new EvalError(`Value must be a string; got ${pyRepr(v)}`);
    }
    case 'integer': {
      const v = value === null ? dflt(0) : value;
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
      throw new EvalError(`Value '${pyStr(v)}' is not an integer`);
    }
    case 'number': {
      const v = value === null ? dflt(0) : value;
      try {
        return strToNum(v);
      } catch (error) {
        throw new EvalError((error as Error).message);
      }
    }
    case 'boolean': {
      const v = value === null ? dflt(false) : value;
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        const lower = v.toLowerCase();
        if (lower !== 'true' && lower !== 'false') throw new EvalError(`"${lower}" is not a valid boolean`);
        return lower === 'true';
      }
      throw new EvalError(`"${pyStr(v)}" is not a valid boolean`);
    }
    case 'map': {
      const v = value === null ? (schema.default !== undefined ? schema.default : newMap()) : value;
      if (!isValueMap(v)) throw new EvalError(`"${pyStr(v)}" is not a map`);
      if (!schema.schema) return v;
      const out = newMap();
      for (const [k, child] of Object.entries(schema.schema)) {
        setKey(out, k, childValue(child, hasKey(v, k) ? v[k]! : undefined, k));
      }
      return out;
    }
    case 'list': {
      const v = value === null ? dflt([]) : value;
      if (!Array.isArray(v)) throw new EvalError(`"${pyRepr(v)}" is not a list`);
      const item = schema.schema?.['*'];
      if (!item) return v;
      return v.map((x, i) => childValue(item, x, String(i)));
    }
    default:
      return value;
  }
}

function childValue(schema: PropertySchema, value: Value | undefined, name: string): Value {
  if (value !== undefined) return getValue(schema, value);
  if (schema.default !== undefined) return getValue(schema, null);
  if (schema.required) throw new EvalError(`Property ${name} not assigned`);
  return null;
}

function truthy(v: Value): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isValueMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** The deprecated property names whose value moves to `target` (a required property may come from them). */
export function replacedBy(typeName: string, target: string): string[] {
  return (REPLACEMENTS[typeName] ?? []).filter((r) => !r.list && r.target === target).map((r) => r.source);
}

export function isReplacedProperty(typeName: string, key: string): string | null {
  const r = (REPLACEMENTS[typeName] ?? []).find((x) => !x.list && x.source === key);
  return r ? r.target : null;
}

export type { ValueMap };
