// Value constraints shared by parameters and resource properties, checked
// with Heat's rules and messages (heat/engine/constraints.py).
import { compilePythonPattern } from './pyregex.ts';
import type { Value } from './values.ts';
import { isValueMap, jsonDumps, pyEquals, pyStr } from './values.ts';

export type Constraint =
  | { kind: 'range'; min: number | null; max: number | null; description?: string }
  | { kind: 'length'; min: number | null; max: number | null; description?: string }
  | { kind: 'modulo'; step: number; offset: number; description?: string }
  | { kind: 'allowed_values'; allowed: Value[]; description?: string }
  | { kind: 'allowed_pattern'; pattern: string; description?: string }
  | { kind: 'custom_constraint'; name: string; description?: string };

/** The data types a constraint is checked against (Heat's schema types, lower case). */
export type SchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'list' | 'map' | 'any';

const VALID_FOR: Record<Constraint['kind'], SchemaType[]> = {
  range: ['integer', 'number'],
  length: ['string', 'list', 'map'],
  modulo: ['integer', 'number'],
  allowed_values: ['string', 'integer', 'number', 'boolean', 'list'],
  allowed_pattern: ['string'],
  custom_constraint: ['string', 'integer', 'number', 'boolean', 'list'],
};

export const CONSTRAINT_CLASS: Record<Constraint['kind'], string> = {
  range: 'Range',
  length: 'Length',
  modulo: 'Modulo',
  allowed_values: 'AllowedValues',
  allowed_pattern: 'AllowedPattern',
  custom_constraint: 'CustomConstraint',
};

export function constraintAppliesTo(c: Constraint, type: SchemaType): boolean {
  return VALID_FOR[c.kind].includes(type);
}

export class ConstraintError extends Error {}

/** Python's numeric conversion used by Heat (int(), then float()). */
export function strToNum(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const t = value.trim();
    if (/^[-+]?\d+(_\d+)*$/.test(t)) return Number(t.replace(/_/g, ''));
    const f = Number(t);
    if (t !== '' && !Number.isNaN(f) && /^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf(inity)?|nan)$/i.test(t)) return f;
    if (/^[-+]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^[-+]?nan$/i.test(t)) return NaN;
    throw new ConstraintError(`could not convert string to float: '${value}'`);
  }
  throw new ConstraintError(
    `float() argument must be a string or a real number, not '${value === null ? 'NoneType' : Array.isArray(value) ? 'list' : 'dict'}'`,
  );
}

/** Heat's Schema.to_schema_type for the types constraints compare in. */
function toSchemaType(value: Value, type: SchemaType): Value {
  try {
    if (type === 'integer') {
      const n = strToNum(value);
      if (!Number.isInteger(n)) throw new ConstraintError(`${n} is not an integer.`);
      return n;
    }
    if (type === 'number') return strToNum(value);
    if (type === 'string') return pyStr(value);
    if (type === 'boolean') return boolFromString(pyStr(value));
  } catch {
    throw new ConstraintError(`Value "${pyStr(value)}" is invalid for data type "${type}".`);
  }
  return value;
}

export function boolFromString(s: string): boolean {
  const lower = s.trim().toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(lower)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(lower)) return false;
  throw new ConstraintError(
    `Unrecognized value '${s}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`,
  );
}

function pyLen(value: Value): number {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (isValueMap(value)) return Object.keys(value).length;
  throw new ConstraintError(
    `object of type '${value === null ? 'NoneType' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int' : 'float'}' has no len()`,
  );
}

function numStr(n: number | null): string {
  return n === null ? 'None' : pyStr(n);
}

/**
 * Checks one value; returns the error message Heat would give, or null.
 * Custom constraints (lookups against a cloud) are not checked here.
 */
export function checkConstraint(c: Constraint, value: Value, type: SchemaType): string | null {
  try {
    const failed = (message: string) => c.description ?? message;
    switch (c.kind) {
      case 'range': {
        const n = strToNum(value);
        if ((c.min !== null && n < c.min) || (c.max !== null && n > c.max)) {
          return failed(`${pyStr(value)} is out of range (min: ${numStr(c.min)}, max: ${numStr(c.max)})`);
        }
        return null;
      }
      case 'length': {
        const n = pyLen(value);
        if ((c.min !== null && n < c.min) || (c.max !== null && n > c.max)) {
          return failed(`length (${n}) is out of range (min: ${numStr(c.min)}, max: ${numStr(c.max)})`);
        }
        return null;
      }
      case 'modulo': {
        const n = strToNum(value);
        // ((n % s) + s) % s has the sign of the divisor, as Python's % does.
        const mod = ((n % c.step) + c.step) % c.step;
        if (mod !== c.offset) return failed(`${pyStr(value)} is not a multiple of ${c.step} with an offset of ${c.offset}`);
        return null;
      }
      case 'allowed_values': {
        let ok: boolean;
        if (Array.isArray(value)) ok = value.every((v) => c.allowed.some((a) => pyEquals(a, v)));
        else {
          const v = toSchemaType(value, type);
          ok = c.allowed.some((a) => pyEquals(toSchemaType(a, type), v));
        }
        if (!ok) return failed(`${jsonDumps(value)} is not an allowed value [${c.allowed.map((a) => jsonDumps(a)).join(', ')}]`);
        return null;
      }
      case 'allowed_pattern': {
        if (typeof value !== 'string') return `expected string or bytes-like object, got '${Array.isArray(value) ? 'list' : typeof value}'`;
        const compiled = compilePythonPattern(c.pattern);
        if (!compiled.ok) return `the pattern ${c.pattern} is not a valid regular expression: ${compiled.error}`;
        if (!compiled.test(value)) return failed(`"${value}" does not match pattern "${c.pattern}"`);
        return null;
      }
      case 'custom_constraint':
        return null;
    }
  } catch (error) {
    if (error instanceof ConstraintError) return error.message;
    throw error;
  }
}

/** Human summary of a constraint, for forms and hover text. */
export function describeConstraint(c: Constraint): string {
  if (c.description) return c.description;
  switch (c.kind) {
    case 'range':
      return c.max === null ? `at least ${c.min}` : c.min === null ? `at most ${c.max}` : `between ${c.min} and ${c.max}`;
    case 'length':
      return c.max === null
        ? `length at least ${c.min}`
        : c.min === null
          ? `length at most ${c.max}`
          : `length between ${c.min} and ${c.max}`;
    case 'modulo':
      return `a multiple of ${c.step} plus ${c.offset}`;
    case 'allowed_values':
      return `one of ${c.allowed.map((a) => jsonDumps(a)).join(', ')}`;
    case 'allowed_pattern':
      return `matching ${c.pattern}`;
    case 'custom_constraint':
      return `a valid ${c.name} (checked against the cloud, not offline)`;
  }
}
