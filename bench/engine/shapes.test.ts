import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '@hearth/template';
import { criticalPathLength, requirements, shapeTemplate } from './shapes.ts';

describe('bench/engine shapes', () => {
  it('builds layers as the issue defines them', () => {
    // N = 100, W = 10: r10 depends on r0 and r1; r19 on r9 and r0; r25 on r15 and r16.
    expect(requirements('layers', 100, 10)).toEqual([0, 1]);
    expect(requirements('layers', 100, 19)).toEqual([9, 0]);
    expect(requirements('layers', 100, 25)).toEqual([15, 16]);
    expect(requirements('layers', 100, 9)).toEqual([]);
    expect(criticalPathLength('layers', 100)).toBe(10);
    expect(criticalPathLength('chain', 30)).toBe(30);
    expect(criticalPathLength('fan', 1000)).toBe(1);
  });

  it('writes templates whose graph Hearth derives as intended', () => {
    const analysis = analyzeTemplate(shapeTemplate('layers', 100, 0.5), { filename: 'layers.yaml' });
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(analysis.createOrder).toHaveLength(10);
    expect(analyzeTemplate(shapeTemplate('chain', 30, 0), { filename: 'chain.yaml' }).createOrder).toHaveLength(30);
  });
});
