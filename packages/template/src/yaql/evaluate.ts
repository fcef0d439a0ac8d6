// Evaluates YAQL expressions over plain data, for the part of yaql's
// standard library that templates use to compute values: operators,
// collection queries (where, select, any, all, first, last, ...), string
// functions (split, rightSplit, join, format, ...), regex, let/switch/
// coalesce. Anything else is reported as not supported, never guessed.
//
// Values keep yaql's shapes where Heat's limits depend on them (./limits.ts):
// `range`, `select`, `where` and the like return iterators, consumed once and
// counted as consumed; every argument and result is measured against Heat's
// memory quota; every collection taken as an Iterable, and the result, is
// held to Heat's 200 elements.
import type { EvaluationBudget } from '../hot/budget.ts';
import type { Value, ValueMap } from '../hot/values.ts';
import { hasKey, isValueMap, jsonDumps, newMap, pyEquals, pyStr, setKey } from '../hot/values.ts';
import {
  asDictView,
  asPythonDict,
  asPythonList,
  isDictView,
  collectionTooLarge,
  elements,
  LIMIT_ITERATORS,
  Lazy,
  limitMemory,
  memoryExceeded,
  MEMORY_QUOTA,
  YaqlLimitError,
} from './limits.ts';
import { parseYaql, type YaqlArg, type YaqlNode } from './parse.ts';

export class YaqlEvalError extends Error {}

/** Steps one evaluation may take (Hearth's own bound: Heat has none on time). */
export const MAX_YAQL_STEPS = 1_000_000;

class Regex {
  constructor(readonly pattern: string) {}
  compile(flags = ''): RegExp {
    try {
      return new RegExp(this.pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>'), flags);
    } catch (error) {
      throw new YaqlEvalError(`bad regular expression ${this.pattern}: ${(error as Error).message}`);
    }
  }
}

type YValue = Value | Regex | LetScope | Lazy;

interface Scope {
  vars: Map<string, YValue>;
  parent: Scope | null;
}

function lookup(scope: Scope, name: string): YValue {
  for (let s: Scope | null = scope; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name)!;
  return null;
}

function child(scope: Scope, vars: Record<string, YValue>): Scope {
  return { vars: new Map(Object.entries(vars)), parent: scope };
}

/** What let() returns: the scope its names are bound in, for the `->` that follows. */
class LetScope {
  constructor(readonly scope: Scope) {}
}

function isCollection(v: YValue): v is Value[] | Lazy {
  return Array.isArray(v) || v instanceof Lazy;
}

function truthy(v: YValue): boolean {
  if (v instanceof Lazy) return true;
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isValueMap(v)) return Object.keys(v).length > 0;
  return true;
}

function str(v: YValue): string {
  if (v instanceof Regex) return v.pattern;
  if (v instanceof LetScope) return str(lookup(v.scope, '$'));
  if (v instanceof Lazy) return '<iterator>';
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return pyStr(v);
  return jsonDumps(v);
}

function num(v: YValue, fn: string): number {
  if (typeof v === 'number') return v;
  throw new YaqlEvalError(`${fn} needs a number, got ${str(v)}`);
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a === null && b === null) return 0;
  throw new YaqlEvalError(`cannot compare ${str(a)} and ${str(b)}`);
}

function mapOf(v: YValue, fn: string): ValueMap {
  if (isValueMap(v) && !(v instanceof Lazy)) return v;
  throw new YaqlEvalError(`${fn}() needs a map`);
}

/** Python's `in` over a collection, taken element by element. */
function lazyOf(items: Iterable<Value>, kind: 'generator' | 'iterator' = 'iterator'): Lazy {
  return new Lazy(items[Symbol.iterator](), kind);
}

class Evaluator {
  steps = 0;

  private step(): void {
    if (++this.steps > MAX_YAQL_STEPS) {
      throw new YaqlEvalError(`the expression takes more than ${MAX_YAQL_STEPS.toLocaleString('en-US')} steps, the most Hearth evaluates`);
    }
  }

  /** A value as a function receives it: measured against the memory quota (yaql's PythonType.convert). */
  private arg<T extends YValue>(v: T): T {
    if (!(v instanceof Regex || v instanceof LetScope)) limitMemory([1, v]);
    return v;
  }

  /** A function's result: measured against the memory quota (yaql's runner, after every call). */
  private result<T extends YValue>(v: T): T {
    return this.arg(v);
  }

  /** A collection a function takes as an Iterable: limited to 200 elements, each a step. */
  private items(v: YValue, fn: string): Generator<Value> {
    if (v instanceof Regex || v instanceof LetScope || v === null || typeof v === 'number' || typeof v === 'boolean') {
      throw new YaqlEvalError(`${fn}() needs a collection`);
    }
    return elements(v, () => this.step());
  }

  /** Plain data of a value that must be one (a variable holding let()'s scope gives its `$`). */
  private plain(v: YValue): Value {
    if (v instanceof Regex) throw new YaqlEvalError('a regular expression cannot be used as a value');
    if (v instanceof LetScope) return this.plain(lookup(v.scope, '$'));
    if (v instanceof Lazy) return [...this.items(v, 'list')];
    return v;
  }

  eval(node: YaqlNode, scope: Scope): YValue {
    this.step();
    switch (node.k) {
      case 'const':
        return node.value;
      case 'keyword':
        return node.name;
      case 'var':
        return node.name === '$' ? lookup(scope, '$') : lookup(scope, node.name.slice(1));
      case 'wrap':
        return this.eval(node.inner, scope);
      case 'list': {
        // #list: each element measured, and all of them together, then the tuple.
        const items = node.items.map((a) => this.arg(this.positional(a, scope)));
        limitMemory(...items.map((t): [number, unknown] => [1, t]));
        return this.result(items.map((t) => (t instanceof Lazy ? t : this.plainItem(t))) as Value[]);
      }
      case 'map': {
        const out = newMap();
        for (const a of node.items) {
          if (a.k !== 'named') throw new YaqlEvalError('a map literal needs key => value pairs');
          setKey(out, str(this.eval(a.name, scope)), this.plain(this.eval(a.value, scope)));
        }
        return this.result(out);
      }
      case 'index': {
        const target = this.arg(this.eval(node.target, scope));
        const key = this.arg(this.positional(node.args[0]!, scope));
        return this.result(index(target, key));
      }
      case 'unary': {
        const v = this.arg(this.eval(node.operand, scope));
        if (node.op === 'not') return !truthy(v);
        if (node.op === '-') return -num(v, 'unary -');
        return num(v, 'unary +');
      }
      case 'call':
        return this.call(node.name, null, false, node.args, scope);
      case 'binary':
        return this.binary(node, scope);
    }
  }

  /** An element of a list literal: an iterator stays one (a tuple may hold it), anything else is plain data. */
  private plainItem(v: YValue): Value {
    if (v instanceof LetScope || v instanceof Regex) return this.plain(v);
    return v as Value;
  }

  private positional(a: YaqlArg, scope: Scope): YValue {
    if (a.k !== 'positional' || a.value === null) throw new YaqlEvalError('missing argument');
    return this.eval(a.value, scope);
  }

  private binary(node: Extract<YaqlNode, { k: 'binary' }>, scope: Scope): YValue {
    const { op } = node;
    if (op === '.' || op === '?.') {
      const receiver = this.eval(node.left, scope);
      if (op === '?.' && receiver === null) return null;
      if (node.right.k === 'call') return this.call(node.right.name, receiver, true, node.right.args, scope);
      if (node.right.k === 'keyword') {
        if (isValueMap(receiver)) {
          this.arg(receiver);
          return this.result(hasKey(receiver, node.right.name) ? receiver[node.right.name]! : null);
        }
        throw new YaqlEvalError(`no attribute ${node.right.name} on ${str(receiver)}`);
      }
      throw new YaqlEvalError('a "." must be followed by a name or a method call');
    }
    if (op === '->') {
      const left = this.arg(this.eval(node.left, scope));
      const bound = left instanceof LetScope ? left.scope : child(scope, { $: left });
      return this.eval(node.right, bound);
    }
    if (op === 'and') {
      const l = this.eval(node.left, scope);
      return truthy(l) ? this.eval(node.right, scope) : l;
    }
    if (op === 'or') {
      const l = this.eval(node.left, scope);
      return truthy(l) ? l : this.eval(node.right, scope);
    }
    const l = this.arg(this.eval(node.left, scope));
    const r = this.arg(this.eval(node.right, scope));
    switch (op) {
      case '+':
        return this.result(this.plus(l, r));
      case '-':
        return num(l, '-') - num(r, '-');
      case '*':
        return this.result(this.times(l, r));
      case '/': {
        const a = num(l, '/');
        const b = num(r, '/');
        if (b === 0) throw new YaqlEvalError('division by zero');
        return Number.isInteger(a) && Number.isInteger(b) ? Math.floor(a / b) : a / b;
      }
      case 'mod': {
        const a = num(l, 'mod');
        const b = num(r, 'mod');
        return ((a % b) + b) % b;
      }
      case '=':
        return pyEquals(this.plain(l), this.plain(r));
      case '!=':
        return !pyEquals(this.plain(l), this.plain(r));
      case '<':
        return compare(this.plain(l), this.plain(r)) < 0;
      case '>':
        return compare(this.plain(l), this.plain(r)) > 0;
      case '<=':
        return compare(this.plain(l), this.plain(r)) <= 0;
      case '>=':
        return compare(this.plain(l), this.plain(r)) >= 0;
      case 'in': {
        if (typeof r === 'string') return typeof l === 'string' && r.includes(l);
        if (isValueMap(r)) return typeof l === 'string' && hasKey(r, l);
        const wanted = this.plain(l);
        for (const x of this.items(r, 'in')) if (pyEquals(x, wanted)) return true;
        return false;
      }
      case '=~':
        return new Regex(str(r)).compile().test(str(l));
      case '!~':
        return !new Regex(str(r)).compile().test(str(l));
      default:
        throw new YaqlEvalError(`the operator ${op} is not supported`);
    }
  }

  private plus(l: YValue, r: YValue): YValue {
    if (typeof l === 'number' && typeof r === 'number') return l + r;
    if (typeof l === 'string' && typeof r === 'string') return l + r;
    if (isValueMap(l) && isValueMap(r)) return { ...l, ...r } as ValueMap;
    if (isCollection(l) && isCollection(r)) {
      // combine_lists: two tuples make a tuple; anything lazy chains.
      const left = this.items(l, '+');
      const right = this.items(r, '+');
      if (Array.isArray(l) && Array.isArray(r)) return [...left, ...right];
      return lazyOf(
        (function* () {
          yield* left;
          yield* right;
        })(),
      );
    }
    throw new YaqlEvalError(`cannot add ${str(l)} and ${str(r)}`);
  }

  /** `*`: measured before it is made, as yaql does (string_by_int, list_by_int), and so is what it would make. */
  private times(l: YValue, r: YValue): YValue {
    if (typeof l === 'number' && typeof r === 'number') return l * r;
    const [seqOrText, n] = typeof r === 'number' ? [l, r] : [r, l as number];
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new YaqlEvalError(`cannot multiply ${str(l)} by ${str(r)}`);
    const times = Math.max(0, n);
    if (typeof seqOrText === 'string') {
      limitMemory([-n + 1, ''], [n, seqOrText]);
      // What it would make cannot pass the quota either: refused before it is made.
      if (49 + seqOrText.length * times > MEMORY_QUOTA) throw memoryExceeded();
      return seqOrText.repeat(times);
    }
    if (Array.isArray(seqOrText)) {
      limitMemory([-n + 1, asPythonList([])], [n, seqOrText]);
      if (40 + 8 * seqOrText.length * times > MEMORY_QUOTA) throw memoryExceeded();
      return Array.from({ length: times }, () => seqOrText).flat();
    }
    throw new YaqlEvalError(`cannot multiply ${str(l)} by ${str(r)}`);
  }

  private lambda(arg: YaqlArg | undefined, scope: Scope): (item: YValue, extra?: Record<string, YValue>) => YValue {
    if (!arg || arg.k !== 'positional' || arg.value === null) throw new YaqlEvalError('missing argument');
    const body = arg.value;
    return (item, extra = {}) => this.eval(body, child(scope, { $: item, ...extra }));
  }

  private call(name: string, receiver: YValue, method: boolean, args: YaqlArg[], scope: Scope): YValue {
    const value = this.callFunction(name, receiver, method, args, scope);
    return value instanceof Regex || value instanceof LetScope ? value : this.result(value);
  }

  private callFunction(name: string, receiver: YValue, method: boolean, args: YaqlArg[], scope: Scope): YValue {
    const positional = args.filter((a) => a.k === 'positional');
    const named = new Map(
      args
        .filter((a): a is Extract<YaqlArg, { k: 'named' }> => a.k === 'named')
        .map((a) => [a.name.k === 'keyword' ? a.name.name : str(this.eval(a.name, scope)), a.value]),
    );
    if (method) this.arg(receiver);
    const arg = (i: number, key?: string): YValue => {
      if (key && named.has(key)) return this.arg(this.eval(named.get(key)!, scope));
      const offset = method ? i - 1 : i;
      if (offset < 0) return receiver;
      const a = positional[offset];
      return a ? this.arg(this.positional(a, scope)) : null;
    };
    const argCount = positional.length + (method ? 1 : 0);
    const has = (i: number, key?: string) => (key !== undefined && named.has(key)) || i < argCount;
    const lam = (i: number) => this.lambda(positional[method ? i - 1 : i], scope);
    const subject = () => (method ? receiver : arg(0));
    const items = (v: YValue) => this.items(v, name);
    switch (name) {
      case 'let': {
        const vars: Record<string, YValue> = {};
        positional.forEach((a, i) => {
          vars[String(i + 1)] = this.arg(this.positional(a, scope));
        });
        for (const [k, v] of named) vars[k] = this.arg(this.eval(v, scope));
        const base = method ? child(scope, { $: receiver }) : scope;
        return new LetScope(child(base, vars));
      }
      case 'switch': {
        for (const a of args) {
          if (a.k !== 'named') throw new YaqlEvalError('switch() needs condition => value pairs');
          if (truthy(this.eval(a.name, scope))) return this.eval(a.value, scope);
        }
        return null;
      }
      case 'coalesce':
        for (const a of positional) {
          const v = this.positional(a, scope);
          if (v !== null) return v;
        }
        return null;
      case 'len': {
        // len of a string, a map or a list is its length; of an iterator, what it yields (counted, not limited).
        const v = subject();
        if (typeof v === 'string') return [...v].length;
        if (Array.isArray(v)) return v.length;
        if (v instanceof Lazy) {
          let n = 0;
          for (let r = v.next(); !r.done; r = v.next()) {
            this.step();
            n++;
          }
          return n;
        }
        if (isValueMap(v)) return Object.keys(v).length;
        throw new YaqlEvalError('len() needs a collection');
      }
      case 'count': {
        let n = 0;
        for (const _ of items(subject())) n++;
        return n;
      }
      case 'str':
        return str(subject());
      case 'int': {
        const v = subject();
        if (typeof v === 'number') return Math.trunc(v);
        if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
        if (v === null) return 0;
        throw new YaqlEvalError(`int() cannot convert ${str(v)}`);
      }
      case 'float': {
        const v = subject();
        const n = typeof v === 'number' ? v : Number(v);
        if (Number.isNaN(n)) throw new YaqlEvalError(`float() cannot convert ${str(v)}`);
        return n;
      }
      case 'bool':
        return truthy(subject());
      case 'isEmpty': {
        const v = subject();
        return v === null || (typeof v === 'string' ? v.trim().length === 0 : !truthy(v));
      }
      case 'concat':
        return [...(method ? [receiver] : []), ...positional.map((a) => this.arg(this.positional(a, scope)))].map(str).join('');
      case 'list': {
        if (method) return [...items(receiver)];
        // list(a, b, ...): iterators among the arguments are unpacked, anything else is one element; then to_list.
        const parts = positional.map((a) => this.arg(this.positional(a, scope)));
        const all = lazyOf(
          (function* () {
            for (const p of parts) {
              if (p instanceof Lazy) for (let r = p.next(); !r.done; r = p.next()) yield r.value;
              else yield p as Value;
            }
          })(),
        );
        return [...items(all)];
      }
      case 'dict': {
        if (named.size) {
          const out = newMap();
          for (const [k, v] of named) setKey(out, k, this.plain(this.eval(v, scope)));
          return out;
        }
        // dict(items): a dict grows item by item, measured as it grows; then yaql's small frozen wrapper.
        const built = asPythonDict(newMap());
        for (const pair of items(arg(0))) {
          const kv = Array.isArray(pair) ? pair : null;
          if (!kv || kv.length < 2) throw new YaqlEvalError('dict() needs pairs');
          setKey(built, str(kv[0]!), kv[1]!);
          limitMemory([1, built]);
        }
        return { ...built } as ValueMap;
      }
      case 'range': {
        const a = num(arg(0), 'range');
        const b = has(1) ? num(arg(1), 'range') : null;
        const step = has(2) ? num(arg(2), 'range') : 1;
        const [start, stop] = b === null ? [0, a] : [a, b];
        if (step === 0) throw new YaqlEvalError('range() step must not be zero');
        return lazyOf(
          (function* () {
            for (let i = start; step > 0 ? i < stop : i > stop; i += step) yield i;
          })(),
        );
      }
      case 'regex':
        return new Regex(str(arg(0)));
      case 'search': {
        const re = receiver instanceof Regex ? receiver : new Regex(str(arg(1)));
        const text = str(receiver instanceof Regex ? arg(1) : receiver);
        const m = re.compile().exec(text);
        return m ? m[0] : null;
      }
      case 'matches': {
        if (receiver instanceof Regex) return receiver.compile().test(str(arg(1)));
        return new Regex(str(arg(1))).compile().test(str(receiver));
      }
      case 'split': {
        if (receiver instanceof Regex) return asPythonList(str(arg(1)).split(receiver.compile()));
        const s = str(subject());
        const sep = has(1, 'separator') ? arg(1, 'separator') : null;
        const max = has(2, 'maxSplits') ? num(arg(2, 'maxSplits'), 'split') : -1;
        return asPythonList(pySplit(s, sep === null ? null : str(sep), max));
      }
      case 'rightSplit': {
        const s = str(subject());
        const sep = has(1, 'separator') ? arg(1, 'separator') : null;
        const max = has(2, 'maxSplits') ? num(arg(2, 'maxSplits'), 'rightSplit') : -1;
        return asPythonList(pyRightSplit(s, sep === null ? null : str(sep), max));
      }
      case 'join': {
        const [collection, sep] = typeof receiver === 'string' && method ? [arg(1), receiver] : [subject(), str(arg(1))];
        const parts: string[] = [];
        let length = 0;
        for (const item of items(collection)) {
          const s = str(item);
          length += s.length + sep.length;
          // The joined string would be measured when made: stop as soon as it could not pass.
          if (length > MEMORY_QUOTA * 4) throw memoryExceeded();
          parts.push(s);
        }
        return parts.join(sep);
      }
      case 'toLower':
        return str(subject()).toLowerCase();
      case 'toUpper':
        return str(subject()).toUpperCase();
      case 'trim':
        return str(subject()).trim();
      case 'startsWith':
        return str(subject()).startsWith(str(arg(1)));
      case 'endsWith':
        return str(subject()).endsWith(str(arg(1)));
      case 'replace':
        return str(subject())
          .split(str(arg(1)))
          .join(str(arg(2)));
      case 'format': {
        const template = str(subject());
        const values = positional.slice(method ? 0 : 1).map((a) => this.arg(this.positional(a, scope)));
        return template.replace(/\{(\d*)\}/g, (_, i: string) => str(values[i === '' ? 0 : Number(i)] ?? null));
      }
      case 'keys':
        return asDictView(Object.keys(mapOf(subject(), name)));
      case 'values':
        return lazyOf(Object.values(mapOf(subject(), name)));
      case 'items':
        return asDictView(Object.entries(mapOf(subject(), name)).map(([k, v]) => [k, v]));
      case 'get': {
        const m = subject();
        const key = str(arg(1));
        if (isValueMap(m) && hasKey(m, key)) return m[key]!;
        return has(2, 'default') ? arg(2, 'default') : null;
      }
      case 'mergeWith': {
        const out = asPythonDict({ ...mapOf(subject(), name) } as ValueMap);
        for (const [k, v] of Object.entries(mapOf(arg(1), name))) setKey(out, k, v);
        return out;
      }
      case 'where':
      case 'filter': {
        const source = items(subject());
        const f = lam(1);
        const truth = (x: Value) => truthy(f(x));
        return lazyOf(
          (function* () {
            for (const x of source) if (truth(x)) yield x;
          })(),
        );
      }
      case 'select': {
        const source = items(subject());
        const f = lam(1);
        const map = (x: Value) => f(x) as Value;
        return lazyOf(
          (function* () {
            for (const x of source) yield map(x);
          })(),
        );
      }
      case 'any': {
        const source = items(subject());
        if (argCount < 2) return !source.next().done;
        const f = lam(1);
        for (const x of source) if (truthy(f(x))) return true;
        return false;
      }
      case 'all': {
        const f = lam(1);
        for (const x of items(subject())) if (!truthy(f(x))) return false;
        return true;
      }
      case 'first': {
        const r = items(subject()).next();
        if (!r.done) return r.value;
        if (has(1, 'default')) return arg(1, 'default');
        throw new YaqlEvalError('first() of an empty collection');
      }
      case 'last': {
        let last: { v: Value } | null = null;
        for (const x of items(subject())) last = { v: x };
        if (last) return last.v;
        if (has(1, 'default')) return arg(1, 'default');
        throw new YaqlEvalError('last() of an empty collection');
      }
      case 'max':
      case 'min': {
        const all = method ? [...items(receiver)] : positional.map((a) => this.plain(this.arg(this.positional(a, scope))));
        if (!all.length) throw new YaqlEvalError(`${name}() of an empty collection`);
        return all.reduce((a, b) => ((name === 'max' ? compare(b, a) > 0 : compare(b, a) < 0) ? b : a));
      }
      case 'sum': {
        let total: YValue = null;
        let first = true;
        for (const x of items(subject())) {
          total = first ? x : this.result(this.plus(total, x));
          first = false;
        }
        if (first) throw new YaqlEvalError('sum() of an empty collection');
        return total;
      }
      case 'flatten': {
        const source = items(subject());
        const nested = (x: Value | Lazy) => this.items(x as YValue, 'flatten');
        return lazyOf(
          (function* flat(from: Iterable<Value | Lazy>): Generator<Value> {
            for (const x of from) {
              if (isCollection(x as YValue)) yield* flat(nested(x));
              else yield x as Value;
            }
          })(source),
          'generator',
        );
      }
      case 'distinct': {
        const source = items(subject());
        return lazyOf(
          (function* () {
            const seen: Value[] = [];
            for (const x of source) {
              if (seen.some((y) => pyEquals(x, y))) continue;
              seen.push(x);
              // The set of values seen is measured as it grows (CPython's set sizes).
              if (setSize(seen.length) > MEMORY_QUOTA) throw memoryExceeded();
              yield x;
            }
          })(),
          'generator',
        );
      }
      case 'zip': {
        const sources = [items(subject()), ...positional.slice(method ? 0 : 1).map((a) => items(this.arg(this.positional(a, scope))))];
        return lazyOf(
          (function* () {
            for (;;) {
              const row: Value[] = [];
              for (const s of sources) {
                const r = s.next();
                if (r.done) return;
                row.push(r.value);
              }
              yield row;
            }
          })(),
        );
      }
      case 'reduce': {
        const source = items(subject());
        const body = positional[method ? 0 : 1];
        if (!body || body.value === null) throw new YaqlEvalError('reduce() needs a function');
        const fold = (acc: YValue, x: YValue) => this.eval(body.value!, child(scope, { '1': acc, '2': x }));
        let acc: YValue;
        if (has(2, 'initial')) acc = arg(2, 'initial');
        else {
          const r = source.next();
          if (r.done) throw new YaqlEvalError('reduce() of an empty collection');
          acc = r.value;
        }
        for (const x of source) acc = fold(acc, x);
        return acc;
      }
      case 'orderBy': {
        const source = items(subject());
        const f = lam(1);
        const key = (x: Value) => this.plain(f(x));
        // Sorted when first taken, as yaql's OrderingIterable is.
        return lazyOf(
          (function* () {
            yield* [...source].sort((a, b) => compare(key(a), key(b)));
          })(),
        );
      }
      case 'contains': {
        const wanted = this.plain(arg(1));
        for (const x of items(subject())) if (pyEquals(x, wanted)) return true;
        return false;
      }
      case 'indexOf': {
        const s = subject();
        if (typeof s === 'string') return s.indexOf(str(arg(1)));
        const wanted = this.plain(arg(1));
        let i = 0;
        for (const x of items(s)) {
          if (pyEquals(x, wanted)) return i;
          i++;
        }
        return -1;
      }
      case 'toList': {
        const s = subject();
        return Array.isArray(s) && !isDictView(s) ? s : [...items(s)];
      }
      default:
        throw new YaqlEvalError(`the yaql function ${name}() is not supported by Hearth's offline evaluator`);
    }
  }

  /** yaql's convert_output_data: iterators taken into lists, every collection within 200 elements. */
  output(v: YValue): Value {
    if (v instanceof Regex) throw new YaqlEvalError('a regular expression cannot be used as a value');
    if (v instanceof LetScope) return this.output(lookup(v.scope, '$'));
    if (isCollection(v)) return [...this.items(v, 'result')].map((x) => this.output(x as YValue));
    if (isValueMap(v)) {
      if (Object.keys(v).length > LIMIT_ITERATORS) throw collectionTooLarge();
      const out = newMap();
      for (const [k, x] of Object.entries(v)) setKey(out, k, this.output(x));
      return out;
    }
    return v;
  }
}

/** sys.getsizeof of a set of n elements (CPython 3.11). */
function setSize(n: number): number {
  if (n < 5) return 216;
  if (n < 19) return 728;
  if (n < 77) return 2264;
  if (n < 307) return 8408;
  return 32984;
}

function index(target: YValue, key: YValue): YValue {
  if (target instanceof Lazy) throw new YaqlEvalError('an iterator cannot be indexed; take toList() of it first');
  if (Array.isArray(target) || typeof target === 'string') {
    const i = num(key, 'index');
    const at = i < 0 ? target.length + i : i;
    if (at < 0 || at >= target.length) throw new YaqlEvalError('index out of range');
    return Array.isArray(target) ? target[at]! : target[at]!;
  }
  if (isValueMap(target)) {
    const k = str(key);
    if (!hasKey(target, k)) throw new YaqlEvalError(`no key ${k}`);
    return target[k]!;
  }
  throw new YaqlEvalError(`cannot index ${str(target)}`);
}

function pySplit(s: string, sep: string | null, max: number): string[] {
  if (sep === null) {
    const parts = s.trim().split(/\s+/).filter(Boolean);
    if (max < 0 || parts.length <= max + 1) return parts;
    return [...parts.slice(0, max), parts.slice(max).join(' ')];
  }
  const parts = s.split(sep);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(sep)];
}

function pyRightSplit(s: string, sep: string | null, max: number): string[] {
  if (sep === null) return pySplit(s, null, max);
  const parts = s.split(sep);
  if (max < 0 || parts.length <= max + 1) return parts;
  const keep = parts.length - max;
  return [parts.slice(0, keep).join(sep), ...parts.slice(keep)];
}

/**
 * Evaluates `expression` with `$` bound to {data: data}, as Heat's yaql
 * function does, within Heat's limits; its steps count against `budget`
 * (all of a template's evaluations together).
 */
export function evaluateYaql(expression: string, data: Value, budget?: EvaluationBudget): Value {
  const ast = parseYaql(expression);
  const root = newMap();
  setKey(root, 'data', data);
  const scope: Scope = { vars: new Map([['$', root]]), parent: null };
  const evaluator = new Evaluator();
  try {
    return evaluator.output(evaluator.eval(ast, scope));
  } catch (error) {
    if (error instanceof YaqlLimitError) throw new YaqlEvalError(error.message);
    throw error;
  } finally {
    budget?.yaqlSteps(evaluator.steps);
  }
}
