import { describe, expect, it } from 'vitest';
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
});
