// Evaluates YAQL expressions over plain data, for the part of yaql's
// standard library that templates use to compute values: operators,
// collection queries (where, select, any, all, first, last, ...), string
// functions (split, rightSplit, join, format, ...), regex, let/switch/
// coalesce. Anything else is reported as not supported, never guessed.
import type { Value, ValueMap } from '../hot/values.ts';
import { hasKey, isValueMap, newMap, pyEquals, pyStr, setKey, jsonDumps } from '../hot/values.ts';
import { parseYaql, type YaqlArg, type YaqlNode } from './parse.ts';

export class YaqlEvalError extends Error {}

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

type YValue = Value | Regex | LetScope;

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

const LIMIT = 100_000;

function plain(v: YValue): Value {
  if (v instanceof Regex) throw new YaqlEvalError('a regular expression cannot be used as a value');
  if (v instanceof LetScope) return plain(lookup(v.scope, '$'));
  return v;
}

function truthy(v: YValue): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isValueMap(v)) return Object.keys(v).length > 0;
  return true;
}

function seq(v: YValue, fn: string): Value[] {
  if (Array.isArray(v)) return v;
  if (isValueMap(v)) return Object.keys(v);
  if (typeof v === 'string') return [...v];
  throw new YaqlEvalError(`${fn}() needs a collection`);
}

function str(v: YValue): string {
  if (v instanceof Regex) return v.pattern;
  if (v instanceof LetScope) return str(plain(v));
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

class Evaluator {
  private steps = 0;

  eval(node: YaqlNode, scope: Scope): YValue {
    if (++this.steps > LIMIT) throw new YaqlEvalError('the expression takes too long to evaluate');
    switch (node.k) {
      case 'const':
        return node.value;
      case 'keyword':
        return node.name;
      case 'var':
        return node.name === '$' ? lookup(scope, '$') : lookup(scope, node.name.slice(1));
      case 'wrap':
        return this.eval(node.inner, scope);
      case 'list':
        return node.items.map((a) => plain(this.positional(a, scope)));
      case 'map': {
        const out = newMap();
        for (const a of node.items) {
          if (a.k !== 'named') throw new YaqlEvalError('a map literal needs key => value pairs');
          setKey(out, str(this.eval(a.name, scope)), plain(this.eval(a.value, scope)));
        }
        return out;
      }
      case 'index': {
        const target = this.eval(node.target, scope);
        const key = this.positional(node.args[0]!, scope);
        return index(target, key);
      }
      case 'unary': {
        const v = this.eval(node.operand, scope);
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
        if (isValueMap(receiver)) return hasKey(receiver, node.right.name) ? receiver[node.right.name]! : null;
        throw new YaqlEvalError(`no attribute ${node.right.name} on ${str(receiver)}`);
      }
      throw new YaqlEvalError('a "." must be followed by a name or a method call');
    }
    if (op === '->') {
      const left = this.eval(node.left, scope);
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
    const l = this.eval(node.left, scope);
    const r = this.eval(node.right, scope);
    switch (op) {
      case '+':
        if (typeof l === 'number' && typeof r === 'number') return l + r;
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
        if (isValueMap(l) && isValueMap(r)) return { ...l, ...r } as ValueMap;
        throw new YaqlEvalError(`cannot add ${str(l)} and ${str(r)}`);
      case '-':
        return num(l, '-') - num(r, '-');
      case '*':
        if (Array.isArray(l) && typeof r === 'number') return Array.from({ length: Math.max(0, r) }, () => l).flat();
        if (typeof l === 'string' && typeof r === 'number') return l.repeat(Math.max(0, r));
        return num(l, '*') * num(r, '*');
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
        return pyEquals(plain(l), plain(r));
      case '!=':
        return !pyEquals(plain(l), plain(r));
      case '<':
        return compare(plain(l), plain(r)) < 0;
      case '>':
        return compare(plain(l), plain(r)) > 0;
      case '<=':
        return compare(plain(l), plain(r)) <= 0;
      case '>=':
        return compare(plain(l), plain(r)) >= 0;
      case 'in':
        if (typeof r === 'string') return typeof l === 'string' && r.includes(l);
        if (isValueMap(r)) return typeof l === 'string' && hasKey(r, l);
        return seq(r, 'in').some((x) => pyEquals(x, plain(l)));
      case '=~':
        return new Regex(str(r)).compile().test(str(l));
      case '!~':
        return !new Regex(str(r)).compile().test(str(l));
      default:
        throw new YaqlEvalError(`the operator ${op} is not supported`);
    }
  }

  private lambda(arg: YaqlArg | undefined, scope: Scope): (item: YValue, extra?: Record<string, YValue>) => YValue {
    if (!arg || arg.k !== 'positional' || arg.value === null) throw new YaqlEvalError('missing argument');
    const body = arg.value;
    return (item, extra = {}) => this.eval(body, child(scope, { $: item, ...extra }));
  }

  private call(name: string, receiver: YValue, method: boolean, args: YaqlArg[], scope: Scope): YValue {
    const positional = args.filter((a) => a.k === 'positional');
    const named = new Map(
      args
        .filter((a): a is Extract<YaqlArg, { k: 'named' }> => a.k === 'named')
        .map((a) => [a.name.k === 'keyword' ? a.name.name : str(this.eval(a.name, scope)), a.value]),
    );
    const all = method ? [receiver] : [];
    const arg = (i: number, key?: string): YValue => {
      if (key && named.has(key)) return this.eval(named.get(key)!, scope);
      const offset = method ? i - 1 : i;
      if (offset < 0) return all[i] ?? null;
      const a = positional[offset];
      return a ? this.positional(a, scope) : null;
    };
    const argCount = positional.length + (method ? 1 : 0);
    const has = (i: number, key?: string) => (key !== undefined && named.has(key)) || i < argCount;
    const lam = (i: number) => this.lambda(positional[method ? i - 1 : i], scope);
    const subject = () => (method ? receiver : arg(0));
    switch (name) {
      case 'let': {
        const vars: Record<string, YValue> = {};
        positional.forEach((a, i) => {
          vars[String(i + 1)] = this.positional(a, scope);
        });
        for (const [k, v] of named) vars[k] = this.eval(v, scope);
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
      case 'len':
      case 'count': {
        const v = subject();
        if (typeof v === 'string') return [...v].length;
        return seq(v, name).length;
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
        return v === null || (typeof v === 'string' ? v.length === 0 : seq(v, name).length === 0);
      }
      case 'concat':
        return [...(method ? [receiver] : []), ...positional.map((a) => this.positional(a, scope))].map(str).join('');
      case 'list': {
        if (method) return seq(receiver, name);
        const items = positional.map((a) => plain(this.positional(a, scope)));
        return items.length === 1 && (Array.isArray(items[0]) || items[0] === null)
          ? (items[0] ?? [])
          : items.flatMap((x) => (Array.isArray(x) ? x : [x]));
      }
      case 'dict': {
        const out = newMap();
        if (named.size) for (const [k, v] of named) setKey(out, k, plain(this.eval(v, scope)));
        for (const a of positional) {
          for (const pair of seq(this.positional(a, scope), name)) {
            if (!Array.isArray(pair) || pair.length !== 2) throw new YaqlEvalError('dict() needs pairs');
            setKey(out, str(pair[0]!), pair[1]!);
          }
        }
        return out;
      }
      case 'range': {
        const a = num(arg(0), 'range');
        const b = has(1) ? num(arg(1), 'range') : null;
        const [start, stop] = b === null ? [0, a] : [a, b];
        if (stop - start > LIMIT) throw new YaqlEvalError('range() is too long');
        return Array.from({ length: Math.max(0, stop - start) }, (_, i) => start + i);
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
        if (receiver instanceof Regex) return re0(receiver).test(str(arg(1)));
        return new Regex(str(arg(1))).compile().test(str(receiver));
      }
      case 'split': {
        if (receiver instanceof Regex) return str(arg(1)).split(receiver.compile());
        const s = str(subject());
        const sep = has(1, 'separator') ? arg(1, 'separator') : null;
        const max = has(2, 'maxSplits') ? num(arg(2, 'maxSplits'), 'split') : -1;
        return pySplit(s, sep === null ? null : str(sep), max);
      }
      case 'rightSplit': {
        const s = str(subject());
        const sep = has(1, 'separator') ? arg(1, 'separator') : null;
        const max = has(2, 'maxSplits') ? num(arg(2, 'maxSplits'), 'rightSplit') : -1;
        return pyRightSplit(s, sep === null ? null : str(sep), max);
      }
      case 'join': {
        const [items, sep] = typeof receiver === 'string' && method ? [seq(arg(1), name), receiver] : [seq(subject(), name), str(arg(1))];
        return items.map(str).join(sep);
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
        const values = positional.slice(method ? 0 : 1).map((a) => this.positional(a, scope));
        return template.replace(/\{(\d*)\}/g, (_, i: string) => str(values[i === '' ? 0 : Number(i)] ?? null));
      }
      case 'keys':
        return Object.keys(mapOf(subject(), name));
      case 'values':
        return Object.values(mapOf(subject(), name));
      case 'items':
        return Object.entries(mapOf(subject(), name)).map(([k, v]) => [k, v]);
      case 'get': {
        const m = subject();
        const key = str(arg(1));
        if (isValueMap(m) && hasKey(m, key)) return m[key]!;
        return has(2, 'default') ? arg(2, 'default') : null;
      }
      case 'mergeWith': {
        const out = { ...mapOf(subject(), name) } as ValueMap;
        for (const [k, v] of Object.entries(mapOf(arg(1), name))) setKey(out, k, v);
        return out;
      }
      case 'where':
      case 'filter': {
        const f = lam(1);
        return seq(subject(), name).filter((x) => truthy(f(x)));
      }
      case 'select': {
        const f = lam(1);
        return seq(subject(), name).map((x) => plain(f(x)));
      }
      case 'any': {
        const items = seq(subject(), name);
        if (argCount < 2) return items.length > 0;
        const f = lam(1);
        return items.some((x) => truthy(f(x)));
      }
      case 'all': {
        const f = lam(1);
        return seq(subject(), name).every((x) => truthy(f(x)));
      }
      case 'first':
      case 'last': {
        const items = seq(subject(), name);
        if (items.length) return name === 'first' ? items[0]! : items[items.length - 1]!;
        if (has(1, 'default')) return arg(1, 'default');
        throw new YaqlEvalError(`${name}() of an empty collection`);
      }
      case 'max':
      case 'min': {
        const items = method ? seq(receiver, name) : positional.map((a) => plain(this.positional(a, scope)));
        if (!items.length) throw new YaqlEvalError(`${name}() of an empty collection`);
        return items.reduce((a, b) => ((name === 'max' ? compare(b, a) > 0 : compare(b, a) < 0) ? b : a));
      }
      case 'sum':
        return seq(subject(), name).reduce((a: number, b) => a + num(b, 'sum'), 0);
      case 'flatten':
        return seq(subject(), name).flatMap((x) => (Array.isArray(x) ? x : [x]));
      case 'distinct': {
        const out: Value[] = [];
        for (const x of seq(subject(), name)) if (!out.some((y) => pyEquals(x, y))) out.push(x);
        return out;
      }
      case 'zip': {
        const lists = [seq(subject(), name), ...positional.slice(method ? 0 : 1).map((a) => seq(this.positional(a, scope), name))];
        const n = Math.min(...lists.map((l) => l.length));
        return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]!));
      }
      case 'reduce': {
        const items = seq(subject(), name);
        const body = positional[method ? 0 : 1];
        if (!body || body.value === null) throw new YaqlEvalError('reduce() needs a function');
        const fold = (acc: YValue, x: YValue) => this.eval(body.value!, child(scope, { '1': acc, '2': x }));
        if (has(2, 'initial')) return items.reduce<YValue>(fold, arg(2, 'initial'));
        if (!items.length) throw new YaqlEvalError('reduce() of an empty collection');
        return items.slice(1).reduce<YValue>(fold, items[0]!);
      }
      case 'orderBy': {
        const f = lam(1);
        return [...seq(subject(), name)].sort((a, b) => compare(plain(f(a)), plain(f(b))));
      }
      case 'contains':
        return seq(subject(), name).some((x) => pyEquals(x, plain(arg(1))));
      case 'indexOf': {
        const s = subject();
        if (typeof s === 'string') return s.indexOf(str(arg(1)));
        return seq(s, name).findIndex((x) => pyEquals(x, plain(arg(1))));
      }
      case 'toList':
        return seq(subject(), name);
      default:
        throw new YaqlEvalError(`the yaql function ${name}() is not supported by Hearth's offline evaluator`);
    }
  }
}

function re0(r: Regex): RegExp {
  return r.compile();
}

function mapOf(v: YValue, fn: string): ValueMap {
  if (isValueMap(v)) return v;
  throw new YaqlEvalError(`${fn}() needs a map`);
}

function index(target: YValue, key: YValue): YValue {
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

/** Evaluates `expression` with `$` bound to {data: data}, as Heat's yaql function does. */
export function evaluateYaql(expression: string, data: Value): Value {
  const ast = parseYaql(expression);
  const root = newMap();
  setKey(root, 'data', data);
  const scope: Scope = { vars: new Map([['$', root]]), parent: null };
  const result = new Evaluator().eval(ast, scope);
  return plain(result);
}
