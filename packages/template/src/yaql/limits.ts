// Heat's limits on yaql, as Heat applies them (heat/engine/hot/functions.py
// creates its yaql engine with yaql.limitIterators = 200 and
// yaql.memoryQuota = 10000; yaql/language/utils.py enforces them):
//
// - A collection passed where a function takes an Iterable, and every
//   collection in the result, may have at most 200 elements. A list or map is
//   refused by its length; a lazy one (the iterator `range`, `select` or
//   `where` returns) only when its 201st element is taken, so
//   `range(0, 100000).first()` is fine.
// - Every argument and every result of a function may take at most 10,000
//   bytes, measured as CPython 3.11's sys.getsizeof (the object itself, not
//   what it refers to): so a string of 9,952 ASCII characters is refused, a
//   list of 10,000 numbers is not measured by its numbers, and an iterator
//   is a few dozen bytes however long.
//
// Hearth's evaluator materialises what Python keeps lazy; this module keeps
// the Python shape of each value beside it so that both limits give Heat's
// verdicts.
import type { Value, ValueMap } from '../hot/values.ts';
import { isValueMap } from '../hot/values.ts';

export const LIMIT_ITERATORS = 200;
export const MEMORY_QUOTA = 10_000;

export class YaqlLimitError extends Error {}

export const collectionTooLarge = () => new YaqlLimitError(`Collection length exceeds ${LIMIT_ITERATORS} elements`);
export const memoryExceeded = () => new YaqlLimitError('Expression consumed too much memory');

/** What a Python iterator is made by: a generator function, map/filter/zip objects, range's iterator, a dict's values view. */
type LazyKind = 'generator' | 'iterator';

/**
 * A Python iterator: consumed once, element by element. A function that
 * takes it as an Iterable counts what it takes (see `elements`).
 */
export class Lazy {
  constructor(
    private readonly source: Iterator<Value>,
    readonly kind: LazyKind = 'iterator',
  ) {}
  next(): IteratorResult<Value> {
    return this.source.next();
  }
}

/** Arrays that are Python lists (str.split's results); every other array is a tuple, as yaql makes lists. */
const pythonLists = new WeakSet<Value[]>();
/** Arrays that are a dict's keys or items view: sets to yaql (limited by length), tiny to getsizeof. */
const dictViews = new WeakSet<Value[]>();
/** Maps that are Python dicts (mergeWith's result); every other map is yaql's FrozenDict, a small wrapper. */
const pythonDicts = new WeakSet<ValueMap>();

export function asPythonList<T extends Value[]>(items: T): T {
  pythonLists.add(items);
  return items;
}
export function asDictView<T extends Value[]>(items: T): T {
  dictViews.add(items);
  return items;
}
export function isDictView(items: Value[]): boolean {
  return dictViews.has(items);
}
export function asPythonDict<T extends ValueMap>(map: T): T {
  pythonDicts.add(map);
  return map;
}

/** sys.getsizeof of a dict with n keys (CPython 3.11): its keys table has 8, 16, 32, ... slots, two thirds of them usable. */
function dictSize(n: number): number {
  if (n === 0) return 64;
  const sizes = [184, 272, 464, 832, 1584, 3328, 6576, 13056, 26032];
  let slots = 8;
  let i = 0;
  while (n > Math.floor((slots * 2) / 3)) {
    slots *= 2;
    i++;
  }
  return i < sizes.length ? sizes[i]! : sizes.at(-1)! * 2 ** (i - sizes.length + 1);
}

function stringSize(s: string): number {
  let widest = 0;
  let length = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    length++;
    if (code > widest) widest = code;
  }
  if (widest < 0x80) return 49 + length;
  if (widest < 0x100) return 73 + length;
  if (widest < 0x10000) return 74 + 2 * length;
  return 76 + 4 * length;
}

function intSize(n: number): number {
  const magnitude = Math.abs(n);
  if (magnitude < 2 ** 30) return 28;
  if (magnitude < 2 ** 60) return 32;
  return 28 + 4 * Math.ceil(Math.log2(magnitude + 1) / 30);
}

/** CPython 3.11's sys.getsizeof of the Python object a yaql value is (shallow, as yaql measures). */
export function pySizeof(v: unknown): number {
  if (v === null || v === undefined) return 16;
  if (typeof v === 'boolean') return 28;
  if (typeof v === 'number') return Number.isInteger(v) ? intSize(v) : 24;
  if (typeof v === 'string') return v.length > MEMORY_QUOTA * 4 ? v.length : stringSize(v);
  if (v instanceof Lazy) return v.kind === 'generator' ? 200 : 48;
  if (Array.isArray(v)) {
    if (dictViews.has(v)) return 40;
    return (pythonLists.has(v) ? 56 : 40) + 8 * v.length;
  }
  if (isValueMap(v)) return pythonDicts.has(v) ? dictSize(Object.keys(v).length) : 56;
  return 56;
}

/** yaql's limit_memory_usage: the values, each counted `times` times, together within the quota. */
export function limitMemory(...parts: Array<[times: number, value: unknown]>): void {
  let total = 0;
  for (const [times, value] of parts) {
    total += times * pySizeof(value);
    if (total > MEMORY_QUOTA) throw memoryExceeded();
  }
}

/**
 * yaql's limit_iterable, for a function that takes an Iterable: a list,
 * map or set view is refused by its length at once; an iterator when its
 * 201st element is taken.
 */
export function* elements(v: Value | Lazy, onEach?: () => void): Generator<Value> {
  if (v instanceof Lazy) {
    let taken = 0;
    for (let r = v.next(); !r.done; r = v.next()) {
      if (++taken > LIMIT_ITERATORS) throw collectionTooLarge();
      onEach?.();
      yield r.value;
    }
    return;
  }
  const items = Array.isArray(v) ? v : isValueMap(v) ? Object.keys(v) : typeof v === 'string' ? [...v] : null;
  if (items === null) throw new YaqlLimitError(`${String(v)} is not a collection`);
  if (items.length > LIMIT_ITERATORS && typeof v !== 'string') throw collectionTooLarge();
  for (const item of items) {
    onEach?.();
    yield item;
  }
}
