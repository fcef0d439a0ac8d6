// Every HOT version Heat knows, with exactly the sections, resource keys and
// intrinsic functions Heat allows in it (heat/engine/hot/template.py).

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
  | 'CfnResourceFacade';

export interface HotVersion {
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
}

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
  };
}

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
