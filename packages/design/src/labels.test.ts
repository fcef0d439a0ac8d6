import { describe, expect, it } from 'vitest';
import { placeLabels, pointOnEdge } from './labels.ts';
import type { Box } from './viewport.ts';

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const box = (p: { x: number; y: number }, text: string): Box => ({
  x: p.x - (text.length * 6 + 8) / 2,
  y: p.y - 7,
  width: text.length * 6 + 8,
  height: 14,
});

describe('edge labels', () => {
  it('sit on the curve React Flow draws: its ends and, for a straight run, its middle', () => {
    const from = { x: 400, y: 100 };
    const to = { x: 100, y: 100 };
    expect(pointOnEdge(from, to, 0)).toEqual(from);
    expect(pointOnEdge(from, to, 1)).toEqual(to);
    expect(pointOnEdge(from, to, 0.5)).toEqual({ x: 250, y: 100 });
  });

  it('take the middle when it is free', () => {
    const at = placeLabels([{ id: 'a', text: 'network', from: { x: 400, y: 100 }, to: { x: 100, y: 100 } }], []);
    expect(at.get('a')).toEqual({ t: 0.5, dy: 0, x: 250, y: 100 });
  });

  it('move along their edges so that labels of edges running together do not cover each other', () => {
    const from = { x: 600, y: 100 };
    const to = { x: 100, y: 100 };
    const texts = ['networks[0].port', 'security_groups[0]', 'fixed_ips[0].subnet'];
    const at = placeLabels(
      texts.map((text, i) => ({ id: `e${i}`, text, from, to })),
      [],
    );
    const boxes = texts.map((text, i) => box(at.get(`e${i}`)!, text));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
    // Nearest the middle first, and the same places for the same input.
    expect(at.get('e0')).toEqual({ t: 0.5, dy: 0, x: 350, y: 100 });
    expect(
      placeLabels(
        texts.map((text, i) => ({ id: `e${i}`, text, from, to })),
        [],
      ),
    ).toEqual(at);
  });

  it('step just off a short edge that has no free spot on it', () => {
    const from = { x: 160, y: 100 };
    const to = { x: 100, y: 100 };
    const at = placeLabels(
      ['subnet', 'network'].map((text, i) => ({ id: `e${i}`, text, from, to })),
      [],
    );
    expect(at.get('e0')!.dy).toBe(0);
    expect(at.get('e1')!.dy).toBe(-14);
    expect(overlaps(box(at.get('e0')!, 'subnet'), box(at.get('e1')!, 'network'))).toBe(false);
  });

  it('keep off nodes', () => {
    const node: Box = { x: 200, y: 60, width: 100, height: 80 };
    const at = placeLabels([{ id: 'a', text: 'network', from: { x: 600, y: 100 }, to: { x: 0, y: 100 } }], [node]);
    expect(overlaps(box(at.get('a')!, 'network'), node)).toBe(false);
  });
});
