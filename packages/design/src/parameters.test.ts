import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '@hearth/template';
import { parameterProblems } from './parameters.ts';

const template = `heat_template_version: 2018-08-31
parameters:
  size:
    type: number
    constraints: [{range: {min: 1, max: 10}}]
  flavor: {type: string}
resources: {}
`;

describe('parameterProblems', () => {
  it('checks typed values against the constraints; the environment’s values count, typed ones override them', () => {
    const sources = { template, environment: 'parameters:\n  flavor: small\n', files: {} };
    expect(parameterProblems(sources, { size: 3 })).toEqual({});
    expect(parameterProblems(sources, { size: 30 })).toEqual({ size: expect.stringContaining('range') });
    const tooBig = { ...sources, environment: 'parameters:\n  size: 30\n' };
    expect(parameterProblems(tooBig, {})).toEqual({ size: expect.stringContaining('range') });
    expect(parameterProblems(tooBig, { size: 3 })).toEqual({});
  });

  it('checks the values of a CloudFormation-format template by its own sections', () => {
    const cfn = `HeatTemplateFormatVersion: '2012-12-12'
Parameters:
  Size: {Type: String, AllowedValues: [small, large]}
Resources:
  r: {Type: OS::Heat::None}
`;
    const sources = { template: cfn, environment: '', files: {} };
    const analysis = analyzeTemplate(cfn);
    expect(parameterProblems(sources, { Size: 'huge' }, analysis)).toEqual({ Size: expect.stringContaining('allowed') });
    expect(parameterProblems(sources, { Size: 'small' }, analysis)).toEqual({});
  });

  it('given the design’s analysis, reads only the parameter sections, with the same verdicts; an alias across sections reads it whole', () => {
    const many = template.replace(
      'resources: {}\n',
      `resources:\n${Array.from({ length: 50 }, (_, i) => `  r${i}: {type: OS::Heat::None}\n`).join('')}`,
    );
    const analysis = analyzeTemplate(many);
    const sources = { template: many, environment: '', files: {} };
    expect(parameterProblems(sources, { size: 30, flavor: 'x' }, analysis)).toEqual(parameterProblems(sources, { size: 30, flavor: 'x' }));
    expect(parameterProblems(sources, { size: 3, flavor: 'x' }, analysis)).toEqual({});

    const aliased = `heat_template_version: 2018-08-31
resources:
  r: {type: OS::Heat::None, metadata: &limits {range: {min: 1, max: 10}}}
parameters:
  size: {type: number, constraints: [*limits]}
`;
    const read = { template: aliased, environment: '', files: {} };
    expect(parameterProblems(read, { size: 30 }, analyzeTemplate(aliased))).toEqual({ size: expect.stringContaining('range') });
  });
});
