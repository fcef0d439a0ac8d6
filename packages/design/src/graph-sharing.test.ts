import { serialize, deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { DesignDocument } from './document.ts';
import { decodeGraph, GraphSharer, sameData, shareList } from './graph-sharing.ts';
import { deriveGraph, type Graph } from './view-model.ts';

const template = (names: string[]) =>
  `heat_template_version: 2018-08-31\nparameters:\n  size: {type: number, default: 1}\nresources:\n${names
    .map((n, i) => `  ${n}: {type: OS::Heat::TestResource${i ? `, depends_on: ${names[i - 1]}` : ''}}\n`)
    .join('')}outputs:\n  last: {value: {get_resource: ${names.at(-1)}}}\n`;

/** A message's trip between threads (what postMessage does to it). */
const trip = <T>(value: T): T => deserialize(serialize(value)) as T;

describe('a graph shared with the one sent before', () => {
  const document = new DesignDocument();
  document.load({ template: template(['a', 'b', 'c', 'd']), environment: '', files: {} });
  const graphOf = (text: string): Graph => deriveGraph(document.setTemplate(text).analysis);

  it('sends only the items that changed, and the receiver gets the same graph, unchanged items kept as they were', () => {
    const sharer = new GraphSharer();
    const first = graphOf(template(['a', 'b', 'c', 'd']));
    const received = decodeGraph(trip(sharer.encode(first)), null);
    expect(received).toEqual(first);

    // `c` renamed `x`: c's node, its edges (to b, from d) and the workflow's entries change; a, b and the rest do not.
    const second = graphOf(template(['a', 'b', 'x', 'd']));
    const sent = trip(sharer.encode(second));
    expect(sent.resources.filter((r) => typeof r !== 'number').map((r) => (r as { name: string }).name)).toEqual(['x']);
    expect(sent.parameters).toEqual([0]);
    expect(sent.outputs).toEqual([0]);
    const next = decodeGraph(sent, received);
    expect(next).toEqual(second);
    expect(next.resources[0]).toBe(received.resources[0]);
    expect(next.resources[1]).toBe(received.resources[1]);
    expect(next.resources[2]).not.toBe(received.resources[2]);
    expect(next.workflow.byName.get('a')).toBe(received.workflow.byName.get('a'));
    expect(next.workflow.byName.get('x')!.waits.map((w) => w.on)).toEqual(['b']);
  });

  it('takes items by their place in the list sent before, wherever they are now', () => {
    const sharer = new GraphSharer();
    const received = decodeGraph(trip(sharer.encode(graphOf(template(['a', 'b', 'c'])))), null);
    const moved = graphOf(template(['a', 'b', 'c']).replace('resources:\n', 'resources:\n  z: {type: OS::Heat::None}\n'));
    const next = decodeGraph(trip(sharer.encode(moved)), received);
    expect(next).toEqual(moved);
    // The list of parameters is unchanged; a's line moved (it is part of what is drawn), so a is sent again.
    expect(next.parameters[0]).toBe(received.parameters[0]);
    expect(next.resources.map((r) => r.name)).toEqual(['z', 'a', 'b', 'c']);
  });

  it('keeps the workflow received before when none of its resources changed (its waves with it)', () => {
    const sharer = new GraphSharer();
    const text = template(['a', 'b', 'c']);
    const received = decodeGraph(trip(sharer.encode(graphOf(text))), null);
    const waves = received.workflow.waves;
    // A description edited: nothing that waits changes.
    const next = decodeGraph(trip(sharer.encode(graphOf(text.replace('resources:', 'description: typed\nresources:')))), received);
    expect(next.workflow).toBe(received.workflow);
    expect(next.workflow.waves).toBe(waves);
    // A resource renamed: a new workflow.
    const renamed = decodeGraph(trip(sharer.encode(graphOf(template(['a', 'b', 'x'])))), next);
    expect(renamed.workflow).not.toBe(next.workflow);
    expect(renamed.workflow.waves).toEqual([['a'], ['b'], ['x']]);
  });

  it('refuses a graph that refers to items its receiver never had', () => {
    const sharer = new GraphSharer();
    sharer.encode(graphOf(template(['a', 'b'])));
    const sent = sharer.encode(graphOf(template(['a', 'b'])));
    expect(() => decodeGraph(sent, null)).toThrow(/refers to item 0/);
  });

  it('finds an unchanged item at its place, or shifted by an insertion or a removal above it', () => {
    const item = (name: string, line = 1) => ({ name, line, members: [{ name: '0' }] });
    const previous = ['a', 'b', 'c', 'd', 'e'].map((n) => item(n));
    // Equal items (not the same objects) are sent as their places.
    expect(
      shareList(
        ['a', 'b', 'c', 'd', 'e'].map((n) => item(n)),
        previous,
      ),
    ).toEqual([0, 1, 2, 3, 4]);
    // b removed and d changed: c and e are found one place on.
    expect(shareList([item('a'), item('c'), item('d', 2), item('e')], previous)).toEqual([0, 2, item('d', 2), 4]);
    // One inserted first: the rest are found one place back.
    expect(shareList([item('z'), ...previous.map((r) => item(r.name))], previous)).toEqual([item('z'), 0, 1, 2, 3, 4]);
    // Nothing sent before: every item.
    expect(shareList([item('a')], undefined)).toEqual([item('a')]);
  });

  it('compares plain data by value, arrays and objects at every depth', () => {
    expect(sameData({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(sameData({ a: [1, { b: null }] }, { a: [1, { b: 0 }] })).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameData({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false);
    expect(sameData([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameData([1, 2], [1, 2, 3])).toBe(false);
    expect(sameData('1', 1)).toBe(false);
  });
});
