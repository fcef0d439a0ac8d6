import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from './analyze.ts';
import { BudgetExceeded } from './budget.ts';
import { resolveValue } from './functions.ts';

/** The value of output `o`, evaluated as a run would. */
function outputOf(template: string) {
  const analysis = analyzeTemplate(template);
  const output = analysis.outputs.find((o) => o.name === 'o')!;
  return () => resolveValue(output.value!, analysis.evalEnv());
}

const thousand = Array.from({ length: 1000 }, (_, i) => `"${i}"`).join(', ');

describe('the evaluation budget', () => {
  it('refuses a repeat over three aliased lists of 1,000 before making a billion items (8 KB of template)', () => {
    const evaluate = outputOf(`heat_template_version: 2018-08-31
parameters:
  l: {type: json, default: &l [${thousand}]}
resources: {}
outputs:
  o:
    value:
      repeat:
        for_each: {"%a%": *l, "%b%": *l, "%c%": *l}
        template: "%a%-%b%-%c%"
`);
    expect(evaluate).toThrow(BudgetExceeded);
    expect(evaluate).toThrow('"repeat" would make 1,000,000,000 items; Hearth computes lists and maps of at most 100,000 items.');
  });

  it('refuses a str_replace whose result would be gigabytes, before making it', () => {
    const evaluate = outputOf(`heat_template_version: 2018-08-31
parameters:
  t: {type: string, default: "${'$x'.repeat(2000)}"}
  v: {type: string, default: "${'y'.repeat(2000)}"}
resources: {}
outputs:
  o:
    value:
      str_replace:
        template: {str_replace: {template: {get_param: t}, params: {$x: {get_param: t}}}}
        params: {$x: {get_param: v}}
`);
    // The inner one already: 2,000 placeholders, each replaced by 4,000 characters.
    expect(evaluate).toThrow(/^"str_replace" would make a string of 8,000,000 characters; Hearth computes strings of at most 4,194,304\.$/);
  });

  it('counts every value a template computes: many modest ones add up to the limit', () => {
    const resources = Array.from(
      { length: 40 },
      (_, i) =>
        `  r${i}: {type: OS::Heat::Value, properties: {value: {list_join: ["", {repeat: {for_each: {"%i%": {get_param: l}}, template: "${'z'.repeat(1000)}"}}]}}}\n`,
    ).join('');
    const analysis = analyzeTemplate(`heat_template_version: 2018-08-31
parameters:
  l: {type: json, default: [${thousand}]}
resources:
${resources}`);
    const env = analysis.evalEnv();
    const each = () => analysis.resources.map((r) => resolveValue(r.def.properties!, env));
    expect(each).toThrow(/^The template's functions would compute more than 33,554,432 characters and items in all/);
  });

  it('leaves ordinary templates alone', () => {
    const evaluate = outputOf(`heat_template_version: 2018-08-31
resources: {}
outputs:
  o:
    value:
      repeat:
        for_each: {"%port%": ["22", "80", "443"], "%cidr%": [10.0.0.0/8, 192.168.0.0/16]}
        template: {port: "%port%", remote_ip_prefix: "%cidr%"}
`);
    expect(evaluate()).toHaveLength(6);
  });

  it('applies Heat’s own yaql limits, and bounds all of a template’s yaql steps together (a diagnostic, not a crash)', () => {
    const bomb = analyzeTemplate(`heat_template_version: 2018-08-31
conditions:
  c: {yaql: {expression: "len(range(0, 100000).select(range(0, 100000))) > 0"}}
resources:
  a: {type: OS::Heat::None, condition: c}
`);
    expect(bomb.diagnostics.map((d) => d.message)).toContain('Collection length exceeds 200 elements');
    const conditions = Array.from({ length: 8 }, (_, i) => `  c${i}: {yaql: {expression: "len(range(0, 900000)) > ${i}"}}\n`).join('');
    const uses = Array.from({ length: 8 }, (_, i) => `  r${i}: {type: OS::Heat::None, condition: c${i}}\n`).join('');
    const many = analyzeTemplate(`heat_template_version: 2018-08-31\nconditions:\n${conditions}resources:\n${uses}`);
    expect(many.valid).toBe(false);
    expect(many.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'EVALUATION_LIMIT',
        message:
          "The template's yaql expressions would take more than 5,000,000 steps in all; that is the most Hearth evaluates for one template.",
      }),
    );
  });
});
