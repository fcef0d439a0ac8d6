// The YAML tree Hearth works on: every node knows where it came from in the
// text (offsets, end-exclusive), and scalars are already resolved the way
// Heat's loader (PyYAML, YAML 1.1) resolves them.

export type ScalarValue = string | number | boolean | null;

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

/**
 * An alias (`*name`) is the node its anchor names, at the alias's own place:
 * its start and end are the alias's text, its content the anchor's (shared,
 * not copied), and `aliasOf` is the anchored node. Edits never take the
 * anchor's text for the alias's.
 */
interface AliasInfo {
  aliasOf?: YNode;
}

export interface YScalar extends AliasInfo {
  kind: 'scalar';
  start: number;
  end: number;
  value: ScalarValue;
  /** The YAML 1.1 type it resolved to: str, int, float, bool, null, binary. */
  type: 'str' | 'int' | 'float' | 'bool' | 'null' | 'binary';
  style: ScalarStyle;
}

export interface YPair {
  key: YNode;
  value: YNode;
  /** The key as Heat sees it after Python's str(): `true:` is "True". */
  keyText: string;
}

export interface YMap extends AliasInfo {
  kind: 'map';
  start: number;
  end: number;
  pairs: YPair[];
  flow: boolean;
  /** Some key appears more than once (the last one wins). */
  duplicateKeys?: boolean;
}

export interface YSeq extends AliasInfo {
  kind: 'seq';
  start: number;
  end: number;
  items: YNode[];
  flow: boolean;
}

export type YNode = YScalar | YMap | YSeq;

export function isMap(node: YNode | undefined | null): node is YMap {
  return node?.kind === 'map';
}

export function isSeq(node: YNode | undefined | null): node is YSeq {
  return node?.kind === 'seq';
}

export function isScalar(node: YNode | undefined | null): node is YScalar {
  return node?.kind === 'scalar';
}

/** Python's str() of a scalar, which is how Heat names keys in messages. */
export function pythonStr(value: ScalarValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumberStr(value);
  return value;
}

export function pythonNumberStr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/** The last pair with this key wins, as in PyYAML. */
export function getPair(map: YMap, key: string): YPair | undefined {
  for (let i = map.pairs.length - 1; i >= 0; i--) {
    const pair = map.pairs[i]!;
    if (pair.keyText === key) return pair;
  }
  return undefined;
}

export function get(map: YMap, key: string): YNode | undefined {
  return getPair(map, key)?.value;
}

/** Pairs with duplicate keys removed (the last one is kept), in first-seen order. */
export function effectivePairs(map: YMap): YPair[] {
  if (!map.duplicateKeys) return map.pairs;
  const seen = new Map<string, number>();
  const out: YPair[] = [];
  for (const pair of map.pairs) {
    const at = seen.get(pair.keyText);
    if (at === undefined) {
      seen.set(pair.keyText, out.length);
      out.push(pair);
    } else {
      out[at] = pair;
    }
  }
  return out;
}

export function isNullish(node: YNode | undefined): boolean {
  return node === undefined || (node.kind === 'scalar' && node.value === null);
}

export function scalarString(node: YNode | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}
