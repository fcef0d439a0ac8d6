// Finding the places in a template that name a resource or a parameter, by
// reading its YAML (every branch of every `if`, every section), so that a
// rename changes all of them and a removal can say which remain.
import type { TemplateKeys } from '../hot/versions.ts';
import { LATEST_HOT_VERSION } from '../hot/versions.ts';
import type { YMap, YNode, YScalar } from '../yaml/nodes.ts';
import { effectivePairs, get } from '../yaml/nodes.ts';

export interface NameUse {
  /** The scalar holding the name. */
  node: YScalar;
  kind: 'get_resource' | 'get_attr' | 'Ref' | 'depends_on' | 'get_param' | 'parameter_group';
  /** Where it is, in the template's own keys: resources.web.properties.port, Outputs.ip.Value, ... */
  path: string;
}

function singleKey(map: YMap): { key: string; value: YNode } | null {
  const pairs = effectivePairs(map);
  return pairs.length === 1 ? { key: pairs[0]!.keyText, value: pairs[0]!.value } : null;
}

// An alias's text (`*x`) names nothing itself: the name is written at its anchor, found there.
function scalarNamed(node: YNode | undefined, name: string): YScalar | null {
  return node?.kind === 'scalar' && !node.aliasOf && node.value === name ? node : null;
}

/** Each written name once: a value shared by aliases or merge keys is reached from every resource that uses it. */
export function once(uses: NameUse[]): NameUse[] {
  const seen = new Set<YNode>();
  return uses.filter((u) => !seen.has(u.node) && seen.add(u.node));
}

/** Calls of get_resource, get_attr and Ref on `name`, anywhere under `node`. */
function walkCalls(node: YNode, path: string, visit: (call: string, args: YNode, path: string) => void, seen = new Set<YNode>()): void {
  if (seen.has(node)) return;
  seen.add(node);
  if (node.kind === 'seq') {
    node.items.forEach((item, i) => walkCalls(item, `${path}[${i}]`, visit, seen));
    return;
  }
  if (node.kind !== 'map') return;
  const only = singleKey(node);
  if (only) visit(only.key, only.value, path);
  for (const pair of effectivePairs(node)) walkCalls(pair.value, `${path}.${pair.keyText}`, visit, seen);
}

/** Every use of a resource's name: depends_on entries and get_resource / get_attr / Ref / Fn::GetAtt calls. */
export function resourceNameUses(root: YMap, name: string, keys: TemplateKeys = LATEST_HOT_VERSION.keys): NameUse[] {
  const uses: NameUse[] = [];
  const resources = get(root, keys.resources);
  const r = keys.resource;
  if (resources?.kind === 'map') {
    for (const pair of effectivePairs(resources)) {
      const def = pair.value;
      if (def.kind !== 'map') continue;
      const base = `${keys.resources}.${pair.keyText}`;
      const depends = get(def, r.dependsOn);
      const dep = scalarNamed(depends, name);
      if (dep) uses.push({ node: dep, kind: 'depends_on', path: `${base}.${r.dependsOn}` });
      if (depends?.kind === 'seq') {
        depends.items.forEach((item, i) => {
          const s = scalarNamed(item, name);
          if (s) uses.push({ node: s, kind: 'depends_on', path: `${base}.${r.dependsOn}[${i}]` });
        });
      }
      for (const p of effectivePairs(def)) {
        if (p.keyText === r.dependsOn || p.keyText === r.type || p.keyText === r.condition) continue;
        collectResourceCalls(p.value, `${base}.${p.keyText}`, name, uses);
      }
    }
  }
  for (const section of [keys.outputs, keys.conditions]) {
    const node = section ? get(root, section) : undefined;
    if (node) collectResourceCalls(node, section!, name, uses);
  }
  return uses;
}

function collectResourceCalls(node: YNode, path: string, name: string, uses: NameUse[]): void {
  walkCalls(node, path, (call, args, at) => {
    if (call === 'get_resource' || call === 'Ref') {
      const s = scalarNamed(args, name);
      if (s) uses.push({ node: s, kind: call, path: at });
    } else if (call === 'get_attr' || call === 'Fn::GetAtt') {
      const s = scalarNamed(args.kind === 'seq' ? args.items[0] : args, name);
      if (s) uses.push({ node: s, kind: 'get_attr', path: at });
    }
  });
}

/** Every use of a parameter's name: get_param calls (and Ref in old templates) and parameter groups. */
export function parameterNameUses(root: YMap, name: string, keys: TemplateKeys = LATEST_HOT_VERSION.keys): NameUse[] {
  const uses: NameUse[] = [];
  for (const section of [keys.resources, keys.outputs, keys.conditions]) {
    const node = section ? get(root, section) : undefined;
    if (!node) continue;
    walkCalls(node, section!, (call, args, at) => {
      if (call === 'get_param') {
        const s = scalarNamed(args.kind === 'seq' ? args.items[0] : args, name);
        if (s) uses.push({ node: s, kind: 'get_param', path: at });
      } else if (call === 'Ref') {
        const s = scalarNamed(args, name);
        if (s) uses.push({ node: s, kind: 'Ref', path: at });
      }
    });
  }
  const groups = get(root, 'parameter_groups');
  if (groups?.kind === 'seq') {
    groups.items.forEach((group, g) => {
      if (group.kind !== 'map') return;
      const params = get(group, 'parameters');
      if (params?.kind !== 'seq') return;
      params.items.forEach((item, i) => {
        const s = scalarNamed(item, name);
        if (s) uses.push({ node: s, kind: 'parameter_group', path: `parameter_groups[${g}].parameters[${i}]` });
      });
    });
  }
  return uses;
}
