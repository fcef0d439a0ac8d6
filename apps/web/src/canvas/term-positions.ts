// Where the canvas puts a design's parameters (in a column left of the resources) and outputs (right of
// them), when the user has not moved them: worked out from the resources' positions at every change
// that moves, adds or renames one (a keystroke that renames a resource, at 1,000 resources).
import type { Positions, XY } from '@hearth/design';
import { isTermKey, NODE_WIDTH } from '@hearth/design';

/** The resources' leftmost and rightmost x and topmost y (0s for none); parameters' and outputs' own positions are left out. */
export interface ResourceSpan {
  left: number;
  right: number;
  top: number;
}

/** The span of the resources' own positions (those of parameters and outputs left out). */
export function resourceSpan(positions: Positions): ResourceSpan {
  let left = Infinity;
  let right = -Infinity;
  let top = Infinity;
  for (const key in positions) {
    if (isTermKey(key)) continue;
    const { x, y } = positions[key]!;
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
  }
  return left === Infinity ? { left: 0, right: 0, top: 0 } : { left, right, top };
}

/** Each term's position: where the user put it (`prefix:name`), or the next place down its column. */
export function termPositions(
  positions: Positions,
  span: ResourceSpan,
  names: string[],
  prefix: 'param' | 'output',
  side: 'left' | 'right',
): Record<string, XY> {
  const x = side === 'left' ? span.left - 260 : span.right + NODE_WIDTH + 80;
  const out: Record<string, XY> = {};
  names.forEach((n, i) => (out[n] = positions[`${prefix}:${n}`] ?? { x, y: span.top + i * 56 }));
  return out;
}
