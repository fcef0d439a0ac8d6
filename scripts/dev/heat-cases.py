#!/usr/bin/python3
"""Writes packages/template/src/conformance/heat-cases.json: small templates
that each exercise one rule of Heat's template validation, with the verdict
Heat 19 itself gives (apt-get install python3-heat; run from a directory with
no resource.py in it). The conformance tests compare Hearth with these.
This is a development tool: Hearth's build and tests never need Heat."""
import json, os, sys, textwrap
from oslo_config import cfg
cfg.CONF([], project='heat')
from heat.common import template_format, context
from heat.engine import resources, template as templatem, environment, stack as parser, service
from heat.engine import resource as res_mod
resources.initialise()
res_mod.Resource._validate_service_availability = lambda *a, **k: None

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'template', 'src', 'conformance', 'heat-cases.json')

def verdict(text):
    try:
        t = template_format.simple_parse(text)
    except Exception as e:
        return {'parsed': False, 'valid': False, 'error': str(e).split('\n')[0]}
    ctx = context.get_admin_context()
    try:
        tmpl = templatem.Template(t, files={})
        tmpl.env = environment.Environment({})
        service.EngineService('host', 'topic')._validate_template(ctx, tmpl)
        st = parser.Stack(ctx, 'dummy', tmpl, strict_validate=False)
        st.validate(validate_res_tmpl_only=True)
        return {'parsed': True, 'valid': True}
    except Exception as e:
        return {'parsed': True, 'valid': False, 'error': str(e).split('\n')[0]}

def T(version, body):
    return 'heat_template_version: %s\n%s' % (version, textwrap.dedent(body).strip('\n') + '\n')

NONE = '''resources:
  r:
    type: OS::Heat::None
    properties:
      v: %s
'''
def none_with(version, value):
    return T(version, NONE % value)

CASES = [
  # Versions
  ('version missing', 'description: x\nresources: {}\n'),
  ('version unknown', 'heat_template_version: 2017-01-01\n'),
  ('version as number', 'heat_template_version: 2016.10\n'),
  ('version release name', 'heat_template_version: queens\n'),
  ('empty template', ''),
  ('not a mapping', '- a\n- b\n'),
  ('unknown section', T('rocky', 'foo: bar')),
  ('conditions before newton', T('2016-04-08', 'conditions: {}')),
  # Functions by version
  ('Fn::Join in 2013-05-23', none_with('2013-05-23', '{"Fn::Join": [",", [a, b]]}')),
  ('Fn::Join removed in 2014-10-16', none_with('2014-10-16', '{"Fn::Join": [",", [a, b]]}')),
  ('Fn::Select in 2014-10-16', none_with('2014-10-16', '{"Fn::Select": [0, [a, b]]}')),
  ('Fn::Select removed in 2015-10-15', none_with('2015-10-15', '{"Fn::Select": [0, [a, b]]}')),
  ('repeat before 2015-04-30 is data', none_with('2014-10-16', '{repeat: {for_each: {x: [1]}, template: x}}')),
  ('repeat for_each not a map', none_with('2015-04-30', '{repeat: {for_each: [1], template: x}}')),
  ('repeat without template', none_with('2015-04-30', '{repeat: {for_each: {x: [1]}}}')),
  ('get_attr one argument before 2015-10-15', T('2015-04-30', 'resources:\n  a: {type: OS::Heat::RandomString}\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_attr: [a]}}')),
  ('get_attr one argument from 2015-10-15', T('2015-10-15', 'resources:\n  a: {type: OS::Heat::RandomString}\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_attr: [a]}}')),
  ('get_attr not a list', T('rocky', 'resources:\n  a: {type: OS::Heat::RandomString}\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_attr: a.value}}')),
  ('get_attr unknown attribute', T('rocky', 'resources:\n  a: {type: OS::Heat::RandomString}\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_attr: [a, nope]}}')),
  ('get_attr known attribute', T('rocky', 'resources:\n  a: {type: OS::Heat::RandomString}\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_attr: [a, value]}}')),
  ('get_attr show', T('rocky', 'resources:\n  a: {type: OS::Heat::RandomString}\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_attr: [a, show, name]}}')),
  ('get_attr on a group', T('rocky', 'resources:\n  g:\n    type: OS::Heat::ResourceGroup\n    properties: {resource_def: {type: OS::Heat::None}}\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_attr: [g, resource.0.anything]}}')),
  ('get_attr missing resource', T('rocky', 'resources:\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_attr: [nope, x]}}')),
  ('get_resource missing resource', T('rocky', 'resources:\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_resource: nope}}')),
  ('get_resource in metadata', T('rocky', 'resources:\n  a: {type: OS::Heat::None}\n  r:\n    type: OS::Heat::None\n    metadata: {v: {get_resource: nope}}')),
  ('str_split before 2015-10-15 is data', none_with('2015-04-30', '{str_split: [",", "a,b"]}')),
  ('str_split as a string', none_with('2015-10-15', '{str_split: "a,b"}')),
  ('map_merge from 2016-04-08', none_with('2016-04-08', '{map_merge: [{a: 1}, {b: 2}]}')),
  ('map_replace from 2016-10-14', none_with('2016-10-14', '{map_replace: [{a: 1}, {keys: {a: b}}]}')),
  ('filter from 2017-02-24', none_with('2017-02-24', '{filter: [[1], [1, 2]]}')),
  ('filter with one argument', none_with('2017-02-24', '{filter: [[1]]}')),
  ('make_url from 2017-09-01', none_with('2017-09-01', '{make_url: {scheme: http, host: h, port: 80}}')),
  ('make_url bad port', none_with('2017-09-01', '{make_url: {scheme: http, host: h, port: 99999}}')),
  ('make_url unknown key', none_with('2017-09-01', '{make_url: {scheme: http, hostname: h}}')),
  ('make_url query not a map', none_with('2017-09-01', '{make_url: {host: h, query: x}}')),
  ('list_concat from 2017-09-01', none_with('2017-09-01', '{list_concat: [[1], [2]]}')),
  ('contains with one argument', none_with('2017-09-01', '{contains: [a]}')),
  ('str_replace_strict from 2017-02-24', none_with('2017-02-24', '{str_replace_strict: {template: a$x, params: {$x: b}}}')),
  ('str_replace without params', none_with('rocky', '{str_replace: {template: abc}}')),
  ('str_replace params not a map', none_with('rocky', '{str_replace: {template: abc, params: [a]}}')),
  ('list_join not a list', none_with('rocky', '{list_join: ","}')),
  ('list_join delimiter only', none_with('rocky', '{list_join: [","]}')),
  ('old list_join with three arguments', none_with('2015-04-30', '{list_join: [",", [a], [b]]}')),
  ('digest', none_with('rocky', '{digest: [sha512, abc]}')),
  ('yaql good', none_with('rocky', '{yaql: {expression: "$.data.a.select($ * 2)", data: {a: [1]}}}')),
  ('yaql syntax error', none_with('rocky', '{yaql: {expression: "$.data.a.select(", data: {}}}')),
  ('yaql expression not a string', none_with('rocky', '{yaql: {expression: [1], data: {}}}')),
  ('yaql unknown key', none_with('rocky', '{yaql: {expression: "1", datum: {}}}')),
  ('resource_facade bad argument', none_with('rocky', '{resource_facade: properties}')),
  ('equals outside conditions', none_with('rocky', '{equals: [1, 1]}')),
  ('if with two arguments in rocky', T('rocky', 'conditions:\n  c: true\nresources:\n  r:\n    type: OS::Heat::None\n    properties: {v: {if: [c, 1]}}')),
  ('if with two arguments in wallaby', T('wallaby', 'conditions:\n  c: true\nresources:\n  r:\n    type: OS::Heat::None\n    properties: {v: {if: [c, 1]}}')),
  ('if on an unknown condition', T('rocky', 'resources:\n  r:\n    type: OS::Heat::None\n    properties: {v: {if: [nope, 1, 2]}}')),
  ('if hides an invalid reference', T('rocky', 'conditions:\n  c: false\nresources:\n  r:\n    type: OS::Heat::None\n    properties: {v: {if: [c, {get_resource: nope}, 2]}}')),
  # Conditions
  ('condition with get_resource', T('rocky', 'conditions:\n  c: {get_resource: r}\nresources:\n  r: {type: OS::Heat::None}')),
  ('condition as a string', T('rocky', 'conditions:\n  c: yes_please\n')),
  ('condition equals bad args', T('rocky', 'conditions:\n  c: {equals: [1]}\n')),
  ('condition and with one arg', T('rocky', 'conditions:\n  c: {and: [true]}\n')),
  ('condition not null', T('rocky', 'conditions:\n  c: {not: null}\n')),
  ('conditions not a map', T('rocky', 'conditions: [a]\n')),
  ('resource with unknown condition', T('rocky', 'resources:\n  r:\n    type: OS::Heat::None\n    condition: nope\n')),
  ('circular conditions', T('rocky', 'conditions:\n  a: {not: b}\n  b: {not: a}\nresources:\n  r:\n    type: OS::Heat::None\n    condition: a\n')),
  ('condition on a parameter without default', T('rocky', 'parameters:\n  p: {type: string}\nconditions:\n  c: {equals: [{get_param: p}, x]}\nresources:\n  r:\n    type: OS::Heat::None\n    condition: c\n')),
  ('unused condition on a parameter without default', T('rocky', 'parameters:\n  p: {type: string}\nconditions:\n  c: {equals: [{get_param: p}, x]}\n')),
  ('disabled resource with an unknown type', T('rocky', 'conditions:\n  c: false\nresources:\n  r:\n    type: No::Such::Type\n    condition: c\n')),
  ('reference to a disabled resource', T('rocky', 'conditions:\n  c: false\nresources:\n  a:\n    type: OS::Heat::None\n    condition: c\n  r:\n    type: OS::Heat::None\n    properties: {v: {get_resource: a}}\n')),
  ('depends_on a disabled resource', T('rocky', 'conditions:\n  c: false\nresources:\n  a:\n    type: OS::Heat::None\n    condition: c\n  r:\n    type: OS::Heat::None\n    depends_on: a\n')),
  ('yaql in a condition', T('rocky', 'parameters:\n  ips: {type: json, default: [{ip_address: 1.2.3.4}]}\nconditions:\n  c: {not: {equals: [{yaql: {expression: "$.data.where($.get(\'ip_address\'))", data: {get_param: ips}}}, []]}}\nresources:\n  r:\n    type: OS::Heat::None\n    condition: c\n')),
  # Parameters
  ('parameter without type', T('rocky', 'parameters:\n  p: {default: 1}\n')),
  ('parameter unknown type', T('rocky', 'parameters:\n  p: {type: integer}\n')),
  ('parameter unknown key', T('rocky', 'parameters:\n  p: {type: string, secret: true}\n')),
  ('parameter not a map', T('rocky', 'parameters:\n  p: string\n')),
  ('range on a string', T('rocky', 'parameters:\n  p:\n    type: string\n    constraints: [{range: {min: 1}}]\n')),
  ('length on a number', T('rocky', 'parameters:\n  p:\n    type: number\n    constraints: [{length: {min: 1}}]\n')),
  ('default outside allowed values', T('rocky', 'parameters:\n  p:\n    type: string\n    default: c\n    constraints: [{allowed_values: [a, b]}]\n')),
  ('default matches allowed values', T('rocky', 'parameters:\n  p:\n    type: number\n    default: 2\n    constraints: [{allowed_values: [1, 2]}]\n')),
  ('default against a pattern', T('rocky', 'parameters:\n  p:\n    type: string\n    default: abc1\n    constraints: [{allowed_pattern: "[a-z]+"}]\n')),
  ('default out of range', T('rocky', 'parameters:\n  p:\n    type: number\n    default: 10\n    constraints: [{range: {min: 1, max: 5}}]\n')),
  ('default too short', T('rocky', 'parameters:\n  p:\n    type: string\n    default: ab\n    constraints: [{length: {min: 3}}]\n')),
  ('list default too short', T('rocky', 'parameters:\n  p:\n    type: comma_delimited_list\n    default: a,b\n    constraints: [{length: {min: 3}}]\n')),
  ('json default', T('rocky', 'parameters:\n  p:\n    type: json\n    default: {a: 1}\n    constraints: [{length: {max: 1}}]\n')),
  ('modulo before ocata', T('newton', 'parameters:\n  p:\n    type: number\n    constraints: [{modulo: {step: 2, offset: 0}}]\n')),
  ('modulo default mismatch', T('ocata', 'parameters:\n  p:\n    type: number\n    default: 3\n    constraints: [{modulo: {step: 2, offset: 0}}]\n')),
  ('modulo offset too big', T('ocata', 'parameters:\n  p:\n    type: number\n    constraints: [{modulo: {step: 2, offset: 2}}]\n')),
  ('tags before queens', T('pike', 'parameters:\n  p: {type: string, tags: [a]}\n')),
  ('tags in queens', T('queens', 'parameters:\n  p: {type: string, tags: [a]}\n')),
  ('tags not a list', T('queens', 'parameters:\n  p: {type: string, tags: a}\n')),
  ('custom constraint kept', T('rocky', 'parameters:\n  p:\n    type: string\n    default: nope\n    constraints: [{custom_constraint: nova.flavor}]\n')),
  ('constraint with two kinds', T('rocky', 'parameters:\n  p:\n    type: string\n    constraints: [{foo: 1}]\n')),
  ('range without bounds', T('rocky', 'parameters:\n  p:\n    type: number\n    constraints: [{range: {}}]\n')),
  ('parameter groups not a list', T('rocky', 'parameters:\n  p: {type: string}\nparameter_groups: {a: b}\n')),
  ('parameter group with unknown parameter', T('rocky', 'parameters:\n  p: {type: string}\nparameter_groups:\n- label: g\n  parameters: [q]\n')),
  ('parameter in two groups', T('rocky', 'parameters:\n  p: {type: string}\nparameter_groups:\n- {label: g, parameters: [p]}\n- {label: h, parameters: [p]}\n')),
  ('parameter group without parameters', T('rocky', 'parameter_groups:\n- {label: g}\n')),
  ('parameter and resource with one name', T('rocky', 'parameters:\n  x: {type: string, default: a}\nresources:\n  x: {type: OS::Heat::None}\n')),
  ('undeclared get_param', T('rocky', 'resources:\n  r:\n    type: OS::Heat::RandomString\n    properties: {length: {get_param: nope}}\n')),
  # Resources
  ('resources not a map', T('rocky', 'resources: [a]\n')),
  ('resource without type', T('rocky', 'resources:\n  r: {properties: {}}\n')),
  ('resource with empty type', T('rocky', 'resources:\n  r: {type: ""}\n')),
  ('resource not a map', T('rocky', 'resources:\n  r: OS::Heat::None\n')),
  ('resource unknown key', T('rocky', 'resources:\n  r: {type: OS::Heat::None, propertis: {}}\n')),
  ('resource type from a function', T('rocky', 'parameters:\n  t: {type: string, default: OS::Heat::None}\nresources:\n  r: {type: {get_param: t}}\n')),
  ('unknown resource type', T('rocky', 'resources:\n  r: {type: OS::Nova::Sever}\n')),
  ('hidden resource type', T('rocky', 'resources:\n  r:\n    type: OS::Neutron::RouterGateway\n    properties: {router_id: r1, network: n}\n')),
  ('removed type accepts anything', T('rocky', 'resources:\n  r:\n    type: OS::Designate::Domain\n    properties: {anything: 1}\n')),
  ('properties as a list', T('rocky', 'resources:\n  r: {type: OS::Heat::None, properties: [a]}\n')),
  ('unknown property', T('rocky', 'resources:\n  r:\n    type: OS::Heat::RandomString\n    properties: {lenght: 5}\n')),
  ('nested unknown property is not checked', T('rocky', 'resources:\n  r:\n    type: OS::Nova::Server\n    properties:\n      image: i\n      flavor: f\n      networks: [{netwrk: x}]\n')),
  ('missing required property is not checked', T('rocky', 'resources:\n  r:\n    type: OS::Nova::Server\n    properties: {image: i}\n')),
  ('wrong property type is not checked', T('rocky', 'resources:\n  r:\n    type: OS::Heat::RandomString\n    properties: {length: abc}\n')),
  ('depends_on a number', T('rocky', 'resources:\n  r: {type: OS::Heat::None, depends_on: 5}\n')),
  ('depends_on a list with a number', T('rocky', 'resources:\n  r: {type: OS::Heat::None, depends_on: [5]}\n')),
  ('depends_on unknown resource', T('rocky', 'resources:\n  r: {type: OS::Heat::None, depends_on: [nope]}\n')),
  ('depends_on itself', T('rocky', 'resources:\n  r: {type: OS::Heat::None, depends_on: r}\n')),
  ('cycle through get_resource', T('rocky', 'resources:\n  a:\n    type: OS::Heat::None\n    properties: {v: {get_resource: b}}\n  b:\n    type: OS::Heat::None\n    properties: {v: {get_attr: [a, x]}}\n')),
  ('invalid deletion policy', T('rocky', 'resources:\n  r: {type: OS::Heat::None, deletion_policy: Keep}\n')),
  ('lower-case deletion policy in 2015', T('2015-10-15', 'resources:\n  r: {type: OS::Heat::None, deletion_policy: retain}\n')),
  ('lower-case deletion policy in newton', T('newton', 'resources:\n  r: {type: OS::Heat::None, deletion_policy: retain}\n')),
  ('snapshot policy on a volume', T('rocky', 'resources:\n  r: {type: OS::Cinder::Volume, deletion_policy: Snapshot, properties: {size: 1}}\n')),
  ('snapshot policy on a random string', T('rocky', 'resources:\n  r: {type: OS::Heat::RandomString, deletion_policy: Snapshot}\n')),
  ('deletion policy from a parameter without value', T('rocky', 'parameters:\n  p: {type: string}\nresources:\n  r: {type: OS::Heat::None, deletion_policy: {get_param: p}}\n')),
  ('update policy unknown key', T('rocky', 'resources:\n  g:\n    type: OS::Heat::ResourceGroup\n    properties: {resource_def: {type: OS::Heat::None}}\n    update_policy: {rolling: {}}\n')),
  ('update policy bad value', T('rocky', 'resources:\n  g:\n    type: OS::Heat::ResourceGroup\n    properties: {resource_def: {type: OS::Heat::None}}\n    update_policy: {rolling_update: {max_batch_size: many}}\n')),
  ('update policy unknown nested key', T('rocky', 'resources:\n  g:\n    type: OS::Heat::ResourceGroup\n    properties: {resource_def: {type: OS::Heat::None}}\n    update_policy: {rolling_update: {batch: 1}}\n')),
  ('update policy on a type without one', T('rocky', 'resources:\n  r:\n    type: OS::Heat::RandomString\n    update_policy: {x: 1}\n')),
  ('external_id with depends_on', T('rocky', 'resources:\n  a: {type: OS::Heat::None}\n  r: {type: OS::Heat::None, external_id: abc, depends_on: a}\n')),
  ('external_id before newton', T('2016-04-08', 'resources:\n  r: {type: OS::Heat::None, external_id: abc}\n')),
  ('description not a string', T('rocky', 'resources:\n  r: {type: OS::Heat::None, description: [a]}\n')),
  # Outputs
  ('output without value', T('rocky', 'outputs:\n  o: {description: x}\n')),
  ('output not a map', T('rocky', 'outputs:\n  o: 5\n')),
  ('output with unknown key', T('rocky', 'outputs:\n  o: {value: 1, foo: 2}\n')),
  ('output get_attr missing resource', T('rocky', 'outputs:\n  o: {value: {get_attr: [nope, x]}}\n')),
  ('output get_resource missing resource', T('rocky', 'outputs:\n  o: {value: {get_resource: nope}}\n')),
  ('output with false condition hides errors', T('rocky', 'conditions:\n  c: false\noutputs:\n  o: {value: {get_attr: [nope, x]}, condition: c}\n')),
  ('output with unknown condition', T('rocky', 'outputs:\n  o: {value: 1, condition: nope}\n')),
  ('output removed function', T('2015-10-15', 'outputs:\n  o: {value: {"Fn::Select": [0, [a]]}}\n')),
  # Implicit dependencies and graph
  ('server on a new network', T('rocky', '''
    resources:
      net: {type: OS::Neutron::Net}
      subnet:
        type: OS::Neutron::Subnet
        properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}
      server:
        type: OS::Nova::Server
        properties:
          image: i
          flavor: f
          networks: [{network: {get_resource: net}}]
    ''')),
  # get_attr with a path that cannot be resolved (a parameter without a value): Heat keeps the
  # dependency, and says the attribute is incorrect unless another reference to it resolves.
  ('get_attr path unresolved in a resource', T('rocky', '''
    parameters: {network: {type: string}, known: {type: string, default: private}}
    resources:
      server: {type: OS::Nova::Server, properties: {image: x, flavor: y}}
      other: {type: OS::Heat::Value, properties: {value: {get_attr: [server, networks, {get_param: network}, 0]}}}
    ''')),
  ('get_attr path unresolved, the attribute resolved elsewhere', T('rocky', '''
    parameters: {network: {type: string}, known: {type: string, default: private}}
    resources:
      server: {type: OS::Nova::Server, properties: {image: x, flavor: y}}
      other: {type: OS::Heat::Value, properties: {value: {get_attr: [server, networks, {get_param: network}, 0]}}}
      third: {type: OS::Heat::Value, properties: {value: {get_attr: [server, networks, {get_param: known}]}}}
    ''')),
  ('get_attr path unresolved in an output', T('rocky', '''
    parameters: {network: {type: string}}
    resources:
      server: {type: OS::Nova::Server, properties: {image: x, flavor: y}}
    outputs:
      o: {value: {get_attr: [server, networks, {get_param: network}, 0]}}
    ''')),
  ('get_attr path unresolved in an output, the attribute resolved in a resource', T('rocky', '''
    parameters: {network: {type: string}}
    resources:
      server: {type: OS::Nova::Server, properties: {image: x, flavor: y}}
      third: {type: OS::Heat::Value, properties: {value: {get_attr: [server, networks]}}}
    outputs:
      o: {value: {get_attr: [server, networks, {get_param: network}, 0]}}
    ''')),
  # YAML as libyaml reads it: a plain '-' before ',', ']' or '}' in a flow collection is a scalar.
  ('flow sequence with a plain dash', T('rocky', 'outputs:\n  o: {value: {list_join: [-, [a, b]]}}\n')),
  ('flow sequence with a dash before a space', T('rocky', 'outputs:\n  o: {value: {list_join: [- , [a, b]]}}\n')),
  ('get_attr attribute unresolved', T('rocky', '''
    parameters: {network: {type: string}}
    resources:
      server: {type: OS::Nova::Server, properties: {image: x, flavor: y}}
      other: {type: OS::Heat::Value, properties: {value: {get_attr: [server, {get_param: network}]}}}
    ''')),
]

def main():
    out = []
    for name, text in CASES:
        out.append({'name': name, 'template': text, 'heat': verdict(text)})
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print('wrote', len(out), 'cases;', sum(1 for c in out if c['heat']['valid']), 'valid', file=sys.stderr)

if __name__ == '__main__':
    main()
