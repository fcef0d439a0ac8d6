#!/usr/bin/python3
"""Writes packages/template/src/conformance/heat-environment-merges.json:
environment files merged as Heat 19's merge_environments merges them
(heat/common/environment_util.py) into a request's environment, with what
Heat answered for each: the merged environment, or the error. The
conformance test checks that Hearth merges them the same way.
(apt-get install python3-heat; a development tool, never needed by Hearth.)"""
import json, os
from heat.common import environment_format as ef
from heat.common import environment_util as eu
from heat.engine.hot import parameters as hp

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'template', 'src', 'conformance', 'heat-environment-merges.json')

CASES = [
    ('a file overwrites the request, and a later file an earlier one', {'a': 'body'},
     [('e1', 'parameters: {a: x, b: one}\n'), ('e2', 'parameters: {b: two}\n')], {'a': 'string', 'b': 'string'}),
    ('merge joins strings and extends lists', {'s': 'body'},
     [('e1', 'parameters: {s: x, l: [1]}\nparameter_merge_strategies: {s: merge, l: merge}\n'),
      ('e2', 'parameters: {s: y, l: [2]}\n')], {'s': 'string', 'l': 'comma_delimited_list'}),
    ('deep_merge merges json maps', {},
     [('e1', 'parameters: {m: {k1: {a: 1}, k2: [1]}}\nparameter_merge_strategies: {default: deep_merge}\n'),
      ('e2', 'parameters: {m: {k1: {b: 2}, k2: [2]}}\n')], {'m': 'json'}),
    ('merge of json is shallow', {},
     [('e1', 'parameters: {m: {k1: {a: 1}}}\nparameter_merge_strategies: {m: merge}\n'),
      ('e2', 'parameters: {m: {k1: {b: 2}, k3: 3}}\n')], {'m': 'json'}),
    ('parameters no template knows are ignored once there are some', {'a': 'b'},
     [('e1', 'parameters: {zz: 1, a: c}\n')], {'a': 'string'}),
    ('the first file keeps every parameter when there were none', {},
     [('e1', 'parameters: {zz: 1, a: c}\n')], {'a': 'string'}),
    ('registry sections merge shallowly', {},
     [('e1', 'resource_registry:\n  OS::X: a.yaml\n  resources: {r1: {hooks: pre-create}}\n'),
      ('e2', 'resource_registry:\n  OS::Y: b.yaml\n  resources: {r2: {hooks: pre-update}}\n')], {}),
    ('a number cannot be merged', {},
     [('e1', 'parameter_defaults: {n: 1}\nparameter_merge_strategies: {n: merge}\n'), ('e2', 'parameter_defaults: {n: 2}\n')],
     {'n': 'number'}),
    ('conflicting strategies are refused', {},
     [('e1', 'parameters: {s: x}\nparameter_merge_strategies: {s: merge}\n'),
      ('e2', 'parameters: {s: y}\nparameter_merge_strategies: {s: overwrite}\n')], {'s': 'string'}),
    ('a wrong section is refused', {}, [('e1', 'params: {a: 1}\n')], {'a': 'string'}),
]


def main():
    out = []
    for name, body, files, types in CASES:
        env = {}
        ef.default_for_missing(env)
        env['parameters'].update(body)
        schemata = {k: hp.HOTParamSchema.from_dict(k, {'type': t}) for k, t in types.items()}
        try:
            eu.merge_environments([n for n, _ in files], dict(files), env, schemata)
            heat = {'environment': env}
        except Exception as e:  # Heat's own message is what the case records
            heat = {'error': str(e)}
        out.append({'name': name, 'parameters': body, 'files': [{'name': n, 'text': t} for n, t in files],
                    'types': types, 'heat': heat})
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')
    print('%d cases written to %s' % (len(out), os.path.normpath(OUT)))


main()
