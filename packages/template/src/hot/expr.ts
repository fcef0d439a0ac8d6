// HOT snippets parsed the way Heat parses them (heat/engine/template.py
// `parse`): a map with exactly one key that names a function of the
// template's version becomes a function call; everything else stays data.
import type { YMap, YNode, YSeq, ScalarValue } from '../yaml/nodes.ts';
import { effectivePairs } from '../yaml/nodes.ts';
import type { FunctionImpl } from './versions.ts';

export interface LitExpr {
  t: 'lit';
  node: YNode | null;
  value: ScalarValue;
}

export interface ListExpr {
  t: 'list';
  node: YSeq | null;
  items: Expr[];
}

export interface MapEntry {
  key: string;
  keyNode: YNode | null;
  value: Expr;
}

export interface MapExpr {
  t: 'map';
  node: YMap | null;
  entries: MapEntry[];
}

export interface FnExpr {
  t: 'fn';
  name: string;
  impl: FunctionImpl | 'Invalid';
  /** The `{name: args}` map in the source. */
  node: YMap | null;
  keyNode: YNode | null;
  args: Expr;
  /** Where the call sits, as Heat spells paths: resources.web.properties.name.get_param */
  path: string;
  /** For `if`: the branch the condition selected, parsed (or absent). */
  chosen?: Expr | null;
  /** The constructor refused the arguments; the error was already reported. */
  broken?: boolean;
}

export type Expr = LitExpr | ListExpr | MapExpr | FnExpr;

/** An error Heat raises, with the node it concerns. */
export class HeatError extends Error {
  constructor(
    message: string,
    readonly node: YNode | null = null,
    readonly code = 'TEMPLATE_INVALID',
    readonly heatPath?: string,
  ) {
    super(message);
  }
}

/** Not an error: something the user should know (reported with severity info). */
export class HeatNotice extends HeatError {}

/** Python's view of an argument's type, which Heat's checks are written against. */
export type PyKind = 'list' | 'dict' | 'str' | 'int' | 'float' | 'bool' | 'None' | 'function';

export function pyKind(e: Expr): PyKind {
  switch (e.t) {
    case 'list':
      return 'list';
    case 'map':
      return 'dict';
    case 'fn':
      return 'function';
    case 'lit': {
      const v = e.value;
      if (v === null) return 'None';
      if (typeof v === 'string') return 'str';
      if (typeof v === 'boolean') return 'bool';
      return e.node?.kind === 'scalar' && e.node.type === 'float' ? 'float' : Number.isInteger(v) ? 'int' : 'float';
    }
  }
}

/** Python truthiness of an unevaluated argument. */
export function pyTruthy(e: Expr): boolean {
  switch (e.t) {
    case 'list':
      return e.items.length > 0;
    case 'map':
      return e.entries.length > 0;
    case 'fn':
      return true;
    case 'lit':
      return e.value !== null && e.value !== false && e.value !== 0 && e.value !== '';
  }
}

export function isSequenceNotStr(e: Expr): e is ListExpr {
  return e.t === 'list';
}

export function lit(value: ScalarValue, node: YNode | null = null): LitExpr {
  return { t: 'lit', node, value };
}

export interface ParseHooks {
  table: Readonly<Record<string, FunctionImpl | 'Invalid'>>;
  /** Checks a call's arguments as Heat's function constructor does; throws HeatError. */
  construct(call: FnExpr): void;
  /** Parses an `if` call: picks the branch. Throws HeatError. */
  macro(call: FnExpr, rawArgs: YNode | undefined, path: string): void;
  report(error: HeatError, path: string): void;
  /** Guards against pathological nesting. */
  maxDepth?: number;
}

export function parseExpr(node: YNode | undefined | null, hooks: ParseHooks, path: string, depth = 0): Expr {
  if (!node) return lit(null, null);
  if (depth > (hooks.maxDepth ?? 400)) {
    hooks.report(new HeatError('The value nests too deeply to be checked.', node, 'TEMPLATE_TOO_DEEP'), path);
    return lit(null, node);
  }
  if (node.kind === 'scalar') return lit(node.value, node);
  if (node.kind === 'seq') {
    return { t: 'list', node, items: node.items.map((item, i) => parseExpr(item, hooks, `${path}[${i}]`, depth + 1)) };
  }
  const pairs = effectivePairs(node);
  if (pairs.length === 1) {
    const pair = pairs[0]!;
    const impl = Object.prototype.hasOwnProperty.call(hooks.table, pair.keyText) ? hooks.table[pair.keyText] : undefined;
    if (impl !== undefined) {
      const fnPath = `${path}.${pair.keyText}`;
      const call: FnExpr = { t: 'fn', name: pair.keyText, impl, node, keyNode: pair.key, args: lit(null, null), path: fnPath };
      try {
        if (impl === 'If' || impl === 'IfNullable') {
          call.args = parseRawForShape(pair.value);
          hooks.macro(call, pair.value, fnPath);
        } else {
          call.args = parseExpr(pair.value, hooks, fnPath, depth + 1);
          hooks.construct(call);
        }
      } catch (error) {
        if (!(error instanceof HeatError)) throw error;
        call.broken = true;
        hooks.report(error.node ? error : new HeatError(error.message, pair.value ?? node, error.code), fnPath);
      }
      return call;
    }
  }
  return {
    t: 'map',
    node,
    entries: pairs.map((p) => ({ key: p.keyText, keyNode: p.key, value: parseExpr(p.value, hooks, `${path}.${p.keyText}`, depth + 1) })),
  };
}

/** The shape of a macro's raw arguments, without interpreting functions in them. */
function parseRawForShape(node: YNode | undefined): Expr {
  if (!node) return lit(null, null);
  if (node.kind === 'scalar') return lit(node.value, node);
  if (node.kind === 'seq') return { t: 'list', node, items: node.items.map(parseRawForShape) };
  return {
    t: 'map',
    node,
    entries: effectivePairs(node).map((p) => ({ key: p.keyText, keyNode: p.key, value: parseRawForShape(p.value) })),
  };
}

/** Visits every function call, descending into the branch an `if` chose. */
export function forEachCall(expr: Expr, visit: (call: FnExpr) => void): void {
  switch (expr.t) {
    case 'lit':
      return;
    case 'list':
      for (const item of expr.items) forEachCall(item, visit);
      return;
    case 'map':
      for (const entry of expr.entries) forEachCall(entry.value, visit);
      return;
    case 'fn':
      visit(expr);
      if (expr.impl === 'If' || expr.impl === 'IfNullable') {
        if (expr.chosen) forEachCall(expr.chosen, visit);
      } else {
        forEachCall(expr.args, visit);
      }
  }
}

export function mapEntry(e: MapExpr, key: string): Expr | undefined {
  for (let i = e.entries.length - 1; i >= 0; i--) if (e.entries[i]!.key === key) return e.entries[i]!.value;
  return undefined;
}
