// From a template's analysis to what the canvas draws: a node per resource,
// parameter and output; an edge per depends_on entry, per get_resource /
// get_attr reference, per dependency Heat adds by itself (a server on a
// network waits for its subnet), and per signal a wait condition waits for
// (from the resource that sends it). Pure, so it is tested without a browser.
import type { Analysis, Diagnostic, EvalEnv, Expr, ResourceInfo, Value, ValueMap } from '@hearth/template';
import { ABSENT, categoryOf, isValueMap, nodeToValue, parseYamlText, resolve } from '@hearth/template';
import { workflowOf, type Workflow } from '@hearth/schedule';

export type EdgeKind = 'depends_on' | 'get_resource' | 'get_attr' | 'implicit' | 'signal';

/** Members drawn for a group at most (the rest are counted in `moreMembers`). */
export const MAX_DRAWN_MEMBERS = 50;

// A type alias (not an interface) so that React Flow can hold it as node data.
export type ResourceNodeData = {
  name: string;
  type: string;
  category: string;
  /** 1-based line of the resource's name in the text. */
  line: number;
  errors: number;
  warnings: number;
  /** First error message, for the badge's tooltip. */
  problem: string | null;
  /** A condition that is false in this template: Heat will not create it. */
  disabled: boolean;
  /** For ResourceGroups and template resources: what is inside (collapsible on the canvas). */
  members: Array<{ name: string; type: string }> | null;
  /** Members a group has beyond those drawn. */
  moreMembers: number;
  group: 'resource-group' | 'nested' | null;
};

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  /** The property the reference fills (get_resource / get_attr), e.g. networks[0].port. */
  label: string | null;
}

export interface GraphParameter {
  name: string;
  type: string;
  line: number;
  hidden: boolean;
  label: string | null;
  description: string | null;
  default: Value | undefined;
}

export interface Graph {
  resources: ResourceNodeData[];
  /** The parameters, with what a form for their values shows. */
  parameters: GraphParameter[];
  /** The template's parameter groups (empty: none). */
  parameterGroups: Array<{ label: string | null; parameters: string[] }>;
  outputs: Array<{ name: string; line: number; requires: string[] }>;
  edges: GraphEdge[];
  /** The workflow Heat derives (what waits for what, and why), for schedules. */
  workflow: Workflow;
  diagnostics: Diagnostic[];
  errorCount: number;
}

/** "web.Properties.networks[0].port" → "networks[0].port". */
export function propertyLabel(heatPath: string, resource: string): string {
  const rest = heatPath.startsWith(`${resource}.`) ? heatPath.slice(resource.length + 1) : heatPath;
  return rest.replace(/^Properties\./, '').replace(/^Metadata\./, 'metadata.');
}

function membersOf(text: string): Array<{ name: string; type: string }> {
  const parsed = parseYamlText(text);
  const root = parsed.root ? nodeToValue(parsed.root) : null;
  const resources = isValueMap(root) && isValueMap(root.resources) ? root.resources : {};
  return Object.entries(resources).map(([name, def]) => ({ name, type: isValueMap(def) && typeof def.type === 'string' ? def.type : '?' }));
}

const GROUP_TYPES = new Set(['OS::Heat::ResourceGroup', 'OS::Heat::AutoScalingGroup']);

const NO_NAMES: readonly string[] = [];

/**
 * A resource's node and edges as last derived, kept by its definition (the analysis's unit: a keystroke
 * reads one resource again, and the others keep their definitions and references). A node or an edge
 * equal to the one derived before is that same object: the reader sends only what changed
 * (graph-sharing.ts) and finds the rest by identity, where it compared each field of a thousand nodes
 * and edges at every keystroke.
 */
interface Derived {
  name: string;
  references: ResourceInfo['references'];
  /** (The analysis gives a resource's implicit dependencies as the same list while they are the same.) */
  implicit: readonly string[];
  /** The resource's edges, before those to resources not in the template are left out. */
  candidates: GraphEdge[];
  nestedText: string | null;
  node: ResourceNodeData;
}
const lastDerived = new WeakMap<ResourceInfo['def'], Derived>();

/** Categories by type name: a template names a few types, each on many resources (kept up to 10,000 names). */
const categories = new Map<string, string>();
function categoryFor(type: string): string {
  let category = categories.get(type);
  if (category === undefined) {
    if (categories.size >= 10_000) categories.clear();
    categories.set(type, (category = categoryOf(type)));
  }
  return category;
}

/** A resource's edges of depends_on, references and Heat's implicit dependencies, to any name. */
function edgeCandidates(r: ResourceInfo, implicit: readonly string[]): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const dep of r.def.dependsOn)
    edges.push({ id: `d:${r.name}>${dep.name}`, source: r.name, target: dep.name, kind: 'depends_on', label: null });
  const seen = new Set<string>();
  for (const ref of r.references) {
    const label = propertyLabel(ref.heatPath, r.name);
    const id = `${ref.kind === 'get_attr' ? 'a' : 'r'}:${r.name}>${ref.resource}:${label}`;
    // (The id names the target: the same id is the same edge, kept or left out together.)
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, source: r.name, target: ref.resource, kind: ref.kind, label });
  }
  for (const dep of implicit) edges.push({ id: `i:${r.name}>${dep}`, source: r.name, target: dep, kind: 'implicit', label: null });
  return edges;
}

const same = (a: unknown, b: unknown) => a === b;
const sameMembers = (a: ResourceNodeData['members'], b: ResourceNodeData['members']) =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((m, i) => m.name === b[i]!.name && m.type === b[i]!.type));

/** How each field of a node is compared (a record of every field: a field added to the node must be added here). */
const NODE_FIELDS: { [K in keyof ResourceNodeData]-?: (a: ResourceNodeData[K], b: ResourceNodeData[K]) => boolean } = {
  name: same,
  type: same,
  category: same,
  line: same,
  errors: same,
  warnings: same,
  problem: same,
  disabled: same,
  members: sameMembers,
  moreMembers: same,
  group: same,
};
const NODE_KEYS = Object.keys(NODE_FIELDS) as Array<keyof ResourceNodeData>;

/** The node derived before when this one is equal to it, so that it keeps its identity. */
function sameNodeAsBefore(node: ResourceNodeData, before: ResourceNodeData | undefined): ResourceNodeData {
  if (!before) return node;
  for (const key of NODE_KEYS) if (!(NODE_FIELDS[key] as (a: unknown, b: unknown) => boolean)(node[key], before[key])) return node;
  return before;
}

function resolved(expr: Expr | null | undefined, env: EvalEnv): Value | undefined {
  if (!expr) return undefined;
  try {
    const v = resolve(expr, env, true);
    return v === ABSENT ? undefined : v;
  } catch {
    // Not known before the stack runs (an attribute), or wrong: the badge says which.
    return undefined;
  }
}

/** How many members a group makes (as far as parameters and literals tell) and of what type. */
function groupShape(r: ResourceInfo, env: EvalEnv): { count: number; memberType: string } {
  const props = r.def.properties?.t === 'map' ? r.def.properties.entries : null;
  const find = (key: string) => props?.find((e) => e.key === key)?.value;
  const count = resolved(find('count') ?? find('desired_capacity'), env);
  const definition = resolved(find('resource_def') ?? find('resource'), env);
  const memberType =
    isValueMap(definition as Value) && typeof (definition as ValueMap).type === 'string' ? ((definition as ValueMap).type as string) : '?';
  const n = typeof count === 'number' && Number.isFinite(count) && count >= 0 ? Math.floor(count) : count === undefined ? 1 : 0;
  return { count: n, memberType };
}

export function deriveGraph(analysis: Analysis): Graph {
  let evalEnv: EvalEnv | null = null;
  const env = () => (evalEnv ??= analysis.evalEnv());
  const diagnostics = analysis.diagnostics;
  const byResource = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const name = d.resource ?? /^resources\.([^.]+)/.exec(d.path)?.[1];
    if (!name) continue;
    byResource.set(name, [...(byResource.get(name) ?? []), d]);
  }
  const names = new Set(analysis.resources.map((r) => r.name));
  const edges: GraphEdge[] = [];
  const resources: ResourceNodeData[] = analysis.resources.map((r) => {
    const problems = byResource.get(r.name) ?? [];
    const errors = problems.filter((d) => d.severity === 'error');
    const implicit = analysis.implicit.get(r.name) ?? NO_NAMES;
    const last = lastDerived.get(r.def);
    const known = last !== undefined && last.name === r.name;
    const candidates =
      known && last.references === r.references && last.implicit === implicit ? last.candidates : edgeCandidates(r, implicit);
    for (const e of candidates) if (names.has(e.target)) edges.push(e);
    const type = r.def.type ?? '';
    let group: ResourceNodeData['group'] = null;
    let members: ResourceNodeData['members'] = null;
    let moreMembers = 0;
    const nestedText = r.resolution === 'template' && r.nested ? r.nested.text : null;
    if (GROUP_TYPES.has(r.iface ?? type)) {
      group = 'resource-group';
      const { count, memberType } = groupShape(r, env());
      members = Array.from({ length: Math.min(count, MAX_DRAWN_MEMBERS) }, (_, i) => ({ name: String(i), type: memberType }));
      moreMembers = Math.max(0, count - MAX_DRAWN_MEMBERS);
    } else if (nestedText !== null) {
      group = 'nested';
      // (A nested template's text is parsed again only when it changed.)
      members = known && last.nestedText === nestedText && last.node.group === 'nested' ? last.node.members : membersOf(nestedText);
    }
    const node = sameNodeAsBefore(
      {
        name: r.name,
        type,
        category: categoryFor(r.iface ?? type),
        line: analysis.lines.position(r.def.keyNode.start).line,
        errors: errors.length,
        warnings: problems.length - errors.length,
        problem: errors[0]?.message ?? problems[0]?.message ?? null,
        disabled: !r.enabled,
        members,
        moreMembers,
        group,
      },
      known ? last.node : undefined,
    );
    if (!known || node !== last.node || candidates !== last.candidates || nestedText !== last.nestedText)
      lastDerived.set(r.def, { name: r.name, references: r.references, implicit, candidates, nestedText, node });
    return node;
  });
  // A wait condition waits for the signal of what runs its handle's command: an edge of its own kind.
  const workflow = workflowOf(analysis);
  for (const r of workflow.resources)
    for (const w of r.signalledBy) edges.push({ id: `s:${r.name}>${w.on}`, source: r.name, target: w.on, kind: 'signal', label: 'signal' });
  return {
    resources,
    workflow,
    parameters: analysis.parameters.map((p) => ({
      name: p.name,
      type: p.type,
      line: analysis.lines.position(p.keyNode.start).line,
      hidden: p.hidden,
      label: p.label,
      description: p.description,
      default: p.default,
    })),
    parameterGroups: analysis.parameterGroups.map((g) => ({ label: g.label, parameters: g.parameters })),
    outputs: analysis.outputs.map((o) => ({ name: o.name, line: analysis.lines.position(o.keyNode.start).line, requires: o.requires })),
    edges,
    diagnostics,
    errorCount: diagnostics.filter((d) => d.severity === 'error').length,
  };
}
