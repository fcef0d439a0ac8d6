// yaql expressions around Heat's limits on yaql ([yaql] limit_iterators =
// 200, memory_quota = 10000), with what Heat 19 answered for each
// (scripts/dev/heat-yaql-limit-cases.py): Hearth refuses exactly what Heat
// refuses, with Heat's message, and computes the same value otherwise.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Value } from '../hot/values.ts';
import { evaluateYaql, YaqlEvalError } from '../yaql/evaluate.ts';
import cases from './heat-yaql-limits.json' with { type: 'json' };

interface LimitCase {
  expression: string;
  data: ['range' | 'string' | 'map', number] | null;
  /** `set`: Heat answered with a set, compared here sorted. */
  heat: { value?: unknown; sha256?: string; error?: string; set?: true };
}

function data(spec: LimitCase['data']): Value {
  if (!spec) return null;
  const [kind, n] = spec;
  if (kind === 'range') return Array.from({ length: n }, (_, i) => i);
  if (kind === 'string') return 'a'.repeat(n);
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
}

/** Python's json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=False). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function hearth(c: LimitCase): LimitCase['heat'] {
  try {
    let value = evaluateYaql(c.expression, data(c.data));
    if (c.heat.set && Array.isArray(value)) value = [...value].sort();
    const json = canonical(value);
    const set = c.heat.set ? { set: true as const } : {};
    return json.length > 200 ? { sha256: createHash('sha256').update(json).digest('hex'), ...set } : { value: JSON.parse(json), ...set };
  } catch (error) {
    if (error instanceof YaqlEvalError) return { error: error.message };
    throw error;
  }
}

describe('yaql within Heat’s limits', () => {
  it.each((cases as LimitCase[]).map((c) => [`${c.expression}${c.data ? ` on ${c.data.join(' ')}` : ''}`, c] as const))(
    '%s',
    (_name, c) => {
      expect(hearth(c)).toEqual(c.heat);
    },
  );
});
