// Whatever the input, analysis answers with diagnostics, never an exception,
// and in bounded time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusEntries, corpusRoot } from '../test-support/corpus.ts';
import { analyzeTemplate } from './analyze.ts';
import { TemplateDocument } from './document.ts';

describe('analysis of hostile and broken input', () => {
  it('answers a 50 MB file quickly with a size error', () => {
    const big = `heat_template_version: rocky\ndescription: ${'x'.repeat(50 * 1024 * 1024)}\n`;
    const started = performance.now();
    const a = analyzeTemplate(big);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(a.valid).toBe(false);
    expect(a.diagnostics[0]!.code).toBe('TEMPLATE_TOO_LARGE');
  });

  it('never throws on mutated corpus templates', () => {
    const root = corpusRoot();
    const entries = corpusEntries(root).filter((_, i) => i % 3 === 0);
    let seed = 99;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % Math.max(1, n);
    };
    const junk = [
      '{',
      '}',
      '[',
      ']',
      ':',
      '- ',
      '&a ',
      '*a',
      '!!int ',
      '"',
      "'",
      '\n',
      '  ',
      '#',
      '|',
      '>',
      'get_attr',
      '{get_resource: x}',
      '%',
      '\t',
    ];
    const doc = new TemplateDocument();
    for (const e of entries) {
      const text = readFileSync(join(root, e.path), 'utf8');
      for (let k = 0; k < 12; k++) {
        let t = text;
        for (let j = 0; j < 1 + rand(4); j++) {
          const at = rand(t.length);
          t = rand(2) ? t.slice(0, at) + junk[rand(junk.length)]! + t.slice(at) : t.slice(0, at) + t.slice(at + rand(20));
        }
        expect(() => analyzeTemplate(t, { filename: e.path })).not.toThrow();
        expect(() => doc.update(t)).not.toThrow();
      }
    }
  });

  it('keeps custom constraints and says they are not checked offline', () => {
    const a = analyzeTemplate(
      'heat_template_version: rocky\nparameters:\n  f:\n    type: string\n    constraints:\n      - custom_constraint: nova.flavor\n',
    );
    expect(a.valid).toBe(true);
    expect(a.diagnostics).toMatchObject([{ severity: 'info', code: 'PARAMETER_CUSTOM_CONSTRAINT', line: 6 }]);
  });
});
