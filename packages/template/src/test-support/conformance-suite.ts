// The conformance check shared by the HOT and the CloudFormation corpus: each
// template through Hearth, compared with Heat 19's own verdict (parsed, valid,
// each resource's requirements, the implicit dependencies, the outputs'
// resources and the creation waves). Where Heat says invalid, Hearth must say
// so with a diagnostic about the same thing, on a line that mentions it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../hot/analyze.ts';
import { validationReport, type ValidationReport } from '../report.ts';
import { heatVerdict, type CorpusEntry, type HeatVerdict } from './corpus.ts';

export type KnownDifferences = Record<string, { fields: string[]; reason: string }>;

export function describeConformance(root: string, entries: CorpusEntry[], differences: KnownDifferences): void {
  function run(path: string): { report: ValidationReport; text: string } {
    const text = readFileSync(join(root, path), 'utf8');
    const dir = dirname(join(root, path));
    const analysis = analyzeTemplate(text, {
      filename: path,
      loadFile: (p, from) => {
        const file = resolve(from ? dirname(join(root, from)) : dir, p);
        return existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
      },
    });
    return { report: validationReport(analysis, path), text };
  }

  /** What Heat's first error is about: the name it quotes. */
  function subjectOf(error: string): string | null {
    const patterns = [
      /The Resource Type \((.+?)\) could not be found/,
      /Could not fetch remote template "(.+?)"/,
      /Parameter '(.+?)' is invalid/,
      /Unknown Property (\S+)/,
      /The specified reference "(.+?)"/,
      /The Referenced Attribute \((\S+)/,
      /^(outputs\.[^.]+)/,
      /(Template version was not provided)/,
    ];
    for (const p of patterns) {
      const m = p.exec(error);
      if (m) return m[1]!;
    }
    return null;
  }

  function compareGraph(path: string, expected: HeatVerdict, report: ValidationReport): string[] {
    const problems: string[] = [];
    if (expected.graph_source) return problems; // Heat could not build the graph: nothing to compare.
    for (const [name, r] of Object.entries(expected.resources ?? {})) {
      if (r.requires === null) continue;
      const mine = report.resources[name];
      if (!mine) problems.push(`resource ${name} missing`);
      else if (JSON.stringify(mine.requires) !== JSON.stringify(r.requires))
        problems.push(`${name} requires ${mine.requires} (Heat: ${r.requires})`);
    }
    for (const name of Object.keys(report.resources)) if (!(name in (expected.resources ?? {}))) problems.push(`extra resource ${name}`);
    const fields: Array<['implicit' | 'outputs' | 'create_order', unknown, unknown]> = [
      ['implicit', expected.implicit, report.implicit],
      ['outputs', expected.outputs, report.outputs],
      ['create_order', expected.create_order, report.create_order],
    ];
    for (const [field, theirs, ours] of fields) {
      if (theirs === undefined || differences[path]?.fields.includes(field)) continue;
      if (JSON.stringify(theirs) !== JSON.stringify(ours))
        problems.push(`${field}: ${JSON.stringify(ours)} (Heat: ${JSON.stringify(theirs)})`);
    }
    return problems;
  }

  describe(`conformance with Heat 19 on ${entries.length} corpus templates (${root})`, () => {
    it('lists few known differences, each still present in the corpus', () => {
      expect(Object.keys(differences).length).toBeLessThan(entries.length * 0.02);
      const paths = new Set(entries.map((e) => e.path));
      for (const path of Object.keys(differences)) expect(paths.has(path), path).toBe(true);
    });

    const results = entries.map((e) => ({ path: e.path, expected: heatVerdict(root, e.path) }));

    it.each(results.filter((r) => r.expected !== null).map((r) => [r.path, r.expected!] as const))('%s', (path, expected) => {
      const { report, text } = run(path);
      expect(report.parsed, 'parsed').toBe(expected.parsed);
      expect(
        report.valid,
        `valid (Heat: ${expected.error ?? 'valid'}; Hearth: ${report.diagnostics.map((d) => d.message).join(' | ')})`,
      ).toBe(expected.valid);
      expect(compareGraph(path, expected, report)).toEqual([]);
      if (!expected.valid && expected.error) {
        const subject = subjectOf(expected.error);
        const errors = report.diagnostics.filter((d) => d.severity === 'error');
        expect(errors.length).toBeGreaterThan(0);
        if (subject) {
          const lines = text.split('\n');
          const match = errors.find(
            (d) => d.message.includes(subject) || d.path.includes(subject) || (lines[d.line - 1] ?? '').includes(subject.split('.').pop()!),
          );
          expect(match, `a diagnostic about "${subject}" (Heat: ${expected.error})`).toBeDefined();
          const line = lines[match!.line - 1] ?? '';
          const word = subject.split('.').pop()!;
          if (!subject.startsWith('Template version'))
            expect(line.includes(word) || match!.path.includes(word), `line ${match!.line} "${line.trim()}" mentions ${word}`).toBe(true);
        }
      }
    });
  });
}
