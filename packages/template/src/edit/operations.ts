// The edit operations the canvas and the forms perform on a template. Each
// one turns into splices on the user's text (see yaml-edit.ts), so comments,
// key order, quoting, blank lines and indentation survive everywhere except
// the lines the operation had to touch.
import type { PropertySchema } from '../catalog/catalog.ts';
import { builtinType } from '../catalog/catalog.ts';
import type { Analysis } from '../hot/analyze.ts';
import { analyzeTemplate } from '../hot/analyze.ts';
import type { Value, ValueMap } from '../hot/values.ts';
import { hasKey, isValueMap, newMap, setKey } from '../hot/values.ts';
import { LineIndex } from '../yaml/lines.ts';
import type { YMap, YNode, YPair } from '../yaml/nodes.ts';
import { effectivePairs, get } from '../yaml/nodes.ts';
import { emitKey, emitPair } from './emit.ts';
import { once, parameterNameUses, resourceNameUses, type NameUse } from './references.ts';
import { applySplices, columnOf, contentEnd, lineStart, nextLineStart, type LineChange } from './text.ts';
import { EditError, findPair, YamlEditor } from './yaml-edit.ts';
import { dialectOf, type Dialect } from './dialect.ts';

export { EditError };

export type PropertyPath = ReadonlyArray<string | number>;

export type EditOperation =
  | { op: 'addResource'; type: string; name?: string; properties?: ValueMap; after?: string }
  | { op: 'removeResource'; name: string }
  | { op: 'renameResource'; from: string; to: string }
  | { op: 'setProperty'; resource: string; path: PropertyPath; value: Value }
  | { op: 'removeProperty'; resource: string; path: PropertyPath }
  | { op: 'addDependency'; resource: string; requires: string }
  | { op: 'removeDependency'; resource: string; requires: string }
  | { op: 'addParameter'; name: string; definition: ValueMap }
  /** A part of a parameter's definition (`type`, `default`, `constraints`, `hidden`…), set or, without a value, removed. */
  | { op: 'setParameterField'; name: string; path: PropertyPath; value?: Value }
  | { op: 'renameParameter'; from: string; to: string }
  | { op: 'removeParameter'; name: string }
  /** Puts a parameter in the parameter group with this label (made when missing; null: in none); a group left empty goes. */
  | { op: 'setParameterGroup'; name: string; group: string | null }
  | { op: 'addOutput'; name: string; value: Value; description?: string }
  /** A part of an output's definition (`value`, `description`, `condition`), set or, without a value, removed. */
  | { op: 'setOutputField'; name: string; path: PropertyPath; value?: Value }
  | { op: 'renameOutput'; from: string; to: string }
  | { op: 'removeOutput'; name: string }
  | { op: 'setDescription'; description: string }
  | { op: 'setMetadata'; resource: string; metadata: ValueMap | null }
  | { op: 'moveResource'; name: string; before: string | null };

/** Something the user should know after an edit: a reference it could not fix, with its place. */
export interface EditNote {
  message: string;
  path: string;
  line: number;
  column: number;
}

export interface EditResult {
  text: string;
  changes: LineChange[];
  notes: EditNote[];
  /** The name an addResource chose. */
  name?: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) {
    throw new EditError(
      `"${name}" is not a usable ${kind} name: use letters, digits, "_", "-", "." or ":", starting with a letter, digit or "_".`,
      'EDIT_NAME',
    );
  }
}

/** Spaces per indentation level in this template (from its resources, or a JSON file's first key, else 2). */
function indentUnit(text: string, root: YMap, resourcesKey: string): number {
  if (root.flow) {
    const first = root.pairs[0];
    const column = first ? columnOf(text, first.key.start) : 0;
    return first && column > 0 && column - columnOf(text, root.start) > 0 ? column - columnOf(text, root.start) : 2;
  }
  const resources = get(root, resourcesKey);
  if (resources?.kind === 'map' && !resources.flow) {
    for (const pair of resources.pairs) {
      const def = pair.value;
      if (def.kind === 'map' && !def.flow && def.pairs[0]) {
        const unit = columnOf(text, def.pairs[0].key.start) - columnOf(text, pair.key.start);
        if (unit > 0) return unit;
      }
    }
  }
  return 2;
}

/** What a JSON file writes between a key and its value (its first entry's way: `: ` or ` : `). */
function colonOf(text: string, root: YMap): string {
  const first = root.pairs[0];
  const between = first ? text.slice(first.key.end, first.value.start) : '';
  return /^[ \t]*:[ \t]*$/.test(between) && between.trim() === ':' ? between.replace(/[ \t]+:/, ' :').replace(/:[ \t]+/, ': ') : ': ';
}

class Editing {
  readonly root: YMap;
  readonly text: string;
  readonly editor: YamlEditor;
  readonly notes: EditNote[] = [];
  /** The template's own words for what the operation writes (HOT or CloudFormation). */
  readonly dialect: Dialect;
  private readonly lines: LineIndex;

  constructor(readonly analysis: Analysis) {
    if (!analysis.parsed || analysis.root?.kind !== 'map') {
      throw new EditError('The template does not parse; fix the YAML before editing it from the canvas.', 'EDIT_UNPARSED');
    }
    this.root = analysis.root;
    this.text = analysis.text;
    this.lines = analysis.lines;
    this.dialect = dialectOf(analysis.version);
    this.editor = new YamlEditor(this.text, {
      indent: indentUnit(this.text, this.root, this.keys.resources),
      json: analysis.format === 'json',
      colon: colonOf(this.text, this.root),
    });
  }

  get keys() {
    return this.dialect.keys;
  }

  note(message: string, node: YNode, path: string): void {
    const { line, column } = this.lines.position(node.start);
    this.notes.push({ message, path, line, column });
  }

  section(name: string): YNode | undefined {
    return get(this.root, name);
  }

  sectionMap(name: string): YMap | null {
    const node = this.section(name);
    return node?.kind === 'map' ? node : null;
  }

  resourcePair(name: string): YPair {
    const resources = this.sectionMap(this.keys.resources);
    const pair = resources ? findPair(resources, name) : undefined;
    if (!pair) throw new EditError(`There is no resource named ${name}.`, 'EDIT_NO_RESOURCE');
    return pair;
  }

  resourceDef(name: string): YMap {
    const def = this.resourcePair(name).value;
    if (def.kind !== 'map') throw new EditError(`The definition of ${name} is not a map.`, 'EDIT_NOT_MAP');
    return def;
  }

  /** Adds a top-level section at column 0, after the sections that come before it by convention. */
  addSection(name: string, value: Value): void {
    if (this.root.flow) {
      // A JSON (or flow-style) template: the section is one more entry of the top-level map.
      this.editor.insertPair(this.root, name, value);
      return;
    }
    const k = this.keys;
    const order = [k.version, k.description, k.parameterGroups, k.parameters, k.mappings, k.conditions, k.resources, k.outputs];
    const rank = order.indexOf(name);
    let after: YPair | undefined;
    for (const pair of this.root.pairs) {
      const r = order.indexOf(pair.keyText);
      if (r !== -1 && r < rank) after = pair;
    }
    const nl = this.text.includes('\r\n') ? '\r\n' : '\n';
    const lines = emitPair(name, value, 0, this.editor.style).join(nl);
    if (after) {
      const at = nextLineStart(this.text, contentEnd(this.text, after.value));
      const prefix = at === this.text.length && !this.text.endsWith('\n') ? nl : '';
      this.editor.splice(at, at, `${prefix}${nl}${lines}${nl}`);
    } else {
      const prefix = this.text.length && !this.text.endsWith('\n') ? nl : '';
      this.editor.splice(this.text.length, this.text.length, `${prefix}${this.text.length ? nl : ''}${lines}${nl}`);
    }
  }

  /** Sets a top-level section's entry, creating the section when needed. */
  setInSection(section: string, key: string, value: Value): void {
    const node = this.section(section);
    const pair = findPair(this.root, section);
    if (!node || !pair) {
      this.addSection(section, { [key]: value });
      return;
    }
    if (node.kind === 'map') this.editor.set(node, key, value);
    else if (node.kind === 'scalar' && node.value === null) this.editor.replaceValue(this.root, pair, { [key]: value });
    else throw new EditError(`The ${section} section is not a map.`, 'EDIT_NOT_MAP');
  }

  finish(extra: Partial<EditResult> = {}): EditResult {
    const { text, changes } = applySplices(this.text, this.editor.splices);
    // An anchor the edit removes must not be needed by an alias that stays.
    for (const s of this.editor.splices) {
      for (const m of this.text.slice(s.start, s.end).matchAll(/(?:^|[\s[{,:-])&([^\s,\]}]+)/g)) {
        const name = m[1]!;
        if (!s.text.includes(`&${name}`) && new RegExp(`\\*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![^\\s,\\]}])`).test(text)) {
          throw new EditError(
            `This edit would remove the anchor &${name}, which an alias (*${name}) elsewhere still uses; change that alias first.`,
            'EDIT_ANCHOR',
          );
        }
      }
    }
    // An alias must still come after its anchor (a move can put it before).
    for (const m of this.text.matchAll(/(?:^|[\s[{,:-])&([^\s,\]}]+)/g)) {
      const name = m[1]!;
      const anchor = text.indexOf(`&${name}`);
      const alias = new RegExp(`(?:^|[\\s[{,:-])\\*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![^\\s,\\]}])`).exec(text);
      if (anchor >= 0 && alias && alias.index < anchor) {
        throw new EditError(
          `This edit would put the alias *${name} before its anchor &${name}, which YAML does not allow; move the anchor's resource first.`,
          'EDIT_ANCHOR',
        );
      }
    }
    return { text, changes, notes: this.notes, ...extra };
  }
}

/** A name for a new resource of `type` that nothing else in the template uses. */
export function proposeName(analysis: Analysis, type: string): string {
  const taken = new Set([...analysis.resources.map((r) => r.name), ...analysis.parameters.map((p) => p.name)]);
  const last = type.split('::').pop() ?? 'resource';
  const base =
    (
      last
        .replace(/\.(yaml|template)$/, '')
        .split('/')
        .pop() ?? 'resource'
    )
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9_]/g, '_')
      .toLowerCase() || 'resource';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** A starting value for a required property, from its schema. */
function placeholder(schema: PropertySchema): Value {
  const allowed = schema.constraints.find((c) => c.kind === 'allowed_values');
  if (allowed && allowed.kind === 'allowed_values' && allowed.allowed.length) return allowed.allowed[0]!;
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const range = schema.constraints.find((c) => c.kind === 'range');
      return range && range.kind === 'range' && range.min !== null ? range.min : 0;
    }
    case 'boolean':
      return false;
    case 'list':
      return [];
    case 'map':
      return {};
    default:
      return '';
  }
}

/** Required properties of a type with starting values, for a resource added from the palette. */
export function requiredProperties(type: string): ValueMap {
  const schema = builtinType(type);
  const out: ValueMap = {};
  if (!schema) return out;
  for (const [name, prop] of Object.entries(schema.properties)) {
    if (prop.required && prop.default === undefined && prop.supportStatus !== 'HIDDEN' && prop.supportStatus !== 'DEPRECATED')
      out[name] = placeholder(prop);
  }
  return out;
}

function addResource(e: Editing, op: Extract<EditOperation, { op: 'addResource' }>): EditResult {
  const name = op.name ?? proposeName(e.analysis, op.type);
  checkName('resource', name);
  if (e.analysis.resources.some((r) => r.name === name)) throw new EditError(`A resource named ${name} already exists.`, 'EDIT_NAME_TAKEN');
  const properties = op.properties ?? requiredProperties(op.type);
  const keys = e.keys.resource;
  const definition: ValueMap = { [keys.type]: op.type };
  if (Object.keys(properties).length) definition[keys.properties] = e.dialect.value(properties);
  const resources = e.section(e.keys.resources);
  const pair = findPair(e.root, e.keys.resources);
  if (!resources || !pair) e.addSection(e.keys.resources, { [name]: definition });
  else if (resources.kind === 'map' && resources.pairs.length && !resources.flow && op.after) {
    const after = e.resourcePair(op.after);
    const nl = e.text.includes('\r\n') ? '\r\n' : '\n';
    const indent = columnOf(e.text, after.key.start);
    const at = nextLineStart(e.text, contentEnd(e.text, after.value));
    e.editor.splice(at, at, `${nl}${emitPair(name, definition, indent, e.editor.style).join(nl)}${nl}`);
  } else if (resources.kind === 'map' && resources.pairs.length && !resources.flow) {
    // Separate it from the resource above by a blank line, as resources usually are.
    const last = resources.pairs[resources.pairs.length - 1]!;
    const nl = e.text.includes('\r\n') ? '\r\n' : '\n';
    const indent = columnOf(e.text, last.key.start);
    const at = nextLineStart(e.text, contentEnd(e.text, last.value));
    const prefix = at === e.text.length && !e.text.endsWith('\n') ? nl : '';
    e.editor.splice(at, at, `${prefix}${nl}${emitPair(name, definition, indent, e.editor.style).join(nl)}${nl}`);
  } else if (resources.kind === 'map' && resources.flow && !resources.pairs.length)
    // `resources: {}` (a new template): the first resource starts a block, so that the next ones get lines of their own.
    e.editor.replaceValue(e.root, pair, { [name]: definition });
  else if (resources.kind === 'map') e.editor.set(resources, name, definition);
  else if (resources.kind === 'scalar' && resources.value === null) e.editor.replaceValue(e.root, pair, { [name]: definition });
  else throw new EditError('The resources section is not a map.', 'EDIT_NOT_MAP');
  return e.finish({ name });
}

/** Removes `name` from a resource's depends_on, dropping the key when nothing is left. */
function removeDependsOnEntry(e: Editing, def: YMap, name: string): boolean {
  const pair = findPair(def, e.keys.resource.dependsOn);
  if (!pair) return false;
  const v = pair.value;
  if (v.kind === 'scalar') {
    if (v.value !== name) return false;
    e.editor.removePair(def, pair);
    return true;
  }
  if (v.kind !== 'seq') return false;
  const keep = v.items.filter((i) => !(i.kind === 'scalar' && i.value === name));
  if (keep.length === v.items.length) return false;
  if (keep.length === 0) {
    e.editor.removePair(def, pair);
    return true;
  }
  if (v.flow) {
    e.editor.replaceValue(
      def,
      pair,
      keep.map((i) => (i.kind === 'scalar' ? i.value : null)),
    );
  } else {
    v.items.forEach((item, i) => {
      if (item.kind === 'scalar' && item.value === name) e.editor.removeItem(v, i);
    });
  }
  return true;
}

function removeResource(e: Editing, op: Extract<EditOperation, { op: 'removeResource' }>): EditResult {
  const pair = e.resourcePair(op.name);
  const resources = e.sectionMap(e.keys.resources)!;
  if (resources.flow) e.editor.removePair(resources, pair);
  else e.editor.splice(lineStart(e.text, pair.key.start), nextLineStart(e.text, contentEnd(e.text, pair.value)), '');
  for (const other of effectivePairs(resources)) {
    if (other === pair || other.value.kind !== 'map') continue;
    removeDependsOnEntry(e, other.value, op.name);
  }
  for (const use of resourceNameUses(e.root, op.name, e.keys)) {
    if (use.kind === 'depends_on' || use.path.startsWith(`${e.keys.resources}.${op.name}.`)) continue;
    e.note(`${use.path} still uses ${op.name} (${use.kind}); change or remove it.`, use.node, use.path);
  }
  return e.finish();
}

/** Writes a name where another was, keeping the scalar's quoting style. */
function replaceName(e: Editing, use: NameUse | { node: YNode }, to: string): void {
  const node = use.node;
  if (node.kind !== 'scalar') return;
  const original = e.text.slice(node.start, node.end);
  const quote = original[0] === '"' || original[0] === "'" ? original[0] : '';
  const text = quote ? `${quote}${to}${quote}` : emitKey(to);
  e.editor.splice(node.start, node.end, text);
}

function renameResource(e: Editing, op: Extract<EditOperation, { op: 'renameResource' }>): EditResult {
  if (op.from === op.to) return e.finish();
  checkName('resource', op.to);
  const pair = e.resourcePair(op.from);
  if (e.analysis.resources.some((r) => r.name === op.to))
    throw new EditError(`A resource named ${op.to} already exists.`, 'EDIT_NAME_TAKEN');
  if (e.analysis.parameters.some((p) => p.name === op.to))
    throw new EditError(`${op.to} is the name of a parameter; Heat needs resource and parameter names to differ.`, 'EDIT_NAME_TAKEN');
  replaceName(e, { node: pair.key }, op.to);
  for (const use of once(resourceNameUses(e.root, op.from, e.keys))) replaceName(e, use, op.to);
  return e.finish();
}

interface Located {
  container: YMap;
  pair: YPair;
}

/**
 * Sets the value at `fullPath` under `def` (a resource's, parameter's or
 * output's definition), creating the missing maps on the way; removes it
 * when `value` is undefined.
 */
function setAt(e: Editing, def: YMap, fullPath: PropertyPath, value: Value | undefined): void {
  let container: YNode = def;
  let parent: Located | null = null;
  for (let i = 0; i < fullPath.length; i++) {
    const key = fullPath[i]!;
    const last = i === fullPath.length - 1;
    const rest = fullPath.slice(i + 1);
    if (container.kind === 'scalar' && container.value === null && parent) {
      if (value === undefined) return;
      e.editor.replaceValue(parent.container, parent.pair, nest(fullPath.slice(i), value));
      return;
    }
    if (typeof key === 'number') {
      if (container.kind !== 'seq') throw new EditError(`${fullPath.slice(0, i).join('.')} is not a list.`, 'EDIT_PATH');
      if (key < container.items.length) {
        if (last) {
          if (value === undefined) {
            if (container.items.length === 1 && parent) e.editor.replaceValue(parent.container, parent.pair, []);
            else e.editor.removeItem(container, key);
          } else e.editor.replaceItem(container, key, value);
          return;
        }
        const item: YNode = container.items[key]!;
        if (item.aliasOf) {
          e.editor.replaceItem(container, key, withPath(plainValue(item), rest, value));
          return;
        }
        if (item.kind !== 'map') throw new EditError(`${fullPath.slice(0, i + 1).join('.')} is not a map.`, 'EDIT_PATH');
        container = item;
        parent = null;
        continue;
      }
      if (key !== container.items.length)
        throw new EditError(
          `${fullPath.slice(0, i).join('.')} has ${container.items.length} items; index ${key} is out of reach.`,
          'EDIT_PATH',
        );
      if (value === undefined) return;
      const added = nest(rest, value);
      if (container.items.length === 0 && parent) e.editor.replaceValue(parent.container, parent.pair, [added]);
      else e.editor.appendItem(container, added);
      return;
    }
    if (container.kind !== 'map') throw new EditError(`${fullPath.slice(0, i).join('.') || 'The resource'} is not a map.`, 'EDIT_PATH');
    const pair = findPair(container, key);
    if (!pair) {
      if (value === undefined) return;
      const added = nest(rest, value);
      if (container.pairs.length || container.flow) e.editor.insertPair(container, key, added);
      else if (parent) e.editor.replaceValue(parent.container, parent.pair, { [key]: added });
      return;
    }
    if (last) {
      if (value === undefined) e.editor.removePair(container, pair);
      else e.editor.replaceValue(container, pair, value);
      return;
    }
    if (pair.value.aliasOf) {
      // A value shared through an alias changes for this resource only: it gets its own copy, changed.
      e.editor.replaceValue(container, pair, withPath(plainValue(pair.value), rest, value));
      return;
    }
    parent = { container, pair };
    container = pair.value;
  }
}

/** The value a node stands for, merge keys (`<<`) applied. */
function plainValue(node: YNode): Value {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(plainValue);
  const out = newMap();
  for (const pair of effectivePairs(node)) setKey(out, pair.keyText, plainValue(pair.value));
  return out;
}

/** `base` with the value at `path` set, or removed when `value` is undefined (`base` is not changed). */
function withPath(base: Value, path: PropertyPath, value: Value | undefined): Value {
  const [key, ...rest] = path;
  if (key === undefined) return value ?? null;
  if (typeof key === 'number') {
    const list = Array.isArray(base) ? [...base] : [];
    if (!rest.length && value === undefined) list.splice(key, 1);
    else list[key] = withPath(list[key] ?? null, rest, value);
    return list;
  }
  const map = newMap();
  if (isValueMap(base)) for (const [k, v] of Object.entries(base)) if (k !== key || rest.length || value !== undefined) setKey(map, k, v);
  if (rest.length || value !== undefined)
    setKey(map, key, withPath(isValueMap(base) && hasKey(base, key) ? base[key]! : null, rest, value));
  return map;
}

function nest(path: PropertyPath, value: Value): Value {
  let v = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i]!;
    v = typeof key === 'number' ? [v] : { [key]: v };
  }
  return v;
}

function wouldCycle(analysis: Analysis, from: string, to: string): string[] | null {
  // Adding from → to closes a cycle when `to` already waits for `from`.
  const requires = new Map<string, string[]>();
  for (const r of analysis.resources) requires.set(r.name, [...r.requires, ...(analysis.implicit.get(r.name) ?? [])]);
  const previous = new Map<string, string>();
  const queue = [to];
  const seen = new Set([to]);
  while (queue.length) {
    const node = queue.shift()!;
    if (node === from) {
      const path = [from];
      let at = from;
      while (at !== to) {
        at = previous.get(at)!;
        path.push(at);
      }
      return [from, ...path.reverse()];
    }
    for (const next of requires.get(node) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return null;
}

function addDependency(e: Editing, op: Extract<EditOperation, { op: 'addDependency' }>): EditResult {
  const def = e.resourceDef(op.resource);
  e.resourcePair(op.requires);
  if (op.resource === op.requires) throw new EditError(`${op.resource} cannot depend on itself.`, 'EDIT_CYCLE');
  const cycle = wouldCycle(e.analysis, op.resource, op.requires);
  if (cycle) {
    throw new EditError(`${op.resource} cannot depend on ${op.requires}: that would make a cycle, ${cycle.join(' → ')}.`, 'EDIT_CYCLE');
  }
  const dependsOn = e.keys.resource.dependsOn;
  const pair = findPair(def, dependsOn);
  if (!pair || (pair.value.kind === 'scalar' && pair.value.value === null)) {
    if (pair) e.editor.replaceValue(def, pair, op.requires);
    else e.editor.insertPair(def, dependsOn, op.requires);
    return e.finish();
  }
  const v = pair.value;
  if (v.kind === 'scalar') {
    if (v.value === op.requires) return e.finish();
    // The single name becomes a list only now that there are two.
    e.editor.replaceValue(def, pair, [v.value, op.requires]);
    return e.finish();
  }
  if (v.kind !== 'seq') throw new EditError(`The ${dependsOn} of ${op.resource} is neither a name nor a list.`, 'EDIT_NOT_LIST');
  if (v.items.some((i) => i.kind === 'scalar' && i.value === op.requires)) return e.finish();
  if (v.items.length === 0) e.editor.replaceValue(def, pair, op.requires);
  else e.editor.appendItem(v, op.requires);
  return e.finish();
}

function removeDependency(e: Editing, op: Extract<EditOperation, { op: 'removeDependency' }>): EditResult {
  const def = e.resourceDef(op.resource);
  if (!removeDependsOnEntry(e, def, op.requires)) {
    const stated = e.analysis.resources.find((r) => r.name === op.resource)?.references.find((r) => r.resource === op.requires);
    if (stated) {
      throw new EditError(
        `${op.resource} refers to ${op.requires} with ${stated.kind} in ${stated.heatPath}; change that property to remove the dependency.`,
        'EDIT_REFERENCE_EDGE',
      );
    }
  }
  return e.finish();
}

function addParameter(e: Editing, op: Extract<EditOperation, { op: 'addParameter' }>): EditResult {
  checkName('parameter', op.name);
  if (e.analysis.parameters.some((p) => p.name === op.name))
    throw new EditError(`A parameter named ${op.name} already exists.`, 'EDIT_NAME_TAKEN');
  if (e.analysis.resources.some((r) => r.name === op.name))
    throw new EditError(`${op.name} is the name of a resource; Heat needs resource and parameter names to differ.`, 'EDIT_NAME_TAKEN');
  e.setInSection(e.keys.parameters, op.name, e.dialect.parameter({ type: 'string', ...op.definition }));
  return e.finish();
}

function renameParameter(e: Editing, op: Extract<EditOperation, { op: 'renameParameter' }>): EditResult {
  if (op.from === op.to) return e.finish();
  checkName('parameter', op.to);
  const params = e.sectionMap(e.keys.parameters);
  const pair = params ? findPair(params, op.from) : undefined;
  if (!pair) throw new EditError(`There is no parameter named ${op.from}.`, 'EDIT_NO_PARAMETER');
  if (params && findPair(params, op.to)) throw new EditError(`A parameter named ${op.to} already exists.`, 'EDIT_NAME_TAKEN');
  replaceName(e, { node: pair.key }, op.to);
  const shadowed = new Set(e.analysis.resources.map((r) => r.name));
  for (const use of once(parameterNameUses(e.root, op.from, e.keys))) {
    if (use.kind === 'Ref' && shadowed.has(op.from)) continue;
    replaceName(e, use, op.to);
  }
  return e.finish();
}

function removeParameter(e: Editing, op: Extract<EditOperation, { op: 'removeParameter' }>): EditResult {
  const params = e.sectionMap(e.keys.parameters);
  const pair = params ? findPair(params, op.name) : undefined;
  if (!params || !pair) throw new EditError(`There is no parameter named ${op.name}.`, 'EDIT_NO_PARAMETER');
  e.editor.removePair(params, pair);
  for (const use of parameterNameUses(e.root, op.name, e.keys)) {
    if (use.kind === 'parameter_group') {
      const groups = e.section('parameter_groups');
      if (groups?.kind !== 'seq') continue;
      for (const group of groups.items) {
        const list = group.kind === 'map' ? get(group, 'parameters') : undefined;
        if (list?.kind !== 'seq') continue;
        const index = list.items.indexOf(use.node);
        if (index === -1) continue;
        if (list.items.length > 1) e.editor.removeItem(list, index);
        else e.note(`The parameter group at ${use.path} is now empty; remove it or add a parameter to it.`, use.node, use.path);
      }
      continue;
    }
    e.note(`${use.path} still uses the parameter ${op.name}; change or remove it.`, use.node, use.path);
  }
  return e.finish();
}

function setParameterGroup(e: Editing, op: Extract<EditOperation, { op: 'setParameterGroup' }>): EditResult {
  const groupsKey = e.keys.parameterGroups;
  if (!groupsKey) throw new EditError('A CloudFormation template has no parameter groups.', 'EDIT_DIALECT');
  if (!e.analysis.parameters.some((p) => p.name === op.name))
    throw new EditError(`There is no parameter named ${op.name}.`, 'EDIT_NO_PARAMETER');
  const groupsPair = findPair(e.root, groupsKey);
  const groups = groupsPair?.value.kind === 'seq' ? groupsPair.value : null;
  if (groupsPair && !groups && !(groupsPair.value.kind === 'scalar' && groupsPair.value.value === null))
    throw new EditError('The parameter_groups section is not a list; edit it in the YAML.', 'EDIT_NOT_LIST');
  const label = (group: YNode) => {
    const l = group.kind === 'map' ? get(group, 'label') : undefined;
    return l?.kind === 'scalar' && l.value !== null ? String(l.value) : null;
  };
  const items = groups?.items ?? [];
  const target = op.group === null ? -1 : items.findIndex((g) => label(g) === op.group);
  // Out of the groups it is in (a group left with nothing goes).
  const emptied: number[] = [];
  items.forEach((group, g) => {
    const list = group.kind === 'map' ? get(group, 'parameters') : undefined;
    if (list?.kind !== 'seq' || g === target) return;
    const index = list.items.findIndex((i) => i.kind === 'scalar' && i.value === op.name);
    if (index === -1) return;
    if (list.items.length > 1) e.editor.removeItem(list, index);
    else emptied.push(g);
  });
  if (groups && emptied.length === items.length && target === -1) {
    // Every group is left empty: the section goes, or becomes just the group asked for (one edit, not two).
    if (op.group === null) e.editor.removePair(e.root, groupsPair!);
    else e.editor.replaceValue(e.root, groupsPair!, [{ label: op.group, parameters: [op.name] }]);
    return e.finish();
  }
  if (groups) for (const g of [...emptied].reverse()) e.editor.removeItem(groups, g);
  if (op.group === null) return e.finish();
  if (target === -1) {
    const entry: ValueMap = { label: op.group, parameters: [op.name] };
    if (groups && groups.items.length) e.editor.appendItem(groups, entry);
    else if (groupsPair) e.editor.replaceValue(e.root, groupsPair, [entry]);
    else e.addSection(groupsKey, [entry]);
    return e.finish();
  }
  const group = items[target]!;
  const list = group.kind === 'map' ? get(group, 'parameters') : undefined;
  if (list?.kind !== 'seq')
    throw new EditError(`The parameter group ${op.group} has no list of parameters; edit it in the YAML.`, 'EDIT_NOT_LIST');
  if (list.items.some((i) => i.kind === 'scalar' && i.value === op.name)) return e.finish();
  if (list.items.length) e.editor.appendItem(list, op.name);
  else if (group.kind === 'map') e.editor.set(group, 'parameters', [op.name]);
  return e.finish();
}

function outputPair(e: Editing, name: string): { outputs: YMap; pair: YPair } {
  const outputs = e.sectionMap(e.keys.outputs);
  const pair = outputs ? findPair(outputs, name) : undefined;
  if (!outputs || !pair) throw new EditError(`There is no output named ${name}.`, 'EDIT_NO_OUTPUT');
  return { outputs, pair };
}

function addOutput(e: Editing, op: Extract<EditOperation, { op: 'addOutput' }>): EditResult {
  checkName('output', op.name);
  if (e.analysis.outputs.some((o) => o.name === op.name))
    throw new EditError(`An output named ${op.name} already exists.`, 'EDIT_NAME_TAKEN');
  const definition: ValueMap = {};
  if (op.description !== undefined) definition[e.keys.output.description] = op.description;
  definition[e.keys.output.value] = e.dialect.value(op.value);
  e.setInSection(e.keys.outputs, op.name, definition);
  return e.finish();
}

function renameOutput(e: Editing, op: Extract<EditOperation, { op: 'renameOutput' }>): EditResult {
  if (op.from === op.to) return e.finish();
  checkName('output', op.to);
  const { outputs, pair } = outputPair(e, op.from);
  if (findPair(outputs, op.to)) throw new EditError(`An output named ${op.to} already exists.`, 'EDIT_NAME_TAKEN');
  replaceName(e, { node: pair.key }, op.to);
  return e.finish();
}

function removeOutput(e: Editing, op: Extract<EditOperation, { op: 'removeOutput' }>): EditResult {
  const { outputs, pair } = outputPair(e, op.name);
  e.editor.removePair(outputs, pair);
  return e.finish();
}

function setDescription(e: Editing, op: Extract<EditOperation, { op: 'setDescription' }>): EditResult {
  const pair = findPair(e.root, e.keys.description);
  if (pair) e.editor.replaceValue(e.root, pair, op.description);
  else e.addSection(e.keys.description, op.description);
  return e.finish();
}

function setMetadata(e: Editing, op: Extract<EditOperation, { op: 'setMetadata' }>): EditResult {
  const def = e.resourceDef(op.resource);
  const key = e.keys.resource.metadata;
  const pair = findPair(def, key);
  if (op.metadata === null) {
    if (pair) e.editor.removePair(def, pair);
  } else if (pair) e.editor.replaceValue(def, pair, e.dialect.value(op.metadata));
  else e.editor.insertPair(def, key, e.dialect.value(op.metadata));
  return e.finish();
}

/** The lines of a resource with the comment lines just above it, which go where it goes. */
function resourceLines(e: Editing, pair: YPair): { start: number; end: number } {
  let start = lineStart(e.text, pair.key.start);
  const indent = columnOf(e.text, pair.key.start);
  while (start > 0) {
    const prev = lineStart(e.text, start - 1);
    const line = e.text.slice(prev, start);
    const m = /^( *)#/.exec(line);
    if (!m || m[1]!.length !== indent) break;
    start = prev;
  }
  return { start, end: nextLineStart(e.text, contentEnd(e.text, pair.value)) };
}

function moveResource(e: Editing, op: Extract<EditOperation, { op: 'moveResource' }>): EditResult {
  const resources = e.sectionMap(e.keys.resources);
  if (!resources || resources.flow) throw new EditError('Resources in a flow-style map cannot be reordered.', 'EDIT_LAYOUT');
  const pair = e.resourcePair(op.name);
  if (op.before === op.name) return e.finish();
  const moving = resourceLines(e, pair);
  const nl = e.text.includes('\r\n') ? '\r\n' : '\n';
  let block = e.text.slice(moving.start, moving.end);
  if (!block.endsWith('\n')) block += nl;
  let at: number;
  if (op.before === null) {
    const last = resources.pairs[resources.pairs.length - 1]!;
    if (last === pair) return e.finish();
    at = nextLineStart(e.text, contentEnd(e.text, last.value));
  } else {
    at = resourceLines(e, e.resourcePair(op.before)).start;
    if (at === moving.end) return e.finish();
  }
  e.editor.splice(moving.start, moving.end, '');
  const prefix = at === e.text.length && !e.text.endsWith('\n') ? nl : '';
  e.editor.splice(at, at, prefix + block);
  return e.finish();
}

function setProperty(e: Editing, resource: string, path: PropertyPath, value: Value | undefined): EditResult {
  if (path.length === 0) throw new EditError('Name the property to set.', 'EDIT_PATH');
  setAt(e, e.resourceDef(resource), [e.keys.resource.properties, ...path], value === undefined ? undefined : e.dialect.value(value));
  return e.finish();
}

/** A parameter's or output's definition, which must be a map to be edited field by field. */
function definitionMap(e: Editing, section: 'parameters' | 'outputs', name: string): YMap {
  const map = e.sectionMap(e.keys[section]);
  const pair = map ? findPair(map, name) : undefined;
  const kind = section === 'parameters' ? 'parameter' : 'output';
  if (!pair) throw new EditError(`There is no ${kind} named ${name}.`, section === 'parameters' ? 'EDIT_NO_PARAMETER' : 'EDIT_NO_OUTPUT');
  if (pair.value.kind !== 'map') throw new EditError(`The ${kind} ${name} is not a map; edit it in the YAML.`, 'EDIT_PATH');
  return pair.value;
}

function setDefinitionField(
  e: Editing,
  section: 'parameters' | 'outputs',
  op: { name: string; path: PropertyPath; value?: Value },
): EditResult {
  if (op.path.length === 0) throw new EditError('Name the field to set.', 'EDIT_PATH');
  const def = definitionMap(e, section, op.name);
  if (def.aliasOf) throw new EditError(`${op.name} is an alias of another definition; edit it in the YAML.`, 'EDIT_PATH');
  if (e.dialect.format === 'hot') {
    setAt(e, def, op.path, op.value);
    return e.finish();
  }
  const [field, ...rest] = op.path;
  if (typeof field !== 'string') throw new EditError('Name the field to set.', 'EDIT_PATH');
  if (section === 'outputs') {
    const value = op.value === undefined ? undefined : field === 'value' && !rest.length ? e.dialect.value(op.value) : op.value;
    setAt(e, def, [e.dialect.outputField(field), ...rest], value);
    return e.finish();
  }
  if (rest.length) throw new EditError(`Set the whole ${field} of a CloudFormation parameter.`, 'EDIT_PATH');
  const changes = e.dialect.parameterField(field, op.value);
  if (def.flow) {
    // Several keys of one flow map (`{"Type": ..., "MinLength": ...}`) change as one new map: separate
    // removals of neighbouring entries would overlap.
    const next = plainValue(def) as ValueMap;
    for (const [key, value] of changes) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    const params = e.sectionMap(e.keys.parameters)!;
    e.editor.replaceValue(params, findPair(params, op.name)!, next);
    return e.finish();
  }
  for (const [key, value] of changes) setAt(e, def, [key], value);
  return e.finish();
}

/** Applies one operation to the template an analysis describes. */
export function applyEdit(analysis: Analysis, op: EditOperation): EditResult {
  const e = new Editing(analysis);
  switch (op.op) {
    case 'addResource':
      return addResource(e, op);
    case 'removeResource':
      return removeResource(e, op);
    case 'renameResource':
      return renameResource(e, op);
    case 'setProperty':
      return setProperty(e, op.resource, op.path, op.value);
    case 'removeProperty':
      return setProperty(e, op.resource, op.path, undefined);
    case 'addDependency':
      return addDependency(e, op);
    case 'removeDependency':
      return removeDependency(e, op);
    case 'addParameter':
      return addParameter(e, op);
    case 'renameParameter':
      return renameParameter(e, op);
    case 'setParameterField':
      return setDefinitionField(e, 'parameters', op);
    case 'removeParameter':
      return removeParameter(e, op);
    case 'setParameterGroup':
      return setParameterGroup(e, op);
    case 'addOutput':
      return addOutput(e, op);
    case 'renameOutput':
      return renameOutput(e, op);
    case 'setOutputField':
      return setDefinitionField(e, 'outputs', op);
    case 'removeOutput':
      return removeOutput(e, op);
    case 'setDescription':
      return setDescription(e, op);
    case 'setMetadata':
      return setMetadata(e, op);
    case 'moveResource':
      return moveResource(e, op);
  }
}

/** Convenience for one-off edits: analyzes the text, then applies the operation. */
export function editTemplate(text: string, op: EditOperation): EditResult {
  return applyEdit(analyzeTemplate(text), op);
}
