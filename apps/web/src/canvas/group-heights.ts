// How tall groups are drawn: an expanded group lists its members, so it is
// taller than NODE_HEIGHT. Routes and auto layout take these heights (other
// nodes, and groups not drawn yet, are NODE_HEIGHT).
import type { ReactFlowState } from '@xyflow/react';

/** The heights React Flow measured for the `groups` named, by name (those measured). */
export function groupHeights(groups: readonly string[], nodeLookup: ReactFlowState['nodeLookup']): Record<string, number> {
  const heights: Record<string, number> = {};
  for (const name of groups) {
    const height = nodeLookup.get(name)?.measured.height;
    if (height) heights[name] = height;
  }
  return heights;
}
