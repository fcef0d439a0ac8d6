// When a group's member list opens on the canvas, the group grows downward
// over whatever was drawn under it. The nodes under it move down by as much
// as it grew (as lines below a paragraph that gets longer), and move back up
// when it closes: the layout below keeps its shape, and nothing hides
// beneath the group.
import type { Positions } from './layout.ts';
import type { Box } from './viewport.ts';

/**
 * The moves that keep the nodes under `node` clear of it after its height changed from `box.height`
 * to `height`: each node that shares some of its width (its x range) and lies at or below its old
 * bottom moves by the difference, down when it grew and up when it shrank.
 */
export function makeRoom(node: { name: string; box: Box }, height: number, others: Record<string, Box>): Positions {
  const grown = height - node.box.height;
  if (grown === 0) return {};
  const { x, y, width } = node.box;
  const bottom = y + node.box.height;
  const moves: Positions = {};
  for (const [name, b] of Object.entries(others)) {
    if (name === node.name) continue;
    const sharesWidth = b.x < x + width && x < b.x + b.width;
    if (sharesWidth && b.y >= bottom) moves[name] = { x: b.x, y: b.y + grown };
  }
  return moves;
}
