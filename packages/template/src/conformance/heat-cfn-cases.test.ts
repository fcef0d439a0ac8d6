// CloudFormation-format templates that each exercise one rule of Heat's
// reading of that format, and CFN function calls evaluated, with what Heat 19
// itself said (scripts/dev/heat-cfn-cases.py). Hearth must agree on parsed and
// valid, and compute the same values (or fail where Heat fails).
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../hot/analyze.ts';
import { EvalError, resolveValue } from '../hot/functions.ts';
import cases from './heat-cfn-cases.json' with { type: 'json' };

interface VerdictCase {
  name: string;
  template: string;
  heat: { parsed: boolean; valid: boolean; error?: string };
}

interface EvalCase {
  name: string;
  snippet: string;
  heat: { value?: unknown; error?: string };
}

describe('Heat verdicts on one-rule CloudFormation templates', () => {
  it.each((cases.verdicts as VerdictCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const analysis = analyzeTemplate(c.template, { filename: 'case.template' });
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    const summary = `Heat: ${c.heat.error ?? 'valid'} | Hearth: ${errors.map((d) => `${d.code} ${d.message}`).join(' / ') || 'valid'}`;
    expect(analysis.parsed, summary).toBe(c.heat.parsed);
    expect(analysis.valid, summary).toBe(c.heat.valid);
    if (c.heat.parsed && c.heat.valid) expect(analysis.version?.format, 'read as CloudFormation').toBe('cfn');
    for (const d of analysis.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.line).toBeLessThanOrEqual(c.template.split('\n').length);
    }
  });
});

function evaluate(c: EvalCase): { value?: unknown; error?: string } {
  const text = `AWSTemplateFormatVersion: '2010-09-09'\n${cases.parameters}Resources:\n  r: {Type: OS::Heat::None}\nOutputs:\n  o:\n    Value: ${c.snippet}\n`;
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

describe('CloudFormation functions evaluate as in Heat', () => {
  it.each((cases.evaluations as EvalCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = evaluate(c);
    if (c.heat.error !== undefined) expect(result.error, `Heat: ${c.heat.error}`).toBeDefined();
    else expect(result, JSON.stringify(result)).toEqual({ value: c.heat.value });
  });
});
