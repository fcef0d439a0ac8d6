// A property edited as a whole (the inspector's YAML field) turned into the
// smallest edit operations: only the keys and items that changed are set or
// removed, so the rest of the value keeps its comments, quoting and flow or
// block style in the file.
import type { Analysis, EditOperation, PropertyPath, Value, ValueMap } from '@hearth/template';
import { isMap, isValueMap, nodeToValue, parseYamlText } from '@hearth/template';

const equal = (a: Value | undefined, b: Value | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** `{get_param: x}` and the like: replaced whole, never merged key by key. */
const isCall = (v: ValueMap) =>
  Object.keys(v).length === 1 &&
  /^(get_|list_|str_|map_|yaql|if|equals|repeat|digest|resolve|and|or|not|contains|filter|make_url|Fn::|Ref$)/.test(Object.keys(v)[0]!);

export function propertyEdits(resource: string, path: PropertyPath, before: Value | undefined, after: Value | undefined): EditOperation[] {
  if (equal(before, after)) return [];
  if (after === undefined) return [{ op: 'removeProperty', resource, path }];
  // Emptied: one `{}` (removing each key would leave the key with no value, which is null).
  if (isValueMap(after) && !Object.keys(after).length) return [{ op: 'setProperty', resource, path, value: {} }];
  if (isValueMap(before) && isValueMap(after) && !isCall(before) && !isCall(after)) {
    const ops: EditOperation[] = [];
    for (const key of Object.keys(before)) if (!(key in after)) ops.push({ op: 'removeProperty', resource, path: [...path, key] });
    for (const [key, value] of Object.entries(after)) ops.push(...propertyEdits(resource, [...path, key], before[key], value));
    return ops;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return after.flatMap((item, i) => propertyEdits(resource, [...path, i], before[i], item));
  }
  return [{ op: 'setProperty', resource, path, value: after }];
}

/**
 * A property's value as written in the template (comments and style kept),
 * its indentation removed; null when it is not there, or when the slice does
 * not read back as the same value on its own (it uses an alias or merge key
 * whose anchor is elsewhere).
 */
export function propertySource(analysis: Analysis, resource: string, name: string): string | null {
  const props = analysis.resources.find((r) => r.name === resource)?.def.propertiesNode;
  const pair = isMap(props) ? props.pairs.find((p) => p.keyText === name) : undefined;
  const value = pair?.value;
  if (!pair || !value) return null;
  const source = analysis.lines.text;
  // A block collection starts on the line after its key: comments above its first entry belong to it.
  const block = (value.kind === 'map' || value.kind === 'seq') && !value.flow;
  const start = block ? source.indexOf('\n', pair.key.end) + 1 : value.start;
  const text = source.slice(start, value.end).replace(/^\n+/, '');
  const lines = text.split('\n');
  // The first line of a block value has its indentation too; of a flow or scalar value, not.
  const indented = (block ? lines : lines.slice(1)).filter((l) => l.trim());
  const indent = indented.length ? Math.min(...indented.map((l) => l.length - l.trimStart().length)) : 0;
  const out = lines.map((l, i) => (i === 0 && !block ? l : l.slice(Math.min(indent, l.length - l.trimStart().length)))).join('\n');
  const reread = parseYamlText(out);
  if (!reread.root || reread.problems.some((p) => p.severity === 'error')) return null;
  return JSON.stringify(nodeToValue(reread.root)) === JSON.stringify(nodeToValue(value)) ? out : null;
}
