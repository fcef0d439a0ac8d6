// The plan of an update: for every resource of the stack and of the new
// template, what will happen to it (create, update in place, replace,
// delete, keep) and why. The same plan drives the update.
import type { Analysis, ResourceInfo, Value, ValueMap } from '@hearth/template';
import { BudgetExceeded, pyEquals, resolveValue, EvalError, HeatError } from '@hearth/template';
import type { ResourceRecord } from '@hearth/store';
import { implementationOf, storedImplementation } from './implementation.ts';
import type { ProviderRegistry } from '../provider.ts';

export type PlannedAction = 'create' | 'update' | 'replace' | 'delete' | 'retain' | 'unchanged';

export interface PropertyChange {
  path: string;
  before: Value;
  after: Value;
  /** This change cannot be made in place: it is why the resource is replaced. */
  forcesReplacement: boolean;
}

export interface PlannedChange {
  resource: string;
  type: string;
  action: PlannedAction;
  reason: string;
  changes: PropertyChange[];
  /** What the resource waits for in the new template. */
  requires: string[];
  /** For a nested stack being updated: what its own resources do (Heat's preview with show_nested). */
  nested?: Plan;
}

export interface Plan {
  changes: PlannedChange[];
  summary: Record<PlannedAction, number>;
}

/** A value the plan cannot know yet: it comes from a resource the update creates or replaces. */
export const AFTER_APPLY = '(known after apply)';

export interface PlanInput {
  analysis: Analysis;
  /** The stack's resources now (the live generation of each name). */
  current: ReadonlyMap<string, ResourceRecord>;
  providers: ProviderRegistry;
  /** Resolves a resource's properties with the stack's current state. */
  resolveProperties(info: ResourceInfo): ValueMap;
}

/**
 * Types Heat runs as a nested stack (StackResource subclasses), besides
 * template resources. Heat updates such a resource on every stack update
 * and lets the nested stack's resources decide (stack_resource.py
 * _needs_update); its property changes never replace it.
 */
const NESTED_STACK_TYPES = new Set([
  'OS::Heat::ResourceGroup',
  'OS::Heat::ResourceChain',
  'OS::Heat::AutoScalingGroup',
  'OS::Heat::InstanceGroup',
  'OS::Heat::SoftwareDeploymentGroup',
  'OS::Heat::StructuredDeploymentGroup',
  'OS::Heat::SoftwareDeployments',
  'OS::Heat::StructuredDeployments',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::CloudFormation::Stack',
  'AWS::ElasticLoadBalancing::LoadBalancer',
]);

/** Whether the resource is a nested stack in Heat's engine. */
export function isNestedStack(info: ResourceInfo): boolean {
  return info.resolution === 'template' || NESTED_STACK_TYPES.has(info.iface ?? info.def.type ?? '');
}

function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return pyEquals(a, b);
}

export function computePlan(input: PlanInput): Plan {
  const { analysis, current } = input;
  const changes: PlannedChange[] = [];
  const byName = new Map<string, PlannedChange>();
  const enabled = analysis.resources.filter((r) => r.enabled && !r.def.broken);
  // Dependency order, so that a resource sees whether what it refers to is replaced.
  const order = analysis.createOrder.flat();
  const infos = new Map(enabled.map((r) => [r.name, r]));
  for (const name of order) {
    const info = infos.get(name);
    if (!info) continue;
    const requires = [...new Set([...info.requires, ...(analysis.implicit.get(name) ?? [])])].sort();
    const type = info.def.type ?? '';
    const old = current.get(name);
    let change: PlannedChange;
    if (!old || old.action === 'INIT' || (old.action === 'CREATE' && old.status === 'FAILED' && !old.physicalId)) {
      change = {
        resource: name,
        type,
        action: 'create',
        reason: old ? `${name} was never created; it will be now.` : `${name} is new.`,
        changes: [],
        requires,
      };
    } else if (storedImplementation(old) !== implementationOf(info)) {
      // Heat replaces a resource whose class changes (an alias pointed elsewhere counts; a name does not).
      const kind = (t: string, impl: string) => (t === impl || impl === '@template' ? t : `${t} (${impl})`);
      change = {
        resource: name,
        type,
        action: 'replace',
        reason: `The type changes from ${kind(old.type, storedImplementation(old))} to ${kind(type, implementationOf(info))}.`,
        changes: [],
        requires,
      };
    } else {
      change = diffResource(input, info, old, byName, requires);
      if (old.type !== type && change.action === 'unchanged') {
        // Another name for the same kind (alias to alias): Heat updates it in place.
        change = { ...change, action: 'update', reason: `Its type becomes ${type}, the same kind as ${old.type}: updated in place.` };
      }
    }
    changes.push(change);
    byName.set(name, change);
  }
  for (const [name, old] of current) {
    if (infos.has(name)) continue;
    const definition = old.definition as ValueMap | null;
    const policy = typeof definition?.deletion_policy === 'string' ? definition.deletion_policy.toLowerCase() : 'delete';
    const retain = policy === 'retain';
    changes.push({
      resource: name,
      type: old.type,
      action: retain ? 'retain' : 'delete',
      reason: retain
        ? `${name} is no longer in the template; deletion_policy Retain keeps it in the cloud.`
        : `${name} is no longer in the template.`,
      changes: [],
      requires: [],
    });
  }
  const summary = { create: 0, update: 0, replace: 0, delete: 0, retain: 0, unchanged: 0 };
  for (const c of changes) summary[c.action]++;
  return { changes, summary };
}

function diffResource(
  input: PlanInput,
  info: ResourceInfo,
  old: ResourceRecord,
  planned: ReadonlyMap<string, PlannedChange>,
  requires: string[],
): PlannedChange {
  const name = info.name;
  const type = info.def.type ?? '';
  const schema = info.schema;
  const nested = isNestedStack(info);
  // Properties that refer to a resource being created or replaced, or to the attributes of one being
  // updated, get their new values only at apply time (the update reads them once that resource is done).
  const pending = (r: (typeof info.references)[number]) => {
    const action = planned.get(r.resource)?.action ?? '';
    return action === 'create' || action === 'replace' || (action === 'update' && r.kind === 'get_attr');
  };
  const pendingRefs = new Set(info.references.filter(pending).map((r) => r.heatPath.split('.')[2] ?? ''));
  let after: ValueMap;
  try {
    after = input.resolveProperties(info);
  } catch (error) {
    if (!(error instanceof EvalError || error instanceof HeatError)) throw error;
    return {
      resource: name,
      type,
      action: 'update',
      reason: `Its properties cannot be computed yet (${error.message}); they will be at apply time.`,
      changes: [],
      requires,
    };
  }
  const before = old.properties;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: PropertyChange[] = [];
  for (const key of keys) {
    const unknown = pendingRefs.has(key);
    const b = before[key];
    const a = after[key];
    if (!unknown && deepEqual(b ?? null, a ?? null)) continue;
    const prop = schema?.properties[key];
    const forces = schema?.anyProperties || nested ? false : !prop || !prop.updateAllowed || prop.immutable;
    changes.push({ path: `properties.${key}`, before: b ?? null, after: unknown ? AFTER_APPLY : (a ?? null), forcesReplacement: forces });
  }
  const definition = (old.definition ?? {}) as ValueMap;
  const newMetadata = info.def.metadata ? safeResolve(input, info, 'metadata') : null;
  if (!deepEqual((definition.metadata as Value) ?? null, newMetadata ?? null)) {
    changes.push({
      path: 'metadata',
      before: (definition.metadata as Value) ?? null,
      after: newMetadata ?? null,
      forcesReplacement: false,
    });
  }
  const provider = input.providers.provider(implementationOf(info));
  const replaceReason = provider?.replaceReason?.(before, after) ?? null;
  const forcing = changes.filter((c) => c.forcesReplacement);
  if (replaceReason) return { resource: name, type, action: 'replace', reason: replaceReason, changes, requires };
  if (forcing.length) {
    const what = forcing.map((c) => c.path.replace(/^properties\./, '')).join(', ');
    return {
      resource: name,
      type,
      action: 'replace',
      reason: `${what} ${forcing.length === 1 ? 'changes and cannot' : 'change and cannot'} be updated in place, so ${name} is replaced.`,
      changes,
      requires,
    };
  }
  if (changes.length) {
    return {
      resource: name,
      type,
      action: 'update',
      reason: `${changes.map((c) => c.path.replace(/^properties\./, '')).join(', ')} ${changes.length === 1 ? 'changes' : 'change'}; updated in place.`,
      changes,
      requires,
    };
  }
  if (nested && old.physicalId)
    return {
      resource: name,
      type,
      action: 'update',
      reason: `${name} is a nested stack: Heat updates it on every stack update, and its own resources decide whether they change.`,
      changes,
      requires,
    };
  if (old.status === 'FAILED')
    return {
      resource: name,
      type,
      action: 'update',
      reason: `${name} failed in the last operation; it is tried again.`,
      changes,
      requires,
    };
  return { resource: name, type, action: 'unchanged', reason: 'Nothing changes.', changes, requires };
}

function safeResolve(input: PlanInput, info: ResourceInfo, field: 'metadata'): Value | null {
  const expr = info.def[field];
  if (!expr) return null;
  try {
    return resolveValue(expr, input.analysis.evalEnv());
  } catch (error) {
    if (error instanceof BudgetExceeded) throw error;
    return null;
  }
}
