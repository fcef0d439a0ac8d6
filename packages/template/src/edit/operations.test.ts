import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../hot/analyze.ts';
import { editTemplate, type EditOperation } from './operations.ts';

const BASE = `heat_template_version: 2018-08-31
# A small stack
description: demo

parameters:
  image:
    type: string  # the image
    default: cirros

resources:
  # the network
  net:
    type: OS::Neutron::Net

  port:
    type: OS::Neutron::Port
    properties:
      network: {get_resource: net}   # attach here

  server:
    type: OS::Nova::Server
    depends_on: port
    properties:
      image: {get_param: image}
      flavor: m1.small
      networks:
        - port: {get_resource: port}

outputs:
  ip:
    value: {get_attr: [server, first_address]}
`;

function edit(op: EditOperation, text = BASE) {
  const result = editTemplate(text, op);
  return { ...result, analysis: analyzeTemplate(result.text) };
}

function diff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
}

describe('edit operations', () => {
  it('adds a resource with its required properties and a unique name', () => {
    const r = edit({ op: 'addResource', type: 'OS::Nova::Server' });
    expect(r.name).toBe('server_2');
    expect(r.text).toContain(
      '        - port: {get_resource: port}\n\n  server_2:\n    type: OS::Nova::Server\n    properties:\n      flavor: ""\n\noutputs:',
    );
    expect(r.analysis.valid).toBe(true);
    expect(r.text.startsWith(BASE.slice(0, BASE.indexOf('outputs:')))).toBe(true);
  });

  it('adds a resource after a named one', () => {
    const r = edit({ op: 'addResource', type: 'OS::Heat::None', name: 'marker', after: 'net' });
    expect(r.text).toContain('    type: OS::Neutron::Net\n\n  marker:\n    type: OS::Heat::None\n\n  port:');
  });

  it('refuses a name that is taken or unusable', () => {
    expect(() => edit({ op: 'addResource', type: 'OS::Heat::None', name: 'net' })).toThrow(/already exists/);
    expect(() => edit({ op: 'addResource', type: 'OS::Heat::None', name: 'two words' })).toThrow(/not a usable/);
  });

  it('removes a resource, drops it from depends_on and reports the references left', () => {
    const r = edit({ op: 'removeResource', name: 'port' });
    expect(r.text).not.toContain('  port:\n');
    expect(r.text).not.toContain('depends_on');
    expect(r.notes.map((n) => `${n.line}:${n.column} ${n.path}`)).toEqual(['27:32 resources.server.properties.networks[0].port']);
    expect(r.text).toContain('# the network');
  });

  it('renames a resource everywhere it is referenced, and nowhere else', () => {
    const text = BASE.replace('flavor: m1.small', 'flavor: m1.small\n      name: server');
    const r = edit({ op: 'renameResource', from: 'server', to: 'web' }, text);
    expect(diff(text, r.text)).toEqual({
      removed: ['  server:', '    value: {get_attr: [server, first_address]}'],
      added: ['  web:', '    value: {get_attr: [web, first_address]}'],
    });
    const r2 = edit({ op: 'renameResource', from: 'port', to: 'nic' });
    expect(r2.text).toContain('    depends_on: nic\n');
    expect(r2.text).toContain('        - port: {get_resource: nic}');
    expect(r2.analysis.valid).toBe(true);
  });

  it('sets, replaces and removes properties, including intrinsic functions', () => {
    const set = edit({ op: 'setProperty', resource: 'server', path: ['key_name'], value: { get_param: 'image' } });
    expect(diff(BASE, set.text).added).toEqual(['      key_name: {get_param: image}']);
    const replace = edit({ op: 'setProperty', resource: 'port', path: ['network'], value: { get_attr: ['net', 'name'] } });
    expect(replace.text).toContain('      network: {get_attr: [net, name]}   # attach here');
    const remove = edit({ op: 'removeProperty', resource: 'server', path: ['flavor'] });
    expect(diff(BASE, remove.text)).toEqual({ removed: ['      flavor: m1.small'], added: [] });
    const nested = edit({ op: 'setProperty', resource: 'server', path: ['networks', 0, 'fixed_ip'], value: '10.0.0.5' });
    expect(nested.text).toContain('        - port: {get_resource: port}\n          fixed_ip: 10.0.0.5\n');
    const first = edit({ op: 'setProperty', resource: 'net', path: ['name'], value: 'private' });
    expect(first.text).toContain('    type: OS::Neutron::Net\n    properties:\n      name: private\n');
    for (const r of [set, replace, remove, nested, first]) expect(r.analysis.parsed).toBe(true);
  });

  it('writes values Heat reads back unchanged', () => {
    const r = edit({ op: 'setProperty', resource: 'server', path: ['name'], value: 'yes' });
    expect(r.text).toContain('      name: "yes"');
    const multi = edit({ op: 'setProperty', resource: 'server', path: ['user_data'], value: '#!/bin/sh\necho hi\n' });
    expect(multi.text).toContain('      user_data: |\n        #!/bin/sh\n        echo hi\n');
    const server = multi.analysis.resources.find((x) => x.name === 'server')!;
    expect(server.def.properties?.t === 'map' && server.def.properties.entries.find((x) => x.key === 'user_data')?.value).toMatchObject({
      t: 'lit',
      value: '#!/bin/sh\necho hi\n',
    });
  });

  it('adds and removes depends_on entries, as a name, then a list, then back', () => {
    const one = edit({ op: 'addDependency', resource: 'port', requires: 'net' });
    expect(one.text).toContain(
      '    type: OS::Neutron::Port\n    properties:\n      network: {get_resource: net}   # attach here\n    depends_on: net\n',
    );
    const two = edit({ op: 'addDependency', resource: 'server', requires: 'net' });
    expect(two.text).toContain('    depends_on: [port, net]\n');
    const removed = edit({ op: 'removeDependency', resource: 'server', requires: 'port' });
    expect(removed.text).not.toContain('depends_on');
    const back = edit({ op: 'removeDependency', resource: 'server', requires: 'net' }, two.text);
    expect(back.text).toContain('    depends_on: [port]\n');
  });

  it('refuses a dependency that makes a cycle, naming it', () => {
    expect(() => edit({ op: 'addDependency', resource: 'net', requires: 'server' })).toThrow(
      'net cannot depend on server: that would make a cycle, net → server → port → net.',
    );
  });

  it('explains that a reference edge is removed through its property', () => {
    expect(() => edit({ op: 'removeDependency', resource: 'port', requires: 'net' })).toThrow(/get_resource in port\.Properties\.network/);
  });

  it('adds, renames and removes parameters and their uses', () => {
    const add = edit({ op: 'addParameter', name: 'flavor', definition: { type: 'string', default: 'm1.small' } });
    expect(add.text).toContain('    default: cirros\n  flavor:\n    type: string\n    default: m1.small\n');
    const rename = edit({ op: 'renameParameter', from: 'image', to: 'server_image' });
    expect(diff(BASE, rename.text)).toEqual({
      removed: ['  image:', '      image: {get_param: image}'],
      added: ['  server_image:', '      image: {get_param: server_image}'],
    });
    const remove = edit({ op: 'removeParameter', name: 'image' });
    expect(remove.text).not.toContain('cirros');
    expect(remove.notes).toHaveLength(1);
    expect(remove.notes[0]!.path).toBe('resources.server.properties.image');
  });

  it('puts a parameter in a parameter group, moves it between groups, and takes it out (an emptied group goes)', () => {
    const text = `heat_template_version: 2018-08-31
parameters:
  a: {type: string, default: x}
  b: {type: string, default: y}
  c: {type: string, default: z}
resources: {}
`;
    const step = (t: string, name: string, group: string | null) => {
      const out = editTemplate(t, { op: 'setParameterGroup', name, group }).text;
      const analysis = analyzeTemplate(out);
      expect(analysis.valid, analysis.diagnostics.map((d) => d.message).join('\n')).toBe(true);
      return { out, groups: analysis.parameterGroups.map((g) => [g.label, g.parameters]) };
    };
    const one = step(text, 'a', 'Network');
    expect(one.out).toContain('parameter_groups:\n  - label: Network\n    parameters: [a]\n');
    expect(one.groups).toEqual([['Network', ['a']]]);
    const two = step(one.out, 'b', 'Network');
    expect(two.groups).toEqual([['Network', ['a', 'b']]]);
    const three = step(two.out, 'c', 'Compute');
    expect(three.groups).toEqual([
      ['Network', ['a', 'b']],
      ['Compute', ['c']],
    ]);
    const moved = step(three.out, 'c', 'Network');
    expect(moved.groups).toEqual([['Network', ['a', 'b', 'c']]]);
    const out = step(moved.out, 'a', null);
    expect(out.groups).toEqual([['Network', ['b', 'c']]]);
    const none = step(step(out.out, 'b', null).out, 'c', null);
    expect(none.groups).toEqual([]);
    // Back to the text it started from, but for the blank line a new section is set apart with.
    expect(none.out.replace('2018-08-31\n\n', '2018-08-31\n')).toBe(text);
    expect(() => editTemplate(text, { op: 'setParameterGroup', name: 'nope', group: 'x' })).toThrow('There is no parameter named nope.');
  });

  it('moves the only parameter of the only group to a new group in one edit', () => {
    const text =
      'heat_template_version: 2018-08-31\nparameter_groups:\n  - label: A\n    parameters: [p]\nparameters:\n  p: {type: string}\n';
    const out = editTemplate(text, { op: 'setParameterGroup', name: 'p', group: 'B' }).text;
    expect(analyzeTemplate(out).parameterGroups.map((g) => [g.label, g.parameters])).toEqual([['B', ['p']]]);
  });

  it('adds, renames and removes outputs, sets the description and metadata', () => {
    const add = edit({ op: 'addOutput', name: 'port_id', value: { get_resource: 'port' }, description: 'the port' });
    expect(add.text.endsWith('  port_id:\n    description: the port\n    value: {get_resource: port}\n')).toBe(true);
    expect(edit({ op: 'renameOutput', from: 'ip', to: 'address' }).text).toContain('  address:\n    value:');
    expect(edit({ op: 'removeOutput', name: 'ip' }).text).not.toContain('first_address');
    expect(edit({ op: 'setDescription', description: 'a better one' }).text).toContain('description: a better one\n');
    const meta = edit({ op: 'setMetadata', resource: 'net', metadata: { role: 'private' } });
    expect(meta.text).toContain('    type: OS::Neutron::Net\n    metadata:\n      role: private\n');
  });

  it('sets and removes the fields of a parameter and of an output, keeping comments, as Heat then reads them', () => {
    const typed = edit({ op: 'setParameterField', name: 'image', path: ['description'], value: 'The image to boot' });
    expect(diff(BASE, typed.text)).toEqual({ removed: [], added: ['    description: The image to boot'] });
    expect(typed.text).toContain('    type: string  # the image\n');
    const ranged = edit({
      op: 'setParameterField',
      name: 'image',
      path: ['constraints'],
      value: [{ allowed_values: ['cirros', 'fedora'] }],
    });
    expect(ranged.analysis.parameters[0]!.constraints.map((c) => c.constraint.kind)).toEqual(['allowed_values']);
    expect(ranged.analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bad = edit({ op: 'setParameterField', name: 'image', path: ['default'], value: 'ubuntu' }, ranged.text);
    expect(bad.analysis.diagnostics.some((d) => d.path.startsWith('parameters.image') && d.severity === 'error')).toBe(true);
    expect(edit({ op: 'setParameterField', name: 'image', path: ['default'] }).text).not.toContain('cirros');
    expect(() => edit({ op: 'setParameterField', name: 'nope', path: ['type'], value: 'number' })).toThrow(/no parameter named nope/);

    const described = edit({ op: 'setOutputField', name: 'ip', path: ['description'], value: 'Where to reach it' });
    expect(described.text.endsWith('  ip:\n    value: {get_attr: [server, first_address]}\n    description: Where to reach it\n')).toBe(
      true,
    );
    const value = edit({ op: 'setOutputField', name: 'ip', path: ['value'], value: { get_resource: 'port' } });
    expect(value.analysis.outputs[0]!.requires).toEqual(['port']);
  });

  it('moves a resource with the comment above it', () => {
    const r = edit({ op: 'moveResource', name: 'net', before: null });
    expect(r.text.indexOf('# the network')).toBeGreaterThan(r.text.indexOf('  server:'));
    expect(r.text.indexOf('  net:')).toBeGreaterThan(r.text.indexOf('  server:'));
    expect(r.analysis.valid).toBe(true);
    const back = edit({ op: 'moveResource', name: 'net', before: 'port' }, r.text);
    expect(back.text.indexOf('  net:')).toBeLessThan(back.text.indexOf('  port:'));
  });

  it('reports the lines it changed', () => {
    const r = edit({ op: 'setProperty', resource: 'server', path: ['flavor'], value: 'm1.large' });
    expect(r.changes).toEqual([{ oldStart: 25, oldEnd: 25, newStart: 25, newEnd: 25 }]);
  });

  it('works on a template written with four-space indentation and flow maps', () => {
    const text = 'heat_template_version: rocky\nresources:\n    a:\n        type: OS::Heat::None\n        properties: {x: 1}\n';
    const r = edit({ op: 'setProperty', resource: 'a', path: ['y'], value: [1, 2] }, text);
    expect(r.text).toBe(
      'heat_template_version: rocky\nresources:\n    a:\n        type: OS::Heat::None\n        properties: {x: 1, "y": [1, 2]}\n',
    );
    const added = edit({ op: 'addResource', type: 'OS::Heat::RandomString', name: 'b' }, text);
    expect(added.text.endsWith('\n    b:\n        type: OS::Heat::RandomString\n')).toBe(true);
  });

  it('adds to `resources: {}` (a new template) as a block, so each resource gets lines of its own', () => {
    let text = 'heat_template_version: 2018-08-31\ndescription: A new design\nresources: {}\n';
    text = edit({ op: 'addResource', type: 'OS::Heat::None', name: 'a' }, text).text;
    text = edit({ op: 'addResource', type: 'OS::Heat::None', name: 'b' }, text).text;
    expect(text).toBe(
      'heat_template_version: 2018-08-31\ndescription: A new design\nresources:\n  a:\n    type: OS::Heat::None\n\n  b:\n    type: OS::Heat::None\n',
    );
    // A flow map with resources stays a flow map.
    expect(
      edit(
        { op: 'addResource', type: 'OS::Heat::None', name: 'c' },
        'heat_template_version: 2018-08-31\nresources: {a: {type: OS::Heat::None}}\n',
      ).text,
    ).toBe('heat_template_version: 2018-08-31\nresources: {a: {type: OS::Heat::None}, c: {type: OS::Heat::None}}\n');
  });
});
