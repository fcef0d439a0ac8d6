// A JSON Schema for Heat templates, generated from the resource type
// catalog, so that YAML editors (Monaco with monaco-yaml, VS Code with the
// YAML extension) complete, document and check templates as they are typed:
// HOT, and the CloudFormation format when the template has its version key.
// Wherever a value may be computed, an intrinsic function is accepted too.
import type { PropertySchema, ResourceTypeSchema } from './catalog.ts';
import { paletteTypes } from './catalog.ts';
import { functionDescription, propertyDescription, typeDescription } from './descriptions.ts';
import { PARAMETER_TYPES } from '../hot/parameters.ts';
import { replacedBy } from '../hot/properties.ts';
import { CFN_PARAMETER_KEYS, CFN_VERSIONS, HOT_VERSION_NAMES, LATEST_HOT_VERSION, type TemplateKeys } from '../hot/versions.ts';

export type JsonSchema = { [key: string]: unknown };

const FUNCTIONS = [...new Set([...Object.keys(LATEST_HOT_VERSION.functions), ...Object.keys(LATEST_HOT_VERSION.conditionFunctions)])]
  .filter((f) => !f.startsWith('Fn::') && f !== 'Ref')
  .sort();
const AWS = CFN_VERSIONS.AWSTemplateFormatVersion!;
const CFN_FUNCTIONS = [...new Set([...Object.keys(AWS.functions), ...Object.keys(AWS.conditionFunctions)])].sort();

/** Which functions a value may be: the HOT ones, or in a CloudFormation template the CFN ones. */
let INTRINSIC: JsonSchema = { $ref: '#/definitions/intrinsic' };

/** A value that is one call of one of these functions. */
function intrinsicSchema(names: readonly string[]): JsonSchema {
  return {
    type: 'object',
    description: 'An intrinsic function, computed when the stack is created or updated.',
    minProperties: 1,
    maxProperties: 1,
    properties: Object.fromEntries(names.map((f) => [f, { description: functionDescription(f) }])),
    additionalProperties: false,
  };
}

function withFunctions(schema: JsonSchema): JsonSchema {
  return { anyOf: [schema, INTRINSIC] };
}

function propertyJsonSchema(name: string, p: PropertySchema): JsonSchema {
  const description = propertyDescription(name, p);
  let base: JsonSchema;
  switch (p.type) {
    case 'string':
      base = { type: ['string', 'number', 'boolean'] };
      break;
    case 'integer':
      base = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\s*[-+]?\\d+\\s*$' }] };
      break;
    case 'number':
      base = { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$' }] };
      break;
    case 'boolean':
      base = { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false', 'True', 'False'] }] };
      break;
    case 'map': {
      const children = p.schema ? Object.entries(p.schema) : [];
      base = children.length
        ? {
            type: 'object',
            properties: Object.fromEntries(children.map(([k, v]) => [k, propertyJsonSchema(k, v)])),
            required: children.filter(([, v]) => v.required && v.default === undefined).map(([k]) => k),
            additionalProperties: false,
          }
        : { type: 'object' };
      break;
    }
    case 'list': {
      const item = p.schema?.['*'];
      base = { type: 'array', ...(item ? { items: propertyJsonSchema('item', item) } : {}) };
      break;
    }
    default:
      base = {};
  }
  for (const c of p.constraints) {
    if (c.kind === 'allowed_values' && (p.type === 'string' || p.type === 'integer' || p.type === 'number'))
      base = { ...base, enum: c.allowed };
    if (c.kind === 'range') {
      if (c.min !== null) base = { ...base, minimum: c.min };
      if (c.max !== null) base = { ...base, maximum: c.max };
    }
    if (c.kind === 'length' && p.type === 'string') {
      if (c.min !== null) base = { ...base, minLength: c.min };
      if (c.max !== null) base = { ...base, maxLength: c.max };
    }
  }
  const schema: JsonSchema = { ...withFunctions(base), description };
  if (p.default !== undefined) schema.default = p.default;
  return schema;
}

function typeJsonSchema(t: ResourceTypeSchema, keys: TemplateKeys['resource']): JsonSchema {
  // Hidden and deprecated properties stay: Heat still reads them.
  const entries = Object.entries(t.properties);
  const required = entries.filter(([k, p]) => p.required && p.default === undefined && replacedBy(t.name, k).length === 0).map(([k]) => k);
  const properties: JsonSchema = t.anyProperties
    ? { type: 'object', description: 'Any properties.' }
    : withFunctions({
        type: 'object',
        properties: Object.fromEntries(entries.map(([k, p]) => [k, propertyJsonSchema(k, p)])),
        required,
        additionalProperties: false,
      });
  return {
    if: { properties: { [keys.type]: { const: t.name } }, required: [keys.type] },
    then: {
      description: typeDescription(t),
      properties: {
        [keys.properties]: properties,
        [keys.updatePolicy]: {
          type: 'object',
          properties: Object.fromEntries(Object.keys(t.updatePolicy).map((k) => [k, { type: 'object' }])),
        },
      },
    },
  };
}

/** The CloudFormation format's sections and keys (heat/engine/cfn/template.py, parameters.py). */
function cfnSchema(): JsonSchema {
  const saved = INTRINSIC;
  INTRINSIC = { $ref: '#/definitions/cfnIntrinsic' };
  try {
    const keys = AWS.keys.resource;
    const types = paletteTypes();
    const parameter: JsonSchema = {
      type: 'object',
      properties: {
        Type: {
          enum: ['String', 'Number', 'CommaDelimitedList', 'Json', 'Boolean'],
          description: 'The kind of value the parameter takes.',
        },
        Description: { type: 'string' },
        Default: { description: 'The value used when none is given.' },
        NoEcho: { type: ['boolean', 'string'], description: 'Mask the value in forms and in stack details.' },
        AllowedValues: { type: 'array' },
        AllowedPattern: { type: 'string' },
        MinLength: { type: ['integer', 'string'] },
        MaxLength: { type: ['integer', 'string'] },
        MinValue: { type: ['number', 'string'] },
        MaxValue: { type: ['number', 'string'] },
        ConstraintDescription: { type: 'string' },
        Label: { type: 'string' },
      },
      required: ['Type'],
      propertyNames: { enum: CFN_PARAMETER_KEYS },
    };
    const resource: JsonSchema = {
      type: 'object',
      properties: {
        Type: {
          description:
            "The resource type: a Heat type (AWS:: or OS::), a type from the environment's resource_registry, or a template file.",
          anyOf: [{ enum: types.map((t) => t.name) }, { type: 'string' }],
        },
        Properties: { type: 'object' },
        Metadata: { type: 'object' },
        DependsOn: {
          description: 'Resources to create before this one (besides those Ref and Fn::GetAtt already imply).',
          anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        },
        DeletionPolicy: withFunctions({ enum: ['Delete', 'Retain', 'Snapshot'] }),
        UpdatePolicy: { type: 'object' },
        Description: { type: 'string' },
        Condition: withFunctions({ type: ['string', 'boolean'], description: 'The resource exists only when this condition is true.' }),
      },
      required: ['Type'],
      allOf: types.map((t) => typeJsonSchema(t, keys)),
    };
    return {
      type: 'object',
      properties: {
        AWSTemplateFormatVersion: { enum: ['2010-09-09'] },
        HeatTemplateFormatVersion: { enum: ['2012-12-12'] },
        Description: { type: 'string' },
        Mappings: { type: ['object', 'null'], additionalProperties: { type: 'object' } },
        Parameters: { type: ['object', 'null'], additionalProperties: parameter },
        Conditions: { type: ['object', 'null'], additionalProperties: { anyOf: [{ type: 'boolean' }, INTRINSIC] } },
        Resources: { type: ['object', 'null'], additionalProperties: resource },
        Outputs: {
          type: ['object', 'null'],
          additionalProperties: {
            type: 'object',
            properties: { Description: { type: 'string' }, Value: { description: 'The value of the output.' }, Condition: INTRINSIC },
            required: ['Value'],
          },
        },
      },
      additionalProperties: false,
    };
  } finally {
    INTRINSIC = saved;
  }
}

/** The JSON Schema of a HOT template (draft-07). */
export function hotJsonSchema(): JsonSchema {
  const types = paletteTypes();
  const parameter: JsonSchema = {
    type: 'object',
    properties: {
      type: { enum: [...PARAMETER_TYPES], description: 'The kind of value the parameter takes.' },
      description: { type: 'string' },
      label: { type: 'string', description: 'A short name for forms.' },
      default: { description: 'The value used when none is given.' },
      hidden: { type: 'boolean', description: 'Mask the value in forms and in stack details.' },
      immutable: { type: 'boolean', description: 'The value cannot change in a stack update.' },
      tags: { type: 'array', items: { type: 'string' } },
      constraints: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            length: { type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } }, additionalProperties: false },
            range: { type: 'object', properties: { min: { type: 'number' }, max: { type: 'number' } }, additionalProperties: false },
            modulo: { type: 'object', properties: { step: { type: 'integer' }, offset: { type: 'integer' } }, additionalProperties: false },
            allowed_values: { type: 'array' },
            allowed_pattern: { type: 'string' },
            custom_constraint: {
              type: 'string',
              description: 'A check against the cloud (nova.flavor, glance.image, ...): not checked offline.',
            },
            description: { type: 'string' },
          },
          additionalProperties: false,
        },
      },
    },
    required: ['type'],
    additionalProperties: false,
  };
  const resource: JsonSchema = {
    type: 'object',
    properties: {
      type: {
        description: "The resource type: a Heat type, a type from the environment's resource_registry, or a template file.",
        anyOf: [{ enum: types.map((t) => t.name) }, { type: 'string' }],
      },
      properties: { type: 'object' },
      metadata: { type: 'object' },
      depends_on: {
        description: 'Resources to create before this one (besides those get_resource and get_attr already imply).',
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
      deletion_policy: withFunctions({ enum: ['Delete', 'Retain', 'Snapshot', 'delete', 'retain', 'snapshot'] }),
      update_policy: { type: 'object' },
      description: { type: 'string' },
      external_id: withFunctions({ type: 'string', description: 'Adopt an existing cloud object instead of creating one.' }),
      condition: withFunctions({
        type: ['string', 'boolean'],
        description: 'A condition (its name, or a condition function): the resource exists only when it is true.',
      }),
    },
    required: ['type'],
    additionalProperties: false,
    allOf: types.map((t) => typeJsonSchema(t, LATEST_HOT_VERSION.keys.resource)),
  };
  const hot: JsonSchema = {
    type: 'object',
    properties: {
      heat_template_version: {
        enum: [...HOT_VERSION_NAMES],
        description: 'The HOT version: which sections and functions the template may use.',
      },
      description: { type: 'string' },
      parameter_groups: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            label: { type: 'string' },
            description: { type: 'string' },
            parameters: { type: 'array', items: { type: 'string' } },
          },
          required: ['parameters'],
        },
      },
      parameters: { type: ['object', 'null'], additionalProperties: parameter },
      conditions: { type: ['object', 'null'], additionalProperties: { anyOf: [{ type: 'boolean' }, INTRINSIC] } },
      resources: { type: ['object', 'null'], additionalProperties: resource },
      outputs: {
        type: ['object', 'null'],
        additionalProperties: {
          type: 'object',
          properties: {
            description: { type: 'string' },
            value: { description: 'The value of the output.' },
            condition: withFunctions({ type: ['string', 'boolean'], description: 'The output exists only when this condition is true.' }),
          },
          required: ['value'],
        },
      },
    },
    required: ['heat_template_version'],
    additionalProperties: false,
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://hearth.invalid/schemas/hot.schema.json',
    title: 'OpenStack Heat Orchestration Template (HOT, or the CloudFormation format)',
    // A template with a CloudFormation version key is read in that format (as Heat picks its template class).
    if: { anyOf: [{ required: ['AWSTemplateFormatVersion'] }, { required: ['HeatTemplateFormatVersion'] }] },
    then: cfnSchema(),
    else: hot,
    definitions: {
      cfnIntrinsic: intrinsicSchema(CFN_FUNCTIONS),
      intrinsic: intrinsicSchema(FUNCTIONS),
    },
  };
}
