// Small templates that each exercise one rule of Heat's validation, with the
// verdict Heat 19 itself gave (scripts/dev/heat-cases.py). Hearth must agree
// on parsed and valid, and say what is wrong on the line that holds it.
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../hot/analyze.ts';
import cases from './heat-cases.json' with { type: 'json' };

interface HeatCase {
  name: string;
  template: string;
  heat: { parsed: boolean; valid: boolean; error?: string };
}

describe('Heat verdicts on one-rule templates', () => {
  it.each((cases as HeatCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const analysis = analyzeTemplate(c.template, { filename: 'case.yaml' });
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    const summary = `Heat: ${c.heat.error ?? 'valid'} | Hearth: ${errors.map((d) => `${d.code} ${d.message}`).join(' / ') || 'valid'}`;
    expect(analysis.parsed, summary).toBe(c.heat.parsed);
    expect(analysis.valid, summary).toBe(c.heat.valid);
    for (const d of analysis.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.line).toBeLessThanOrEqual(c.template.split('\n').length);
    }
  });
});
