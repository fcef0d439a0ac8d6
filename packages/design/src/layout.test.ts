import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '@hearth/template';
import { deriveGraph } from './view-model.ts';
import { autoLayout, carryPositions } from './layout.ts';

const graphOf = (text: string) => deriveGraph(analyzeTemplate(text));
const T = (names: string[]) =>
  `heat_template_version: 2018-08-31\nresources:\n${names.map((n) => `  ${n}: {type: OS::Heat::None}\n`).join('')}`;

describe('layout', () => {
  it('lays requirements out left of what needs them', async () => {
    const graph = graphOf(`heat_template_version: 2018-08-31
resources:
  a: {type: OS::Heat::None}
  b: {type: OS::Heat::None, depends_on: a}
  c: {type: OS::Heat::None, depends_on: b}
`);
    const p = await autoLayout(graph);
    expect(p.a!.x).toBeLessThan(p.b!.x);
    expect(p.b!.x).toBeLessThan(p.c!.x);
  });

  it('gives a node the height it is drawn at (an expanded group), so that the nodes beside it do not overlap it', async () => {
    // Three that a and b both need: laid out in one column.
    const graph = graphOf(`heat_template_version: 2018-08-31
resources:
  g: {type: OS::Heat::None}
  h: {type: OS::Heat::None}
  i: {type: OS::Heat::None}
  a: {type: OS::Heat::None, depends_on: [g, h, i]}
`);
    const column = (p: Record<string, { x: number; y: number }>) => ['g', 'h', 'i'].map((n) => p[n]!).sort((x, y) => x.y - y.y);
    const plain = column(await autoLayout(graph));
    expect(plain[1]!.y - plain[0]!.y).toBeLessThan(240);
    const tall = await autoLayout(graph, { g: 240, h: 240, i: 240 });
    const [first, second, third] = column(tall);
    expect(second!.y - first!.y).toBeGreaterThanOrEqual(240);
    expect(third!.y - second!.y).toBeGreaterThanOrEqual(240);
  });

  it('keeps positions by name, carries a renamed node’s spot, and places new ones without overlap', () => {
    const before = graphOf(T(['a', 'b']));
    const positions = { a: { x: 0, y: 0 }, b: { x: 400, y: 0 } };
    const renamed = carryPositions(before, graphOf(T(['a', 'bee'])), positions);
    expect(renamed).toEqual({ a: { x: 0, y: 0 }, bee: { x: 400, y: 0 } });
    const added = carryPositions(before, graphOf(T(['a', 'b', 'c'])), positions);
    expect(added.c).toBeDefined();
    expect(Math.abs(added.c!.y - 0) >= 64 || Math.abs(added.c!.x - 0) >= 220).toBe(true);
    const dropped = carryPositions(before, graphOf(T(['a', 'b', 'c'])), positions, { c: { x: 1000, y: 500 } });
    expect(dropped.c).toEqual({ x: 1000, y: 500 });
  });

  it('a node with a hint takes it, and is not taken for one that went (edits read together)', () => {
    const before = graphOf(T(['a', 'b']));
    const positions = { a: { x: 0, y: 0 }, b: { x: 400, y: 0 } };
    // a removed and c dropped at a place, read as one change: c is where it was dropped, not where a was.
    expect(carryPositions(before, graphOf(T(['b', 'c'])), positions, { c: { x: 1000, y: 500 } }).c).toEqual({ x: 1000, y: 500 });
    // a removed and b renamed to bee (its hint is b's place), read as one change: bee stays where b was.
    expect(carryPositions(before, graphOf(T(['bee'])), positions, { bee: { x: 400, y: 0 } })).toEqual({ bee: { x: 400, y: 0 } });
  });

  it('keeps the places the user gave parameters and outputs (param:name, output:name) through a change of the resources', () => {
    const before = graphOf(T(['a', 'b']));
    const positions = { a: { x: 0, y: 0 }, b: { x: 400, y: 0 }, 'param:p': { x: -300, y: 80 }, 'output:o': { x: 900, y: 0 } };
    expect(carryPositions(before, graphOf(T(['a', 'bee'])), positions)).toEqual({
      a: { x: 0, y: 0 },
      bee: { x: 400, y: 0 },
      'param:p': { x: -300, y: 80 },
      'output:o': { x: 900, y: 0 },
    });
    expect(carryPositions(before, graphOf(T(['a', 'b'])), positions)).toBe(positions);
  });

  it('returns the same positions object when no node moved, came or went', () => {
    const graph = graphOf(T(['a', 'b']));
    const positions = { a: { x: 0, y: 0 }, b: { x: 400, y: 0 } };
    expect(carryPositions(graph, graphOf(T(['a', 'b'])), positions)).toBe(positions);
    expect(carryPositions(graph, graphOf(T(['a', 'bee'])), positions)).not.toBe(positions);
  });
});
