#!/usr/bin/python3
"""Writes packages/template/src/conformance/heat-cfn-cases.json: small
CloudFormation-format templates that each exercise one rule of Heat's reading
of that format (sections, resource keys, parameters, every CFN function), with
the verdict Heat 19 gives, and CFN function calls with the value Heat 19
computes (apt-get install python3-heat; run from a directory with no
resource.py in it). The conformance tests compare Hearth with these.
This is a development tool: Hearth's build and tests never need Heat."""
import importlib.util, json, math, os, sys, textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('heat_cases', os.path.join(HERE, 'heat-cases.py'))
heat_cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(heat_cases)  # sets up Heat as for the HOT cases

from heat.common import template_format, context
from heat.engine import template as templatem, stack as parser

# CloudFormation's pseudo parameter AWS::StackId is an ARN naming the project: the context needs one.
context.get_admin_context = lambda: context.RequestContext(project_id='project', user_id='user', is_admin=True)
verdict = heat_cases.verdict

OUT = os.path.join(HERE, '..', '..', 'packages', 'template', 'src', 'conformance', 'heat-cfn-cases.json')


def AWS(body):
    return "AWSTemplateFormatVersion: '2010-09-09'\n" + textwrap.dedent(body).strip('\n') + '\n'


def HEAT(body):
    return 'HeatTemplateFormatVersion: 2012-12-12\n' + textwrap.dedent(body).strip('\n') + '\n'


def value(v):
    """A template whose resource r has property v = the given YAML value."""
    return AWS('''
    Parameters:
      P: {Type: String, Default: hello}
    Mappings:
      M: {k: {v: found}}
    Resources:
      a: {Type: OS::Heat::RandomString}
      r:
        Type: OS::Heat::None
        Properties: {v: %s}
    ''' % v)


VERDICTS = [
    # Versions and sections
    ('AWS version', AWS('Resources: {r: {Type: OS::Heat::None}}')),
    ('AWS version unquoted', "AWSTemplateFormatVersion: 2010-09-09\nResources: {r: {Type: OS::Heat::None}}\n"),
    ('Heat version', HEAT('Resources: {r: {Type: OS::Heat::None}}')),
    ('AWS version unknown', "AWSTemplateFormatVersion: '2010-09-10'\n"),
    ('Heat version unknown', 'HeatTemplateFormatVersion: 2013-12-12\n'),
    ('AWS and HOT versions', "AWSTemplateFormatVersion: '2010-09-09'\nheat_template_version: 2013-05-23\n"),
    ('AWS and Heat versions', "AWSTemplateFormatVersion: '2010-09-09'\nHeatTemplateFormatVersion: 2012-12-12\n"),
    ('unknown section', AWS('Foo: {}')),
    ('HOT section in CFN', AWS('resources: {}')),
    ('Conditions in the Heat version', HEAT('Conditions: {}')),
    ('Conditions in the AWS version', AWS('''
    Conditions: {ok: {"Fn::Equals": [a, a]}}
    Resources: {r: {Type: OS::Heat::None, Condition: ok}}
    ''')),
    ('Mappings not a map', AWS('Mappings: [a]\nResources: {r: {Type: OS::Heat::None}}')),
    ('Description', AWS('Description: hello\nResources: {r: {Type: OS::Heat::None}}')),
    ('JSON template', '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"r": {"Type": "OS::Heat::None"}}}\n'),
    ('JSON template with an unknown type', '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"r": {"Type": "OS::Nope"}}}\n'),
    # Resources
    ('resource without Type', AWS('Resources: {r: {Properties: {}}}')),
    ('resource with lower-case type', AWS('Resources: {r: {type: OS::Heat::None}}')),
    ('resource with an unknown key', AWS('Resources: {r: {Type: OS::Heat::None, Foo: 1}}')),
    ('resource with a HOT key', AWS('Resources: {r: {Type: OS::Heat::None, depends_on: nope}}')),
    ('resource not a map', AWS('Resources: {r: OS::Heat::None}')),
    ('Properties not a map', AWS('Resources: {r: {Type: OS::Heat::None, Properties: [a]}}')),
    ('Metadata not a map', AWS('Resources: {r: {Type: OS::Heat::None, Metadata: text}}')),
    ('DependsOn a string', AWS('Resources: {a: {Type: OS::Heat::None}, r: {Type: OS::Heat::None, DependsOn: a}}')),
    ('DependsOn a list', AWS('Resources: {a: {Type: OS::Heat::None}, r: {Type: OS::Heat::None, DependsOn: [a]}}')),
    ('DependsOn a missing resource', AWS('Resources: {r: {Type: OS::Heat::None, DependsOn: nope}}')),
    ('DependsOn not strings', AWS('Resources: {a: {Type: OS::Heat::None}, r: {Type: OS::Heat::None, DependsOn: [{a: 1}]}}')),
    ('DependsOn a map', AWS('Resources: {a: {Type: OS::Heat::None}, r: {Type: OS::Heat::None, DependsOn: {a: 1}}}')),
    ('DependsOn itself', AWS('Resources: {r: {Type: OS::Heat::None, DependsOn: r}}')),
    ('DeletionPolicy Retain', AWS('Resources: {r: {Type: OS::Heat::None, DeletionPolicy: Retain}}')),
    ('DeletionPolicy lower case', AWS('Resources: {r: {Type: OS::Heat::None, DeletionPolicy: retain}}')),
    ('DeletionPolicy unknown', AWS('Resources: {r: {Type: OS::Heat::None, DeletionPolicy: Keep}}')),
    ('UpdatePolicy not a map', AWS('Resources: {r: {Type: OS::Heat::None, UpdatePolicy: x}}')),
    ('UpdatePolicy of an AutoScalingGroup', AWS('''
    Resources:
      lc: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {ImageId: i, InstanceType: t}}
      g:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties: {LaunchConfigurationName: {Ref: lc}, MinSize: '1', MaxSize: '2', AvailabilityZones: []}
        UpdatePolicy: {AutoScalingRollingUpdate: {MinInstancesInService: '1', MaxBatchSize: '1', PauseTime: PT1S}}
    ''')),
    ('Description not a string', AWS('Resources: {r: {Type: OS::Heat::None, Description: [a]}}')),
    ('Condition unknown', AWS('Resources: {r: {Type: OS::Heat::None, Condition: nope}}')),
    ('Condition false', AWS('''
    Conditions: {never: {"Fn::Equals": [a, b]}}
    Resources: {r: {Type: OS::Heat::None, Condition: never}, s: {Type: OS::Heat::None, DependsOn: r}}
    ''')),
    ('Condition in the Heat version is ignored', HEAT('Resources: {r: {Type: OS::Heat::None, Condition: nope}}')),
    ('unknown property', AWS('Resources: {r: {Type: OS::Heat::RandomString, Properties: {nope: 1}}}')),
    # Parameters
    ('parameter String', AWS('Parameters: {p: {Type: String, Default: x}}')),
    ('parameter types', AWS('''
    Parameters:
      s: {Type: String}
      n: {Type: Number, Default: 1}
      l: {Type: CommaDelimitedList, Default: "a,b"}
      j: {Type: Json, Default: {a: 1}}
      b: {Type: Boolean, Default: true}
    ''')),
    ('parameter HOT type', AWS('Parameters: {p: {Type: string}}')),
    ('parameter without Type', AWS('Parameters: {p: {Default: x}}')),
    ('parameter HOT key', AWS('Parameters: {p: {Type: String, default: x}}')),
    ('parameter unknown key', AWS('Parameters: {p: {Type: String, Foo: x}}')),
    ('parameter AllowedValues', AWS('Parameters: {p: {Type: String, Default: b, AllowedValues: [a, b]}}')),
    ('parameter default not allowed', AWS('Parameters: {p: {Type: String, Default: c, AllowedValues: [a, b]}}')),
    ('parameter AllowedValues a string', AWS('Parameters: {p: {Type: String, AllowedValues: ab}}')),
    ('parameter AllowedPattern', AWS('Parameters: {p: {Type: String, Default: abc, AllowedPattern: "[a-z]*"}}')),
    ('parameter default not matching', AWS('Parameters: {p: {Type: String, Default: A1, AllowedPattern: "[a-z]*", ConstraintDescription: lower case}}')),
    ('parameter MinLength', AWS('Parameters: {p: {Type: String, Default: ab, MinLength: 3}}')),
    ('parameter MaxLength met', AWS('Parameters: {p: {Type: String, Default: ab, MaxLength: "3"}}')),
    ('parameter MinValue', AWS('Parameters: {p: {Type: Number, Default: 1, MinValue: 2}}')),
    ('parameter MaxValue met', AWS('Parameters: {p: {Type: Number, Default: 1, MinValue: 0, MaxValue: 2}}')),
    ('parameter MinLength on a Number', AWS('Parameters: {p: {Type: Number, MinLength: 2}}')),
    ('parameter MinValue on a String', AWS('Parameters: {p: {Type: String, MinValue: 2}}')),
    ('parameter NoEcho', AWS('Parameters: {p: {Type: String, NoEcho: "true", Default: x}}')),
    ('parameter named as a resource', AWS('Parameters: {r: {Type: String, Default: x}}\nResources: {r: {Type: OS::Heat::None}}')),
    ('parameter named as a pseudo parameter', AWS('Parameters: {"AWS::StackName": {Type: String, Default: x}}')),
    ('Parameters a list', AWS('Parameters: [a]')),
    # Ref
    ('Ref to a parameter', value('{Ref: P}')),
    ('Ref to a resource', value('{Ref: a}')),
    ('Ref to a pseudo parameter', value('{Ref: "AWS::StackName"}')),
    ('Ref to the region', value('{Ref: "AWS::Region"}')),
    ('Ref to the stack id', value('{Ref: "AWS::StackId"}')),
    ('Ref to a HOT pseudo parameter', value('{Ref: "OS::stack_name"}')),
    ('Ref to nothing', value('{Ref: nope}')),
    ('Ref with a list', value('{Ref: [a]}')),
    ('Ref in Metadata', AWS('Resources: {r: {Type: OS::Heat::None, Metadata: {x: {Ref: nope}}}}')),
    ('Ref in UpdatePolicy', AWS('Resources: {r: {Type: OS::Heat::None, UpdatePolicy: {x: {Ref: nope}}}}')),
    ('Ref to a disabled resource', AWS('''
    Conditions: {never: {"Fn::Equals": [a, b]}}
    Resources:
      a: {Type: OS::Heat::None, Condition: never}
      r: {Type: OS::Heat::None, Properties: {v: {Ref: a}}}
    ''')),
    # Fn::GetAtt
    ('GetAtt', value('{"Fn::GetAtt": [a, value]}')),
    ('GetAtt unknown attribute', value('{"Fn::GetAtt": [a, nope]}')),
    ('GetAtt unknown resource', value('{"Fn::GetAtt": [nope, value]}')),
    ('GetAtt three arguments', value('{"Fn::GetAtt": [a, value, 0]}')),
    ('GetAtt one argument', value('{"Fn::GetAtt": [a]}')),
    ('GetAtt a string', value('{"Fn::GetAtt": a.value}')),
    ('GetAtt a two-letter string', value('{"Fn::GetAtt": ab}')),
    ('GetAtt dotted attribute', value('{"Fn::GetAtt": [a, "show.value"]}')),
    ('HOT get_attr in CFN is data', value('{get_attr: [nope, x]}')),
    ('HOT get_param in CFN is data', value('{get_param: nope}')),
    # Fn::FindInMap
    ('FindInMap', value('{"Fn::FindInMap": [M, k, v]}')),
    ('FindInMap two arguments', value('{"Fn::FindInMap": [M, k]}')),
    ('FindInMap four arguments', value('{"Fn::FindInMap": [M, k, v, w]}')),
    ('FindInMap missing map', value('{"Fn::FindInMap": [N, k, v]}')),
    ('FindInMap missing key', value('{"Fn::FindInMap": [M, x, v]}')),
    ('FindInMap with Ref', value('{"Fn::FindInMap": [M, {Ref: P}, v]}')),
    ('FindInMap a string', value('{"Fn::FindInMap": abc}')),
    # Other functions
    ('Join', value('{"Fn::Join": [",", [x, y]]}')),
    ('Join three arguments', value('{"Fn::Join": [",", [x], [y]]}')),
    ('Join not a list', value('{"Fn::Join": x}')),
    ('Select', value('{"Fn::Select": ["1", [x, y]]}')),
    ('Select one argument', value('{"Fn::Select": [1]}')),
    ('Select out of range', value('{"Fn::Select": [5, [x, y]]}')),
    ('Split', value('{"Fn::Split": [",", "a,b"]}')),
    ('Split a string', value('{"Fn::Split": "a,b"}')),
    ('Split three arguments', value('{"Fn::Split": [",", "a,b", 1]}')),
    ('Replace', value('{"Fn::Replace": [{$x: y}, "a $x"]}')),
    ('Replace a map', value('{"Fn::Replace": {template: x, params: {}}}')),
    ('Replace params a list', value('{"Fn::Replace": [[x], "a"]}')),
    ('Base64', value('{"Fn::Base64": abc}')),
    ('Base64 of a list', value('{"Fn::Base64": [a]}')),
    ('GetAZs', value('{"Fn::GetAZs": ""}')),
    ('MemberListToMap', value('{"Fn::MemberListToMap": [Name, Value, [".member.0.Name=k", ".member.0.Value=v"]]}')),
    ('MemberListToMap two arguments', value('{"Fn::MemberListToMap": [Name, Value]}')),
    ('MemberListToMap key not a string', value('{"Fn::MemberListToMap": [[Name], Value, []]}')),
    ('ResourceFacade', value('{"Fn::ResourceFacade": Metadata}')),
    ('ResourceFacade HOT name', value('{"Fn::ResourceFacade": metadata}')),
    ('HOT function name in CFN is data', value('{list_join: [",", [a]]}')),
    ('Fn::If', AWS('''
    Conditions: {ok: {"Fn::Equals": [a, a]}}
    Resources: {r: {Type: OS::Heat::None, Properties: {v: {"Fn::If": [ok, a, b]}}}}
    ''')),
    ('Fn::If two arguments', AWS('''
    Conditions: {ok: {"Fn::Equals": [a, a]}}
    Resources: {r: {Type: OS::Heat::None, Properties: {v: {"Fn::If": [ok, a]}}}}
    ''')),
    ('Fn::If unknown condition', AWS('Resources: {r: {Type: OS::Heat::None, Properties: {v: {"Fn::If": [nope, a, b]}}}}')),
    ('Fn::If in the Heat version is data', HEAT('Resources: {r: {Type: OS::Heat::None, Properties: {v: {"Fn::If": [nope, a, b]}}}}')),
    ('Fn::If chooses a missing reference', AWS('''
    Conditions: {ok: {"Fn::Equals": [a, a]}}
    Resources: {r: {Type: OS::Heat::None, Properties: {v: {"Fn::If": [ok, {Ref: nope}, b]}}}}
    ''')),
    ('Fn::If leaves out a missing reference', AWS('''
    Conditions: {ok: {"Fn::Equals": [a, a]}}
    Resources: {r: {Type: OS::Heat::None, Properties: {v: {"Fn::If": [ok, a, {Ref: nope}]}}}}
    ''')),
    # Condition functions
    ('Equals one argument', AWS('Conditions: {c: {"Fn::Equals": [a]}}')),
    ('Not', AWS('Conditions: {c: {"Fn::Not": [{"Fn::Equals": [a, b]}]}}\nResources: {r: {Type: OS::Heat::None, Condition: c}}')),
    ('Not not a list', AWS('Conditions: {c: {"Fn::Not": {"Fn::Equals": [a, b]}}}')),
    ('Not two arguments', AWS('Conditions: {c: {"Fn::Not": [true, false]}}')),
    ('And', AWS('Conditions: {c: {"Fn::And": [true, {"Fn::Equals": [a, a]}]}}\nResources: {r: {Type: OS::Heat::None, Condition: c}}')),
    ('And one argument', AWS('Conditions: {c: {"Fn::And": [true]}}')),
    ('Or', AWS('Conditions: {c: {"Fn::Or": [false, true]}}\nResources: {r: {Type: OS::Heat::None, Condition: c}}')),
    ('condition Ref to a parameter', AWS('''
    Parameters: {env: {Type: String, Default: prod}}
    Conditions: {c: {"Fn::Equals": [{Ref: env}, prod]}}
    Resources: {r: {Type: OS::Heat::None, Condition: c}}
    ''')),
    ('condition Ref to a resource', AWS('''
    Conditions: {c: {"Fn::Equals": [{Ref: r}, r]}}
    Resources: {r: {Type: OS::Heat::None, Condition: c}}
    ''')),
    ('condition Ref to a pseudo parameter', AWS('''
    Conditions: {c: {"Fn::Equals": [{Ref: "AWS::Region"}, x]}}
    Resources: {r: {Type: OS::Heat::None, Condition: c}}
    ''')),
    ('condition FindInMap', AWS('''
    Mappings: {M: {k: {v: x}}}
    Conditions: {c: {"Fn::Equals": [{"Fn::FindInMap": [M, k, v]}, x]}}
    Resources: {r: {Type: OS::Heat::None, Condition: c}}
    ''')),
    ('condition with Fn::Join', AWS('Conditions: {c: {"Fn::Equals": [{"Fn::Join": ["", [a]]}, a]}}\nResources: {r: {Type: OS::Heat::None, Condition: c}}')),
    ('condition a HOT function', AWS('Conditions: {c: {equals: [a, a]}}\nResources: {r: {Type: OS::Heat::None, Condition: c}}')),
    ('condition a string', AWS('Conditions: {c: yes}')),
    # Outputs
    ('output', AWS('Resources: {a: {Type: OS::Heat::RandomString}}\nOutputs: {o: {Value: {"Fn::GetAtt": [a, value]}, Description: d}}')),
    ('output without Value', AWS('Outputs: {o: {Description: d}}')),
    ('output with a HOT value key', AWS('Outputs: {o: {value: 1}}')),
    ('output not a map', AWS('Outputs: {o: 1}')),
    ('output with a missing reference', AWS('Outputs: {o: {Value: {"Fn::GetAtt": [nope, x]}}}')),
    ('output with an unknown attribute', AWS('Resources: {a: {Type: OS::Heat::RandomString}}\nOutputs: {o: {Value: {"Fn::GetAtt": [a, nope]}}}')),
    ('output Condition', AWS('''
    Conditions: {never: {"Fn::Equals": [a, b]}}
    Outputs: {o: {Value: {"Fn::GetAtt": [nope, x]}, Condition: never}}
    ''')),
    # AWS types
    ('WaitCondition', AWS('''
    Resources:
      h: {Type: AWS::CloudFormation::WaitConditionHandle}
      w: {Type: AWS::CloudFormation::WaitCondition, Properties: {Handle: {Ref: h}, Timeout: '60', Count: '1'}}
    ''')),
    ('WaitCondition without Handle', AWS('Resources: {w: {Type: AWS::CloudFormation::WaitCondition, Properties: {Timeout: "60"}}}')),
    ('IAM user and key', AWS('''
    Resources:
      u: {Type: AWS::IAM::User}
      k: {Type: AWS::IAM::AccessKey, Properties: {UserName: {Ref: u}}}
    Outputs: {s: {Value: {"Fn::GetAtt": [k, SecretAccessKey]}}}
    ''')),
    ('ScalingPolicy', AWS('''
    Resources:
      lc: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {ImageId: i, InstanceType: t}}
      g:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties: {LaunchConfigurationName: {Ref: lc}, MinSize: '1', MaxSize: '3', AvailabilityZones: {"Fn::GetAZs": ""}}
      p:
        Type: AWS::AutoScaling::ScalingPolicy
        Properties: {AutoScalingGroupName: {Ref: g}, AdjustmentType: ChangeInCapacity, ScalingAdjustment: '1'}
    Outputs: {url: {Value: {"Fn::GetAtt": [p, AlarmUrl]}}}
    ''')),
    ('Stack without TemplateURL', AWS('Resources: {s: {Type: AWS::CloudFormation::Stack}}')),
]

PARAMS = '''Parameters:
  S: {Type: String, Default: hello}
  N: {Type: Number, Default: 42}
  L: {Type: CommaDelimitedList, Default: "a,b,c"}
  J: {Type: Json, Default: {k: v}}
  B: {Type: Boolean, Default: "yes"}
Mappings:
  M: {k: {v: found, n: 1}, other: {v: [1, 2]}}
Conditions:
  ok: {"Fn::Equals": [a, a]}
  never: {"Fn::Not": [ok]}
'''

EVALS = [
    ('Ref String', '{Ref: S}'),
    ('Ref Number', '{Ref: N}'),
    ('Ref CommaDelimitedList', '{Ref: L}'),
    ('Ref Json', '{Ref: J}'),
    ('Ref Boolean', '{Ref: B}'),
    ('Ref stack name', '{Ref: "AWS::StackName"}'),
    ('Ref region', '{Ref: "AWS::Region"}'),
    ('Ref a resource', '{Ref: r}'),
    ('Ref nothing', '{Ref: nope}'),
    ('FindInMap', '{"Fn::FindInMap": [M, k, v]}'),
    ('FindInMap number', '{"Fn::FindInMap": [M, k, n]}'),
    ('FindInMap list', '{"Fn::FindInMap": [M, other, v]}'),
    ('FindInMap missing key', '{"Fn::FindInMap": [M, k, nope]}'),
    ('FindInMap missing map', '{"Fn::FindInMap": [Nope, k, v]}'),
    ('Join', '{"Fn::Join": ["-", [a, b, {Ref: S}]]}'),
    ('Join empty', '{"Fn::Join": ["-", []]}'),
    ('Join Ref list', '{"Fn::Join": [",", {Ref: L}]}'),
    ('Join number item', '{"Fn::Join": [",", [a, 1]]}'),
    ('Select', '{"Fn::Select": ["1", [a, b]]}'),
    ('Select number index', '{"Fn::Select": [0, [a, b]]}'),
    ('Select out of range', '{"Fn::Select": [5, [a, b]]}'),
    ('Select map', '{"Fn::Select": [x, {x: 1}]}'),
    ('Select missing map key', '{"Fn::Select": [y, {x: 1}]}'),
    ('Select empty string', '{"Fn::Select": [0, ""]}'),
    ('Select JSON text', '{"Fn::Select": [1, "[1, 2]"]}'),
    ('Select list Ref', '{"Fn::Select": [2, {Ref: L}]}'),
    ('Select bad index', '{"Fn::Select": [x, [a]]}'),
    ('Split', '{"Fn::Split": [",", "a,b,,c"]}'),
    ('Split not a string', '{"Fn::Split": [",", [a]]}'),
    ('Replace', '{"Fn::Replace": [{$a: x, $ab: y}, "$a $ab"]}'),
    ('Replace with Ref', '{"Fn::Replace": [{"%n%": {Ref: N}}, "n=%n%"]}'),
    ('Base64', '{"Fn::Base64": plain}'),
    ('Base64 list', '{"Fn::Base64": [a]}'),
    # (Fn::GetAZs asks the cloud when a stack evaluates it: only its check is among the verdicts.)
    ('MemberListToMap', '{"Fn::MemberListToMap": [Name, Value, [".member.0.Name=k1", ".member.0.Value=v1", ".member.1.Name=k2", ".member.1.Value=v2"]]}'),
    ('If true', '{"Fn::If": [ok, a, b]}'),
    ('If false', '{"Fn::If": [never, a, b]}'),
    ('If nested', '{"Fn::If": [ok, {"Fn::Join": ["", [x, y]]}, b]}'),
    ('GetAtt', '{"Fn::GetAtt": [r, value]}'),
]


def evaluate(snippet):
    text = ("AWSTemplateFormatVersion: '2010-09-09'\n%sResources:\n  r: {Type: OS::Heat::None}\n"
            "Outputs:\n  o:\n    Value: %s\n") % (PARAMS, snippet)
    t = template_format.parse(text)
    ctx = context.get_admin_context()
    tmpl = templatem.Template(t, files={})
    st = parser.Stack(ctx, 'mystack', tmpl)
    try:
        return {'value': clean(st.outputs['o'].get_value())}
    except Exception as e:
        return {'error': str(e).split('\n')[0]}


def clean(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return str(v)
    if isinstance(v, dict):
        return {str(k): clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    return v


def main():
    out = {
        'verdicts': [{'name': n, 'template': t, 'heat': verdict(t)} for n, t in VERDICTS],
        'parameters': PARAMS,
        'evaluations': [{'name': n, 'snippet': s, 'heat': evaluate(s)} for n, s in EVALS],
    }
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print('wrote', len(out['verdicts']), 'verdicts,', sum(1 for c in out['verdicts'] if c['heat']['valid']), 'valid;',
          len(out['evaluations']), 'evaluations', file=sys.stderr)


if __name__ == '__main__':
    main()
