// Heat's group types, each run as a nested stack whose members are visible
// resources: ResourceGroup (`count` copies of one definition),
// ResourceChain (one resource per type, each after the one before unless
// concurrent) and Software/StructuredDeploymentGroup (one deployment per
// server). One factory gives each its provider; a kind says only what its
// nested template is and how its own attributes read the members
// (heat/engine/resources/openstack/heat/resource_group.py, resource_chain.py,
// software_deployment.py).
import type { ActionContext, AdoptResource, ResourceProvider } from '@hearth/engine';
import { RESOURCE_LIMIT_MESSAGE, ResourceFailure } from '@hearth/engine';
import type { Value, ValueMap } from '@hearth/template';
import { randomBytes } from 'node:crypto';
import { isValueMap } from '@hearth/template';
import { stringify } from 'yaml';

const str = (v: Value | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const num = (v: Value | undefined, d = 0): number => (typeof v === 'number' ? v : Number(v ?? d) || d);

/** A value's part at a path of keys and indexes (null where there is none). */
export function dig(value: Value, keys: Value[]): Value {
  let v = value;
  for (const k of keys) {
    if (Array.isArray(v) && typeof k === 'number') v = v[k] ?? null;
    else if (isValueMap(v)) v = v[String(k)] ?? null;
    else return null;
  }
  return v;
}

/** What a resource run as a nested stack does besides making it: its stack is deleted, suspended and resumed with it. */
export const nestedStackActions: Pick<ResourceProvider, 'delete' | 'check' | 'suspend' | 'resume'> = {
  async delete(ctx) {
    if (ctx.physicalId) await ctx.services.deleteNested(ctx.physicalId, ctx.signal);
  },
  async check() {},
  async suspend(ctx) {
    if (ctx.physicalId) await ctx.services.suspendNested(ctx.physicalId, ctx.signal);
  },
  async resume(ctx) {
    if (ctx.physicalId) await ctx.services.resumeNested(ctx.physicalId, ctx.signal);
  },
};

/** What one group type is: its members for given properties, and its own attributes. */
export interface GroupKind {
  /** What the group is called in messages ("group", "chain"). */
  noun: string;
  /** How many members the properties ask for (checked against the stack tree's room before the template is written). */
  size(properties: ValueMap): number;
  /**
   * The members' definitions, by name, in the order Heat lists them (the
   * first `limit` of them); `current`: the names the nested stack has now,
   * oldest first (a scaling group keeps them).
   */
  members(properties: ValueMap, limit?: number, current?: string[]): Array<[string, ValueMap]>;
  /** Whether Heat validates only the first member at request time (a group) or them all (a chain). */
  validatesFirstOnly: boolean;
  /** A properties problem Heat refuses at create (the message), or null. */
  invalid?(properties: ValueMap): string | null;
  /** A scaling group: the same properties asking for `capacity` members (what a scaling policy's signal sets). */
  withCapacity?(properties: ValueMap, capacity: number): ValueMap;
  /** A scaling group: what an update (or an adopt) builds from, given how many members the group has now. */
  onUpdate?(properties: ValueMap, current: number): ValueMap;
  /**
   * What the members are built from, when the group's properties do not say it all (an AWS
   * scaling group's launch configuration is another resource): the properties, completed.
   */
  prepare?(ctx: ActionContext): Promise<ValueMap>;
  /** An attribute of the kind's own, read from the members' attributes by name (undefined: not one of its own). */
  attribute?(members: Record<string, ValueMap>, name: string, path: Value[]): Value | undefined;
}

function templateOf(members: Array<[string, ValueMap]>): string {
  const resources = Object.fromEntries(members);
  return stringify({ heat_template_version: '2018-08-31', resources, outputs: {} }, { version: '1.1' });
}

async function memberAttributes(ctx: ActionContext, stackId: string, order: string[]): Promise<ValueMap> {
  const members = await ctx.services.nestedResources(stackId);
  const rank = new Map(order.map((name, i) => [name, i]));
  members.sort((a, b) => (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity));
  return {
    refs: members.map((m) => m.physicalId),
    refs_map: Object.fromEntries(members.map((m) => [m.name, m.physicalId])),
    removed_rsrc_list: [],
    nested_stack: stackId,
    members: Object.fromEntries(members.map((m) => [m.name, m.attributes])),
  };
}

/**
 * A group's size, refused before its members are written out when the tree
 * of stacks could not hold them (a count of ten million would exhaust
 * memory long before the nested stack's own check).
 */
async function checkSize(ctx: ActionContext, kind: GroupKind, properties: ValueMap): Promise<void> {
  const count = kind.size(properties);
  const capacity = await ctx.services.nestedCapacity(ctx.stack, ctx.physicalId);
  if (count > capacity) {
    throw new ResourceFailure(
      `${RESOURCE_LIMIT_MESSAGE} (The ${kind.noun}'s ${count.toLocaleString('en-US')} members would not fit: its stack tree has room for ${Math.max(0, capacity).toLocaleString('en-US')} more resources.)`,
      'RequestLimitExceeded',
    );
  }
}

/** The provider of a group kind: its members run as a nested stack, created, updated, deleted, suspended with it. */
export function nestedGroup(kind: GroupKind): ResourceProvider {
  const run = async (
    ctx: ActionContext,
    existing: string | null,
    propertiesFor: (current: string[], base: ValueMap) => ValueMap = (_current, base) => base,
    adopt?: AdoptResource,
  ) => {
    const problem = kind.invalid?.(ctx.properties);
    if (problem) throw new ResourceFailure(problem, 'StackValidationFailed');
    // An adopted group keeps the members the data names (a scaling group's names among them).
    const current = existing ? (await ctx.services.nestedResources(existing)).map((m) => m.name) : Object.keys(adopt?.resources ?? {});
    const base = kind.prepare ? await kind.prepare(ctx) : ctx.properties;
    const properties = propertiesFor(current, base);
    await checkSize(ctx, kind, properties);
    const members = kind.members(properties, Infinity, current);
    const order = members.map(([name]) => name);
    const request = {
      parent: ctx.stack,
      resourceName: ctx.resourceName,
      template: templateOf(members),
      parameters: {},
      files: existing ? {} : (ctx.nestedTemplate?.files ?? {}),
      signal: ctx.signal,
      ...(adopt ? { adoptData: { resources: adopt.resources ?? {} } } : {}),
    };
    const nested = existing ? await ctx.services.updateNested(existing, request) : await ctx.services.createNested(request);
    return { physicalId: nested.stackId, attributes: await memberAttributes(ctx, nested.stackId, order) };
  };
  return {
    create: (ctx) => run(ctx, null),
    // A scaling group adopts as many members as the data names (a policy may have resized it), within min and max.
    adoptFrom: (ctx, data) => run(ctx, null, (current, base) => (kind.onUpdate ? kind.onUpdate(base, current.length) : base), data),
    update: (ctx) => run(ctx, ctx.physicalId, (current, base) => (kind.onUpdate ? kind.onUpdate(base, current.length) : base)),
    ...(kind.withCapacity
      ? {
          async resize(ctx: ActionContext, capacity: (current: number, properties: ValueMap) => number) {
            if (!ctx.physicalId) return null;
            const size = (await ctx.services.nestedResources(ctx.physicalId)).length;
            const wanted = capacity(size, ctx.properties);
            if (wanted === size) return null;
            return run(ctx, ctx.physicalId, (_current, base) => kind.withCapacity!(base, wanted));
          },
        }
      : {}),
    ...nestedStackActions,
    // A kind whose members need more than its properties (prepare) has no template to preview with:
    // the plan shows the group, not its members (rather than every member deleted).
    ...(kind.prepare
      ? {}
      : { nestedTemplate: (properties: ValueMap, current?: string[]) => templateOf(kind.members(properties, Infinity, current)) }),
    validationTemplate(properties) {
      if (kind.invalid?.(properties) || kind.size(properties) === 0) return null;
      return templateOf(kind.members(properties, kind.validatesFirstOnly ? 1 : Infinity));
    },
    attribute(state, name, path) {
      const members = (isValueMap(state.attributes.members) ? state.attributes.members : {}) as Record<string, ValueMap>;
      const order = Object.keys(isValueMap(state.attributes.refs_map) ? state.attributes.refs_map : {});
      // heat/engine/resources/stack_resource.py get_nested_attrs: resource.<n>[.<attr>...], then the path.
      const m = /^resource\.([^.]+)(?:\.(.+))?$/.exec(name);
      if (m) {
        const member = members[m[1]!];
        if (!isValueMap(member)) return null;
        const [attr, ...rest] = [...(m[2] ? m[2].split('.') : []), ...path];
        if (attr === undefined) return isValueMap(state.attributes.refs_map) ? (state.attributes.refs_map[m[1]!] ?? null) : null;
        return dig(member[String(attr)] ?? null, rest);
      }
      const own = kind.attribute?.(members, name, path);
      if (own !== undefined) return own;
      if (name === 'attributes' && path.length) {
        const [attr, ...rest] = path;
        return Object.fromEntries(order.map((k) => [k, dig(members[k]?.[String(attr)] ?? null, rest)])) as ValueMap;
      }
      if (name in state.attributes) return undefined;
      // Any other name is each member's attribute of that name, as a list.
      return order.map((k) => dig(members[k]?.[name] ?? null, path));
    },
  };
}

/** Replaces `index_var` with the index in every string of a definition. */
function withIndex(v: Value, indexVar: string, index: number): Value {
  if (typeof v === 'string') return v.split(indexVar).join(String(index));
  if (Array.isArray(v)) return v.map((x) => withIndex(x, indexVar, index));
  if (isValueMap(v))
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k.split(indexVar).join(String(index)), withIndex(x, indexVar, index)]),
    ) as ValueMap;
  return v;
}

/** OS::Heat::ResourceGroup: `count` copies of one definition, skipping the names removal_policies removed. */
export const RESOURCE_GROUP: GroupKind = {
  noun: 'group',
  validatesFirstOnly: true,
  size: (properties) => Math.max(0, num(properties.count, 1)),
  invalid(properties) {
    const def = isValueMap(properties.resource_def) ? properties.resource_def : null;
    return def && str(def.type) ? null : 'resource_def needs a type';
  },
  members(properties, limit = Infinity) {
    const def = isValueMap(properties.resource_def) ? properties.resource_def : {};
    const count = Math.min(limit, Math.max(0, num(properties.count, 1)));
    const indexVar = str(properties.index_var ?? '%index%') || '%index%';
    const removed = new Set<string>();
    for (const policy of Array.isArray(properties.removal_policies) ? properties.removal_policies : []) {
      if (isValueMap(policy) && Array.isArray(policy.resource_list)) for (const r of policy.resource_list) removed.add(str(r));
    }
    const members: Array<[string, ValueMap]> = [];
    for (let index = 0; members.length < count; index++) {
      if (removed.has(String(index))) continue;
      const member: ValueMap = { type: str(def.type) };
      for (const key of ['properties', 'metadata'] as const) if (isValueMap(def[key])) member[key] = withIndex(def[key], indexVar, index);
      members.push([String(index), member]);
    }
    return members;
  },
};

/** OS::Heat::ResourceChain: one resource per listed type, named by position, each after the one before unless concurrent. */
export const RESOURCE_CHAIN: GroupKind = {
  noun: 'chain',
  validatesFirstOnly: false,
  size: (properties) => (Array.isArray(properties.resources) ? properties.resources.length : 0),
  members(properties, limit = Infinity) {
    const types = Array.isArray(properties.resources) ? properties.resources.slice(0, limit).map((t) => str(t)) : [];
    const shared = isValueMap(properties.resource_properties) ? properties.resource_properties : null;
    return types.map((type, index): [string, ValueMap] => {
      const member: ValueMap = { type };
      if (shared) member.properties = shared;
      if (index > 0 && properties.concurrent !== true) member.depends_on = [String(index - 1)];
      return [String(index), member];
    });
  },
};

/** Software/StructuredDeploymentGroup: one deployment per entry of `servers`, named by its key. */
export function deploymentGroup(memberType: string): GroupKind {
  const PER_MEMBER: Record<string, string> = {
    deploy_stdouts: 'deploy_stdout',
    deploy_stderrs: 'deploy_stderr',
    deploy_status_codes: 'deploy_status_code',
  };
  return {
    noun: 'deployment group',
    validatesFirstOnly: true,
    size: (properties) => Object.keys(isValueMap(properties.servers) ? properties.servers : {}).length,
    members(properties, limit = Infinity) {
      const servers = isValueMap(properties.servers) ? properties.servers : {};
      const { servers: _servers, ...shared } = properties;
      return Object.entries(servers)
        .slice(0, limit)
        .map(([name, server]): [string, ValueMap] => [name, { type: memberType, properties: { ...shared, server } as ValueMap }]);
    },
    // heat/engine/resources/openstack/heat/software_deployment.py SoftwareDeploymentGroup.get_attribute.
    attribute(members, name, path) {
      const attr = PER_MEMBER[name];
      if (!attr) return undefined;
      return dig(Object.fromEntries(Object.entries(members).map(([k, v]) => [k, v[attr] ?? null])) as ValueMap, path);
    },
  };
}

/**
 * What is wrong with a scaling group's sizes (`min_size`, `max_size`, `desired_capacity`), or null:
 * heat/engine/resources/aws/autoscaling/autoscaling_group.py validate, which the OS:: group inherits.
 */
export function scalingSizeProblem(properties: ValueMap): string | null {
  const min = num(properties.min_size, 0);
  const max = num(properties.max_size, 0);
  if (max < min) return 'MinSize can not be greater than MaxSize';
  if (min < 0) return 'The size of AutoScalingGroup can not be less than zero';
  const desired = properties.desired_capacity;
  if (desired !== null && desired !== undefined && (num(desired, 0) < min || num(desired, 0) > max))
    return 'DesiredCapacity must be between MinSize and MaxSize';
  return null;
}

/** A name for a new scaling group member, as Heat's short_id.generate_id makes them (12 characters of base32). */
function memberId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(12)].map((b) => alphabet[b % 32]).join('');
}

/**
 * OS::Heat::AutoScalingGroup: `desired_capacity` (else `min_size`) copies of
 * `resource`, within min and max. As heat/scaling/template.py
 * member_definitions: members keep their names, new ones get new ids, and a
 * shrink removes the oldest first.
 */
export const AUTO_SCALING_GROUP: GroupKind = {
  noun: 'scaling group',
  validatesFirstOnly: true,
  size(properties) {
    const min = Math.max(0, num(properties.min_size, 0));
    const max = Math.max(min, num(properties.max_size, min));
    const wanted =
      properties.desired_capacity === null || properties.desired_capacity === undefined ? min : num(properties.desired_capacity, min);
    return Math.min(max, Math.max(min, wanted));
  },
  invalid(properties) {
    const def = isValueMap(properties.resource) ? properties.resource : null;
    if (!def || !str(def.type)) return 'resource needs a type';
    return scalingSizeProblem(properties);
  },
  members(properties, limit = Infinity, current = []) {
    const def = isValueMap(properties.resource) ? properties.resource : {};
    const count = Math.min(limit, AUTO_SCALING_GROUP.size(properties));
    const member: ValueMap = { type: str(def.type) };
    for (const key of ['properties', 'metadata'] as const) if (isValueMap(def[key])) member[key] = def[key];
    const kept = count > 0 ? current.slice(-count) : [];
    const names = [...kept];
    while (names.length < count) names.push(memberId());
    return names.map((name): [string, ValueMap] => [name, member]);
  },
  withCapacity: (properties, capacity) => ({ ...properties, desired_capacity: capacity }),
  // heat/engine/resources/aws/autoscaling/autoscaling_group.py handle_update (on every stack update): the
  // group takes desired_capacity when it is set; otherwise it keeps the size it has (a policy may have changed
  // it), within min and max.
  onUpdate(properties, current) {
    if (properties.desired_capacity !== null && properties.desired_capacity !== undefined) return properties;
    if (current === 0) return properties;
    const min = Math.max(0, num(properties.min_size, 0));
    const max = Math.max(min, num(properties.max_size, min));
    return { ...properties, desired_capacity: Math.min(max, Math.max(min, current)) };
  },
  attribute(members, name, path) {
    if (name === 'current_size') return Object.keys(members).length;
    if (name === 'outputs' || name === 'outputs_list') {
      const [attr, ...rest] = path;
      if (attr === undefined) return null;
      const values = Object.entries(members).map(([k, v]): [string, Value] => [k, dig(v[String(attr)] ?? null, rest)]);
      return name === 'outputs' ? (Object.fromEntries(values) as ValueMap) : values.map(([, v]) => v);
    }
    return undefined;
  },
};
