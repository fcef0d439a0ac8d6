// What template functions may compute. A few hundred bytes of template can
// ask for billions of items (repeat over three lists of 1,000) or strings of
// gigabytes (str_replace of a long value into a long template): every value a
// function makes is counted before it is made, against limits on one value
// and on all values one template computes, and refused with a message that
// names the limit. (Heat leaves these unbounded; it bounds yaql alone, which
// Hearth does as Heat does: see ../yaql/limits.ts.)

export interface EvaluationLimits {
  /** Characters in one computed string. */
  maxStringLength: number;
  /** Items in one computed list or map. */
  maxItems: number;
  /** Characters and items of every value one template computes (one analysis, one stack operation). */
  maxTotal: number;
  /** Steps of all yaql evaluations of one template together (each is also bounded alone). */
  maxYaqlSteps: number;
}

export const DEFAULT_EVALUATION_LIMITS: EvaluationLimits = {
  maxStringLength: 4 * 1024 * 1024,
  maxItems: 100_000,
  maxTotal: 32 * 1024 * 1024,
  maxYaqlSteps: 5_000_000,
};

/**
 * A refusal to compute: not an evaluation error of the template (which Heat
 * would report and validation may tolerate) but a limit of this server, so
 * no caller swallows it.
 */
export class BudgetExceeded extends Error {
  readonly code = 'EVALUATION_LIMIT';
}

const fmt = (n: number) => n.toLocaleString('en-US');

export class EvaluationBudget {
  private spent = 0;
  private yaqlSpent = 0;

  constructor(readonly limits: EvaluationLimits = DEFAULT_EVALUATION_LIMITS) {}

  /** Before making a string of `length` characters with `fn`. */
  string(fn: string, length: number): void {
    if (length > this.limits.maxStringLength) {
      throw new BudgetExceeded(
        `"${fn}" would make a string of ${fmt(length)} characters; Hearth computes strings of at most ${fmt(this.limits.maxStringLength)}.`,
      );
    }
    this.spend(fn, length);
  }

  /** Before making a list or map of `count` items with `fn`. */
  items(fn: string, count: number): void {
    if (count > this.limits.maxItems) {
      throw new BudgetExceeded(
        `"${fn}" would make ${fmt(count)} items; Hearth computes lists and maps of at most ${fmt(this.limits.maxItems)} items.`,
      );
    }
    this.spend(fn, count);
  }

  /** After a yaql evaluation took `steps` steps. */
  yaqlSteps(steps: number): void {
    this.yaqlSpent += steps;
    if (this.yaqlSpent > this.limits.maxYaqlSteps) {
      throw new BudgetExceeded(
        `The template's yaql expressions would take more than ${fmt(this.limits.maxYaqlSteps)} steps in all; that is the most Hearth evaluates for one template.`,
      );
    }
  }

  private spend(fn: string, units: number): void {
    this.spent += units;
    if (this.spent > this.limits.maxTotal) {
      throw new BudgetExceeded(
        `The template's functions would compute more than ${fmt(this.limits.maxTotal)} characters and items in all (at "${fn}"); ` +
          `that is the most Hearth computes for one template.`,
      );
    }
  }
}

/** `parts.join(separator)`, counted against the budget before it is made. */
export function budgetedJoin(budget: EvaluationBudget | undefined, fn: string, parts: readonly string[], separator: string): string {
  if (budget) {
    let length = separator.length * Math.max(0, parts.length - 1);
    for (const p of parts) length += p.length;
    budget.string(fn, length);
  }
  return parts.join(separator);
}
