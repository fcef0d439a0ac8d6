// The workflow Heat derives from a template: for each resource, what it
// waits for and why (depends_on, a get_resource / get_attr in one of its
// values, or a dependency Heat adds for its type), and for each wait
// condition, the resources whose signal it waits for. Nothing here is
// stated as order in the template: it is all read from data flow.
import type { Analysis, EvalEnv, Expr, ResourceInfo, Value } from '@hearth/template';
import { ABSENT, creationWaves, resolve } from '@hearth/template';

/** Why one resource waits for another. */
export type WaitKind = 'depends_on' | 'get_resource' | 'get_attr' | 'implicit' | 'signal';

export interface Wait {
  /** The resource that waits. */
  resource: string;
  /** The resource it waits for. */
  on: string;
  kind: WaitKind;
  /** In words: `get_attr: [db, first_address] in properties.user_data`, Heat's rule, or the signal's route. */
  reason: string;
}

export interface WorkflowResource {
  name: string;
  type: string;
  /** What it waits for before it starts (stated and implicit), one entry per resource waited for. */
  waits: Wait[];
  /**
   * A wait condition: the resources that signal it (it completes once `signalsNeeded`
   * of them have finished). Empty for other resources.
   */
  signalledBy: Wait[];
  signalsNeeded: number;
}

export interface Workflow {
  /** Enabled resources, in template order. */
  resources: WorkflowResource[];
  byName: ReadonlyMap<string, WorkflowResource>;
  /** Waves of creation (Heat's create order: each resource one wave after the latest it waits for). */
  readonly waves: string[][];
}

const WAIT_CONDITIONS = new Set(['OS::Heat::WaitCondition', 'AWS::CloudFormation::WaitCondition', 'OS::Heat::SwiftSignal']);
const HANDLES = new Set(['OS::Heat::WaitConditionHandle', 'AWS::CloudFormation::WaitConditionHandle', 'OS::Heat::SwiftSignalHandle']);
/**
 * Types that only hold data: a signal command in one of them is sent by
 * whatever runs it (a deployment, a server's user_data), not by them.
 */
const DATA_ONLY = new Set([
  'OS::Heat::SoftwareConfig',
  'OS::Heat::StructuredConfig',
  'OS::Heat::CloudConfig',
  'OS::Heat::MultipartMime',
  'OS::Heat::SoftwareComponent',
  'OS::Heat::Value',
]);

/** Heat's add_dependencies rules, in words, by the waiting type and the type waited for. */
export function implicitReason(type: string, on: string): string {
  if (on.endsWith('::Subnet')) return `Heat adds it: a ${short(type)} on a network waits for the network's subnets`;
  if (on.endsWith('::RouterInterface') && type.endsWith('::FloatingIP'))
    return "Heat adds it: a floating IP waits for the router interface that makes its port's subnet reachable";
  if (on.endsWith('::RouterInterface')) return `Heat adds it: a ${short(type)} waits for its router's interfaces`;
  if (on.endsWith('::RouterGateway')) return `Heat adds it: a ${short(type)} waits for the router's gateway`;
  return `Heat adds it for ${type} (add_dependencies)`;
}

function short(type: string): string {
  return (type.split('::').pop() ?? type).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** "web.Properties.networks[0].port" → "properties.networks[0].port". */
function where(heatPath: string, resource: string): string {
  const rest = heatPath.startsWith(`${resource}.`) ? heatPath.slice(resource.length + 1) : heatPath;
  return rest.replace(/^Properties\b/, 'properties').replace(/^Metadata\b/, 'metadata');
}

function typeOf(r: ResourceInfo): string {
  return r.iface ?? r.def.type ?? '';
}

function resolved(expr: Expr | null | undefined, env: () => EvalEnv): Value | undefined {
  if (!expr) return undefined;
  try {
    const v = resolve(expr, env(), true);
    return v === ABSENT ? undefined : v;
  } catch {
    return undefined;
  }
}

function property(r: ResourceInfo, ...keys: string[]): Expr | undefined {
  const props = r.def.properties?.t === 'map' ? r.def.properties.entries : [];
  for (const key of keys) {
    const hit = props.find((e) => e.key === key);
    if (hit) return hit.value;
  }
  return undefined;
}

/** A resource's waits and the references that make them, as worked out from these inputs (see waitsOf). */
interface WaitsWorkedOut {
  references: ResourceInfo['references'];
  type: string;
  implicit: readonly string[];
  /** The type of each resource named (referred to, depended on, implicit), in the order met; undefined: not active. */
  named: Array<string | undefined>;
  waits: Wait[];
  /** The references to active resources, with their reasons (who signals a handle is found through them). */
  referred: Array<{ on: string; reason: string }>;
}

/**
 * The last waits worked out per definition. A keystroke re-reads one resource: the others keep their
 * definition and references (the analysis' units), and their waits are taken from here instead of being
 * written out again (at 1,000 resources that was a fifth of the designer's reading of a keystroke). Kept
 * by the definition's identity, so that it goes with the definition.
 */
const lastWaits = new WeakMap<ResourceInfo['def'], WaitsWorkedOut>();

/** The type of each resource a resource names, in the order waitsOf meets them; undefined: not active. */
function namedTypes(r: ResourceInfo, implicit: readonly string[], infos: ReadonlyMap<string, ResourceInfo>): Array<string | undefined> {
  const typeIn = (name: string) => {
    const info = infos.get(name);
    return info && typeOf(info);
  };
  return [...r.references.map((ref) => typeIn(ref.resource)), ...r.def.dependsOn.map((d) => typeIn(d.name)), ...implicit.map(typeIn)];
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function waitsOf(r: ResourceInfo, infos: ReadonlyMap<string, ResourceInfo>, implicit: readonly string[]): WaitsWorkedOut {
  const type = typeOf(r);
  const named = namedTypes(r, implicit, infos);
  const last = lastWaits.get(r.def);
  // (The analysis gives a resource's implicit dependencies as the same list while they are the same.)
  if (last && last.references === r.references && last.type === type && last.implicit === implicit && sameItems(last.named, named))
    return last;
  const waits: Wait[] = [];
  const referred: WaitsWorkedOut['referred'] = [];
  const seen = new Set<string>();
  const add = (on: string, kind: WaitKind, reason: string) => {
    if (seen.has(on) || !infos.has(on) || on === r.name) return;
    seen.add(on);
    waits.push({ resource: r.name, on, kind, reason });
  };
  // References first: a resource both named in depends_on and read from waits for it through the
  // data it reads (removing the depends_on would not change the order).
  for (const ref of r.references) {
    const call =
      ref.kind === 'get_attr' ? `get_attr: [${ref.resource}${ref.attribute ? `, ${ref.attribute}` : ''}]` : `get_resource: ${ref.resource}`;
    const reason = `${call} in ${where(ref.heatPath, r.name)}`;
    add(ref.resource, ref.kind, reason);
    if (infos.has(ref.resource)) referred.push({ on: ref.resource, reason });
  }
  for (const dep of r.def.dependsOn) add(dep.name, 'depends_on', 'depends_on');
  for (const dep of implicit) add(dep, 'implicit', implicitReason(type, typeOf(infos.get(dep) ?? r)));
  const worked: WaitsWorkedOut = { references: r.references, type, implicit, named, waits, referred };
  lastWaits.set(r.def, worked);
  return worked;
}

const NONE: readonly string[] = [];

/**
 * The last workflow resource made per definition, other than wait conditions (whose signals are added
 * to them after). One with the same name, type and waits is that same object: the designer's reader
 * sends only what changed since the workflow before (finding the rest by identity), and a keystroke
 * changes one resource of a thousand.
 */
const lastResource = new WeakMap<ResourceInfo['def'], WorkflowResource>();

function workflowResource(r: ResourceInfo, waits: Wait[]): WorkflowResource {
  const type = r.def.type ?? '';
  const kept = !WAIT_CONDITIONS.has(typeOf(r));
  const last = kept ? lastResource.get(r.def) : undefined;
  if (last && last.name === r.name && last.type === type && last.waits === waits) return last;
  const made: WorkflowResource = { name: r.name, type, waits, signalledBy: [], signalsNeeded: 0 };
  if (kept) lastResource.set(r.def, made);
  return made;
}

export function workflowOf(analysis: Analysis): Workflow {
  const active = analysis.resources.filter((r) => r.enabled && !r.def.broken);
  const infos = new Map(active.map((r) => [r.name, r]));
  let evalEnv: EvalEnv | null = null;
  const env = () => (evalEnv ??= analysis.evalEnv());

  // Who refers to whom (for signals: the handle's referrers).
  const referrers = new Map<string, Array<{ by: string; reason: string }>>();
  const resources: WorkflowResource[] = active.map((r) => {
    const { waits, referred } = waitsOf(r, infos, analysis.implicit.get(r.name) ?? NONE);
    for (const { on, reason } of referred) {
      const list = referrers.get(on);
      if (list) list.push({ by: r.name, reason });
      else referrers.set(on, [{ by: r.name, reason }]);
    }
    return workflowResource(r, waits);
  });
  const byName = new Map(resources.map((r) => [r.name, r]));

  for (const w of resources) {
    const info = infos.get(w.name)!;
    if (!WAIT_CONDITIONS.has(typeOf(info))) continue;
    const handles = w.waits.filter((x) => HANDLES.has(typeOf(infos.get(x.on)!))).map((x) => x.on);
    const signallers = new Map<string, string>();
    for (const handle of handles) {
      for (const s of sendersOf(handle, referrers, infos, w.name)) if (!signallers.has(s.by)) signallers.set(s.by, `${s.route}`);
    }
    // A signaller that itself waits for the condition would deadlock in Heat too (until the timeout): left out.
    for (const [by, route] of signallers) {
      if (reaches(byName, by, w.name)) continue;
      w.signalledBy.push({ resource: w.name, on: by, kind: 'signal', reason: route });
    }
    const count = resolved(property(info, 'count', 'Count'), env);
    const needed = typeof count === 'number' && Number.isFinite(count) && count >= 1 ? Math.floor(count) : 1;
    w.signalsNeeded = Math.min(needed, w.signalledBy.length);
  }

  return workflowFrom(resources, byName);
}

/**
 * The workflow of these resources. Its waves are worked out when first read: the designer derives the
 * workflow at every keystroke, and only the schedule tab reads the waves.
 */
export function workflowFrom(
  resources: WorkflowResource[],
  byName: ReadonlyMap<string, WorkflowResource> = new Map(resources.map((r) => [r.name, r])),
): Workflow {
  let waves: string[][] | null = null;
  return {
    resources,
    byName,
    get waves() {
      return (waves ??= creationWaves(
        resources.map((r) => r.name),
        new Map(resources.map((r) => [r.name, new Set(r.waits.map((w) => w.on))])),
      ));
    },
  };
}

/**
 * The resources that send a handle's signal: those referring to it, where
 * one that only holds data (a software config) stands for what runs it.
 */
function sendersOf(
  handle: string,
  referrers: ReadonlyMap<string, Array<{ by: string; reason: string }>>,
  infos: ReadonlyMap<string, ResourceInfo>,
  condition: string,
): Array<{ by: string; route: string }> {
  const out: Array<{ by: string; route: string }> = [];
  const visited = new Set<string>([handle, condition]);
  const queue = [{ name: handle, route: `signals ${handle}` }];
  while (queue.length) {
    const { name, route } = queue.shift()!;
    for (const ref of referrers.get(name) ?? []) {
      if (visited.has(ref.by)) continue;
      visited.add(ref.by);
      const hop = name === handle ? `${ref.by} signals ${handle} (${ref.reason})` : `${route}, run by ${ref.by} (${ref.reason})`;
      if (DATA_ONLY.has(typeOf(infos.get(ref.by)!))) queue.push({ name: ref.by, route: hop });
      else if (!WAIT_CONDITIONS.has(typeOf(infos.get(ref.by)!))) out.push({ by: ref.by, route: hop });
    }
  }
  return out;
}

/** Whether `from` waits, directly or not, for `to`. */
function reaches(byName: ReadonlyMap<string, WorkflowResource>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const name = stack.pop()!;
    if (name === to) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const w of byName.get(name)?.waits ?? []) stack.push(w.on);
  }
  return false;
}

/** The workflow without one stated wait (what-if: a depends_on removed), its waves again. */
export function withoutWait(workflow: Workflow, resource: string, on: string): Workflow {
  return workflowFrom(workflow.resources.map((r) => (r.name === resource ? { ...r, waits: r.waits.filter((w) => w.on !== on) } : r)));
}
