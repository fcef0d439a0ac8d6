// The resource type catalog: every type Heat 19 registers, with its
// properties (types, required, defaults, constraints, update_allowed) and
// attributes, from ../shared/reference/heat-resource-types.json plus the
// facts that file leaves out (heat-extras.json, see scripts/dev).
import type { Constraint, SchemaType } from '../hot/constraints.ts';
import type { Value } from '../hot/values.ts';
import extrasJson from './heat-extras.json' with { type: 'json' };
import typesJson from './heat-resource-types.json' with { type: 'json' };

export type SupportStatus = 'SUPPORTED' | 'DEPRECATED' | 'UNSUPPORTED' | 'HIDDEN' | 'UNKNOWN';

export interface PropertySchema {
  type: SchemaType;
  required: boolean;
  default?: Value;
  updateAllowed: boolean;
  immutable: boolean;
  constraints: Constraint[];
  /** For maps: the schema of each key; for lists: `*` is the schema of every item. */
  schema?: Record<string, PropertySchema>;
  supportStatus: SupportStatus;
  description?: string;
}

export interface AttributeSchema {
  type: string;
  supportStatus: SupportStatus;
  description?: string;
}

export interface ResourceTypeSchema {
  name: string;
  supportStatus: SupportStatus;
  properties: Record<string, PropertySchema>;
  attributes: Record<string, AttributeSchema>;
  updatePolicy: Record<string, PropertySchema>;
  /** get_attr may name any attribute: the type resolves attributes itself. */
  openAttributes: boolean;
  /** The type takes any properties (OS::Heat::None). */
  anyProperties: boolean;
  /** deletion_policy: Snapshot is supported. */
  snapshot: boolean;
  /** A palette group, for the designer. */
  category: string;
  description?: string;
}

interface RawConstraint {
  range?: { min?: number; max?: number };
  length?: { min?: number; max?: number };
  allowed_values?: Value[];
  allowed_pattern?: string;
  custom_constraint?: string;
  modulo?: { step: number; offset: number };
}

interface RawProperty {
  type: string;
  required?: boolean;
  default?: Value;
  update_allowed?: boolean;
  immutable?: boolean;
  constraints?: RawConstraint[];
  schema?: Record<string, RawProperty>;
  support_status?: string;
}

interface RawType {
  support_status: string;
  properties: Record<string, RawProperty>;
  attributes: Record<string, { type?: string | null; support_status?: string }>;
  update_policy: string[];
}

interface RawExtras {
  hidden_types: Record<string, RawType>;
  update_policy_schemas: Record<string, Record<string, RawProperty>>;
  open_attribute_types: string[];
  snapshot_types: string[];
  any_property_types: string[];
}

const SCHEMA_TYPES: readonly string[] = ['string', 'number', 'integer', 'boolean', 'list', 'map', 'any'];

function toConstraint(c: RawConstraint): Constraint | null {
  if (c.range) return { kind: 'range', min: c.range.min ?? null, max: c.range.max ?? null };
  if (c.length) return { kind: 'length', min: c.length.min ?? null, max: c.length.max ?? null };
  if (c.modulo) return { kind: 'modulo', step: c.modulo.step, offset: c.modulo.offset };
  if (c.allowed_values) return { kind: 'allowed_values', allowed: c.allowed_values };
  if (c.allowed_pattern !== undefined) return { kind: 'allowed_pattern', pattern: c.allowed_pattern };
  if (c.custom_constraint !== undefined) return { kind: 'custom_constraint', name: c.custom_constraint };
  return null;
}

function status(s: string | undefined): SupportStatus {
  return s === 'SUPPORTED' || s === 'DEPRECATED' || s === 'UNSUPPORTED' || s === 'HIDDEN' ? s : 'UNKNOWN';
}

export function toPropertySchema(raw: RawProperty): PropertySchema {
  const type = raw.type.toLowerCase();
  const schema: PropertySchema = {
    type: (SCHEMA_TYPES.includes(type) ? type : 'any') as SchemaType,
    required: raw.required ?? false,
    updateAllowed: raw.update_allowed ?? false,
    immutable: raw.immutable ?? false,
    constraints: (raw.constraints ?? []).map(toConstraint).filter((c): c is Constraint => c !== null),
    supportStatus: status(raw.support_status),
  };
  if (raw.default !== undefined && raw.default !== null) schema.default = raw.default;
  if (raw.schema) schema.schema = Object.fromEntries(Object.entries(raw.schema).map(([k, v]) => [k, toPropertySchema(v)]));
  return schema;
}

/** Heat's namespaces, grouped the way users look for them in a palette. */
export function categoryOf(typeName: string): string {
  const [vendor, service] = typeName.split('::');
  if (vendor === 'AWS') return 'AWS compatibility';
  if (vendor === 'Hearth') return 'Hearth';
  switch (service) {
    case 'Nova':
    case 'Zun':
      return 'Compute';
    case 'Neutron':
    case 'Octavia':
    case 'Designate':
      return 'Network';
    case 'Cinder':
    case 'Swift':
    case 'Manila':
    case 'Glance':
      return 'Storage';
    case 'Heat':
      return 'Orchestration';
    case 'Keystone':
    case 'Barbican':
      return 'Identity and secrets';
    case 'Aodh':
    case 'Monasca':
    case 'Vitrage':
      return 'Monitoring';
    default:
      return 'Other services';
  }
}

const extras = extrasJson as unknown as RawExtras;
const OPEN_ATTRIBUTES = new Set(extras.open_attribute_types);
const SNAPSHOT = new Set(extras.snapshot_types);
const ANY_PROPERTIES = new Set(extras.any_property_types);

function buildType(name: string, raw: RawType): ResourceTypeSchema {
  const policy = extras.update_policy_schemas[name] ?? {};
  const updatePolicy: Record<string, PropertySchema> = {};
  for (const key of raw.update_policy) {
    updatePolicy[key] = policy[key]
      ? toPropertySchema(policy[key])
      : { type: 'map', required: false, updateAllowed: false, immutable: false, constraints: [], supportStatus: 'SUPPORTED' };
  }
  return {
    name,
    supportStatus: status(raw.support_status),
    properties: Object.fromEntries(Object.entries(raw.properties).map(([k, v]) => [k, toPropertySchema(v)])),
    attributes: Object.fromEntries(
      Object.entries(raw.attributes).map(([k, v]) => [k, { type: v.type ?? 'Any', supportStatus: status(v.support_status) }]),
    ),
    updatePolicy,
    openAttributes: OPEN_ATTRIBUTES.has(name) || ANY_PROPERTIES.has(name),
    anyProperties: ANY_PROPERTIES.has(name),
    snapshot: SNAPSHOT.has(name),
    category: categoryOf(name),
  };
}

const BUILTIN = new Map<string, ResourceTypeSchema>();
for (const [name, raw] of Object.entries(typesJson as unknown as Record<string, RawType>)) BUILTIN.set(name, buildType(name, raw));
for (const [name, raw] of Object.entries(extras.hidden_types)) BUILTIN.set(name, buildType(name, raw));

/** A type Heat registers itself (including the hidden ones it still accepts). */
export function builtinType(name: string): ResourceTypeSchema | undefined {
  return BUILTIN.get(name);
}

export function builtinTypes(): ResourceTypeSchema[] {
  return [...BUILTIN.values()];
}

/** Types that templates can be written with today (hidden ones excluded). */
export function paletteTypes(): ResourceTypeSchema[] {
  return [...BUILTIN.values()].filter((t) => t.supportStatus !== 'HIDDEN').sort((a, b) => a.name.localeCompare(b.name));
}
