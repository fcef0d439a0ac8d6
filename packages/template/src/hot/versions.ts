// Every template version Heat knows, with exactly the sections, resource keys
// and intrinsic functions Heat allows in it: the HOT versions
// (heat/engine/hot/template.py) and the two CloudFormation-compatible ones
// (heat/engine/cfn/template.py). One analysis reads both formats through the
// key names each version gives (`keys`), as Heat's template classes do.

/** How a function name behaves in a version; the names are Heat's class names. */
export type FunctionImpl =
  | 'GetParam'
  | 'GetResource'
  | 'GetAttThenSelect'
  | 'GetAtt'
  | 'GetAttAllAttributes'
  | 'GetFile'
  | 'Join'
  | 'JoinMultiple'
  | 'Replace'
  | 'ReplaceJson'
  | 'ReplaceJsonStrict'
  | 'ReplaceJsonVeryStrict'
  | 'ResourceFacade'
  | 'Repeat'
  | 'RepeatWithMap'
  | 'RepeatWithNestedLoop'
  | 'Digest'
  | 'StrSplit'
  | 'MapMerge'
  | 'MapReplace'
  | 'Yaql'
  | 'If'
  | 'IfNullable'
  | 'Equals'
  | 'Not'
  | 'And'
  | 'Or'
  | 'Filter'
  | 'MakeURL'
  | 'ListConcat'
  | 'ListConcatUnique'
  | 'Contains'
  | 'Removed'
  // CloudFormation functions still accepted by HOT 2013-05-23.
  | 'CfnGetAZs'
  | 'CfnRef'
  | 'CfnSelect'
  | 'CfnJoin'
  | 'CfnSplit'
  | 'CfnReplace'
  | 'CfnBase64'
  | 'CfnMemberListToMap'
  | 'CfnResourceFacade'
  // Only in CloudFormation-format templates.
  | 'CfnFindInMap'
  | 'CfnGetAtt'
  | 'CfnNot'
  | 'CfnParamRef';

/** The names a version gives to the sections and keys Hearth reads. */
export interface TemplateKeys {
  version: string;
  description: string;
  parameters: string;
  resources: string;
  outputs: string;
  conditions: string | null;
  parameterGroups: string | null;
  mappings: string | null;
  resource: {
    type: string;
    properties: string;
    metadata: string;
    dependsOn: string;
    deletionPolicy: string;
    updatePolicy: string;
    description: string;
    condition: string | null;
    externalId: string | null;
  };
  output: { value: string; description: string; condition: string | null };
}

const HOT_KEYS: TemplateKeys = {
  version: 'heat_template_version',
  description: 'description',
  parameters: 'parameters',
  resources: 'resources',
  outputs: 'outputs',
  conditions: null,
  parameterGroups: 'parameter_groups',
  mappings: null,
  resource: {
    type: 'type',
    properties: 'properties',
    metadata: 'metadata',
    dependsOn: 'depends_on',
    deletionPolicy: 'deletion_policy',
    updatePolicy: 'update_policy',
    description: 'description',
    condition: null,
    externalId: null,
  },
  output: { value: 'value', description: 'description', condition: null },
};

const HOT_KEYS_WITH_CONDITIONS: TemplateKeys = {
  ...HOT_KEYS,
  conditions: 'conditions',
  resource: { ...HOT_KEYS.resource, condition: 'condition', externalId: 'external_id' },
  output: { ...HOT_KEYS.output, condition: 'condition' },
};
export interface HotVersion {
  /** hot, or cfn for the CloudFormation-compatible format. */
  format: 'hot' | 'cfn';
  keys: TemplateKeys;
  /** The canonical date, e.g. "2018-08-31". */
  date: string;
  /** Release names that mean the same version. */
  aliases: readonly string[];
  sections: readonly string[];
  resourceKeys: readonly string[];
  outputKeys: readonly string[];
  functions: Readonly<Record<string, FunctionImpl>>;
  conditionFunctions: Readonly<Record<string, FunctionImpl>>;
  hasConditions: boolean;
  /** Parameter schema keys Heat accepts in this version. */
  parameterKeys: readonly string[];
  /** The modulo constraint exists from 2017-02-24 (ocata). */
  hasModulo: boolean;
  /** Lower-case deletion policies (delete, retain, snapshot) from 2016-10-14. */
  lowercaseDeletionPolicies: boolean;
  /** HOT refuses unknown keys in a resource definition; the CloudFormation format ignores them. */
  checksResourceKeys: boolean;
  /** Parameters every stack has (OS::stack_name, AWS::StackName, ...). */
  pseudoParameters: readonly string[];
}

/** Any version of either format (HotVersion is its older name). */
export type TemplateVersion = HotVersion;

const CFN_REMOVED = [
  'Fn::GetAZs',
  'Fn::Join',
  'Fn::Split',
  'Fn::Replace',
  'Fn::Base64',
  'Fn::MemberListToMap',
  'Fn::ResourceFacade',
  'Ref',
] as const;

function removed(names: readonly string[]): Record<string, FunctionImpl> {
  return Object.fromEntries(names.map((n) => [n, 'Removed' as const]));
}

const BASE_SECTIONS = ['heat_template_version', 'description', 'parameter_groups', 'parameters', 'resources', 'outputs'];
const BASE_RESOURCE_KEYS = ['type', 'properties', 'metadata', 'depends_on', 'deletion_policy', 'update_policy', 'description'];
const BASE_PARAMETER_KEYS = ['type', 'description', 'default', 'schema', 'constraints', 'hidden', 'label', 'immutable'];

const F20130523: Record<string, FunctionImpl> = {
  'Fn::GetAZs': 'CfnGetAZs',
  get_param: 'GetParam',
  get_resource: 'GetResource',
  Ref: 'CfnRef',
  get_attr: 'GetAttThenSelect',
  'Fn::Select': 'CfnSelect',
  'Fn::Join': 'CfnJoin',
  list_join: 'Join',
  'Fn::Split': 'CfnSplit',
  str_replace: 'Replace',
  'Fn::Replace': 'CfnReplace',
  'Fn::Base64': 'CfnBase64',
  'Fn::MemberListToMap': 'CfnMemberListToMap',
  resource_facade: 'ResourceFacade',
  'Fn::ResourceFacade': 'CfnResourceFacade',
  get_file: 'GetFile',
};

const F20141016: Record<string, FunctionImpl> = {
  get_attr: 'GetAtt',
  get_file: 'GetFile',
  get_param: 'GetParam',
  get_resource: 'GetResource',
  list_join: 'Join',
  resource_facade: 'ResourceFacade',
  str_replace: 'Replace',
  'Fn::Select': 'CfnSelect',
  ...removed(CFN_REMOVED),
};

const F20150430: Record<string, FunctionImpl> = { ...F20141016, repeat: 'Repeat', digest: 'Digest' };

const F20151015: Record<string, FunctionImpl> = {
  ...F20150430,
  get_attr: 'GetAttAllAttributes',
  list_join: 'JoinMultiple',
  str_replace: 'ReplaceJson',
  str_split: 'StrSplit',
  'Fn::Select': 'Removed',
};

const F20160408: Record<string, FunctionImpl> = { ...F20151015, map_merge: 'MapMerge' };

const F20161014: Record<string, FunctionImpl> = {
  ...F20160408,
  repeat: 'RepeatWithMap',
  yaql: 'Yaql',
  map_replace: 'MapReplace',
  if: 'If',
};

const F20170224: Record<string, FunctionImpl> = { ...F20161014, filter: 'Filter', str_replace_strict: 'ReplaceJsonStrict' };

const F20170901: Record<string, FunctionImpl> = {
  ...F20170224,
  repeat: 'RepeatWithNestedLoop',
  make_url: 'MakeURL',
  list_concat: 'ListConcat',
  str_replace_vstrict: 'ReplaceJsonVeryStrict',
  list_concat_unique: 'ListConcatUnique',
  contains: 'Contains',
};

const F20210416: Record<string, FunctionImpl> = { ...F20170901, if: 'IfNullable' };

const C20161014: Record<string, FunctionImpl> = { get_param: 'GetParam', equals: 'Equals', not: 'Not', and: 'And', or: 'Or' };
const C20170901: Record<string, FunctionImpl> = { ...C20161014, yaql: 'Yaql', contains: 'Contains' };

function version(
  date: string,
  aliases: string[],
  functions: Record<string, FunctionImpl>,
  conditionFunctions: Record<string, FunctionImpl>,
  features: { conditions: boolean; modulo: boolean; tags: boolean },
): HotVersion {
  return {
    format: 'hot',
    keys: features.conditions ? HOT_KEYS_WITH_CONDITIONS : HOT_KEYS,
    date,
    aliases,
    sections: features.conditions ? [...BASE_SECTIONS, 'conditions'] : BASE_SECTIONS,
    resourceKeys: features.conditions ? [...BASE_RESOURCE_KEYS, 'external_id', 'condition'] : BASE_RESOURCE_KEYS,
    outputKeys: features.conditions ? ['description', 'value', 'condition'] : ['description', 'value'],
    functions,
    conditionFunctions,
    hasConditions: features.conditions,
    parameterKeys: features.tags ? [...BASE_PARAMETER_KEYS, 'tags'] : BASE_PARAMETER_KEYS,
    hasModulo: features.modulo,
    lowercaseDeletionPolicies: features.conditions,
    checksResourceKeys: true,
    pseudoParameters: HOT_PSEUDO_PARAMETERS,
  };
}

const HOT_PSEUDO_PARAMETERS = ['OS::stack_id', 'OS::stack_name', 'OS::project_id'];

const none = { conditions: false, modulo: false, tags: false };

export const HOT_VERSIONS: readonly HotVersion[] = [
  version('2013-05-23', [], F20130523, {}, none),
  version('2014-10-16', [], F20141016, {}, none),
  version('2015-04-30', [], F20150430, {}, none),
  version('2015-10-15', [], F20151015, {}, none),
  version('2016-04-08', [], F20160408, {}, none),
  version('2016-10-14', ['newton'], F20161014, C20161014, { conditions: true, modulo: false, tags: false }),
  version('2017-02-24', ['ocata'], F20170224, C20161014, { conditions: true, modulo: true, tags: false }),
  version('2017-09-01', ['pike'], F20170901, C20170901, { conditions: true, modulo: true, tags: false }),
  version('2018-03-02', ['queens'], F20170901, C20170901, { conditions: true, modulo: true, tags: true }),
  version('2018-08-31', ['rocky'], F20170901, C20170901, { conditions: true, modulo: true, tags: true }),
  version('2021-04-16', ['wallaby'], F20210416, C20170901, { conditions: true, modulo: true, tags: true }),
];

// ---------------------------------------------------------------- CloudFormation format

const CFN_KEYS: TemplateKeys = {
  version: 'AWSTemplateFormatVersion',
  description: 'Description',
  parameters: 'Parameters',
  resources: 'Resources',
  outputs: 'Outputs',
  conditions: 'Conditions',
  parameterGroups: null,
  mappings: 'Mappings',
  resource: {
    type: 'Type',
    properties: 'Properties',
    metadata: 'Metadata',
    dependsOn: 'DependsOn',
    deletionPolicy: 'DeletionPolicy',
    updatePolicy: 'UpdatePolicy',
    description: 'Description',
    condition: 'Condition',
    externalId: null,
  },
  output: { value: 'Value', description: 'Description', condition: 'Condition' },
};

const CFN_SECTIONS = [
  'AWSTemplateFormatVersion',
  'HeatTemplateFormatVersion',
  'Description',
  'Mappings',
  'Parameters',
  'Resources',
  'Outputs',
];
/** Heat's legacy parameter schema keys (heat/engine/parameters.py PARAMETER_KEYS). */
export const CFN_PARAMETER_KEYS = [
  'Type',
  'Default',
  'NoEcho',
  'AllowedValues',
  'AllowedPattern',
  'MaxLength',
  'MinLength',
  'MaxValue',
  'MinValue',
  'Description',
  'ConstraintDescription',
  'Label',
];

/** HeatTemplate (HeatTemplateFormatVersion 2012-12-12): no conditions. */
const F_HEAT_CFN: Record<string, FunctionImpl> = {
  'Fn::FindInMap': 'CfnFindInMap',
  'Fn::GetAZs': 'CfnGetAZs',
  Ref: 'CfnRef',
  'Fn::GetAtt': 'CfnGetAtt',
  'Fn::Select': 'CfnSelect',
  'Fn::Join': 'CfnJoin',
  'Fn::Split': 'CfnSplit',
  'Fn::Replace': 'CfnReplace',
  'Fn::Base64': 'CfnBase64',
  'Fn::MemberListToMap': 'CfnMemberListToMap',
  'Fn::ResourceFacade': 'CfnResourceFacade',
};

/** CfnTemplate (AWSTemplateFormatVersion 2010-09-09): HeatTemplate's functions and Fn::If. */
const F_CFN: Record<string, FunctionImpl> = { ...F_HEAT_CFN, 'Fn::If': 'If' };
const C_CFN: Record<string, FunctionImpl> = {
  'Fn::Equals': 'Equals',
  Ref: 'CfnParamRef',
  'Fn::FindInMap': 'CfnFindInMap',
  'Fn::Not': 'CfnNot',
  'Fn::And': 'And',
  'Fn::Or': 'Or',
};

function cfnVersion(versionKey: string, date: string, conditions: boolean): HotVersion {
  return {
    format: 'cfn',
    keys: conditions
      ? { ...CFN_KEYS, version: versionKey }
      : {
          ...CFN_KEYS,
          version: versionKey,
          conditions: null,
          resource: { ...CFN_KEYS.resource, condition: null },
          output: { ...CFN_KEYS.output, condition: null },
        },
    date,
    aliases: [],
    sections: conditions ? [...CFN_SECTIONS, 'Conditions'] : CFN_SECTIONS,
    resourceKeys: Object.values(CFN_KEYS.resource).filter((k): k is string => k !== null && (conditions || k !== 'Condition')),
    outputKeys: conditions ? ['Description', 'Value', 'Condition'] : ['Description', 'Value'],
    functions: conditions ? F_CFN : F_HEAT_CFN,
    conditionFunctions: conditions ? C_CFN : {},
    hasConditions: conditions,
    parameterKeys: CFN_PARAMETER_KEYS,
    hasModulo: false,
    lowercaseDeletionPolicies: false,
    checksResourceKeys: false,
    pseudoParameters: ['AWS::StackId', 'AWS::StackName', 'AWS::Region'],
  };
}

/** The CloudFormation-format versions, by version key. */
export const CFN_VERSIONS: Readonly<Record<string, HotVersion>> = {
  AWSTemplateFormatVersion: cfnVersion('AWSTemplateFormatVersion', '2010-09-09', true),
  HeatTemplateFormatVersion: cfnVersion('HeatTemplateFormatVersion', '2012-12-12', false),
};

/** The version keys Heat looks for at the top of a template. */
export const VERSION_KEYS = ['heat_template_version', 'HeatTemplateFormatVersion', 'AWSTemplateFormatVersion'] as const;

/**
 * The version a version key and value name, or the values that key accepts
 * (for the message when the value is not one of them).
 */
export function findTemplateVersion(key: string, value: string): HotVersion | { accepted: readonly string[] } {
  if (key === 'heat_template_version') return findHotVersion(value) ?? { accepted: HOT_VERSION_NAMES };
  const cfn = CFN_VERSIONS[key];
  if (!cfn) return { accepted: [] };
  return cfn.date === value ? cfn : { accepted: [cfn.date] };
}

const BY_NAME = new Map<string, HotVersion>();
for (const v of HOT_VERSIONS) {
  BY_NAME.set(v.date, v);
  for (const a of v.aliases) BY_NAME.set(a, v);
}

export function findHotVersion(value: string): HotVersion | undefined {
  return BY_NAME.get(value);
}

/** Every accepted value of heat_template_version, sorted as Heat lists them. */
export const HOT_VERSION_NAMES: readonly string[] = [...BY_NAME.keys()].sort();

export const LATEST_HOT_VERSION: HotVersion = HOT_VERSIONS[HOT_VERSIONS.length - 1]!;

/**
 * In a condition, every template function that is not a condition function is
 * invalid, except the removed ones, which stay "removed" (Heat reports those
 * as not supported in this version).
 */
export function conditionFunctionTable(v: HotVersion): Record<string, FunctionImpl | 'Invalid'> {
  const table: Record<string, FunctionImpl | 'Invalid'> = {};
  for (const [name, impl] of Object.entries(v.functions)) table[name] = impl === 'Removed' ? 'Removed' : 'Invalid';
  return { ...table, ...v.conditionFunctions };
}
