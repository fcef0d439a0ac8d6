import { describe, expect, it } from 'vitest';
import { nodeToValue } from '../hot/values.ts';
import { LineIndex } from './lines.ts';
import type { YMap } from './nodes.ts';
import { get } from './nodes.ts';
import { parseYamlText } from './parse.ts';

function load(text: string): unknown {
  const result = parseYamlText(text);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(errors[0]!.message);
  return JSON.parse(
    JSON.stringify(nodeToValue(result.root), (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
  );
}

describe('scalars resolve as PyYAML (YAML 1.1) resolves them', () => {
  // Expected values were printed by PyYAML 6 with Heat's loader.
  const cases: Array<[string, unknown]> = [
    ['a: yes', true],
    ['a: No', false],
    ['a: on', true],
    ['a: OFF', false],
    ['a: y', 'y'],
    ['a: 0755', 493],
    ['a: 0o17', '0o17'],
    ['a: 0x1F', 31],
    ['a: 0b101', 5],
    ['a: 1_000', 1000],
    ['a: 190:20:30', 685230],
    ['a: 1.5e+3', 1500],
    ['a: 1e3', '1e3'],
    ['a: .5', 0.5],
    ['a: .inf', 'Infinity'],
    ['a: -.Inf', '-Infinity'],
    ['a: .NaN', 'NaN'],
    ['a: ~', null],
    ['a: Null', null],
    ['a: 2013-05-23', '2013-05-23'],
    ['a: 2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
    ['a: 08', '08'],
    ['a: +12', 12],
    ['a: 1.', 1],
    ["a: '1'", '1'],
    ['a: !!str 12', '12'],
    ["a: !!int '7'", 7],
    ["b: !!bool 'yes'", true],
  ];
  it.each(cases)('%s', (src, expected) => {
    const value = load(src) as Record<string, unknown>;
    expect(Object.values(value)[0]).toEqual(expected);
  });

  it('merges keys, and the keys of the map itself win', () => {
    expect(load('a: &x {b: 1, d: 0}\nc:\n  <<: *x\n  d: 2')).toEqual({ a: { b: 1, d: 0 }, c: { b: 1, d: 2 } });
  });

  it('keeps the last of duplicate keys and warns where the second one is', () => {
    const result = parseYamlText('a: 1\nb: 2\na: 3\n');
    expect(nodeToValue(result.root)).toEqual({ a: 3, b: 2 });
    const dup = result.problems.find((p) => p.code === 'YAML_DUPLICATE_KEY')!;
    expect(dup.severity).toBe('warning');
    expect(new LineIndex('a: 1\nb: 2\na: 3\n').position(dup.offset)).toEqual({ line: 3, column: 1 });
  });

  it('refuses what PyYAML refuses: a bare "=" value, a list as a key', () => {
    expect(() => load('a: =')).toThrow(/constructor for the tag/);
    expect(() => load('? [1]\n: x')).toThrow(/unhashable/);
  });

  it('accepts flow collections indented less than their key, as PyYAML does', () => {
    const text = 'resources:\n  port:\n    properties:\n      fixed_ips: [\n        subnet_id: x\n      ]\n      after: 1\n';
    expect(load(text)).toEqual({ resources: { port: { properties: { fixed_ips: [{ subnet_id: 'x' }], after: 1 } } } });
    const root = parseYamlText(text).root as YMap;
    const after = get(get(get(get(root, 'resources') as YMap, 'port') as YMap, 'properties') as YMap, 'after')!;
    // Offsets point into the user's text, not the padded copy parsed internally.
    expect(text.slice(after.start, after.end)).toBe('1');
  });

  it('reads JSON templates as JSON (1e3 is a number there)', () => {
    const result = parseYamlText('{"heat_template_version": "2018-08-31", "n": 1e3}');
    expect(result.format).toBe('json');
    expect(nodeToValue(result.root)).toEqual({ heat_template_version: '2018-08-31', n: 1000 });
  });
});

describe('flow collections as libyaml reads them (Heat loads with CSafeLoader)', () => {
  // Expected values were printed by PyYAML 6.0.3 with CSafeLoader: a plain `-` followed by `,`, `]` or `}`
  // inside a flow collection is a scalar there (js-yaml refuses it, as YAML 1.2 does).
  const read: Array<[string, unknown]> = [
    ['[-, a]', ['-', 'a']],
    ['[-]', ['-']],
    ['{a: -}', { a: '-' }],
    ['[a, -]', ['a', '-']],
    ['[x, -]', ['x', '-']],
    ['[-,-]', ['-', '-']],
    ['[-, [a, b]]', ['-', ['a', 'b']]],
    ['{a: -, b: c}', { a: '-', b: 'c' }],
    ['list_join: [-, [a, b]]', { list_join: ['-', ['a', 'b']] }],
    ['a:\n  b: [1,\n    -, 2]\n', { a: { b: [1, '-', 2] } }],
    ['[-a, b]', ['-a', 'b']],
    ['[--, a]', ['--', 'a']],
    // `?` at the start of an entry opens a key; `:` inside a plain scalar is part of it.
    ['[?x]', [{ x: null }]],
    ['[?x, b]', [{ x: null }, 'b']],
    ['{?x}', { x: null }],
    ['[?x: 1]', [{ x: 1 }]],
    ['[a, ?b]', ['a', { b: null }]],
    ['[?-]', [{ '-': null }]],
    ['a: [?x]', { a: [{ x: null }] }],
    ['[-:x, a]', ['-:x', 'a']],
    ['[a:b]', ['a:b']],
    ['{a:b}', { 'a:b': null }],
    ['[x?]', ['x?']],
    ['[-?, a]', ['-?', 'a']],
    ['[https://x]', ['https://x']],
    ['[a::b]', ['a::b']],
  ];
  for (const [text, value] of read) it(`reads ${JSON.stringify(text)}`, () => expect(load(text)).toEqual(value));

  const refused = [
    '[- a]',
    '[ - ]',
    '[-[a]]',
    '[-{a: b}]',
    '[-\t, a]',
    '[?, a]',
    '[:x]',
    '{a: :x}',
    '[a, :x]',
    '[-:, a]',
    '[x:]',
    '[:]',
    '[?]',
    '[:-]',
    '{a: ?x}',
    '[::]',
  ];
  for (const text of refused)
    it(`refuses ${JSON.stringify(text)}`, () => expect(parseYamlText(text).problems.some((p) => p.severity === 'error')).toBe(true));

  it('keeps positions after a `?` read as a key', () => {
    const text = 'x: [?key, b]\ny: 1\n';
    const root = parseYamlText(text).root as YMap;
    const seq = get(root, 'x')!;
    const pair = seq.kind === 'seq' && seq.items[0]!.kind === 'map' ? seq.items[0]!.pairs[0]! : null;
    expect(pair && text.slice(pair.key.start, pair.key.end)).toBe('key');
    const y = get(root, 'y')!;
    expect(text.slice(y.start, y.end)).toBe('1');
  });

  it('keeps the dash where it is in the text', () => {
    const text = 'x: [b, -, c]\n';
    const root = parseYamlText(text).root as YMap;
    const seq = get(root, 'x')!;
    const dash = seq.kind === 'seq' ? seq.items[1]! : null;
    expect(dash && text.slice(dash.start, dash.end)).toBe('-');
    expect(dash).toMatchObject({ kind: 'scalar', value: '-', type: 'str', style: 'plain' });
  });
});

describe('source ranges', () => {
  it('gives every key and value its range', () => {
    const text = 'a:\n  b: "quoted"\n  c: |\n    block\n  d: [x, {y: z}]\n';
    const root = parseYamlText(text).root as YMap;
    const a = get(root, 'a') as YMap;
    expect(text.slice(get(a, 'b')!.start, get(a, 'b')!.end)).toBe('"quoted"');
    expect(text.slice(get(a, 'c')!.start, get(a, 'c')!.start + 1)).toBe('|');
    expect(text.slice(get(a, 'd')!.start, get(a, 'd')!.end)).toBe('[x, {y: z}]');
    const keyB = a.pairs[0]!.key;
    expect(new LineIndex(text).position(keyB.start)).toEqual({ line: 2, column: 3 });
  });
});

describe('hostile input gets a diagnostic, in bounded time', () => {
  it('an alias bomb', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const started = performance.now();
    const result = parseYamlText(lines.join('\n'));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.problems[0]?.code).toBe('YAML_TOO_LARGE');
  });

  it('deep nesting', () => {
    const result = parseYamlText('a: ' + '['.repeat(5000) + ']'.repeat(5000));
    expect(result.problems[0]?.code).toBe('YAML_TOO_DEEP');
  });

  it('random bytes', () => {
    let seed = 7;
    for (let round = 0; round < 200; round++) {
      let s = '';
      for (let i = 0; i < 300; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += String.fromCharCode(seed % 256);
      }
      expect(() => parseYamlText(s)).not.toThrow();
    }
  });

  it('a recursive alias and an undefined one', () => {
    expect(parseYamlText('a: &x [*x]').problems[0]?.code).toBe('YAML_RECURSIVE_ALIAS');
    expect(parseYamlText('a: *nope').problems[0]?.code).toBe('YAML_UNDEFINED_ALIAS');
  });

  it('two documents in one file', () => {
    expect(parseYamlText('a: 1\n---\nb: 2\n').problems[0]?.code).toBe('YAML_MULTIPLE_DOCUMENTS');
  });
});
