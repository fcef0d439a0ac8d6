// Runtime values of HOT expressions, with the Python semantics Heat gives
// them (equality, str(), json.dumps) where they differ from JavaScript's.
import type { YNode } from '../yaml/nodes.ts';
import { pythonNumberStr } from '../yaml/nodes.ts';

export type Value = string | number | boolean | null | Value[] | ValueMap;
export interface ValueMap {
  [key: string]: Value;
}

/** Heat's Ellipsis: "no value at all", which drops a list item or map key. */
export const ABSENT: unique symbol = Symbol('absent');
export type MaybeValue = Value | typeof ABSENT;

export function isValueMap(v: unknown): v is ValueMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function newMap(): ValueMap {
  return Object.create(null) as ValueMap;
}

export function setKey(map: ValueMap, key: string, value: Value): void {
  // Assigning "__proto__" would change the prototype of an ordinary object.
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

export function hasKey(map: ValueMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** The plain value of a YAML node, as PyYAML would construct it. */
export function nodeToValue(node: YNode | undefined | null): Value {
  if (!node) return null;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(nodeToValue);
  const out = newMap();
  for (const pair of node.pairs) setKey(out, pair.keyText, nodeToValue(pair.value));
  return out;
}

/** Python's == (1 == 1.0 == True; containers compared deeply). */
export function pyEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  if (typeof na === 'number' && typeof nb === 'number') return na === nb;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]!));
  if (isValueMap(a) && isValueMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && pyEquals(a[k]!, b[k]!));
  }
  return false;
}

export function pyContains(list: readonly Value[], v: Value): boolean {
  return list.some((x) => pyEquals(x, v));
}

/** json.dumps with Python's default separators (", " and ": "). */
export function jsonDumps(value: Value, sortKeys = false): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return String(value);
  }
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return `[${value.map((v) => jsonDumps(v, sortKeys)).join(', ')}]`;
  const keys = Object.keys(value);
  if (sortKeys) keys.sort();
  return `{${keys.map((k) => `${pyJsonString(k)}: ${jsonDumps(value[k]!, sortKeys)}`).join(', ')}}`;
}

/** Python's json escapes every non-ASCII character (ensure_ascii). */
function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's str() of a value. */
export function pyStr(value: Value): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumberStr(value);
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

export function pyRepr(value: Value): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isValueMap(value))
    return `{${Object.keys(value)
      .map((k) => `${pyRepr(k)}: ${pyRepr(value[k]!)}`)
      .join(', ')}}`;
  return pyStr(value);
}

export function typeName(value: Value): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}
