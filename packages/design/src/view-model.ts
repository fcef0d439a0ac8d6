// From a template's analysis to what the canvas draws: a node per resource,
// parameter and output; an edge per depends_on entry and per get_resource /
// get_attr reference. Pure, so it is tested without a browser.
import type { Analysis, Diagnostic } from '@hearth/template';
import { categoryOf, isValueMap, nodeToValue, parseYamlText } from '@hearth/template';

export type EdgeKind = 'depends_on' | 'get_resource' | 'get_attr';

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

export interface Graph {
  resources: ResourceNodeData[];
  parameters: Array<{ name: string; type: string; line: number; hidden: boolean }>;
  outputs: Array<{ name: string; line: number; requires: string[] }>;
  edges: GraphEdge[];
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

export function deriveGraph(analysis: Analysis): Graph {
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
    for (const dep of r.def.dependsOn) {
      if (names.has(dep.name))
        edges.push({ id: `d:${r.name}>${dep.name}`, source: r.name, target: dep.name, kind: 'depends_on', label: null });
    }
    const seen = new Set<string>();
    for (const ref of r.references) {
      if (!names.has(ref.resource)) continue;
      const label = propertyLabel(ref.heatPath, r.name);
      const id = `${ref.kind === 'get_attr' ? 'a' : 'r'}:${r.name}>${ref.resource}:${label}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, source: r.name, target: ref.resource, kind: ref.kind, label });
    }
    const type = r.def.type ?? '';
    let group: ResourceNodeData['group'] = null;
    let members: ResourceNodeData['members'] = null;
    if (type === 'OS::Heat::ResourceGroup' || type === 'OS::Heat::AutoScalingGroup') {
      group = 'resource-group';
      const props = r.def.properties ? nodeToValue(r.def.propertiesNode) : null;
      const def = isValueMap(props) ? (props.resource_def ?? props.resource) : null;
      const count = isValueMap(props) ? (props.count ?? props.desired_capacity ?? 1) : 1;
      const memberType = isValueMap(def) && typeof def.type === 'string' ? def.type : '?';
      const n = typeof count === 'number' ? Math.min(count, 50) : 1;
      members = Array.from({ length: n }, (_, i) => ({ name: String(i), type: memberType }));
    } else if (r.resolution === 'template' && r.nested) {
      group = 'nested';
      members = membersOf(r.nested.text);
    }
    return {
      name: r.name,
      type,
      category: categoryOf(r.iface ?? type),
      line: analysis.lines.position(r.def.keyNode.start).line,
      errors: errors.length,
      warnings: problems.length - errors.length,
      problem: errors[0]?.message ?? problems[0]?.message ?? null,
      disabled: !r.enabled,
      members,
      group,
    };
  });
  return {
    resources,
    parameters: analysis.parameters.map((p) => ({
      name: p.name,
      type: p.type,
      line: analysis.lines.position(p.keyNode.start).line,
      hidden: p.hidden,
    })),
    outputs: analysis.outputs.map((o) => ({ name: o.name, line: analysis.lines.position(o.keyNode.start).line, requires: o.requires })),
    edges,
    diagnostics,
    errorCount: diagnostics.filter((d) => d.severity === 'error').length,
  };
}
