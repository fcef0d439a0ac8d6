// get_attr with a path Heat cannot resolve before the stack runs (a parameter without a value):
// Heat still records the dependency, and says the attribute is incorrect unless another reference
// to it resolves (heat/engine/hot/functions.py GetAtt._attr_path and dep_attrs; stk_defn.py). The
// verdicts are Heat 19's, from scripts/dev/heat-cases.py.
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from './analyze.ts';

const HEAD = `heat_template_version: 2018-08-31
parameters: {network: {type: string}, known: {type: string, default: private}}
resources:
  server: {type: OS::Nova::Server, properties: {image: x, flavor: y}}
`;

function verdict(body: string) {
  const a = analyzeTemplate(HEAD + body, { filename: 't.yaml' });
  return {
    errors: a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path}: ${d.message}`),
    requires: Object.fromEntries(a.resources.map((r) => [r.name, r.requires])),
    outputs: Object.fromEntries(a.outputs.map((o) => [o.name, o.requires])),
  };
}

describe('get_attr with a path that cannot be resolved', () => {
  it('in a resource: the dependency stays, and the attribute is incorrect', () => {
    expect(
      verdict('  other: {type: OS::Heat::Value, properties: {value: {get_attr: [server, networks, {get_param: network}, 0]}}}\n'),
    ).toEqual({
      errors: ['resources.other.properties.value.get_attr: The Referenced Attribute (server networks) is incorrect.'],
      requires: { server: [], other: ['server'] },
      outputs: {},
    });
  });

  it('is fine when another reference to the attribute resolves', () => {
    const body =
      '  other: {type: OS::Heat::Value, properties: {value: {get_attr: [server, networks, {get_param: network}, 0]}}}\n' +
      '  third: {type: OS::Heat::Value, properties: {value: {get_attr: [server, networks, {get_param: known}]}}}\n';
    expect(verdict(body).errors).toEqual([]);
    expect(verdict(body).requires).toEqual({ server: [], other: ['server'], third: ['server'] });
  });

  it('in an output: the same, and a resource’s resolved reference counts', () => {
    const output = 'outputs:\n  o: {value: {get_attr: [server, networks, {get_param: network}, 0]}}\n';
    expect(verdict(output)).toEqual({
      errors: ['outputs.o.value.get_attr: The Referenced Attribute (server networks) is incorrect.'],
      requires: { server: [] },
      outputs: { o: ['server'] },
    });
    expect(verdict('  third: {type: OS::Heat::Value, properties: {value: {get_attr: [server, networks]}}}\n' + output).errors).toEqual([]);
  });

  it('an attribute name that cannot be resolved is the parameter’s error only, and the dependency stays', () => {
    expect(verdict('  other: {type: OS::Heat::Value, properties: {value: {get_attr: [server, {get_param: network}]}}}\n')).toEqual({
      errors: ['resources.other.properties.value.get_attr: The Parameter (network) was not provided.'],
      requires: { server: [], other: ['server'] },
      outputs: {},
    });
  });
});
