#!/usr/bin/python3
"""Writes packages/template/src/conformance/heat-eval-cases.json: intrinsic
function calls with the value Heat 19 computes for each (apt-get install
python3-heat; run from a directory with no resource.py in it). The
conformance tests check that Hearth evaluates them to the same values.
This is a development tool: Hearth's build and tests never need Heat."""
import json, math, os, sys
from oslo_config import cfg
cfg.CONF([], project='heat')
from heat.common import template_format, context
from heat.engine import resources, template as templatem, environment, stack as parser
resources.initialise()

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'template', 'src', 'conformance', 'heat-eval-cases.json')

PARAMS = '''parameters:
  s: {type: string, default: hello}
  n: {type: number, default: 42}
  f: {type: number, default: 2.5}
  l: {type: comma_delimited_list, default: "a,b,c"}
  j: {type: json, default: {k: v, list: [1, 2], nested: {x: y}}}
  b: {type: boolean, default: "yes"}
'''

CASES = [
  ('get_param string', 'rocky', '{get_param: s}'),
  ('get_param number', 'rocky', '{get_param: n}'),
  ('get_param float', 'rocky', '{get_param: f}'),
  ('get_param list', 'rocky', '{get_param: l}'),
  ('get_param json path', 'rocky', '{get_param: [j, nested, x]}'),
  ('get_param json list index', 'rocky', '{get_param: [j, list, 1]}'),
  ('get_param missing path', 'rocky', '{get_param: [j, nope]}'),
  ('get_param boolean', 'rocky', '{get_param: b}'),
  ('get_param pseudo', 'rocky', '{get_param: OS::stack_name}'),
  ('list_join', 'rocky', '{list_join: [",", [a, b, c]]}'),
  ('list_join several lists', 'rocky', '{list_join: ["-", [a], [b, c], []]}'),
  ('list_join with maps', 'rocky', '{list_join: [";", [{b: 1, a: 2}, [1, 2]]]}'),
  ('list_join param list', 'rocky', '{list_join: [" ", {get_param: l}]}'),
  ('list_join number item', 'rocky', '{list_join: [",", [a, 1]]}'),
  ('str_replace', 'rocky', '{str_replace: {template: "Hi $name, $name!", params: {$name: you}}}'),
  ('str_replace longest first', 'rocky', '{str_replace: {template: "var1 var10", params: {var1: a, var10: b}}}'),
  ('str_replace json param', 'rocky', '{str_replace: {template: "x=X", params: {X: {b: [1, 2], a: true}}}}'),
  ('str_replace number param', 'rocky', '{str_replace: {template: "n=N", params: {N: 3}}}'),
  ('str_replace old version map param', '2015-04-30', '{str_replace: {template: "x=X", params: {X: {a: 1}}}}'),
  ('str_replace_strict missing param', 'rocky', '{str_replace_strict: {template: "abc", params: {x: y}}}'),
  ('str_replace_vstrict empty value', 'rocky', '{str_replace_vstrict: {template: "abc", params: {a: ""}}}'),
  ('str_split', 'rocky', '{str_split: [",", "a,b,c"]}'),
  ('str_split index', 'rocky', '{str_split: [",", "a,b,c", 1]}'),
  ('str_split bad index', 'rocky', '{str_split: [",", "a,b,c", 5]}'),
  ('repeat', 'rocky', '{repeat: {for_each: {"%x%": [1, 2]}, template: "v%x%"}}'),
  ('repeat nested', 'rocky', '{repeat: {for_each: {X: [a, b], Y: [1, 2]}, template: {port: X-Y}}}'),
  ('repeat zip', 'rocky', '{repeat: {for_each: {X: [a, b], Y: [1, 2]}, template: X-Y, permutations: false}}'),
  ('repeat zip unequal', 'rocky', '{repeat: {for_each: {X: [a, b], Y: [1]}, template: X-Y, permutations: false}}'),
  ('repeat over a map', 'rocky', '{repeat: {for_each: {X: {p: 1, q: 2}}, template: X}}'),
  ('map_merge', 'rocky', '{map_merge: [{a: 1, b: 1}, {b: 2}, null]}'),
  ('map_merge not a map', 'rocky', '{map_merge: [{a: 1}, [b]]}'),
  ('map_replace', 'rocky', '{map_replace: [{k1: v1, k2: v2}, {keys: {k1: K1}, values: {v2: V2}}]}'),
  ('map_replace collision', 'rocky', '{map_replace: [{k1: v1, k2: v2}, {keys: {k1: k2}}]}'),
  ('list_concat', 'rocky', '{list_concat: [[1, 2], [2, 3], null]}'),
  ('list_concat_unique', 'rocky', '{list_concat_unique: [[1, 2], [2, 3]]}'),
  ('list_concat not a list', 'rocky', '{list_concat: [[1], a]}'),
  ('filter', 'rocky', '{filter: [[b], [a, b, c, b]]}'),
  ('contains', 'rocky', '{contains: [b, [a, b]]}'),
  ('contains in a string', 'rocky', '{contains: [ell, {get_param: s}]}'),
  ('digest', 'rocky', '{digest: [sha256, hello]}'),
  ('digest md5', 'rocky', '{digest: [md5, {get_param: s}]}'),
  ('make_url', 'rocky', '{make_url: {scheme: https, host: "::1", port: 8080, path: "/a b", query: {x: "1 2", y: "/"}, fragment: f}}'),
  ('make_url user', 'rocky', '{make_url: {scheme: http, username: "u@x", password: "p w", host: h, path: p}}'),
  ('if true', 'rocky', '{if: [true, a, b]}'),
  ('if false', 'rocky', '{if: [{equals: [{get_param: n}, 0]}, a, b]}'),
  ('if missing branch in list', 'wallaby', '[1, {if: [false, 2]}, 3]'),
  ('get_resource before creation', 'rocky', '{get_resource: r}'),
  ('get_attr before creation', 'rocky', '{get_attr: [r, show]}'),
  ('yaql', 'rocky', '{yaql: {expression: "$.data.l.select($ + $)", data: {l: [a, b]}}}'),
  ('yaql let', 'rocky', '{yaql: {expression: "let(x => $.data.n) -> $x * 2", data: {n: 21}}}'),
  ('yaql rightSplit', 'rocky', '{yaql: {expression: "concat($.data.rightSplit(separator => \\":\\", maxSplits => 1)[0], \\":latest\\")", data: "reg:5000/img:1.0"}}'),
  ('yaql where get', 'rocky', '{yaql: {expression: "$.data.where($.get(\'ip\'))", data: [{ip: 1}, {x: 2}]}}'),
  ('yaql switch', 'rocky', '{yaql: {expression: "switch($.data = 1 => one, true => other)", data: 1}}'),
  ('yaql dict zip', 'rocky', '{yaql: {expression: "dict($.data.keys().select($.toLower()).zip($.data.values()))", data: {A: 1, B: 2}}}'),
  ('yaql join', 'rocky', '{yaql: {expression: "$.data.items().select($.join(\'=\'))", data: {a: b}}}'),
  ('yaql max', 'rocky', '{yaql: {expression: "$.data.max()", data: [3, 9, 2]}}'),
  ('yaql any', 'rocky', '{yaql: {expression: "$.data.values().any($.get(\'b\', \'\') = \'rbd\')", data: {x: {b: rbd}}}}'),
  ('yaql reduce mergeWith', 'rocky', '{yaql: {expression: "$.data.reduce($1.mergeWith($2), {})", data: [{a: 1}, {b: 2}]}}'),
  ('yaql str', 'rocky', '{yaql: {expression: "str($.data.debug)", data: {debug: true}}}'),
  ('yaql range join split', 'rocky', '{yaql: {expression: "range(0,len($.data)).join(\\",\\").split(\\",\\")", data: [a, b, c]}}'),
  ('yaql regex split', 'rocky', '{yaql: {expression: "let(location => $.data.rightSplit(\':\', 1)[0]) -> regex(\'(?:https?://)?(.*?)/(.*)\').split($location)[1]", data: "http://reg.io/ns/img:1"}}'),
  ('Fn::Join', '2013-05-23', '{"Fn::Join": ["-", [a, b]]}'),
  ('Fn::Select', '2013-05-23', '{"Fn::Select": [1, [a, b]]}'),
  ('Fn::Select map', '2013-05-23', '{"Fn::Select": [k, {k: v}]}'),
  ('Fn::Split', '2013-05-23', '{"Fn::Split": [",", "a,b"]}'),
  ('Fn::Replace', '2013-05-23', '{"Fn::Replace": [{X: y}, "aXa"]}'),
  ('Ref to a parameter', '2013-05-23', '{Ref: s}'),
  ('Ref to a resource', '2013-05-23', '{Ref: r}'),
]

def evaluate(version, snippet):
    text = 'heat_template_version: %s\n%sresources:\n  r: {type: OS::Heat::None}\noutputs:\n  o:\n    value: %s\n' % (version, PARAMS, snippet)
    if version not in ('2013-05-23', '2014-10-16', '2015-04-30', '2015-10-15', '2016-04-08'):
        text = text.replace('resources:', 'conditions:\n  yes_cond: true\nresources:', 1)
    t = template_format.parse(text)
    ctx = context.get_admin_context()
    tmpl = templatem.Template(t, files={})
    st = parser.Stack(ctx, 'mystack', tmpl)
    try:
        value = st.outputs['o'].get_value()
        return {'value': clean(value)}
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
    out = []
    for name, version, snippet in CASES:
        out.append({'name': name, 'version': version, 'snippet': snippet, 'heat': evaluate(version, snippet)})
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write('\n')
    print('wrote', len(out), 'cases', file=sys.stderr)

if __name__ == '__main__':
    main()
