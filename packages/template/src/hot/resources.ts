// Resource definitions: each entry of the resources section read the way
// Heat reads it (template.validate, validate_section, _rsrc_defn_args).
import type { YMap, YNode } from '../yaml/nodes.ts';
import { effectivePairs, get, getPair } from '../yaml/nodes.ts';
import type { Expr, ParseHooks } from './expr.ts';
import { HeatError, parseExpr } from './expr.ts';
import type { HotVersion } from './versions.ts';

export interface DependsOnEntry {
  name: string;
  node: YNode;
}

export interface ResourceDef {
  name: string;
  keyNode: YNode;
  node: YNode;
  /** The literal type name, when it is one. */
  type: string | null;
  typeNode: YNode | null;
  properties: Expr | null;
  propertiesNode: YNode | null;
  metadata: Expr | null;
  metadataNode: YNode | null;
  dependsOn: DependsOnEntry[];
  dependsOnNode: YNode | null;
  deletionPolicy: Expr | null;
  deletionPolicyNode: YNode | null;
  updatePolicy: Expr | null;
  updatePolicyNode: YNode | null;
  description: string | null;
  externalId: Expr | null;
  externalIdNode: YNode | null;
  condition: Expr | null;
  conditionNode: YNode | null;
  /** The definition could not be read; it takes no further part in validation. */
  broken: boolean;
}

export type Report = (error: HeatError, path: string) => void;

export interface ResourceParseHooks {
  expr: ParseHooks;
  condition: ParseHooks;
}

/**
 * Heat's structural checks of the resources section (Template.validate and
 * HOTemplate.validate_section). Returns the resource entries to read.
 */
export function resourceEntries(
  section: YNode | undefined,
  version: HotVersion,
  report: Report,
): Array<{ name: string; keyNode: YNode; node: YNode }> {
  if (
    !section ||
    (section.kind === 'scalar' && (section.value === null || section.value === '' || section.value === false || section.value === 0))
  )
    return [];
  if (section.kind !== 'map') {
    if (section.kind === 'seq' && section.items.length === 0) return [];
    report(
      new HeatError('The resources section must be a map of resource names to resource definitions.', section, 'RESOURCES_NOT_MAP'),
      'resources',
    );
    return [];
  }
  const out: Array<{ name: string; keyNode: YNode; node: YNode }> = [];
  for (const pair of effectivePairs(section)) {
    const path = `resources.${pair.keyText}`;
    const def = pair.value;
    const empty =
      def.kind === 'scalar'
        ? def.value === null || def.value === '' || def.value === false || def.value === 0
        : def.kind === 'map'
          ? def.pairs.length === 0
          : def.items.length === 0;
    if (empty) {
      report(
        new HeatError(
          `Each resource must contain a ${version.keys.resource.type} key; ${pair.keyText} has no definition.`,
          pair.key,
          'RESOURCE_NO_TYPE',
        ),
        path,
      );
      continue;
    }
    if (def.kind !== 'map') {
      const found = `[${def.kind === 'seq' ? "<class 'list'>" : "<class 'str'>"}]`;
      report(
        new HeatError(
          version.format === 'cfn'
            ? `Resources must contain Resource. Found a ${found} instead`
            : `"resources" must contain a map of resource maps. Found a ${found} instead`,
          def,
          'RESOURCE_NOT_MAP',
        ),
        path,
      );
      continue;
    }
    let ok = true;
    // HOT refuses unknown keys (validate_section); the CloudFormation format ignores them.
    for (const p of version.checksResourceKeys ? effectivePairs(def) : []) {
      if (!version.resourceKeys.includes(p.keyText)) {
        report(
          new HeatError(
            `"${p.keyText}" is not a valid keyword inside a resource definition; use ${version.resourceKeys.join(', ')}.`,
            p.key,
            'RESOURCE_KEY_UNKNOWN',
          ),
          `${path}.${p.keyText}`,
        );
        ok = false;
      }
    }
    const typeKey = version.keys.resource.type;
    const type = get(def, typeKey);
    if (!type) {
      report(
        new HeatError(`Each resource must contain a ${typeKey} key; add "${typeKey}:" to ${pair.keyText}.`, pair.key, 'RESOURCE_NO_TYPE'),
        path,
      );
      continue;
    }
    if (type.kind === 'scalar' && (type.value === null || type.value === '' || type.value === false || type.value === 0)) {
      report(
        new HeatError(`Each Resource must contain a Type key; the type of ${pair.keyText} is empty.`, type, 'RESOURCE_NO_TYPE'),
        `${path}.type`,
      );
      continue;
    }
    if (ok) out.push({ name: pair.keyText, keyNode: pair.key, node: def });
  }
  return out;
}

function isNull(node: YNode): boolean {
  return node.kind === 'scalar' && node.value === null;
}

/** Reads one resource definition (Heat's _rsrc_defn_args). */
export function parseResourceDef(
  name: string,
  keyNode: YNode,
  node: YMap,
  version: HotVersion,
  hooks: ResourceParseHooks,
  report: Report,
): ResourceDef {
  const path = `resources.${name}`;
  const def: ResourceDef = {
    name,
    keyNode,
    node,
    type: null,
    typeNode: null,
    properties: null,
    propertiesNode: null,
    metadata: null,
    metadataNode: null,
    dependsOn: [],
    dependsOnNode: null,
    deletionPolicy: null,
    deletionPolicyNode: null,
    updatePolicy: null,
    updatePolicyNode: null,
    description: null,
    externalId: null,
    externalIdNode: null,
    condition: null,
    conditionNode: null,
    broken: false,
  };
  // Fields are named by the logical (HOT) key; the version gives the key written in the template.
  const keys = version.keys.resource;
  const written: Record<string, string | null> = {
    type: keys.type,
    properties: keys.properties,
    metadata: keys.metadata,
    depends_on: keys.dependsOn,
    deletion_policy: keys.deletionPolicy,
    update_policy: keys.updatePolicy,
    description: keys.description,
    external_id: keys.externalId,
    condition: keys.condition,
  };
  const field = (key: string) => {
    const actual = written[key];
    return actual ? (getPair(node, actual)?.value ?? null) : null;
  };
  const typeError = (key: string, typename: string, at: YNode) => {
    def.broken = true;
    report(new HeatError(`Resource ${name} ${written[key] ?? key} type must be ${typename}`, at, 'RESOURCE_FIELD_TYPE'), `${path}.${key}`);
  };

  const typeNode = field('type');
  def.typeNode = typeNode;
  if (typeNode) {
    const typeExpr = parseExpr(typeNode, hooks.expr, `${path}.type`);
    if (typeExpr.t === 'lit' && typeof typeExpr.value === 'string') def.type = typeExpr.value;
    else typeError('type', 'string', typeNode);
  }

  const mapField = (key: 'properties' | 'metadata' | 'update_policy') => {
    const n = field(key);
    if (!n || isNull(n)) return { expr: null, node: n };
    const expr = parseExpr(n, hooks.expr, `${path}.${key}`);
    if (expr.t !== 'map' && expr.t !== 'fn') {
      typeError(key, 'object', n);
      return { expr: null, node: n };
    }
    return { expr, node: n };
  };
  const props = mapField('properties');
  def.properties = props.expr;
  def.propertiesNode = props.node;
  const meta = mapField('metadata');
  def.metadata = meta.expr;
  def.metadataNode = meta.node;

  const depends = field('depends_on');
  def.dependsOnNode = depends;
  if (depends && !isNull(depends)) {
    if (depends.kind === 'scalar' && typeof depends.value === 'string') def.dependsOn = [{ name: depends.value, node: depends }];
    else if (depends.kind === 'seq') {
      for (const item of depends.items) {
        if (item.kind === 'scalar' && typeof item.value === 'string') def.dependsOn.push({ name: item.value, node: item });
        else {
          def.broken = true;
          report(
            new HeatError(`Resource ${name} ${keys.dependsOn} must be a list of strings`, item, 'DEPENDS_ON_TYPE'),
            `${path}.depends_on`,
          );
        }
      }
    } else typeError('depends_on', 'list or string', depends);
  }

  const deletion = field('deletion_policy');
  def.deletionPolicyNode = deletion;
  if (deletion && !isNull(deletion)) {
    const expr = parseExpr(deletion, hooks.expr, `${path}.deletion_policy`);
    if (!(expr.t === 'fn' || (expr.t === 'lit' && typeof expr.value === 'string'))) typeError('deletion_policy', 'string', deletion);
    else def.deletionPolicy = expr;
  }

  const update = mapField('update_policy');
  def.updatePolicy = update.expr;
  def.updatePolicyNode = update.node;

  const description = field('description');
  if (description && !isNull(description)) {
    if (description.kind === 'scalar' && typeof description.value === 'string') def.description = description.value;
    else typeError('description', 'string', description);
  }

  {
    const external = field('external_id');
    def.externalIdNode = external;
    if (external && !isNull(external)) {
      const expr = parseExpr(external, hooks.expr, `${path}.external_id`);
      if (!(expr.t === 'fn' || (expr.t === 'lit' && typeof expr.value === 'string'))) typeError('external_id', 'string', external);
      else def.externalId = expr;
    }
    const condition = field('condition');
    def.conditionNode = condition;
    if (condition && !isNull(condition)) {
      const expr = parseExpr(condition, hooks.condition, `${path}.condition`);
      if (!(expr.t === 'fn' || (expr.t === 'lit' && (typeof expr.value === 'string' || typeof expr.value === 'boolean')))) {
        typeError('condition', 'string_or_boolean', condition);
      } else def.condition = expr;
    }
  }
  return def;
}
