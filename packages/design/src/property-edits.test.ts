import { describe, expect, it } from 'vitest';
import { analyzeTemplate, nodeToValue, parseYamlText, type Value } from '@hearth/template';
import { propertyEdits, propertySource } from './property-edits.ts';
import { DesignSession } from './session.ts';

const TEXT = `heat_template_version: 2018-08-31
resources:
  config:
    type: OS::Heat::Value
    properties:
      value:
        # the ports the service listens on
        http: 80   # plain
        https: 443
        extra: {a: 1, b: 2}
`;

const yamlValue = (text: string): Value => nodeToValue(parseYamlText(text).root!);

describe('propertySource', () => {
  it('gives no source for a value that does not read back alone (an alias or merge key whose anchor is elsewhere)', () => {
    const analysis = analyzeTemplate(`heat_template_version: 2018-08-31
resources:
  a:
    type: OS::Heat::Value
    properties: {value: &v {x: 1}}
  b:
    type: OS::Heat::Value
    properties:
      value:
        <<: *v
        y: 2
`);
    expect(propertySource(analysis, 'b', 'value')).toBeNull();
    expect(propertySource(analysis, 'a', 'value')).toBe('&v {x: 1}');
  });
});

describe('propertyEdits', () => {
  it('sets and removes only the keys that changed; calls are replaced whole', () => {
    const before = yamlValue('{http: 80, https: 443, extra: {a: 1, b: 2}}');
    expect(propertyEdits('config', ['value'], before, yamlValue('{http: 8080, https: 443, extra: {a: 1, b: 2, c: 3}}'))).toEqual([
      { op: 'setProperty', resource: 'config', path: ['value', 'http'], value: 8080 },
      { op: 'setProperty', resource: 'config', path: ['value', 'extra', 'c'], value: 3 },
    ]);
    expect(propertyEdits('config', ['value'], before, yamlValue('{http: 80, extra: {a: 1, b: 2}}'))).toEqual([
      { op: 'removeProperty', resource: 'config', path: ['value', 'https'] },
    ]);
    expect(propertyEdits('x', ['p'], { get_param: 'a' }, { get_param: 'b' })).toEqual([
      { op: 'setProperty', resource: 'x', path: ['p'], value: { get_param: 'b' } },
    ]);
    expect(propertyEdits('x', ['p'], [1, 2], [1, 3])).toEqual([{ op: 'setProperty', resource: 'x', path: ['p', 1], value: 3 }]);
    // Emptied: `{}`, not a key left with no value (null).
    expect(propertyEdits('x', ['p'], { a: 1, b: 2 }, {})).toEqual([{ op: 'setProperty', resource: 'x', path: ['p'], value: {} }]);
  });

  it('an edited map keeps its comments and flow style in the file, in one change', () => {
    const session = new DesignSession();
    session.load({ id: null, name: 'd', text: TEXT, positions: { config: { x: 0, y: 0 } } });
    const source = propertySource(session.state.analysis!, 'config', 'value')!;
    expect(source).toBe('# the ports the service listens on\nhttp: 80   # plain\nhttps: 443\nextra: {a: 1, b: 2}');
    const before = yamlValue(source);
    const after = yamlValue(source.replace('https: 443', 'https: 8443').replace('{a: 1, b: 2}', '{a: 1, b: 2, c: 3}'));
    expect(session.applyAll(propertyEdits('config', ['value'], before, after))).toBe(true);
    expect(session.state.text).toBe(TEXT.replace('https: 443', 'https: 8443').replace('{a: 1, b: 2}', '{a: 1, b: 2, c: 3}'));
    expect(analyzeTemplate(session.state.text).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
