// The conditions section: definitions parsed with the condition functions of
// the template's version, resolved lazily the way Heat resolves them (a
// condition nobody uses is never evaluated), with cycles detected.
import type { YNode } from '../yaml/nodes.ts';
import { effectivePairs } from '../yaml/nodes.ts';
import type { Expr } from './expr.ts';
import { HeatError } from './expr.ts';
import type { EvalEnv } from './functions.ts';
import { EvalError, resolveValue, validateExpr, type ValidateEnv } from './functions.ts';
import type { Value } from './values.ts';
import { pyRepr, pyStr } from './values.ts';

export interface ConditionDef {
  name: string;
  keyNode: YNode;
  node: YNode;
  expr: Expr;
}

const IN_PROGRESS = Symbol('in progress');

export class Conditions {
  private readonly resolved = new Map<string, boolean | typeof IN_PROGRESS>();
  /** Why a condition could not be decided (a parameter without a value, ...). */
  readonly unresolved = new Map<string, string>();

  constructor(
    readonly defs: ReadonlyMap<string, ConditionDef>,
    private readonly envFor: () => EvalEnv,
  ) {}

  has(name: string): boolean {
    return this.defs.has(name);
  }

  /** Heat's Conditions.is_enabled; throws HeatError for unknown or circular conditions. */
  isEnabled(condition: Value | undefined, node: YNode | null = null): boolean {
    if (condition === undefined || condition === null) return true;
    if (typeof condition === 'boolean') return condition;
    if (typeof condition !== 'string' || !this.defs.has(condition)) {
      throw new HeatError(
        `Invalid condition "${pyStr(condition)}"${this.defs.size ? `; the conditions are ${[...this.defs.keys()].join(', ')}` : '; the template defines no conditions'}.`,
        node,
        'CONDITION_UNKNOWN',
      );
    }
    const state = this.resolved.get(condition);
    if (state === IN_PROGRESS) {
      throw new HeatError(`Circular definition for condition "${condition}"`, this.defs.get(condition)!.keyNode, 'CONDITION_CIRCULAR');
    }
    if (state !== undefined) return state;
    this.resolved.set(condition, IN_PROGRESS);
    const def = this.defs.get(condition)!;
    try {
      const value = resolveValue(def.expr, this.envFor());
      if (typeof value !== 'boolean') {
        throw new HeatError(`The definition of condition "${condition}" is invalid: ${pyRepr(value)}`, def.node, 'CONDITION_INVALID');
      }
      this.resolved.set(condition, value);
      return value;
    } catch (error) {
      this.resolved.delete(condition);
      if (error instanceof EvalError) {
        this.unresolved.set(condition, error.message);
        throw new HeatError(error.message, def.node, error.code === 'EVAL_ERROR' ? 'CONDITION_UNRESOLVED' : error.code);
      }
      throw error;
    }
  }

  /** Value of each condition where it can be decided (for reports); null otherwise. */
  snapshot(): Record<string, boolean | null> {
    const out: Record<string, boolean | null> = {};
    for (const name of this.defs.keys()) {
      try {
        out[name] = this.isEnabled(name);
      } catch {
        out[name] = null;
      }
    }
    return out;
  }
}

/** Heat's Conditions.validate: each definition is a boolean or a function call, and its functions validate. */
export function validateConditionDefs(
  defs: ReadonlyMap<string, ConditionDef>,
  env: ValidateEnv,
  report: (error: HeatError, path: string) => void,
): void {
  for (const def of defs.values()) {
    const e = def.expr;
    const ok = e.t === 'fn' || (e.t === 'lit' && typeof e.value === 'boolean');
    if (!ok) {
      report(
        new HeatError(
          `The definition of condition "${def.name}" is invalid: ${pyRepr(e.t === 'lit' ? e.value : null)}. A condition is true, false, or a condition function (equals, not, and, or, ...).`,
          def.node,
          'CONDITION_INVALID',
        ),
        `conditions.${def.name}`,
      );
      continue;
    }
    validateExpr(e, env, report);
  }
}

export function conditionEntries(section: YNode | undefined): Array<{ name: string; keyNode: YNode; node: YNode }> {
  if (!section || section.kind !== 'map') return [];
  return effectivePairs(section).map((p) => ({ name: p.keyText, keyNode: p.key, node: p.value }));
}
