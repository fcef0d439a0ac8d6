#!/usr/bin/python3
"""Writes packages/template/src/conformance/heat-yaql-limits.json: yaql
expressions around Heat's yaql limits ([yaql] limit_iterators = 200 and
memory_quota = 10000, heat/engine/hot/functions.py) with what Heat 19
answers for each: the value, or the error. The conformance test checks that
Hearth refuses exactly what Heat refuses, with Heat's message.
(apt-get install python3-heat; a development tool, never needed by Hearth.)"""
import hashlib, json, os, sys
from oslo_config import cfg
cfg.CONF([], project='heat')
from heat.common import template_format, context
from heat.engine import resources, template as templatem, stack as parser
resources.initialise()

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'template', 'src', 'conformance', 'heat-yaql-limits.json')

def canonical(v):
    return json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=False)

def make_data(spec):
    # The data of a case, from its short description (kept in the file instead of the data itself).
    if spec is None:
        return None
    kind, n = spec
    if kind == 'range':
        return list(range(n))
    if kind == 'string':
        return 'a' * n
    return {('k%d' % i): i for i in range(n)}

def cases():
    out = []
    def add(e, data=None):
        out.append((e, data))
    sizes = [150, 199, 200, 201, 250, 1000, 1243, 1244, 1300, 5000, 100000]
    forms = ['range(0, {n})', 'len(range(0, {n}))', 'range(0, {n}).len()', 'range(0, {n}).count()', 'range(0, {n}).select($)',
             'range(0, {n}).where($ > 0)', 'range(0, {n}).sum()', 'list(range(0, {n}))', 'range(0, {n}).toList()', '[1] * {n}',
             'len([1] * {n})', 'range(0, {n}).first()', 'range(0, {n}).last()', 'range(0, {n}).max()', 'range(0, {n}).distinct()',
             'range(0, {n}).orderBy($)', 'range(0, {n}).any($ > 5)', 'range(0, {n}).all($ >= 0)', 'range(0, {n}).contains(5)',
             'range(0, {n}).indexOf(5)', 'range(0, {n}).select(str($)).join(",")', 'range(0, {n}).join(",")',
             'dict(range(0, {n}).select([str($), $]))', 'range(0, {n}).zip(range(0, {n}))', 'range(0, {n}).reduce($1 + $2)',
             'range(0, {n}).flatten()', 'range(0, {n}).select($).first()', 'range(0, {n}).where($ < 3)', 'range(0, {n}).where($ < 3).len()',
             'len(str(range(0, {n}).toList()))', '"a" * {n}', '"ab" * {n}', 'len("a" * {n})', '("a" * {n}).toUpper()',
             'range(0, {n}).select("abcdefghij").join("")', 'let(x => range(0, {n})) -> $x.len()',
             'range(0, {n}).select([$]).flatten().len()', '$.data.len()', '$.data', '$.data.select($)', '$.data.first()',
             '$.data.where($ > 10)', '$.data.sum()', 'len($.data)', '$.data[0]', '$.data.contains(3)', 'dict($.data.select([str($), $])).len()']
    for n in sizes:
        for f in forms:
            data = ['range', n] if '$.data' in f else None
            if n > 5000 and data is not None:
                continue
            add(f.format(n=n), data)
    for n in [4000, 4975, 4976, 5000, 9951, 9952, 10000]:
        add('"a" * %d' % n)
        add('("a" * %d) + ("b" * %d)' % (n // 2, n // 2))
        add('("a" * %d).len()' % n)
        add('concat("a" * %d, "b")' % n)
        for f in ['$.data.toUpper()', '$.data.len()', '$.data', '$.data + "b"', '$.data.split("a").len()']:
            add(f, ['string', n])
    for n in [10, 100, 190, 200, 201, 300, 1000]:
        d = ['map', n]
        for f in ['$.data.keys()', '$.data.len()', '$.data.values().sum()', '$.data.items().len()', '$.data', '$.data.get("k1")',
                  '$.data.mergeWith({a => 1}).len()', 'dict($.data.items())', '$.data.keys().select($.toUpper()).len()']:
            add(f, d)
    for n in [10, 20, 50, 100, 200]:
        add('range(0, {n}).select(range(0, {n})).len()'.format(n=n))
        add('range(0, {n}).select(range(0, {n}).sum()).sum()'.format(n=n))
        add('range(0, {n}).select(range(0, {n}).toList()).flatten().len()'.format(n=n))
        add('range(0, {n}).select([$] * {n}).len()'.format(n=n))
        add('range(0, {n}).select(str($) * 50).join("")'.format(n=n))
    add('len(range(0, 100000).select(range(0, 100000))) > 0')
    add('[1] * 100000000')
    add('"a" * 100000000')
    return out

def evaluate(expression, data):
    snippet = {'yaql': {'expression': expression, 'data': data}}
    t = {'heat_template_version': '2018-08-31', 'resources': {}, 'outputs': {'o': {'value': snippet}}}
    ctx = context.get_admin_context()
    st = parser.Stack(ctx, 'mystack', templatem.Template(t, files={}))
    try:
        value = st.outputs['o'].get_value()
        if isinstance(value, (set, frozenset)):
            # A set has no order: kept sorted, and said to be one, so that the test compares it sorted.
            return {'value': clean(value), 'set': True}
        return {'value': clean(value)}
    except Exception as e:
        return {'error': str(e).split('\n')[0]}

def clean(v):
    # yaql may answer with sets and tuples, which JSON has not: as lists (sets in order), as Hearth answers.
    if isinstance(v, (set, frozenset)):
        return sorted(clean(x) for x in v)
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, dict):
        return {str(k): clean(x) for k, x in v.items()}
    return v

def main():
    out = []
    for e, spec in cases():
        heat = evaluate(e, make_data(spec))
        if 'value' in heat and len(canonical(heat['value'])) > 200:
            # Large values by their digest: sha256 of the JSON with sorted keys and no spaces.
            heat = {'sha256': hashlib.sha256(canonical(heat['value']).encode()).hexdigest(), **({'set': True} if heat.get('set') else {})}
        out.append({'expression': e, 'data': spec, 'heat': heat})
    with open(OUT, 'w') as f:
        f.write('[\n' + ',\n'.join(json.dumps(c) for c in out) + '\n]\n')
    print('wrote', len(out), 'cases', file=sys.stderr)

if __name__ == '__main__':
    main()
