// The templates bench/engine runs: N resources rI in one of three shapes.
//   fan    all independent
//   chain  each depends on the previous
//   layers W = ceil(sqrt(N)); resource I >= W depends on the two resources of
//          the previous layer at positions (I mod W) and ((I+1) mod W)

export type Shape = 'fan' | 'chain' | 'layers';

export function requirements(shape: Shape, n: number, i: number): number[] {
  if (shape === 'chain') return i > 0 ? [i - 1] : [];
  if (shape === 'layers') {
    const w = Math.ceil(Math.sqrt(n));
    if (i < w) return [];
    const layerStart = Math.floor(i / w) * w - w;
    return [...new Set([layerStart + (i % w), layerStart + ((i + 1) % w)])].filter((d) => d < n);
  }
  return [];
}

/** How many resources long the longest dependency path is. */
export function criticalPathLength(shape: Shape, n: number): number {
  const depth: number[] = [];
  for (let i = 0; i < n; i++) depth.push(1 + Math.max(0, ...requirements(shape, n, i).map((d) => depth[d]!)));
  return Math.max(0, ...depth);
}

export function shapeTemplate(shape: Shape, n: number, waitSecs: number): string {
  const lines = ['heat_template_version: 2018-08-31', 'resources:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  r${i}:`);
    lines.push(waitSecs > 0 ? '    type: OS::Heat::TestResource' : '    type: OS::Heat::None');
    const deps = requirements(shape, n, i);
    if (deps.length) lines.push(`    depends_on: [${deps.map((d) => `r${d}`).join(', ')}]`);
    if (waitSecs > 0) lines.push(`    properties: {wait_secs: ${waitSecs}}`);
  }
  return `${lines.join('\n')}\n`;
}
