// Edits on templates that share values with YAML anchors and aliases: an
// alias is its own text (`*name`), not the anchor's, so an edit next to it
// must not land inside the anchored resource; a change to a shared value
// made through one resource must not change the others.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../hot/analyze.ts';
import { nodeToValue } from '../hot/values.ts';
import { editTemplate, type EditOperation } from './operations.ts';

const SMALL = `heat_template_version: 2018-08-31
resources:
  a:
    type: OS::Heat::Value
    properties:
      value: &v {x: 1}
  b:
    type: OS::Heat::Value
    properties:
      value: *v
`;

const SQL = readFileSync(resolve(import.meta.dirname, '../../../../examples/sql-server-cluster.yaml'), 'utf8');

function edit(text: string, op: EditOperation) {
  const result = editTemplate(text, op);
  const analysis = analyzeTemplate(result.text);
  expect(analysis.parsed, result.text).toBe(true);
  return { text: result.text, analysis };
}

/** The resource's lines (from its key to the next resource's). */
function block(text: string, name: string): string {
  const start = text.indexOf(`\n  ${name}:\n`);
  const next = text.slice(start + 1).search(/\n {2}[A-Za-z0-9_]+:\n|\n[a-z_]+:/);
  return text.slice(start + 1, next < 0 ? undefined : start + 1 + next + 1);
}

const props = (analysis: ReturnType<typeof analyzeTemplate>, name: string) =>
  nodeToValue(analysis.resources.find((r) => r.name === name)?.def.propertiesNode) as Record<string, unknown> | null;

describe('edits beside an alias', () => {
  it('adds a resource after one that ends with an alias, not before the alias', () => {
    const r = edit(SMALL, { op: 'addResource', type: 'OS::Heat::None', name: 'c' });
    expect(r.text).toContain('      value: *v\n\n  c:\n    type: OS::Heat::None\n');
    expect(props(r.analysis, 'b')).toEqual({ value: { x: 1 } });
  });

  it('removes a resource that ends with an alias, the alias included', () => {
    const r = edit(SMALL, { op: 'removeResource', name: 'b' });
    expect(r.text).not.toContain('*v');
    expect(props(r.analysis, 'a')).toEqual({ value: { x: 1 } });
  });

  it('in the SQL Server example: a depends_on, a property and a new resource land where they belong', () => {
    const dep = edit(SQL, { op: 'addDependency', resource: 'node2_prereq', requires: 'node1_prereq' });
    expect(block(dep.text, 'node2_prereq')).toMatch(/depends_on/);
    expect(dep.analysis.resources.find((r) => r.name === 'node2_prereq')?.requires).toContain('node1_prereq');

    const named = edit(SQL, { op: 'setProperty', resource: 'node2_prereq', path: ['name'], value: 'prereq-2' });
    expect(block(named.text, 'node2_prereq')).toContain('name: prereq-2');
    expect(block(named.text, 'node0_prereq')).toBe(block(SQL, 'node0_prereq'));

    const added = edit(SQL, { op: 'addResource', type: 'OS::Heat::None', name: 'marker', after: 'node2_replica' });
    expect(block(added.text, 'node2_replica')).toBe(block(SQL, 'node2_replica'));
    expect(added.analysis.resources.find((r) => r.name === 'marker')).toBeDefined();
  });
});

describe('changing a shared value through one of its users', () => {
  it('adds a key to the aliased map for that resource only (a merge of the anchor), leaving the anchor and the others as they were', () => {
    const r = edit(SQL, { op: 'setProperty', resource: 'node2_prereq', path: ['input_values', 'site'], value: 'east' });
    expect(block(r.text, 'node0_prereq')).toBe(block(SQL, 'node0_prereq'));
    expect(block(r.text, 'node1_prereq')).toBe(block(SQL, 'node1_prereq'));
    const inputs = (resource: string, analysis = r.analysis) => (props(analysis, resource)?.input_values ?? {}) as Record<string, unknown>;
    expect(Object.keys(inputs('node2_prereq')).sort()).toEqual(['dns_servers', 'domain_name', 'site']);
    expect(inputs('node2_prereq').site).toBe('east');
    expect(inputs('node1_prereq').site).toBeUndefined();
    expect(inputs('node0_prereq').site).toBeUndefined();
  });

  it('replaces an aliased value for that resource only', () => {
    const r = edit(SMALL, { op: 'setProperty', resource: 'b', path: ['value', 'x'], value: 2 });
    expect(props(r.analysis, 'a')).toEqual({ value: { x: 1 } });
    expect(props(r.analysis, 'b')).toEqual({ value: { x: 2 } });
  });

  it('removes a key from an aliased map for that resource only', () => {
    const text = SMALL.replace('{x: 1}', '{x: 1, y: 2}');
    const r = edit(text, { op: 'removeProperty', resource: 'b', path: ['value', 'y'] });
    expect(props(r.analysis, 'a')).toEqual({ value: { x: 1, y: 2 } });
    expect(props(r.analysis, 'b')).toEqual({ value: { x: 1 } });
  });
});

describe('a list item shared through an alias', () => {
  it('changes for that resource only', () => {
    const text = `heat_template_version: 2018-08-31
resources:
  a:
    type: OS::Heat::Value
    properties:
      value: [&item {k: 1}]
  b:
    type: OS::Heat::Value
    properties:
      value: [*item, {k: 3}]
`;
    const r = edit(text, { op: 'setProperty', resource: 'b', path: ['value', 0, 'k'], value: 2 });
    expect(props(r.analysis, 'a')).toEqual({ value: [{ k: 1 }] });
    expect(props(r.analysis, 'b')).toEqual({ value: [{ k: 2 }, { k: 3 }] });
  });
});
