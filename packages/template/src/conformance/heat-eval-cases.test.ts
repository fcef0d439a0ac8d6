// Intrinsic functions evaluated by Hearth and by Heat 19 itself
// (scripts/dev/heat-eval-cases.py): the same values, or an error where Heat
// raises one.
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../hot/analyze.ts';
import { EvalError, resolveValue } from '../hot/functions.ts';
import cases from './heat-eval-cases.json' with { type: 'json' };

interface EvalCase {
  name: string;
  version: string;
  snippet: string;
  heat: { value?: unknown; error?: string };
}

const PARAMS = `parameters:
  s: {type: string, default: hello}
  n: {type: number, default: 42}
  f: {type: number, default: 2.5}
  l: {type: comma_delimited_list, default: "a,b,c"}
  j: {type: json, default: {k: v, list: [1, 2], nested: {x: y}}}
  b: {type: boolean, default: "yes"}
`;

function evaluate(c: EvalCase): { value?: unknown; error?: string } {
  const text = `heat_template_version: ${c.version}\n${PARAMS}resources:\n  r: {type: OS::Heat::None}\noutputs:\n  o:\n    value: ${c.snippet}\n`;
  const analysis = analyzeTemplate(text, { stackName: 'mystack' });
  const output = analysis.outputs.find((o) => o.name === 'o')!;
  const parseError = analysis.diagnostics.find((d) => d.severity === 'error');
  if (parseError) return { error: parseError.message };
  try {
    return { value: JSON.parse(JSON.stringify(resolveValue(output.value!, analysis.evalEnv()))) };
  } catch (error) {
    if (error instanceof EvalError) return { error: error.message };
    throw error;
  }
}

describe('functions evaluate as in Heat', () => {
  it.each((cases as EvalCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = evaluate(c);
    if (c.heat.error !== undefined) expect(result.error, `Heat: ${c.heat.error}`).toBeDefined();
    else expect(result, JSON.stringify(result)).toEqual({ value: c.heat.value });
  });
});
