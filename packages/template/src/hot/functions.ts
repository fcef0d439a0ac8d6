// The intrinsic functions: how Heat checks their arguments when it parses a
// template (constructors), what `template validate` checks (validate), which
// resources they make a resource depend on, and what they evaluate to.
// Behaviour and messages follow heat/engine/hot/functions.py and
// heat/engine/cfn/functions.py.
import { blake2b, blake2s } from '@noble/hashes/blake2.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { sha3_224, sha3_256, sha3_384, sha3_512 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Expr, FnExpr, ListExpr, MapExpr } from './expr.ts';
import { HeatError, isSequenceNotStr, mapEntry, pyKind, pyTruthy } from './expr.ts';
import { budgetedJoin, type EvaluationBudget } from './budget.ts';
import type { MaybeValue, Value, ValueMap } from './values.ts';
import { ABSENT, hasKey, isValueMap, jsonDumps, newMap, pyContains, pyEquals, pyRepr, pyStr, setKey } from './values.ts';

/** A failure while evaluating (Heat's ValueError / TypeError at resolve time). */
export class EvalError extends Error {
  constructor(
    message: string,
    readonly code = 'EVAL_ERROR',
  ) {
    super(message);
  }
}

export interface EvalEnv {
  /** The value of a parameter; throws EvalError when it has none. */
  param(name: string): Value;
  hasResource(name: string): boolean;
  /** What get_resource returns (the physical id, or the name before creation). */
  resourceRef(name: string): Value;
  /** An attribute of a resource (null before it exists). */
  attribute(name: string, attribute: string | null, path: Value[]): Value;
  file(key: string): string | undefined;
  conditionEnabled(condition: Value): boolean;
  resourceFacade?(attribute: string): Value;
  yaql?(expression: string, data: Value): Value;
  availabilityZones?(): Value;
  /** The template's Mappings section, for Fn::FindInMap. */
  mappings?(): Value;
  /** What functions may still compute (unbounded when absent). */
  budget?: EvaluationBudget;
}

/** Structural checks Heat's validate() adds; the hooks answer questions about resources. */
export interface ValidateEnv extends EvalEnv {
  /** Names a get_attr may use for this resource, or 'any' when the type resolves attributes itself. */
  attributeNames(resource: string): ReadonlySet<string> | 'any';
  yaqlSyntaxError?(expression: string): string | null;
  /** References to missing resources were already reported (from the dependencies); do not repeat them. */
  referencesReported?: boolean;
}

const example = {
  join: (fn: string) => `"${fn}" : [ " ", [ "str1", "str2"]]`,
  joinMultiple: (fn: string) => `"${fn}" : [ " ", [ "str1", "str2"] ...]`,
  strSplit: (fn: string) => `"${fn}" : [ ",", "apples,pears", <index>]`,
  mapMerge: (fn: string) => `"${fn}" : [ { "key1": "val1" }, { "key2": "val2" } ]`,
  mapReplace: (fn: string) => `"${fn}" : [ { "key1": "val1" }, {"keys": {"key1": "key2"}, "values": {"val1": "val2"}}]`,
  listConcat: (fn: string) => `"${fn}" : [ [ <value 1>, <value 2> ], [ <value 3>, <value 4> ] ]`,
  contains: (fn: string) => `"${fn}" : [ "value1", [ "value1", "value2"]]`,
  replace: (fn: string) =>
    `${fn}:\n              template: This is var1 template var2\n              params:\n                var1: a\n                var2: string`,
  repeat: "repeat:\n              template: This is %var%\n              for_each:\n                %var%: ['a', 'b', 'c']",
  yaql: (fn: string) => `${fn}:\n              expression: $.data.var1.sum()\n              data:\n                var1: [3, 2, 1]`,
  cfnSplit: (fn: string) => `"${fn}" : [ ",", "str1,str2"]]`,
  cfnReplace: (fn: string) => `{"${fn}": [ {"$var1": "foo", "%var2%": "bar"}, "$var1 is %var2%"]}`,
};

function fail(call: FnExpr, message: string, code = 'FUNCTION_ARGUMENTS'): never {
  throw new HeatError(message, call.args.node ?? call.node, code);
}

/** Python's `a, b = args` (or three): lists, strings and map keys unpack. */
function unpack(args: Expr, n: number): Expr[] | null {
  if (args.t === 'list') return args.items.length === n ? args.items : null;
  if (args.t === 'map') return args.entries.length === n ? args.entries.map((e) => ({ t: 'lit', node: e.keyNode, value: e.key })) : null;
  if (args.t === 'lit' && typeof args.value === 'string') {
    const chars = [...args.value];
    return chars.length === n ? chars.map((c) => ({ t: 'lit', node: args.node, value: c })) : null;
  }
  return null;
}

// ---------------------------------------------------------------- constructors

export function constructCall(call: FnExpr, env: { hasResource(name: string): boolean }): void {
  const { args, name: fn } = call;
  switch (call.impl) {
    case 'Invalid':
      fail(call, `The function "${fn}" is invalid in this context`, 'FUNCTION_INVALID_CONTEXT');
      break;
    case 'GetAttThenSelect':
    case 'GetAtt':
      if (args.t !== 'list') fail(call, `Argument to "${fn}" must be a list`);
      if (args.items.length < 2) fail(call, `Arguments to "${fn}" must be of the form [resource_name, attribute, (path), ...]`);
      break;
    case 'GetAttAllAttributes':
      if (!pyTruthy(args)) {
        fail(call, `Arguments to "${fn}" can be of the next forms: [resource_name] or [resource_name, attribute, (path), ...]`);
      }
      if (args.t === 'list') {
        if (args.items.length > 1) break;
      } else if (args.t === 'lit' && typeof args.value === 'string') {
        if ([...args.value].length > 1) fail(call, `Argument to "${fn}" must be a list`);
      } else {
        fail(call, `Argument to "${fn}" must be a list`);
      }
      break;
    case 'Join':
    case 'CfnJoin':
      if (args.t !== 'list' || args.items.length !== 2) {
        fail(call, `Incorrect arguments to "${fn}" should be: ${example.join(fn)}`);
      }
      break;
    case 'JoinMultiple':
      if (args.t !== 'list' || args.items.length < 2) {
        fail(call, `Incorrect arguments to "${fn}" should be: ${example.joinMultiple(fn)}`);
      }
      break;
    case 'Replace':
    case 'ReplaceJson':
    case 'ReplaceJsonStrict':
    case 'ReplaceJsonVeryStrict': {
      if (args.t !== 'map') fail(call, `Arguments to "${fn}" must be a map`);
      const params = mapEntry(args, 'params');
      const template = mapEntry(args, 'template');
      if (!params || !template) fail(call, `"${fn}" syntax should be ${example.replace(fn)}`);
      if (params.t !== 'map' && params.t !== 'fn') fail(call, `"${fn}" parameters must be a mapping`);
      break;
    }
    case 'CfnReplace': {
      if (args.t === 'map' || (args.t === 'lit' && typeof args.value === 'string')) {
        fail(call, `Incorrect arguments to "${fn}" should be: ${example.cfnReplace(fn)}`);
      }
      const parts = unpack(args, 2);
      if (!parts) fail(call, `Incorrect arguments to "${fn}" should be: ${example.cfnReplace(fn)}`);
      if (parts[0]!.t !== 'map' && parts[0]!.t !== 'fn') fail(call, `"${fn}" parameters must be a mapping`);
      break;
    }
    case 'ResourceFacade':
    case 'CfnResourceFacade': {
      const allowed =
        call.impl === 'ResourceFacade' ? ['metadata', 'deletion_policy', 'update_policy'] : ['Metadata', 'DeletionPolicy', 'UpdatePolicy'];
      if (!(args.t === 'lit' && typeof args.value === 'string' && allowed.includes(args.value))) {
        fail(call, `Incorrect arguments to "${fn}" should be one of: ${allowed.join(', ')}`);
      }
      break;
    }
    case 'Repeat':
    case 'RepeatWithMap':
    case 'RepeatWithNestedLoop': {
      if (args.t !== 'map') fail(call, `Arguments to "${fn}" must be a map`);
      if (!mapEntry(args, 'for_each') || !mapEntry(args, 'template')) fail(call, `"repeat" syntax should be ${example.repeat}`);
      if (call.impl === 'RepeatWithNestedLoop') {
        const permutations = mapEntry(args, 'permutations');
        if (permutations && !(permutations.t === 'lit' && typeof permutations.value === 'boolean')) {
          fail(call, `"permutations" should be boolean type for ${fn} function.`);
        }
      }
      break;
    }
    case 'StrSplit':
    case 'CfnSplit':
      if (args.t === 'map' || (args.t === 'lit' && typeof args.value === 'string')) {
        fail(call, `Incorrect arguments to "${fn}" should be: ${call.impl === 'StrSplit' ? example.strSplit(fn) : example.cfnSplit(fn)}`);
      }
      if (call.impl === 'CfnSplit' && !unpack(args, 2)) fail(call, `Incorrect arguments to "${fn}" should be: ${example.cfnSplit(fn)}`);
      break;
    case 'Yaql': {
      if (args.t !== 'map') fail(call, `Arguments to "${fn}" must be a map.`);
      const keys = args.entries.map((e) => e.key);
      if (!keys.includes('expression') || keys.some((k) => k !== 'expression' && k !== 'data')) {
        fail(call, `"${fn}" syntax should be ${example.yaql(fn)}`);
      }
      break;
    }
    case 'Equals':
      if (!pyTruthy(args) || args.t !== 'list' || args.items.length !== 2) {
        fail(call, `Arguments to "${fn}" must be of the form: [value_1, value_2]`);
      }
      break;
    case 'And':
    case 'Or':
      if (args.t !== 'list') fail(call, `Arguments to "${fn}" must be a list of conditions`);
      if (args.items.length < 2) fail(call, `The minimum number of condition arguments to "${fn}" is 2.`);
      break;
    case 'Not':
      if (args.t === 'lit' && args.value === null) fail(call, `Argument to "${fn}" must be a condition`);
      break;
    case 'Filter':
      if (args.t !== 'list') fail(call, `Argument to "${fn}" must be a list`);
      if (args.items.length !== 2) {
        fail(call, `"${fn}" expected 2 arguments of the form [values, sequence] but got ${args.items.length} arguments instead`);
      }
      break;
    case 'Contains':
      if (!pyTruthy(args) || args.t !== 'list') fail(call, `Incorrect arguments to "${fn}" should be: ${example.contains(fn)}`);
      if (args.items.length !== 2) fail(call, `Arguments to "${fn}" must be of the form: [value1, [value1, value2]]`);
      break;
    case 'CfnSelect':
      if (!unpack(args, 2)) fail(call, `Arguments to "${fn}" must be of the form [index, collection]`);
      break;
    case 'CfnMemberListToMap': {
      const parts = unpack(args, 3);
      if (!parts)
        fail(call, `Wrong Arguments try: "{'Fn::MemberListToMap': ['Name', 'Value', ['.member.0.Name=key', '.member.0.Value=door']]}"`);
      if (pyKind(parts[0]!) !== 'str') fail(call, `${fn} Key Name must be a string`);
      if (pyKind(parts[1]!) !== 'str') fail(call, `${fn} Value Name must be a string`);
      break;
    }
    case 'CfnGetAtt':
      // Heat's cfn GetAtt: exactly [resource_name, attribute]; then it is GetAttThenSelect without a path.
      if (args.t !== 'list' || args.items.length !== 2) fail(call, `Arguments to "${fn}" must be of the form [resource_name, attribute]`);
      call.impl = 'GetAttThenSelect';
      break;
    case 'CfnFindInMap':
      if (!unpack(args, 3)) fail(call, `'${unpackMessage(args, 3)}'`);
      break;
    case 'CfnNot':
      if (args.t !== 'list' || args.items.length !== 1) fail(call, `Arguments to "${fn}" must be of the form: [condition]`);
      break;
    case 'CfnRef':
      // Heat asks `args in stack` first, which a list or a map cannot answer.
      if (args.t === 'list' || args.t === 'map') fail(call, `unhashable type: '${pyKind(args)}'`);
      // Ref names a resource when one has that name, otherwise a parameter.
      call.impl = args.t === 'lit' && typeof args.value === 'string' && env.hasResource(args.value) ? 'GetResource' : 'CfnRef';
      break;
    default:
      break;
  }
}

/** Python's ValueError text for `a, b, c = args` of the wrong length. */
function unpackMessage(args: Expr, n: number): string {
  const length =
    args.t === 'list'
      ? args.items.length
      : args.t === 'map'
        ? args.entries.length
        : args.t === 'lit' && typeof args.value === 'string'
          ? [...args.value].length
          : null;
  if (length === null) return `cannot unpack non-iterable ${pyKind(args)} object`;
  return length < n ? `not enough values to unpack (expected ${n}, got ${length})` : `too many values to unpack (expected ${n})`;
}

// ---------------------------------------------------------------- resolution

export function resolve(expr: Expr, env: EvalEnv, nullable = false): MaybeValue {
  switch (expr.t) {
    case 'lit':
      return expr.value;
    case 'list': {
      const out: Value[] = [];
      for (const item of expr.items) {
        const v = resolve(item, env, true);
        if (v !== ABSENT) out.push(v);
      }
      return out;
    }
    case 'map': {
      const out = newMap();
      for (const entry of expr.entries) {
        const v = resolve(entry.value, env, true);
        if (v !== ABSENT) setKey(out, entry.key, v);
      }
      return out;
    }
    case 'fn': {
      const result = callResult(expr, env);
      return !nullable && result === ABSENT ? null : result;
    }
  }
}

/** Resolve to a concrete value (Heat's function.resolve at the top level). */
export function resolveValue(expr: Expr, env: EvalEnv): Value {
  const v = resolve(expr, env, false);
  return v === ABSENT ? null : v;
}

function isSeq(v: Value): v is Value[] {
  return Array.isArray(v);
}

function typeErr(message: string): never {
  throw new EvalError(message);
}

function callResult(call: FnExpr, env: EvalEnv): MaybeValue {
  if (call.broken) throw new EvalError(`The ${call.name} call has invalid arguments.`);
  const fn = call.name;
  const args = call.args;
  switch (call.impl) {
    case 'If':
    case 'IfNullable':
      return call.chosen ? resolve(call.chosen, env, true) : ABSENT;
    case 'GetParam':
      return getParam(call, env);
    case 'CfnRef':
    case 'CfnParamRef':
      return paramRef(call, env);
    case 'CfnFindInMap':
      return findInMap(call, env);
    case 'CfnNot':
      return !env.conditionEnabled(resolveValue((args as ListExpr).items[0]!, env));
    case 'GetResource': {
      const name = resolveValue(args, env);
      if (typeof name !== 'string' || !env.hasResource(name)) {
        throw new EvalError(`The specified reference "${pyStr(name)}" (in unknown) is incorrect.`, 'REFERENCE_INVALID');
      }
      return env.resourceRef(name);
    }
    case 'CfnGetAtt': // (read as GetAttThenSelect once its arguments are checked)
    case 'GetAttThenSelect':
    case 'GetAtt':
    case 'GetAttAllAttributes': {
      const { resource, attribute, path } = getAttParts(call, env);
      if (typeof resource !== 'string' || !env.hasResource(resource)) {
        throw new EvalError(`The specified reference "${pyStr(resource)}" (in unknown) is incorrect.`, 'REFERENCE_INVALID');
      }
      const value = env.attribute(resource, attribute === null ? null : pyStr(attribute), path);
      return value;
    }
    case 'GetFile': {
      const key = resolveValue(args, env);
      if (typeof key !== 'string') typeErr(`Argument to "${fn}" must be a string`);
      const content = env.file(key);
      if (content === undefined) throw new EvalError(`No content found in the "files" section for ${fn} path: ${key}`, 'FILE_MISSING');
      return content;
    }
    case 'Join':
    case 'CfnJoin': {
      const [delimExpr, stringsExpr] = (args as ListExpr).items;
      let strings = resolveValue(stringsExpr!, env);
      if (strings === null) strings = [];
      if (!isSeq(strings)) typeErr(`"${fn}" must operate on a list`);
      const delim = resolveValue(delimExpr!, env);
      if (typeof delim !== 'string') typeErr(`"${fn}" delimiter must be a string`);
      const parts = strings.map((s) => {
        if (s === null) return '';
        if (typeof s !== 'string') typeErr(`Items to join must be strings not ${pyRepr(s).slice(0, 200)}`);
        return s;
      });
      return budgetedJoin(env.budget, fn, parts, delim);
    }
    case 'JoinMultiple': {
      const items = (args as ListExpr).items;
      const strings: Value[] = [];
      for (const jlExpr of items.slice(1)) {
        const jl = resolve(jlExpr, env, true);
        if (jl === ABSENT) continue;
        if (jl !== null && jl !== '' && !(isSeq(jl) && jl.length === 0) && !(isValueMap(jl) && Object.keys(jl).length === 0)) {
          if (!isSeq(jl)) typeErr(`"${fn}" must operate on a list`);
          strings.push(...jl);
        }
      }
      const delim = resolveValue(items[0]!, env);
      if (typeof delim !== 'string') typeErr(`"${fn}" delimiter must be a string`);
      env.budget?.items(fn, strings.length);
      const parts = strings.map((s) => {
        if (s === null) return '';
        if (typeof s === 'string') return s;
        if (isSeq(s) || isValueMap(s)) return jsonDumps(s, true);
        return typeErr(`Items to join must be string, map or list not ${pyRepr(s).slice(0, 200)}`);
      });
      return budgetedJoin(env.budget, fn, parts, delim);
    }
    case 'Replace':
    case 'ReplaceJson':
    case 'ReplaceJsonStrict':
    case 'ReplaceJsonVeryStrict':
    case 'CfnReplace':
      return replace(call, env);
    case 'ResourceFacade':
    case 'CfnResourceFacade': {
      const attr = resolveValue(args, env);
      return env.resourceFacade ? env.resourceFacade(pyStr(attr)) : null;
    }
    case 'Removed':
      return { [fn]: resolveValue(args, env) } as ValueMap;
    case 'Repeat':
    case 'RepeatWithMap':
    case 'RepeatWithNestedLoop':
      return repeat(call, env);
    case 'Digest': {
      const a = resolveValue(args, env);
      if (!(isSeq(a) && a.every((x) => typeof x === 'string'))) typeErr(`Argument to function "${fn}" must be a list of strings`);
      if (a.length !== 2) throw new EvalError(`Function "${fn}" usage: ["<algorithm>", "<value>"]`);
      const algorithm = (a[0] as string).toLowerCase();
      const hash = DIGESTS[algorithm];
      if (!hash) throw new EvalError(`Algorithm must be one of ${Object.keys(DIGESTS).join(', ')}`);
      return bytesToHex(hash(latin1(a[1] as string)));
    }
    case 'StrSplit': {
      const a = resolveValue(args, env);
      const bad = () => {
        throw new EvalError(`Incorrect arguments to "${fn}" should be: ${example.strSplit(fn)}`);
      };
      if (!isSeq(a) || a.length < 2) return bad();
      const [delim, str, index] = a;
      if (str === null) return null;
      if (typeof str !== 'string' || typeof delim !== 'string')
        typeErr(`Incorrect arguments to "${fn}" should be: ${example.strSplit(fn)}`);
      const parts = pySplit(str, delim);
      if (a.length < 3) return parts;
      const i = typeof index === 'number' ? Math.trunc(index) : Number.parseInt(String(index), 10);
      if (Number.isNaN(i) || (typeof index === 'string' && !/^\s*[-+]?\d+\s*$/.test(index))) {
        throw new EvalError(`Incorrect index to "${fn}" should be: ${example.strSplit(fn)}`);
      }
      const at = i < 0 ? parts.length + i : i;
      if (at < 0 || at >= parts.length) throw new EvalError(`Incorrect index to "${fn}" should be between 0 and ${parts.length - 1}`);
      return parts[at]!;
    }
    case 'CfnSplit': {
      const [delimExpr, stringsExpr] = unpack(args, 2)!;
      const strings = resolveValue(stringsExpr!, env);
      const delim = delimExpr!.t === 'lit' ? delimExpr!.value : null;
      if (typeof delim !== 'string') typeErr(`Delimiter for ${fn} must be string`);
      if (typeof strings !== 'string') typeErr(`String to split must be string; got ${typeof strings}`);
      return pySplit(strings, delim);
    }
    case 'MapMerge': {
      const a = resolveValue(args, env);
      if (!isSeq(a)) typeErr(`Incorrect arguments to "${fn}" should be: ${example.mapMerge(fn)}`);
      const out = newMap();
      for (const m of a) {
        if (m === null) continue;
        if (!isValueMap(m)) typeErr('Incorrect arguments: Items to merge must be maps.');
        env.budget?.items(fn, Object.keys(out).length + Object.keys(m).length);
        for (const [k, v] of Object.entries(m)) setKey(out, k, v);
      }
      return out;
    }
    case 'MapReplace':
      return mapReplace(call, env);
    case 'Yaql': {
      const expression = resolveValue(mapEntry(args as MapExpr, 'expression')!, env);
      if (typeof expression !== 'string') typeErr(`The "expression" argument to ${fn} must contain a string.`);
      const dataExpr = mapEntry(args as MapExpr, 'data');
      const data = dataExpr ? resolveValue(dataExpr, env) : newMap();
      if (!env.yaql) throw new EvalError(`${fn} expressions cannot be evaluated here.`, 'YAQL_UNSUPPORTED');
      return env.yaql(expression, data);
    }
    case 'Equals': {
      const [a, b] = (args as ListExpr).items;
      return pyEquals(resolveValue(a!, env), resolveValue(b!, env));
    }
    case 'Not':
      return !env.conditionEnabled(resolveValue(args, env));
    case 'And': {
      const a = resolveValue(args, env) as Value[];
      return a.every((c) => env.conditionEnabled(c));
    }
    case 'Or': {
      const a = resolveValue(args, env) as Value[];
      return a.some((c) => env.conditionEnabled(c));
    }
    case 'Filter': {
      const [valuesExpr, seqExpr] = (args as ListExpr).items;
      const sequence = resolveValue(seqExpr!, env);
      if (!truthy(sequence)) return sequence;
      if (!isSeq(sequence)) typeErr(`"${fn}" only works with lists`);
      const values = resolveValue(valuesExpr!, env);
      if (!truthy(values)) return sequence;
      if (!isSeq(values)) typeErr(`"${fn}" filters a list of values`);
      return sequence.filter((i) => !pyContains(values, i));
    }
    case 'MakeURL':
      return makeUrl(call, env);
    case 'ListConcat':
    case 'ListConcatUnique': {
      const a = resolveValue(args, env);
      if (!isSeq(a)) typeErr(`Incorrect arguments to "${fn}" should be: ${example.listConcat(fn)}`);
      const out: Value[] = [];
      for (const m of a) {
        if (m === null) continue;
        if (!isSeq(m)) {
          typeErr(
            `Incorrect arguments: Items to concat must be lists. ${jsonDumps(a)} contains an item that is not a list: ${jsonDumps(m)}`,
          );
        }
        env.budget?.items(fn, out.length + m.length);
        for (const item of m) out.push(item);
      }
      if (call.impl === 'ListConcat') return out;
      const unique: Value[] = [];
      for (const item of out) if (!pyContains(unique, item)) unique.push(item);
      return unique;
    }
    case 'Contains': {
      const [valueExpr, seqExpr] = (args as ListExpr).items;
      const value = resolveValue(valueExpr!, env);
      const sequence = resolveValue(seqExpr!, env);
      if (typeof sequence === 'string') return typeof value === 'string' && sequence.includes(value);
      if (!isSeq(sequence)) typeErr(`Second argument to "${fn}" should be a sequence.`);
      return pyContains(sequence, value);
    }
    case 'CfnSelect':
      return cfnSelect(call, env);
    case 'CfnBase64': {
      const v = resolveValue(args, env);
      if (typeof v !== 'string') typeErr(`"${fn}" argument must be a string`);
      return v;
    }
    case 'CfnGetAZs':
      return env.availabilityZones ? env.availabilityZones() : ['nova'];
    case 'CfnMemberListToMap':
      return memberListToMap(call, env);
    case 'Invalid':
      throw new EvalError(`The function "${fn}" is invalid in this context`);
  }
}

const DIGESTS: Record<string, (data: Uint8Array) => Uint8Array> = {
  md5,
  sha1,
  sha224,
  sha256,
  sha384,
  sha512,
  sha3_224,
  sha3_256,
  sha3_384,
  sha3_512,
  blake2b,
  blake2s,
};

/** Python's str.encode('latin-1'): characters above U+00FF cannot be encoded. */
function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new EvalError(`'latin-1' codec can't encode character '${s[i]}' in position ${i}: ordinal not in range(256)`);
    out[i] = c;
  }
  return out;
}

function truthy(v: Value): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isValueMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Python's str.split(sep): an empty separator is an error. */
function pySplit(s: string, sep: string): string[] {
  if (sep === '') throw new EvalError('empty separator');
  return s.split(sep);
}

/** Heat's cfn ParamRef: a parameter by name; a name that is no parameter is an incorrect reference. */
function paramRef(call: FnExpr, env: EvalEnv): Value {
  const name = resolveValue(call.args, env);
  try {
    if (typeof name !== 'string') throw new EvalError('', 'PARAMETER_UNDECLARED');
    return env.param(name);
  } catch (error) {
    if (error instanceof EvalError && error.code === 'PARAMETER_UNDECLARED') {
      throw new EvalError(`The specified reference "${pyStr(name)}" (in unknown) is incorrect.`, 'REFERENCE_INVALID');
    }
    throw error;
  }
}

/** Heat's FindInMap: maps[name][key][value] over the raw Mappings section; a missing key is a KeyError. */
function findInMap(call: FnExpr, env: EvalEnv): Value {
  const [mapExpr, keyExpr, valueExpr] = unpack(call.args, 3)!;
  let at: Value = env.mappings ? env.mappings() : newMap();
  for (const part of [mapExpr!, keyExpr!, valueExpr!]) {
    const key = resolveValue(part, env);
    if (isValueMap(at)) {
      const k = typeof key === 'string' ? key : pyStr(key);
      if (!hasKey(at, k)) throw new EvalError(pyRepr(key), 'MAPPING_KEY_MISSING');
      at = at[k]!;
    } else if (Array.isArray(at) && typeof key === 'number' && Number.isInteger(key)) {
      const index = key < 0 ? at.length + key : key;
      if (index < 0 || index >= at.length) throw new EvalError('list index out of range', 'MAPPING_KEY_MISSING');
      at = at[index]!;
    } else {
      throw new EvalError(`"${call.name}" cannot look up ${pyRepr(key)} in ${pyRepr(at)}`, 'MAPPING_KEY_MISSING');
    }
  }
  return at;
}

function getParam(call: FnExpr, env: EvalEnv): Value {
  const fn = call.name;
  const args = resolveValue(call.args, env);
  if (!truthy(args)) throw new EvalError(`Function "${fn}" must have arguments`);
  let name: Value;
  let path: Value[] = [];
  if (typeof args === 'string') name = args;
  else if (Array.isArray(args)) {
    name = args[0]!;
    path = args.slice(1);
  } else return typeErr(`Argument to "${fn}" must be string or list`);
  if (typeof name !== 'string') typeErr(`Parameter name in "${fn}" must be string`);
  let value = env.param(name);
  for (const key of path) {
    if (!(isValueMap(value) || Array.isArray(value) || typeof value === 'string')) typeErr(`"${fn}" can't traverse path`);
    if (typeof key !== 'string' && typeof key !== 'number') typeErr(`Path components in "${fn}" must be strings`);
    if (Array.isArray(value) || typeof value === 'string') {
      const index = typeof key === 'number' ? key : Number(key);
      if (!Number.isInteger(index)) typeErr(`Path components in '${fn}' must be a string that can be parsed into an integer.`);
      const at = index < 0 ? value.length + index : index;
      if (at < 0 || at >= value.length) return '';
      value = Array.isArray(value) ? value[at]! : value[at]!;
    } else {
      const k = String(key);
      if (!hasKey(value, k)) return '';
      value = value[k]!;
    }
  }
  return value;
}

/** get_attr's arguments: [resource, attribute, path...] (a lone string: the resource). */
function getAttArgs(call: FnExpr): Expr[] {
  const args = call.args;
  if (args.t === 'list') return args.items;
  if (args.t === 'lit' && typeof args.value === 'string') return [args];
  return [];
}

export function getAttParts(call: FnExpr, env: EvalEnv): { resource: Value; attribute: Value | null; path: Value[] } {
  const parts = getAttArgs(call);
  const resource = parts[0] ? resolveValue(parts[0], env) : null;
  const attribute = parts.length > 1 ? resolveValue(parts[1]!, env) : null;
  const path = parts.slice(2).map((p) => resolveValue(p, env));
  return { resource, attribute, path };
}

function replace(call: FnExpr, env: EvalEnv): Value {
  const fn = call.name;
  const impl = call.impl;
  let mappingExpr: Expr;
  let stringExpr: Expr;
  if (impl === 'CfnReplace') {
    [mappingExpr, stringExpr] = unpack(call.args, 2)! as [Expr, Expr];
  } else {
    mappingExpr = mapEntry(call.args as MapExpr, 'params')!;
    stringExpr = mapEntry(call.args as MapExpr, 'template')!;
  }
  const template = resolveValue(stringExpr, env);
  const mapping = resolveValue(mappingExpr, env);
  const strict = impl === 'ReplaceJsonStrict' || impl === 'ReplaceJsonVeryStrict';
  const allowEmpty = impl !== 'ReplaceJsonVeryStrict';
  const json = impl !== 'Replace' && impl !== 'CfnReplace';
  if (typeof template !== 'string') typeErr(`"${fn}" template must be a string`);
  if (!isValueMap(mapping)) typeErr(`"${fn}" params must be a map`);
  const emptyError = (param: string) => {
    throw new EvalError(`${fn} has an undefined or empty value for param ${param}, must be a defined non-empty value`);
  };
  const replacement = (value: Value, param: string): string => {
    if (value === null) return allowEmpty ? '' : emptyError(param);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const s = pyStr(value);
      if (!allowEmpty && !s) emptyError(param);
      return s;
    }
    if (!json) typeErr(`"${fn}" params must be strings or numbers, param ${param} is not valid`);
    if (!allowEmpty && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)) emptyError(param);
    return jsonDumps(value, true);
  };
  const unreplaced = new Set(Object.keys(mapping));
  // Longest placeholders first, so that "$var10" is not eaten by "$var1".
  const keys = Object.keys(mapping)
    .sort()
    .sort((a, b) => b.length - a.length);
  const step = (strings: string[], remaining: string[]): string[] => {
    if (!remaining.length) return strings;
    const [placeholder, ...rest] = remaining as [string, ...string[]];
    const value = replacement(mapping[placeholder]!, placeholder);
    return strings.map((s) => {
      const split = s.split(placeholder);
      if (strict && split.length > 1) unreplaced.delete(placeholder);
      return budgetedJoin(env.budget, fn, step(split, rest), value);
    });
  };
  const result = step([template], keys)[0]!;
  if (strict && unreplaced.size) {
    const missing = [...unreplaced].sort().sort((a, b) => b.length - a.length);
    throw new EvalError(`The following params were not found in the template: ${missing.join(',')}`);
  }
  return result;
}

function repeat(call: FnExpr, env: EvalEnv): Value {
  const fn = call.name;
  const args = call.args as MapExpr;
  const forEach = resolveValue(mapEntry(args, 'for_each')!, env);
  if (!isValueMap(forEach)) typeErr(`The "for_each" argument to "${fn}" must contain a map`);
  const permutationsExpr = mapEntry(args, 'permutations');
  const nested = call.impl === 'RepeatWithNestedLoop' && permutationsExpr ? resolveValue(permutationsExpr, env) !== false : true;
  const keys = Object.keys(forEach);
  const lists: Value[][] = [];
  const lengths: number[] = [];
  for (const key of keys) {
    const value = forEach[key]!;
    if (value === null) {
      lists.push([]);
      continue;
    }
    const mapsAllowed = call.impl !== 'Repeat' && nested;
    if (!(Array.isArray(value) || (mapsAllowed && isValueMap(value)))) {
      typeErr(`The values of the "for_each" argument to "${fn}" must be ${mapsAllowed ? 'lists or maps' : 'lists'}`);
    }
    const items = Array.isArray(value) ? value : Object.keys(value);
    lists.push(items);
    lengths.push(items.length);
  }
  if (!nested && lengths.length && new Set(lengths).size !== 1) {
    throw new EvalError(`For ${fn}, the length of for_each values should be equal if no nested loop.`);
  }
  const template = resolveValue(mapEntry(args, 'template')!, env);
  // Counted before any is made: three lists of 1,000 would be a billion.
  const count = nested ? lists.reduce((n, l) => n * l.length, lists.length ? 1 : 0) : Math.min(...lists.map((l) => l.length));
  env.budget?.items(fn, lists.length ? count : 0);
  const combos: Value[][] = nested ? product(lists) : zip(lists);
  return combos.map((values) => substitute(keys, values, template, env.budget, fn));
}

function product(lists: Value[][]): Value[][] {
  let out: Value[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

function zip(lists: Value[][]): Value[][] {
  if (!lists.length) return [];
  const n = Math.min(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]!));
}

function substitute(keys: string[], values: Value[], template: Value, budget: EvaluationBudget | undefined, fn: string): Value {
  if (typeof template === 'string') {
    let out = template;
    keys.forEach((key, i) => {
      const value = values[i]!;
      // Heat calls str.replace(key, value): the value must already be a string.
      if (typeof value !== 'string')
        throw new EvalError(
          `replace() argument 2 must be str, not ${value === null ? 'NoneType' : Array.isArray(value) ? 'list' : typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : 'dict'}`,
        );
      out = budgetedJoin(budget, fn, out.split(key), value);
    });
    return out;
  }
  if (Array.isArray(template)) {
    budget?.items(fn, template.length);
    return template.map((t) => substitute(keys, values, t, budget, fn));
  }
  if (isValueMap(template)) {
    budget?.items(fn, Object.keys(template).length);
    const out = newMap();
    for (const [k, v] of Object.entries(template))
      setKey(out, substitute(keys, values, k, budget, fn) as string, substitute(keys, values, v, budget, fn));
    return out;
  }
  return template;
}

function mapReplace(call: FnExpr, env: EvalEnv): Value {
  const fn = call.name;
  const bad = () => typeErr(`Incorrect arguments to "${fn}" should be: ${example.mapReplace(fn)}`);
  const args = resolveValue(call.args, env);
  if (!Array.isArray(args) || args.length !== 2) return bad();
  const ensureMap = (m: Value): ValueMap => {
    if (m === null) return newMap();
    if (isValueMap(m)) return m;
    return typeErr(`Incorrect arguments: to "${fn}", arguments must be a list of maps. Example:  ${example.mapReplace(fn)}`);
  };
  const input = ensureMap(args[0]!);
  const repl = ensureMap(args[1]!);
  for (const k of Object.keys(repl))
    if (k !== 'keys' && k !== 'values') throw new EvalError(`Incorrect arguments to "${fn}" should be: ${example.mapReplace(fn)}`);
  const keyMap = ensureMap(hasKey(repl, 'keys') ? repl.keys! : newMap());
  const valueMap = ensureMap(hasKey(repl, 'values') ? repl.values! : newMap());
  const out = newMap();
  for (const [k, v] of Object.entries(input)) {
    let key = hasKey(keyMap, k) ? keyMap[k]! : null;
    if (key === null) key = k;
    else if (hasKey(input, pyStr(key)) && pyStr(key) !== k)
      throw new EvalError(`key replacement ${pyStr(key)} collides with a key in the input map`);
    else if (hasKey(out, pyStr(key))) throw new EvalError(`key replacement ${pyStr(key)} collides with a key in the output map`);
    const value =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? (hasKey(valueMap, pyStr(v)) ? valueMap[pyStr(v)]! : v) : v;
    setKey(out, pyStr(key), value);
  }
  return out;
}

const URL_KEYS = ['scheme', 'username', 'password', 'host', 'port', 'path', 'query', 'fragment'] as const;

function makeUrl(call: FnExpr, env: EvalEnv): Value {
  const fn = call.name;
  const args = resolveValue(call.args, env);
  if (!isValueMap(args)) return typeErr(`The arguments to "${fn}" must be a map`);
  try {
    checkUrlArgs(fn, urlArgsOfValue(args), args);
  } catch (error) {
    if (error instanceof HeatError) throw new EvalError(error.message);
    throw error;
  }
  const get = (k: string): string => (hasKey(args, k) && args[k] !== null ? pyStr(args[k]!) : '');
  const scheme = get('scheme');
  if (scheme.includes(':')) throw new EvalError(`URL "scheme" should not contain ':'`);
  const quote = (s: string, safe: string) =>
    utf8Bytes(s)
      .map((b) => {
        const c = String.fromCharCode(b);
        return /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
      })
      .join('');
  let netloc = '';
  const username = quote(get('username'), '');
  const password = quote(get('password'), '');
  if (username || password) netloc += username + (password ? `:${password}` : '') + '@';
  let host = get('host');
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = quote(host, ':');
  if (host.includes(':')) host = `[${host}]`;
  netloc += host;
  const port = get('port');
  if (port) netloc += `:${port}`;
  const path = quote(get('path'), '/');
  const queryValue = hasKey(args, 'query') ? args.query! : newMap();
  const query = isValueMap(queryValue)
    ? Object.entries(queryValue)
        .map(([k, v]) => `${quotePlus(k)}=${quotePlus(pyStr(v))}`)
        .join('&')
        .replace(/%2F/g, '/')
    : '';
  const fragment = quote(get('fragment'), '/');
  let url = '';
  if (scheme) url += `${scheme}:`;
  if (netloc || scheme === 'file' || path.startsWith('//')) url += `//${netloc}`;
  url += path && netloc && !path.startsWith('/') ? `/${path}` : path;
  if (query) url += `?${query}`;
  if (fragment) url += `#${fragment}`;
  return url;
}

function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

type UrlArg = { kind: 'fn' | 'map' | 'value'; value: Value } | undefined;

/** make_url's arguments seen before evaluation (for validate). */
function urlArgsOfExpr(args: MapExpr): (key: string) => UrlArg {
  return (key) => {
    const e = mapEntry(args, key);
    if (!e) return undefined;
    if (e.t === 'fn') return { kind: 'fn', value: null };
    if (e.t === 'map') return { kind: 'map', value: null };
    return { kind: 'value', value: e.t === 'lit' ? e.value : [] };
  };
}

/** make_url's arguments once evaluated. */
function urlArgsOfValue(args: ValueMap): (key: string) => UrlArg {
  return (key) => (hasKey(args, key) ? { kind: isValueMap(args[key]!) ? 'map' : 'value', value: args[key]! } : undefined);
}

/** make_url's argument checks; `query` ends the checks, as in Heat. */
function checkUrlArgs(fn: string, get: (key: string) => UrlArg, shown: Value): void {
  for (const key of URL_KEYS) {
    const arg = get(key);
    if (!arg) continue;
    if (key === 'query') {
      if (arg.kind !== 'fn' && arg.kind !== 'map') throw new HeatError(`The "${key}" argument to "${fn}" must be a map`);
      return;
    }
    if (key === 'port') {
      if (arg.kind === 'fn') continue;
      let port = arg.value;
      if (typeof port !== 'number' || !Number.isInteger(port)) {
        const n = typeof port === 'string' && /^\s*[-+]?\d+\s*$/.test(port) ? Number.parseInt(port, 10) : NaN;
        if (Number.isNaN(n)) throw new HeatError(`Invalid URL port "${pyStr(port)}" for ${fn} called with ${pyRepr(shown)}`);
        port = n;
      }
      if (!(port > 0 && port <= 65535)) throw new HeatError(`Invalid URL port ${port}, must be in range 1-65535`);
      continue;
    }
    if (arg.kind !== 'fn' && typeof arg.value !== 'string') throw new HeatError(`The "${key}" argument to "${fn}" must be a string`);
  }
}

function cfnSelect(call: FnExpr, env: EvalEnv): Value {
  const fn = call.name;
  const [lookupExpr, stringsExpr] = unpack(call.args, 2)!;
  let index = resolveValue(lookupExpr!, env);
  let strings = resolveValue(stringsExpr!, env);
  if (strings === '') return '';
  if (typeof strings === 'string') {
    try {
      strings = JSON.parse(strings) as Value;
    } catch (error) {
      throw new EvalError(`"${fn}": ${(error as Error).message}`);
    }
  }
  if (isValueMap(strings)) {
    if (typeof index !== 'string') typeErr(`Index to "${fn}" must be a string`);
    return hasKey(strings, index) ? strings[index]! : '';
  }
  if (typeof index === 'string' && /^\s*[-+]?\d+\s*$/.test(index)) index = Number.parseInt(index, 10);
  if (Array.isArray(strings)) {
    if (typeof index !== 'number' || !Number.isInteger(index)) typeErr(`Index to "${fn}" must be an integer`);
    const at = index < 0 ? strings.length + index : index;
    return at >= 0 && at < strings.length ? strings[at]! : '';
  }
  if (strings === null) return '';
  return typeErr(`Arguments to ${fn} not fully resolved`);
}

function memberListToMap(call: FnExpr, env: EvalEnv): Value {
  const [keyExpr, valueExpr, listExpr] = unpack(call.args, 3)!;
  const keyName = resolveValue(keyExpr!, env) as string;
  const valueName = resolveValue(valueExpr!, env) as string;
  const list = resolveValue(listExpr!, env);
  if (!Array.isArray(list)) typeErr('Member list must be a list');
  const partial = new Map<string, string>();
  for (const s of list) {
    if (typeof s !== 'string') typeErr('Member list items must be strings');
    const at = s.indexOf('=');
    partial.set(at === -1 ? s : s.slice(0, at), at === -1 ? '' : s.slice(at + 1));
  }
  const out = newMap();
  const keys = new Map<string, string>();
  for (const [k, v] of partial) {
    const m = /^\.member\.(\d+)\.(.+)$/.exec(k);
    if (m && m[2] === keyName) keys.set(m[1]!, v);
  }
  for (const [k, v] of partial) {
    const m = /^\.member\.(\d+)\.(.+)$/.exec(k);
    if (m && m[2] === valueName && keys.has(m[1]!)) setKey(out, keys.get(m[1]!)!, v);
  }
  return out;
}

// ---------------------------------------------------------------- validation

/** Heat's function.validate: what `template validate` checks inside a value. */
export function validateExpr(expr: Expr, env: ValidateEnv, report: (error: HeatError, path: string) => void): void {
  switch (expr.t) {
    case 'lit':
      return;
    case 'list':
      for (const item of expr.items) validateExpr(item, env, report);
      return;
    case 'map':
      for (const entry of expr.entries) validateExpr(entry.value, env, report);
      return;
    case 'fn':
      if (expr.broken) return;
      try {
        validateCall(expr, env, report);
      } catch (error) {
        if (error instanceof HeatError) report(error.node ? error : new HeatError(error.message, expr.node, error.code), expr.path);
        else if (error instanceof EvalError) report(new HeatError(error.message, expr.node, error.code), expr.path);
        else throw error;
      }
  }
}

function validateCall(call: FnExpr, env: ValidateEnv, report: (error: HeatError, path: string) => void): void {
  const fn = call.name;
  if (call.impl === 'If' || call.impl === 'IfNullable') {
    if (call.chosen) validateExpr(call.chosen, env, report);
    return;
  }
  validateExpr(call.args, env, report);
  switch (call.impl) {
    case 'GetAttThenSelect':
    case 'GetAtt':
    case 'GetAttAllAttributes': {
      const args = call.args;
      const parts = args.t === 'list' ? args.items : [args];
      const resource = resolveValue(parts[0]!, env);
      if (typeof resource !== 'string' || !env.hasResource(resource)) {
        if (env.referencesReported) return;
        throw new HeatError(
          `The specified reference "${pyStr(resource)}" (in unknown) is incorrect.`,
          parts[0]!.node ?? call.node,
          'REFERENCE_INVALID',
        );
      }
      if (call.impl === 'GetAttAllAttributes' && parts.length < 2) return;
      const attribute = resolveValue(parts[1]!, env);
      const names = env.attributeNames(resource);
      if (names !== 'any' && !(typeof attribute === 'string' && names.has(attribute))) {
        throw new HeatError(
          `The Referenced Attribute (${parts[0]!.t === 'lit' ? pyStr(parts[0]!.value) : resource} ${pyStr(attribute)}) is incorrect.`,
          parts[1]!.node ?? call.node,
          'ATTRIBUTE_INVALID',
        );
      }
      return;
    }
    case 'Removed':
      throw new HeatError(
        `The template version is invalid: The function ${fn} is not supported in this version of HOT.`,
        call.keyNode ?? call.node,
        'FUNCTION_NOT_IN_VERSION',
      );
    case 'Repeat':
    case 'RepeatWithMap':
    case 'RepeatWithNestedLoop': {
      const forEach = mapEntry(call.args as MapExpr, 'for_each')!;
      if (forEach.t !== 'fn' && forEach.t !== 'map') {
        throw new HeatError(`The "for_each" argument to "${fn}" must contain a map`, forEach.node ?? call.node);
      }
      return;
    }
    case 'Yaql': {
      const expression = mapEntry(call.args as MapExpr, 'expression')!;
      if (expression.t === 'fn') return;
      if (!(expression.t === 'lit' && typeof expression.value === 'string')) {
        throw new HeatError(`The "expression" argument to ${fn} must contain a string.`, expression.node ?? call.node);
      }
      const problem = env.yaqlSyntaxError?.(expression.value);
      if (problem) throw new HeatError(`Bad expression ${problem}.`, expression.node ?? call.node, 'YAQL_SYNTAX');
      return;
    }
    case 'MakeURL': {
      const args = call.args;
      if (args.t !== 'map') throw new HeatError(`The arguments to "${fn}" must be a map`, args.node ?? call.node);
      const invalid = args.entries.map((e) => e.key).filter((k) => !(URL_KEYS as readonly string[]).includes(k));
      if (invalid.length) throw new HeatError(`Invalid arguments to "${fn}": ${invalid.join(', ')}`, args.node ?? call.node);
      checkUrlArgs(fn, urlArgsOfExpr(args), null);
      return;
    }
    default:
      return;
  }
}

// ---------------------------------------------------------------- dependencies

export interface Reference {
  resource: string;
  kind: 'get_resource' | 'get_attr';
  call: FnExpr;
  /** Heat's dotted path of the value holding the reference (web.Properties.networks[0].port). */
  heatPath: string;
  attribute?: string | null;
  /**
   * get_attr (GetAtt): the attribute is known but its path could not be resolved yet (a parameter
   * without a value). Heat keeps the dependency; the attribute must be resolved by another reference.
   */
  unresolvedPath?: boolean;
}

/**
 * The resources a snippet refers to (Heat's function.dependencies). Names
 * that are not resources of the stack are reported through `missing`.
 */
export function collectReferences(
  expr: Expr,
  env: EvalEnv,
  heatPath: string,
  out: Reference[],
  missing: (name: Value, call: FnExpr, heatPath: string) => void,
): void {
  switch (expr.t) {
    case 'lit':
      return;
    case 'list':
      expr.items.forEach((item, i) => collectReferences(item, env, `${heatPath}[${i}]`, out, missing));
      return;
    case 'map':
      for (const entry of expr.entries) collectReferences(entry.value, env, `${heatPath}.${entry.key}`, out, missing);
      return;
    case 'fn': {
      if (expr.broken) return;
      const inner = `${heatPath}.${expr.name}`;
      if (expr.impl === 'If' || expr.impl === 'IfNullable') {
        if (expr.chosen) collectReferences(expr.chosen, env, inner, out, missing);
        return;
      }
      collectReferences(expr.args, env, inner, out, missing);
      if (expr.impl === 'GetResource') {
        let name: Value;
        try {
          name = resolveValue(expr.args, env);
        } catch {
          name = null;
        }
        if (typeof name === 'string' && env.hasResource(name)) out.push({ resource: name, kind: 'get_resource', call: expr, heatPath });
        else missing(name, expr, heatPath);
      } else if (expr.impl === 'GetAttThenSelect' || expr.impl === 'GetAtt' || expr.impl === 'GetAttAllAttributes') {
        // As Heat's dependencies(): the resource name alone decides the dependency; the attribute and
        // the path may fail to resolve (their errors are the evaluation's, or the check of unresolved paths).
        const parts = getAttArgs(expr);
        let name: Value = null;
        try {
          name = parts[0] ? resolveValue(parts[0], env) : null;
        } catch {
          /* an unresolvable name is reported below */
        }
        if (typeof name === 'string' && env.hasResource(name)) {
          let attribute: string | null = null;
          try {
            attribute = parts.length > 1 ? pyStr(resolveValue(parts[1]!, env)) : null;
          } catch {
            /* the evaluation reports it */
          }
          let pathResolved = true;
          try {
            for (const p of parts.slice(2)) resolveValue(p, env);
          } catch {
            pathResolved = false;
          }
          // GetAtt and its GetAttAllAttributes ask for the attribute with its path (GetAttThenSelect: without).
          const unresolvedPath = expr.impl !== 'GetAttThenSelect' && attribute !== null && !pathResolved;
          out.push({ resource: name, kind: 'get_attr', call: expr, heatPath, attribute, ...(unresolvedPath ? { unresolvedPath } : {}) });
        } else missing(name, expr, heatPath);
      }
      return;
    }
  }
}

export { isSequenceNotStr };
