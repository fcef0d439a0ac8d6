// The schedule's waves against Heat's own create order on every corpus
// template Heat could order (the same verdicts the template core is held to).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyzeTemplate } from '@hearth/template';
import { corpusEntries, corpusRoot, heatVerdict } from '@hearth/template/test-support';
import { describe, expect, it } from 'vitest';
import { estimator } from './estimates.ts';
import { scheduleOf } from './schedule.ts';
import { workflowOf } from './workflow.ts';

const root = corpusRoot();

describe('waves on the corpus', () => {
  it("equal Heat's create_order, and every resource is scheduled after what it waits for", () => {
    let compared = 0;
    for (const entry of corpusEntries(root)) {
      const expected = heatVerdict(root, entry.path);
      if (!expected?.valid || !expected.create_order || expected.graph_source) continue;
      const dir = dirname(join(root, entry.path));
      const analysis = analyzeTemplate(readFileSync(join(root, entry.path), 'utf8'), {
        filename: entry.path,
        loadFile: (p, from) => {
          const file = resolve(from ? dirname(join(root, from)) : dir, p);
          return existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
        },
      });
      const workflow = workflowOf(analysis);
      expect(workflow.waves, entry.path).toEqual(expected.create_order);
      const s = scheduleOf(workflow, { estimate: estimator({}) });
      expect(s.blocked, entry.path).toEqual([]);
      for (const step of s.steps)
        for (const w of step.after)
          expect(s.byId.get(w.on)!.finish, `${entry.path}: ${step.id} after ${w.on}`).toBeLessThanOrEqual(step.start);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });
});
