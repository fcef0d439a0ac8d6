// Heat's check of a provider template against the type it stands in for
// (template_resource.py _validate_against_facade): mapped over a built-in
// type, a template must take that type's required properties with the same
// types, require nothing the type does not know, and give its attributes.
// Heat makes it when a stack is created or updated, not in validate_template.
import { builtinType } from '../catalog/catalog.ts';
import type { SchemaType } from './constraints.ts';
import type { ResourceInfo } from './analyze.ts';

/** How Heat names schema types in these messages (properties.Schema.type). */
const HEAT_TYPE: Record<SchemaType, string> = {
  string: 'String',
  integer: 'Integer',
  number: 'Number',
  boolean: 'Boolean',
  list: 'List',
  map: 'Map',
  any: 'Any',
};

/** Schema.allowed_param_prop_type: an Integer property is given by a Number parameter. */
const fromParameter = (type: SchemaType): SchemaType => (type === 'integer' ? 'number' : type);

/** The first way a template resource does not match its facade, in Heat's words; null when it matches or has none. */
export function facadeMismatch(info: ResourceInfo): string | null {
  const type = info.def.type;
  if (info.resolution !== 'template' || !info.nested || !type) return null;
  // The facade is what the type name is without the mapping to the template: a built-in type of that name.
  const facade = builtinType(type);
  if (!facade) return null;
  const provider = info.nested.schema;
  for (const [name, fs] of Object.entries(facade.properties)) {
    const ps = provider.properties[name];
    if (fs.required && !ps) return `Required property ${name} for facade ${type} missing in provider`;
    if (ps && fromParameter(fs.type) !== ps.type) {
      return `Property ${name} type mismatch between facade ${type} (${HEAT_TYPE[fs.type]}) and provider (${HEAT_TYPE[ps.type]})`;
    }
  }
  for (const [name, ps] of Object.entries(provider.properties)) {
    if (ps.required && !(name in facade.properties)) return `Provider requires property ${name} unknown in facade ${type}`;
  }
  for (const attr of Object.keys(facade.attributes)) {
    // Every resource has `show` (Heat's base attributes), a provider template too.
    if (attr !== 'show' && !(attr in provider.attributes)) return `Attribute ${attr} for facade ${type} missing in provider`;
  }
  return null;
}
